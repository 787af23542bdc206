import BulwarkCore
import BulwarkKubernetes
import BulwarkReport
import Foundation
import Testing

@Suite struct RuleCatalogReporterTests {
    static let rules = ReportFixture.rules + [
        RuleDescriptor(
            id: "dockerfile/root-user", severity: .low, title: "Image runs as root | or not",
            summary: "The final stage runs as root.", remediation: "Add a USER instruction.",
            controls: ["cis-docker:4.1"],
            failing: [RuleExample("FROM alpine\n↓RUN make\n", fileName: "Dockerfile")],
            passing: [RuleExample("FROM alpine\nUSER 10001\n```\n", fileName: "Dockerfile")]
        ),
    ]

    @Test("golden files", arguments: RuleCatalogReporter.Format.allCases)
    func matchesTheGoldenFile(_ format: RuleCatalogReporter.Format) {
        let name = ["table": "rules.txt", "json": "rules.json", "markdown": "rules.md"][format.rawValue] ?? ""
        Golden.check(RuleCatalogReporter(format: format).render(Self.rules), against: name)
    }

    @Test func tableListsEveryRule() {
        let text = String(decoding: RuleCatalogReporter(format: .table).render(Self.rules), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID ") == true)
        #expect(lines.count == Self.rules.count + 2)
        #expect(text.contains("k8s/missing-network-policy (opt-in)"))
        #expect(lines.last == "10 rules")
    }

    @Test func jsonHasTheDocumentedShapeWithoutMarkers() throws {
        let bytes = RuleCatalogReporter(format: .json).render(Self.rules)
        let rules = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(rules.count == Self.rules.count)
        let first = try #require(rules.first)
        #expect(Set(first.keys) == ["id", "aliases", "severity", "title", "summary", "remediation", "controls", "tags", "enabledByDefault", "examples"])
        let docker = try #require(rules.first { $0["id"] as? String == "dockerfile/root-user" })
        let examples = try #require(docker["examples"] as? [String: [String]])
        #expect(examples["failing"] == ["FROM alpine\nRUN make\n"])
        #expect(examples["passing"] == ["FROM alpine\nUSER 10001\n```\n"])
        let privileged = try #require(rules.first { $0["id"] as? String == "k8s/privileged-container" })
        #expect(privileged["aliases"] as? [String] == ["k8s/privileged"])
        #expect(privileged["controls"] as? [String] == ["pss-baseline:privileged", "cis-k8s:5.2.2", "nist-800-190:4.4.3"])
    }

    @Test func markdownHasASectionPerDomainAndFencedExamples() {
        let text = String(decoding: RuleCatalogReporter(format: .markdown).render(Self.rules), as: UTF8.self)
        #expect(text.hasPrefix("# Bulwark rules\n"))
        for heading in ["## Dockerfiles (`dockerfile/`)", "## Kubernetes workloads (`k8s/`)", "## RBAC (`rbac/`)", "## Model serving (`serving/`)"] {
            #expect(text.contains("\n\(heading)\n"), "missing \(heading)")
        }
        #expect(text.contains("| [`dockerfile/root-user`](#dockerfileroot-user) | low | Image runs as root \\| or not | `cis-docker:4.1` |"))
        #expect(text.contains("```yaml\nkind: Pod\nspec: {}\n```\n"))
        #expect(text.contains("````dockerfile\nFROM alpine\nUSER 10001\n```\n````\n"))
        #expect(!text.contains("↓"))
    }

    @Test("renders the real Kubernetes catalogue", arguments: RuleCatalogReporter.Format.allCases)
    func rendersTheRealCatalogue(_ format: RuleCatalogReporter.Format) throws {
        let catalog = RuleCatalog(KubernetesRules.descriptors)
        let text = String(decoding: RuleCatalogReporter(format: format).render(catalog), as: UTF8.self)
        for rule in catalog.rules { #expect(text.contains(rule.id)) }
        if format == .json {
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any]
            #expect(parsed?.count == catalog.rules.count)
        }
    }
}

@Suite struct ComplianceSummarizerTests {
    let summarizer = ComplianceSummarizer(rules: ReportFixture.rules)

    func status(_ report: ComplianceReport, _ id: String) -> ComplianceReport.Control.Status? {
        report.controls.first { $0.id == id }?.status
    }

    @Test func cisKubernetesListsEveryControlOfItsCatalogue() {
        let report = summarizer.summarize(ReportFixture.findings, framework: "cis-k8s")
        #expect(report.framework == "cis-k8s")
        #expect(report.controls.map(\.id) == ControlCatalog.allControls(of: "cis-k8s"))
        let ids = report.controls.map(\.id)
        #expect(ids.firstIndex(of: "5.1.9")! < ids.firstIndex(of: "5.1.10")!)
        #expect(report.controls.first { $0.id == "5.2.7" }?.title == ControlCatalog.title(framework: "cis-k8s", control: "5.2.7"))
        #expect(report.counts.pass + report.counts.fail + report.counts.manual + report.counts.notApplicable == report.controls.count)
    }

    @Test func statusesFollowFindingsAndRules() {
        let report = summarizer.summarize(ReportFixture.findings, framework: "cis-k8s")
        #expect(status(report, "5.2.7") == .fail)  // run-as-non-root
        #expect(status(report, "5.2.2") == .fail)  // privileged, reported under its alias
        #expect(status(report, "5.2.5") == .pass)  // host-network: its only finding is suppressed
        #expect(report.controls.first { $0.id == "5.2.5" }?.suppressed == 1)
        #expect(status(report, "5.1.6") == .pass)  // automount: suppressed
        #expect(status(report, "5.7.3") == .pass)  // read-only-root-filesystem: checked, no finding
        #expect(status(report, "5.1.1") == .manual)  // no fixture rule cites it
        #expect(report.controls.first { $0.id == "5.2.2" }?.findings == ["k8s/privileged-container"])
    }

    @Test func scoreIsTheOneFormula() {
        let report = summarizer.summarize(ReportFixture.findings, framework: "cis-k8s")
        #expect(report.score == ComplianceScore.score(report.controls))
        #expect(report.score != nil && report.score! < 100)
        #expect(summarizer.summarize([], framework: "cis-k8s").score == 100)
    }

    @Test func notApplicableControlsAreLeftOutOfTheScore() {
        // The fixture's rules read Kubernetes objects; a scan that read none makes their controls not-applicable.
        let scope = ComplianceScope(domainOfRule: Dictionary(uniqueKeysWithValues: ReportFixture.rules.map { ($0.id, "kubernetes") }),
                                    scannedDomains: ["dockerfile"])
        let report = summarizer.summarize([], framework: "cis-k8s", scope: scope)
        #expect(status(report, "5.7.3") == .notApplicable)
        #expect(status(report, "5.1.1") == .manual)
        #expect(report.score == nil)
    }

    @Test func nistTitlesComeFromTheCatalogue() {
        let report = summarizer.summarize(ReportFixture.findings, framework: "nist-800-190")
        #expect(report.controls.map(\.id) == ControlCatalog.allControls(of: "nist-800-190"))
        #expect(status(report, "4.4.3") == .fail)
    }

    @Test func everyFrameworkListsItsWholeCatalogue() {
        for framework in ControlCatalog.all {
            let report = summarizer.summarize(ReportFixture.findings, framework: framework.id)
            #expect(report.controls.map(\.id) == framework.controls.map(\.id), "\(framework.id)")
            #expect(report.title == framework.title)
        }
    }
}
