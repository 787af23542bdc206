import BulwarkCore
import BulwarkEngine
import Testing

/// What `.bulwark.yaml` does to rules and findings (`Configuration+Findings`).
@Suite struct ConfigurationEffectsTests {
    static let catalog = RuleCatalog([
        RuleDescriptor(id: "k8s/new-name", aliases: ["k8s/old-name"], severity: .high, title: "t", summary: "S.", remediation: "R.",
                       controls: ["cis-k8s:5.1.1"], failing: [RuleExample("x")], passing: [RuleExample("y")]),
        RuleDescriptor(id: "k8s/opt-in", severity: .low, title: "t", summary: "S.", remediation: "R.",
                       controls: ["cis-k8s:5.1.1"], failing: [RuleExample("x")], passing: [RuleExample("y")], enabledByDefault: false),
    ])

    static func finding(_ rule: String, file: String = "k8s/a.yaml", namespace: String? = "ml", severity: Severity = .high) -> Finding {
        Finding(ruleId: rule, severity: severity, title: "t", message: "m", remediation: "r",
                location: SourceLocation(file: file, line: 3, column: 5),
                object: ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: namespace, name: "api"))
    }

    @Test func aliasesSelectRenamedRules() throws {
        var config = Configuration()
        config.severityOverrides["k8s/old-name"] = .low
        let applied = config.apply(to: [Self.finding("k8s/new-name")], catalog: Self.catalog)
        #expect(applied.first?.severity == .low)
        config.disabledRules = ["k8s/old-name"]
        #expect(config.apply(to: [Self.finding("k8s/new-name")], catalog: Self.catalog).isEmpty)
        #expect(config.enables(try #require(Self.catalog.rule("k8s/new-name"))) == false)
    }

    @Test func optInRulesRunOnlyWhenEnabled() throws {
        let rule = try #require(Self.catalog.rule("k8s/opt-in"))
        #expect(Configuration().enables(rule) == false)
        var config = Configuration()
        config.enabledRules = ["k8s/opt-in"]
        #expect(config.enables(rule))
    }

    @Test func suppressionsMarkButKeepFindings() throws {
        let config = try Configuration.parse("ignore:\n  - rules: [k8s/*]\n    objects: [Deployment/ml/api]\n    reason: accepted risk\n")
        let applied = config.apply(to: [Self.finding("k8s/new-name"), Self.finding("k8s/new-name", namespace: "other")], catalog: Self.catalog)
        #expect(applied.map(\.suppressed) == [true, false])
        #expect(applied.first?.suppressionReason == "accepted risk")
    }

    @Test func exclusionsDropFindings() throws {
        let config = try Configuration.parse("exclude:\n  paths: [\"vendor/**\"]\n  namespaces: [kube-system]\n")
        let findings = [Self.finding("k8s/new-name", file: "vendor/x.yaml"), Self.finding("k8s/new-name", namespace: "kube-system"), Self.finding("k8s/new-name")]
        #expect(config.apply(to: findings, catalog: Self.catalog).count == 1)
    }

    @Test func exitCodesFollowTheContract() {
        let high = Self.finding("k8s/new-name")
        var suppressed = high
        suppressed.suppressed = true
        let error = InputError(file: "x.yaml", line: 1, column: 1, message: "bad")
        #expect(Report(findings: [], errors: [], files: 1, objects: 0).exitCode(failOn: .severity(.high)) == 0)
        #expect(Report(findings: [high], errors: [], files: 1, objects: 1).exitCode(failOn: .severity(.high)) == 1)
        #expect(Report(findings: [high], errors: [], files: 1, objects: 1).exitCode(failOn: .severity(.critical)) == 0)
        #expect(Report(findings: [high], errors: [], files: 1, objects: 1).exitCode(failOn: .none) == 0)
        #expect(Report(findings: [suppressed], errors: [], files: 1, objects: 1).exitCode(failOn: .severity(.info)) == 0)
        #expect(Report(findings: [high], errors: [error], files: 2, objects: 1).exitCode(failOn: .severity(.high)) == 2)
    }

    @Test func reportSortsFindingsByFileLineRule() {
        let a = Self.finding("k8s/b", file: "b.yaml")
        var b = Self.finding("k8s/a", file: "b.yaml")
        b.location.line = 1
        let c = Self.finding("k8s/z", file: "a.yaml")
        let report = Report(findings: [a, b, c], errors: [], files: 2, objects: 3)
        #expect(report.findings.map(\.ruleId) == ["k8s/z", "k8s/a", "k8s/b"])
        #expect(report.summary.findings.high == 3)
    }
}
