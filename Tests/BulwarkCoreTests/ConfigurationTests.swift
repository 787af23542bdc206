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

    /// Wrongly typed values lose the setting they were meant to make: each is an error with its
    /// line and column, saying what was given and what is due.
    @Test(arguments: [
        ("rules: {disable: 3}\n", 1, 18, "rules.disable must list rule ids (such as \"k8s/…\"), not the number 3"),
        ("rules:\n  enable: [true]\n", 2, 12, "rules.enable must list rule ids (such as \"k8s/…\"), not the boolean true"),
        ("rules: [a]\n", 1, 8, "rules must be a mapping with the keys disable, enable and severity, not a list"),
        ("rules:\n  disable: {k8s/a: true}\n", 2, 12, "rules.disable must be a list of rule ids, not a mapping"),
        ("rules:\n  disable: [k8s/a, [k8s/b]]\n", 2, 20, "rules.disable must be a list of rule ids; an item is a list"),
        ("rules:\n  severity: [k8s/x]\n", 2, 13, "rules.severity must be a mapping of rule id to severity ({k8s/…: high}), not a list"),
        ("rules:\n  severity: {x: severe}\n", 2, 17, "severity must be one of critical, high, medium, low, info, not \"severe\" (rules.severity of x)"),
        ("rules:\n  severity: {x: hihg}\n", 2, 17,
         "severity must be one of critical, high, medium, low, info, not \"hihg\" (rules.severity of x) (did you mean \"high\"?)"),
        ("exclude: paths\n", 1, 10, "exclude must be a mapping with the keys paths and namespaces, not \"paths\""),
        ("exclude:\n  paths: {vendor: true}\n", 2, 10, "exclude.paths must be a list of path globs, not a mapping"),
        ("exclude:\n  namespace: [a]\n", 2, 3,
         "unknown key \"namespace\" under exclude (expected paths and namespaces) (did you mean \"namespaces\"?)"),
        ("ignore:\n  rules: [k8s/x]\n", 2, 3, "ignore must be a list of entries (- rules: […]  paths: […]  reason: …), not a mapping"),
        ("ignore:\n  - k8s/x\n", 2, 5, "ignore[0] must be a mapping with the keys rules, paths, namespaces, objects and reason, not \"k8s/x\""),
        ("ignore:\n  - rules: [a]\n  - rules: {k8s/x: true}\n", 3, 12, "ignore[1].rules must be a list of rule ids, not a mapping"),
        ("ignore:\n  - objects: {Deployment: x}\n", 2, 14, "ignore[0].objects must be a list of objects (Kind/namespace/name), not a mapping"),
        ("pss: {defaults: {enforce: strict}}\n", 1, 27,
         "pss.defaults.enforce must be one of privileged, baseline, restricted, not \"strict\""),
        ("pss:\n  defaults: {enforce: baselin}\n", 2, 23,
         "pss.defaults.enforce must be one of privileged, baseline, restricted, not \"baselin\" (did you mean \"baseline\"?)"),
        ("pss:\n  defaults:\n    enforceVersion: 1.30\n", 3, 21,
         "pss.defaults.enforceVersion must be \"latest\" or a Kubernetes minor version such as \"v1.30\", not the number 1.30"),
        ("pss:\n  defaults:\n    audit: baseline\n", 3, 5, "unknown key \"audit\" under pss.defaults (expected enforce and enforceVersion)"),
        ("pss:\n  exemptions: [kube-system]\n", 2, 15, "pss.exemptions must be a mapping with the keys namespaces, runtimeClasses and usernames, not a list"),
        ("pss:\n  exemptions: {namespace: [a]}\n", 2, 16,
         "unknown key \"namespace\" under pss.exemptions (expected namespaces, runtimeClasses and usernames) (did you mean \"namespaces\"?)"),
        ("pss: strict\n", 1, 6, "pss must be a mapping with the keys exemptions and defaults, not \"strict\""),
        ("failOn: [high]\n", 1, 9, "failOn must be one of critical, high, medium, low, info, none, not a list"),
        ("rule:\n  disable: [a]\n", 1, 1, "unknown configuration key \"rule\" (expected failOn, rules, exclude, ignore, pss and model) (did you mean \"rules\"?)"),
        ("model:\n  allow:\n    - global: mylib.Layer\n", 3, 7, "model.allow[0] allows mylib.Layer without a reason; say why it is safe to load (reason: …)"),
        ("model:\n  allow:\n    - global: mylib.Layer\n      reason: \"  \"\n", 3, 7,
         "model.allow[0] allows mylib.Layer without a reason; say why it is safe to load (reason: …)"),
        ("model:\n  allow:\n    - reason: reviewed\n", 3, 7, "model.allow[0] names no global (global: module.name)"),
        ("model:\n  allow:\n    - global: CustomLayer\n      reason: ok\n", 3, 15,
         "model.allow[0].global must be written module.name (or module:name when the name has dots), not \"CustomLayer\""),
        ("model:\n  allow:\n    - global: \"mylib.Layer; rm -rf\"\n      reason: ok\n", 3, 15,
         "model.allow[0].global must be written module.name (or module:name when the name has dots), not \"mylib.Layer; rm -rf\""),
        ("model:\n  allow:\n    - global: mylib.\n      reason: ok\n", 3, 15,
         "model.allow[0].global must be written module.name (or module:name when the name has dots), not \"mylib.\""),
        ("model:\n  allow:\n    - global: [mylib.Layer]\n      reason: ok\n", 3, 15,
         "model.allow[0].global must be a global written module.name, not a list"),
        ("model:\n  allow:\n    - global: mylib.Layer\n      reason: {why: ok}\n", 4, 15,
         "model.allow[0].reason must be text saying why the global is safe to load, not a mapping"),
        ("model:\n  allow:\n    - global: mylib.Layer\n      reason: ok\n      expires: 2027-01-01\n", 5, 7,
         "unknown key \"expires\" under model.allow[0] (expected global and reason)"),
        ("model:\n  allow:\n    global: mylib.Layer\n", 3, 5,
         "model.allow must be a list of entries (- global: module.name  reason: …), not a mapping"),
        ("model:\n  allow:\n    - mylib.Layer\n", 3, 7, "model.allow[0] must be a mapping with the keys global and reason, not \"mylib.Layer\""),
        ("model:\n  alow: []\n", 2, 3, "unknown key \"alow\" under model (expected allow) (did you mean \"allow\"?)"),
        ("model: [allow]\n", 1, 8, "model must be a mapping with the keys allow, not a list"),
    ])
    func wronglyTypedValuesAreErrorsAtTheirPosition(text: String, line: Int, column: Int, message: String) {
        #expect {
            try Configuration.parse(text, file: "cfg.yaml")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            #expect(error.message == message)
            #expect(error.line == line && error.column == column, "\(error)")
            return error.file == "cfg.yaml"
        }
    }

    @Test func modelAllowKeepsEachGlobalWithItsReasonAndPlace() throws {
        let config = try Configuration.parse("""
        model:
          allow:
            - global: mylib.layers.CustomLayer
              reason: "our own class, reviewed in PR 123"
            - global: "mylib.layers:Outer.Inner"
              reason: nested class
        """, file: "cfg.yaml")
        #expect(config.modelAllowances == [
            Configuration.PickleAllowance(module: "mylib.layers", name: "CustomLayer", reason: "our own class, reviewed in PR 123",
                                          file: "cfg.yaml", line: 3, column: 15),
            Configuration.PickleAllowance(module: "mylib.layers", name: "Outer.Inner", reason: "nested class",
                                          file: "cfg.yaml", line: 5, column: 15),
        ])
        #expect(config.modelAllowances.map(\.spelling) == ["mylib.layers.CustomLayer", "mylib.layers:Outer.Inner"])
        #expect(try Configuration.parse("model:\n  allow:\n").modelAllowances.isEmpty)
    }

    @Test func nullSectionsAreEmpty() throws {
        let config = try Configuration.parse("rules:\nexclude:\nignore:\npss:\n  defaults:\n")
        #expect(config == Configuration())
    }

    @Test func aReasonThatIsNotTextIsAWarning() throws {
        let config = try Configuration.parse("ignore:\n  - rules: [k8s/a]\n    reason: [a, b]\n", file: "cfg.yaml")
        #expect(config.suppressions.first?.reason == "suppressed by configuration")
        #expect(config.parseWarnings.map(\.description)
            == ["cfg.yaml:3:13: warning: ignore[0].reason should be text, not a list; the default reason is used"])
    }

    @Test func anIgnoreEntryThatNamesNothingWarnsThatItSuppressesEverything() throws {
        let config = try Configuration.parse("ignore:\n  - reason: accepted\n", file: "cfg.yaml")
        #expect(config.parseWarnings.map(\.description)
            == ["cfg.yaml:2:5: warning: ignore[0] names no rules, paths, namespaces or objects, so it suppresses every finding"])
    }

    // MARK: - Rule ids against the catalogue

    static let catalogue = ["k8s/latest-tag", "k8s/image-digest", "k8s/privileged-container", "docker/latest-tag", "k8s/old-name"]

    static func warnings(_ text: String) throws -> [String] {
        let config = try Configuration.parse(text, file: "cfg.yaml")
        return config.warnings(knownRuleIds: { catalogue.contains($0) }, allIds: catalogue).map(\.description)
    }

    @Test func knownIdsAndAliasesGiveNoWarning() throws {
        let text = """
        rules:
          disable: [k8s/image-digest, k8s/old-name]
          enable: k8s/privileged-container
          severity: {k8s/latest-tag: low}
        ignore:
          - rules: [k8s/*, latest-tag, docker/latest-tag]
        """
        #expect(try Self.warnings(text).isEmpty)
    }

    @Test(arguments: [
        ("rules:\n  disable: [k8s/latest-tags]\n",
         "cfg.yaml:2:13: warning: unknown rule id \"k8s/latest-tags\" under rules.disable; did you mean k8s/latest-tag?"),
        ("rules:\n  enable:\n    - k8s/privileged-containr\n",
         "cfg.yaml:3:7: warning: unknown rule id \"k8s/privileged-containr\" under rules.enable; did you mean k8s/privileged-container?"),
        ("rules:\n  severity:\n    k8s/imag-digest: low\n",
         "cfg.yaml:3:5: warning: unknown rule id \"k8s/imag-digest\" under rules.severity; did you mean k8s/image-digest?"),
        ("rules:\n  disable: [latest-tag]\n",
         "cfg.yaml:2:13: warning: unknown rule id \"latest-tag\" under rules.disable; did you mean docker/latest-tag or k8s/latest-tag?"),
        ("rules:\n  disable: [k8s/gpu-quota]\n",
         "cfg.yaml:2:13: warning: unknown rule id \"k8s/gpu-quota\" under rules.disable"),
        ("rules:\n  disable: [\"k8s/*\"]\n",
         "cfg.yaml:2:13: warning: rules.disable takes exact rule ids; \"k8s/*\" names no rule (patterns work only under ignore[].rules)"),
        ("ignore:\n  - rules: [\"gpu/*\"]\n",
         "cfg.yaml:2:13: warning: the pattern \"gpu/*\" under ignore[0].rules matches no rule"),
        ("ignore:\n  - rules: [k8s/latest-tag]\n  - rule: k8s/lattest-tag\n",
         "cfg.yaml:3:11: warning: unknown rule id \"k8s/lattest-tag\" under ignore[1].rules; did you mean k8s/latest-tag?"),
    ])
    func unknownRuleIdsWarnWithTheirPosition(text: String, expected: String) throws {
        #expect(try Self.warnings(text) == [expected])
    }

    @Test func warningsComeInFileOrder() throws {
        let text = "ignore:\n  - reason: all\nrules:\n  disable: [k8s/nope]\n"
        #expect(try Self.warnings(text).map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == ["cfg.yaml:2:5", "cfg.yaml:4:13"])
    }

    @Test func ruleReferencesKeepEveryMention() throws {
        let config = try Configuration.parse("rules:\n  disable: [a/b, a/b]\n")
        #expect(config.ruleReferences.map(\.column) == [13, 18])
        #expect(config.ruleReferences.allSatisfy { $0.setting == "rules.disable" && $0.file == ".bulwark.yaml" && !$0.isPattern })
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

@Suite struct SpellingSuggestionTests {
    @Test(arguments: [
        ("dsn", ["dns", "namespace"], ["dns"]),
        ("hihg", ["critical", "high", "medium"], ["high"]),
        ("nodeLocl", ["namespace", "selector", "nodeLocal"], ["nodeLocal"]),
        ("k8s/latest-tags", ["k8s/latest-tag", "k8s/image-digest"], ["k8s/latest-tag"]),
        ("latest-tag", ["k8s/latest-tag", "docker/latest-tag", "k8s/latest-tags"], ["docker/latest-tag", "k8s/latest-tag"]),
        ("severe", ["critical", "high", "medium", "low", "info"], []),
        ("x", ["y", "z"], ["y", "z"]),
        ("k8s/zzz", ["k8s/aaa"], []),
    ])
    func suggestsOnlyCloseNames(word: String, names: [String], expected: [String]) {
        #expect(SpellingSuggestion.candidates(for: word, among: names) == expected)
    }

    @Test func didYouMeanListsTheCandidates() {
        #expect(SpellingSuggestion.didYouMean("portz", among: ["ports", "port"]) == " (did you mean \"port\" or \"ports\"?)")
        #expect(SpellingSuggestion.didYouMean("zzz", among: ["ports"]).isEmpty)
    }
}
