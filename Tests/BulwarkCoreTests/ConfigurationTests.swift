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
        #expect(PathGlob.matches(pattern, path) == matches)
    }
}
