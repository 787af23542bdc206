import BulwarkCore
import Testing

@Suite struct ConfigurationTests {
    static let full = """
    failOn: medium
    rules:
      disable: [k8s/image-digest]
      enable: [k8s/opt-in]
      severity: {k8s/latest-tag: critical}
    exclude:
      paths: ["vendor/**"]
      namespaces: [kube-system]
    ignore:
      - rules: [k8s/run-as-non-root]
        objects: ["Deployment/legacy/old-api"]
        reason: migrating in Q3
    pss:
      exemptions: {namespaces: [kube-system], runtimeClasses: [gvisor]}
      defaults: {enforce: baseline, enforceVersion: v1.30}
    """

    @Test func parsesEverySection() throws {
        let config = try Configuration.parse(Self.full)
        #expect(config.failOn == .severity(.medium))
        #expect(config.disabledRules == ["k8s/image-digest"])
        #expect(config.enabledRules == ["k8s/opt-in"])
        #expect(config.severityOverrides == ["k8s/latest-tag": .critical])
        #expect(config.excludedPaths == ["vendor/**"])
        #expect(config.excludedNamespaces == ["kube-system"])
        #expect(config.suppressions.first?.reason == "migrating in Q3")
        #expect(config.pss.exemptRuntimeClasses == ["gvisor"])
        #expect(config.pss.defaultEnforce == "baseline")
        #expect(config.pss.defaultEnforceVersion == "v1.30")
    }

    @Test(arguments: [
        ("failOn: severe\n", 1, "failOn must be one of"),
        ("rules:\n  disabel: [x]\n", 2, "unknown key \"disabel\""),
        ("rules:\n  severity: {k8s/x: huge}\n", 2, "severity must be one of"),
        ("color: red\n", 1, "unknown configuration key"),
        ("rules: [\n", 2, "flow"),
        ("- a\n- b\n", 1, "must be a mapping"),
    ])
    func reportsMistakesWithTheirLine(text: String, line: Int, fragment: String) {
        #expect {
            try Configuration.parse(text, file: "cfg.yaml")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == "cfg.yaml" && error.line == line && error.message.contains(fragment)
        }
    }

    @Test(arguments: [
        ("vendor/**", "vendor/a/b.yaml", true),
        ("vendor/**", "src/vendor.yaml", false),
        ("**/testdata/**", "a/b/testdata/x.yaml", true),
        ("*.json", "deep/dir/x.json", true),
        ("k8s/*.yaml", "k8s/a.yaml", true),
        ("k8s/*.yaml", "k8s/sub/a.yaml", false),
        ("k8s/?.yaml", "k8s/a.yaml", true),
        ("k8s/*", "k8s/latest-tag", true),
    ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(Glob.matches(pattern, path) == matches)
    }
}

@Suite struct PolicyTests {
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
        let applied = Policy(configuration: config).apply([Self.finding("k8s/new-name")], catalog: Self.catalog)
        #expect(applied.first?.severity == .low)
        config.disabledRules = ["k8s/old-name"]
        #expect(Policy(configuration: config).apply([Self.finding("k8s/new-name")], catalog: Self.catalog).isEmpty)
        #expect(Policy(configuration: config).isEnabled(try #require(Self.catalog.rule("k8s/new-name"))) == false)
    }

    @Test func optInRulesRunOnlyWhenEnabled() throws {
        let rule = try #require(Self.catalog.rule("k8s/opt-in"))
        #expect(Policy(configuration: Configuration()).isEnabled(rule) == false)
        var config = Configuration()
        config.enabledRules = ["k8s/opt-in"]
        #expect(Policy(configuration: config).isEnabled(rule))
    }

    @Test func suppressionsMarkButKeepFindings() throws {
        let config = try Configuration.parse("ignore:\n  - rules: [k8s/*]\n    objects: [Deployment/ml/api]\n    reason: accepted risk\n")
        let applied = Policy(configuration: config).apply([Self.finding("k8s/new-name"), Self.finding("k8s/new-name", namespace: "other")], catalog: Self.catalog)
        #expect(applied.map(\.suppressed) == [true, false])
        #expect(applied.first?.suppressionReason == "accepted risk")
    }

    @Test func exclusionsDropFindings() throws {
        let config = try Configuration.parse("exclude:\n  paths: [\"vendor/**\"]\n  namespaces: [kube-system]\n")
        let findings = [Self.finding("k8s/new-name", file: "vendor/x.yaml"), Self.finding("k8s/new-name", namespace: "kube-system"), Self.finding("k8s/new-name")]
        #expect(Policy(configuration: config).apply(findings, catalog: Self.catalog).count == 1)
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
