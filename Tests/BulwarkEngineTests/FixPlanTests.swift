import BulwarkCore
import BulwarkDockerfile
import BulwarkEngine
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

@Suite struct FixPlanTests {
    static let example = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack").path

    static func exampleReport() -> Report {
        let request = ScanRequest(paths: [example + "/k8s", example + "/Dockerfile"], evaluationDate: CalendarDate("2026-12-01")!)
        return Engine.standard.scan(request).report
    }

    /// Every unsuppressed finding is in exactly one change; changes are ordered by risk; the
    /// example's many pod findings collapse into a few changes.
    @Test func groupsEveryFindingOnce() throws {
        let report = Self.exampleReport()
        let plan = FixPlanner.plan(report.findings)
        let covered = plan.changes.flatMap(\.findings)
        #expect(covered.count == Set(covered).count)
        #expect(Set(covered) == Set(report.findings.indices.filter { !report.findings[$0].suppressed }))
        #expect(zip(plan.changes, plan.changes.dropFirst()).allSatisfy { $0.risk >= $1.risk })
        #expect(plan.changes.count * 3 <= covered.count, "\(plan.changes.count) changes for \(covered.count) findings")
        let context = try #require(plan.changes.first { $0.kind == .securityContext })
        #expect(context.findings.count >= 5)
        #expect(context.command?.hasPrefix("bulwark fix manifests --write ") == true)
        for change in plan.changes {
            #expect(change.risk == change.findings.reduce(0) { $0 + FixPlanner.weight(report.findings[$1].severity) })
        }
    }

    /// The plan's claim that `bulwark fix manifests` makes a change is true for every rule of those
    /// kinds: the fixer, run on each failing example of the rule, leaves no finding of that rule.
    @Test func manifestFixerResolvesWhatThePlanSaysItDoes() {
        let claimed = KubernetesRules.all.filter { FixPlanner.resolvedByManifestFixer($0.id) }
        #expect(claimed.count >= 15)
        var unresolved: [String] = []
        for rule in claimed {
            for example in rule.descriptor.failing {
                let text = example.stripped.text
                let fixed = ManifestFixer().fix(text: text, file: example.fileName)
                let request = ScanRequest(sources: [SourceInput(name: example.fileName, bytes: Array(fixed.fixed.utf8))])
                let left = Engine.standard.scan(request).report.findings.filter { $0.ruleId == rule.id }
                if !left.isEmpty { unresolved.append("\(rule.id) (\(example.sourceFile.split(separator: "/").last ?? ""):\(example.sourceLine))") }
            }
        }
        #expect(unresolved == [], "the plan says bulwark fix manifests resolves these, but it does not")
    }

    /// The object pass: the plan's command for the example's exposed Service, cluster-admin binding and
    /// unlabelled namespace is `bulwark fix manifests --write` over their directory, and that run resolves
    /// them. Every failing example of those rules is resolved or left with a warning naming the object.
    @Test func objectFixerResolvesTheExamplesObjectChanges() throws {
        let plan = FixPlanner.plan(Self.exampleReport().findings)
        let report = Self.exampleReport()
        let objectChanges = plan.changes.filter { change in
            change.findings.allSatisfy { FixPlanner.objectFixerRules.contains(report.findings[$0].ruleId) }
        }
        #expect(Set(objectChanges.flatMap { $0.findings.map { report.findings[$0].ruleId } }) == FixPlanner.objectFixerRules)
        let directory = Self.example + "/k8s"
        for change in objectChanges {
            #expect(change.command == "bulwark fix manifests --write \(directory)", "\(change.title)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        let inputs = try files.map { name in
            ManifestFixInput(file: name, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
        }
        let fixed = ManifestFixer().fix(files: inputs).map { SourceInput(name: $0.file, bytes: Array($0.fixed.utf8)) }
        let left = Engine.standard.scan(ScanRequest(sources: fixed)).report.findings.filter { FixPlanner.objectFixerRules.contains($0.ruleId) }
        #expect(left.map(\.message) == [])
        for rule in KubernetesRules.all where FixPlanner.objectFixerRules.contains(rule.id) {
            for example in rule.descriptor.failing {
                let result = ManifestFixer().fix(text: example.stripped.text, file: example.fileName)
                let request = ScanRequest(sources: [SourceInput(name: example.fileName, bytes: Array(result.fixed.utf8))])
                for finding in Engine.standard.scan(request).report.findings where finding.ruleId == rule.id {
                    #expect(result.warnings.contains { $0.message.contains(finding.object?.name ?? "?") }, "\(rule.id) at \(example.sourceLine): \(finding.message)")
                }
            }
        }
    }

    /// The same for `bulwark fix dockerfile` and the Dockerfile rules.
    @Test func dockerfileHardenerResolvesWhatThePlanSaysItDoes() {
        var unresolved: [String] = []
        for rule in DockerfileRules.all where FixPlanner.resolvedByDockerfileHardener(rule.id) {
            for example in rule.descriptor.failing {
                let hardened = DockerfileHardener.harden(text: example.stripped.text, file: example.fileName)
                let request = ScanRequest(sources: [SourceInput(name: example.fileName, bytes: Array(hardened.text.utf8))])
                let left = Engine.standard.scan(request).report.findings.filter { $0.ruleId == rule.id }
                if !left.isEmpty { unresolved.append("\(rule.id) (\(example.sourceFile.split(separator: "/").last ?? ""):\(example.sourceLine))") }
            }
        }
        #expect(unresolved == [], "the plan says bulwark fix dockerfile resolves these, but it does not")
    }

    /// Vulnerability findings group by package, whatever their advisories.
    @Test func packagesGroupAcrossAdvisories() {
        func finding(_ message: String, _ severity: Severity) -> Finding {
            Finding(ruleId: "vuln/python-package", severity: severity, title: "t", message: message, remediation: "r",
                    location: SourceLocation(file: "image.tar", line: 0, column: 0))
        }
        let findings = [
            finding("flask 0.12.2 (python) is affected by PYSEC-1 (CVE-1): fixed in 0.12.3; CVSS 7.5", .high),
            finding("flask 0.12.2 (python) is affected by PYSEC-2: fixed in 1.0; CVSS 5.0", .medium),
            finding("jinja2 2.10 (python) is affected by PYSEC-3: no fix yet", .critical),
        ]
        let plan = FixPlanner.plan(findings)
        #expect(plan.changes.map(\.title) == ["Upgrade jinja2 2.10 (python) in image.tar", "Upgrade flask 0.12.2 (python) in image.tar"])
        #expect(plan.changes[1].advice.contains("0.12.3 or 1.0"))
        #expect(plan.changes[0].risk == 10 && plan.changes[1].risk == 7)
    }
}
