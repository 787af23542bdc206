import Foundation

/// Reads the YAML tree of `.bulwark.yaml` into a `Configuration`: every key is checked, every value's
/// type too (see `Configuration.parse` for what is an error and what a warning), and rule ids are
/// recorded with their positions.
struct ConfigurationReader {
    let file: String
    var warnings: [InputWarning] = []
    var references: [Configuration.RuleReference] = []

    init(file: String) {
        self.file = file
    }

    static let topLevelKeys = ["failOn", "rules", "exclude", "ignore", "pss", "model"]
    static let modelKeys = ["allow"]
    static let allowKeys = ["global", "reason"]
    static let ruleKeys = ["disable", "enable", "severity"]
    static let excludeKeys = ["paths", "namespaces"]
    static let ignoreKeys = ["rules", "paths", "namespaces", "objects", "reason"]
    static let pssKeys = ["exemptions", "defaults"]
    static let exemptionKeys = ["namespaces", "runtimeClasses", "usernames"]
    static let defaultsKeys = ["enforce", "enforceVersion"]
    /// The Pod Security Standards levels, as the reference's `ParseLevel` accepts them.
    static let pssLevels = ["privileged", "baseline", "restricted"]

    mutating func read(_ root: YAMLNode, into config: inout Configuration) throws(InputError) {
        guard let pairs = root.pairs else {
            throw fail(root, "the configuration must be a mapping with the keys \(Self.list(Self.topLevelKeys)), not \(Self.describe(root))")
        }
        for pair in pairs {
            let value = pair.value
            switch pair.key.scalar ?? "" {
            case "failOn", "fail-on":
                guard let text = value.scalar, let threshold = FailThreshold(argument: text) else {
                    throw fail(value, "failOn must be one of critical, high, medium, low, info, none, not \(Self.describe(value))")
                }
                config.failOn = threshold
            case "rules":
                try readRules(value, into: &config)
            case "exclude":
                for entry in try mapping(value, "exclude", keys: Self.excludeKeys) {
                    switch entry.key.scalar ?? "" {
                    case "paths": config.excludedPaths += try strings(entry.value, "exclude.paths", of: "path globs")
                    case "namespaces": config.excludedNamespaces += try strings(entry.value, "exclude.namespaces", of: "namespaces")
                    default: throw unknownKey(entry.key, under: "exclude", expected: Self.excludeKeys)
                    }
                }
            case "ignore":
                try readIgnore(value, into: &config)
            case "pss":
                try readPSS(value, into: &config)
            case "model":
                try readModel(value, into: &config)
            default:
                throw fail(pair.key, "unknown configuration key \"\(pair.key.scalar ?? "")\" (expected \(Self.list(Self.topLevelKeys)))"
                           + SpellingSuggestion.didYouMean(pair.key.scalar ?? "", among: Self.topLevelKeys))
            }
        }
    }

    // MARK: - Sections

    private mutating func readRules(_ value: YAMLNode, into config: inout Configuration) throws(InputError) {
        for entry in try mapping(value, "rules", keys: Self.ruleKeys) {
            switch entry.key.scalar ?? "" {
            case "disable": config.disabledRules.formUnion(try ruleIds(entry.value, "rules.disable"))
            case "enable": config.enabledRules.formUnion(try ruleIds(entry.value, "rules.enable"))
            case "severity":
                guard entry.value.isMapping || entry.value.isNull else {
                    throw fail(entry.value, "rules.severity must be a mapping of rule id to severity ({k8s/…: high}), not \(Self.describe(entry.value))")
                }
                for override in entry.value.pairs ?? [] {
                    guard let id = override.key.scalar, !id.isEmpty else {
                        throw fail(override.key, "rules.severity: the keys must be rule ids, not \(Self.describe(override.key))")
                    }
                    let severities = ["critical", "high", "medium", "low", "info"]
                    guard let text = override.value.scalar, let severity = Severity(rawValue: text) else {
                        throw fail(override.value, "severity must be one of \(severities.joined(separator: ", ")), not \(Self.describe(override.value)) "
                                   + "(rules.severity of \(id))" + SpellingSuggestion.didYouMean(override.value.scalar ?? "", among: severities))
                    }
                    reference(id, "rules.severity", at: override.key)
                    config.severityOverrides[id] = severity
                }
            default:
                throw unknownKey(entry.key, under: "rules", expected: Self.ruleKeys)
            }
        }
    }

    private mutating func readIgnore(_ value: YAMLNode, into config: inout Configuration) throws(InputError) {
        if value.isNull { return }
        guard let items = value.sequence else {
            throw fail(value, "ignore must be a list of entries (- rules: […]  paths: […]  reason: …), not \(Self.describe(value))")
        }
        for (index, item) in items.enumerated() {
            let setting = "ignore[\(index)]"
            guard let pairs = item.pairs else {
                throw fail(item, "\(setting) must be a mapping with the keys \(Self.list(Self.ignoreKeys)), not \(Self.describe(item))")
            }
            var suppression = Configuration.Suppression()
            for entry in pairs {
                switch entry.key.scalar ?? "" {
                case "rule", "rules": suppression.rules = try ruleIds(entry.value, "\(setting).rules")
                case "path", "paths": suppression.paths = try strings(entry.value, "\(setting).paths", of: "path globs")
                case "namespace", "namespaces": suppression.namespaces = try strings(entry.value, "\(setting).namespaces", of: "namespaces")
                case "object", "objects": suppression.objects = try strings(entry.value, "\(setting).objects", of: "objects (Kind/namespace/name)")
                case "reason":
                    if let reason = entry.value.scalar {
                        suppression.reason = reason
                    } else if !entry.value.isNull {
                        warn(entry.value, "\(setting).reason should be text, not \(Self.describe(entry.value)); the default reason is used")
                    }
                default:
                    throw unknownKey(entry.key, under: setting, expected: Self.ignoreKeys)
                }
            }
            if suppression.rules.isEmpty && suppression.paths.isEmpty && suppression.namespaces.isEmpty && suppression.objects.isEmpty {
                warn(item, "\(setting) names no rules, paths, namespaces or objects, so it suppresses every finding")
            }
            config.suppressions.append(suppression)
        }
    }

    private mutating func readPSS(_ value: YAMLNode, into config: inout Configuration) throws(InputError) {
        for entry in try mapping(value, "pss", keys: Self.pssKeys) {
            switch entry.key.scalar ?? "" {
            case "exemptions":
                for exemption in try mapping(entry.value, "pss.exemptions", keys: Self.exemptionKeys) {
                    let setting = "pss.exemptions.\(exemption.key.scalar ?? "")"
                    switch exemption.key.scalar ?? "" {
                    case "namespaces": config.pss.exemptNamespaces = try strings(exemption.value, setting, of: "namespaces")
                    case "runtimeClasses": config.pss.exemptRuntimeClasses = try strings(exemption.value, setting, of: "RuntimeClass names")
                    case "usernames": config.pss.exemptUsernames = try strings(exemption.value, setting, of: "user names")
                    default: throw unknownKey(exemption.key, under: "pss.exemptions", expected: Self.exemptionKeys)
                    }
                }
            case "defaults":
                for setting in try mapping(entry.value, "pss.defaults", keys: Self.defaultsKeys) {
                    let value = setting.value
                    switch setting.key.scalar ?? "" {
                    case "enforce":
                        // The reference refuses an AdmissionConfiguration with an invalid level;
                        // reading it as restricted (as a namespace label would be) would hide the typo.
                        guard let level = value.scalar, Self.pssLevels.contains(level) else {
                            throw fail(value, "pss.defaults.enforce must be one of \(Self.pssLevels.joined(separator: ", ")), not \(Self.describe(value))"
                                       + SpellingSuggestion.didYouMean(value.scalar ?? "", among: Self.pssLevels))
                        }
                        config.pss.defaultEnforce = level
                    case "enforceVersion", "enforce-version":
                        guard let version = value.scalar, Self.isPSSVersion(version) else {
                            throw fail(value, "pss.defaults.enforceVersion must be \"latest\" or a Kubernetes minor version such as \"v1.30\", "
                                       + "not \(Self.describe(value))")
                        }
                        config.pss.defaultEnforceVersion = version
                    default:
                        throw unknownKey(setting.key, under: "pss.defaults", expected: Self.defaultsKeys)
                    }
                }
            default:
                throw unknownKey(entry.key, under: "pss", expected: Self.pssKeys)
            }
        }
    }

    /// `model.allow`: a list of `{global: module.name, reason: text}`. Both keys are required: an
    /// allowance without a reason cannot be reviewed, and a name that is not `module.name` would
    /// allow nothing (a pickle always imports a module and a name). Whether the global is one a
    /// peer scanner blocks is checked by the model domain, which knows the lists.
    private mutating func readModel(_ value: YAMLNode, into config: inout Configuration) throws(InputError) {
        for entry in try mapping(value, "model", keys: Self.modelKeys) {
            guard entry.key.scalar == "allow" else { throw unknownKey(entry.key, under: "model", expected: Self.modelKeys) }
            if entry.value.isNull { continue }
            guard let items = entry.value.sequence else {
                throw fail(entry.value, "model.allow must be a list of entries (- global: module.name  reason: …), not \(Self.describe(entry.value))")
            }
            for (index, item) in items.enumerated() {
                let setting = "model.allow[\(index)]"
                guard let pairs = item.pairs else {
                    throw fail(item, "\(setting) must be a mapping with the keys global and reason, not \(Self.describe(item))")
                }
                var global: (text: String, node: YAMLNode)?
                var reason: String?
                for pair in pairs {
                    switch pair.key.scalar ?? "" {
                    case "global":
                        guard let text = pair.value.scalar, !pair.value.isNull, pair.value.scalarStyle != .plain || pair.value.bool == nil else {
                            throw fail(pair.value, "\(setting).global must be a global written module.name, not \(Self.describe(pair.value))")
                        }
                        global = (text, pair.value)
                    case "reason":
                        guard let text = pair.value.scalar, !pair.value.isNull else {
                            throw fail(pair.value, "\(setting).reason must be text saying why the global is safe to load, not \(Self.describe(pair.value))")
                        }
                        reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    default:
                        throw unknownKey(pair.key, under: setting, expected: Self.allowKeys)
                    }
                }
                guard let global else { throw fail(item, "\(setting) names no global (global: module.name)") }
                guard let split = Configuration.PickleAllowance.split(global.text) else {
                    throw fail(global.node, "\(setting).global must be written module.name (or module:name when the name has dots), "
                               + "not \(Self.describe(global.node))")
                }
                guard let reason, !reason.isEmpty else {
                    throw fail(item, "\(setting) allows \(global.text) without a reason; say why it is safe to load (reason: …)")
                }
                config.modelAllowances.append(Configuration.PickleAllowance(
                    module: split.module, name: split.name, reason: reason, file: file,
                    line: global.node.position.line, column: global.node.position.column))
            }
        }
    }

    // MARK: - Values

    /// The pairs of a mapping; null is an empty mapping, anything else an error.
    private func mapping(_ node: YAMLNode, _ setting: String, keys: [String]) throws(InputError) -> [YAMLNode.Pair] {
        if node.isNull { return [] }
        guard let pairs = node.pairs else {
            throw fail(node, "\(setting) must be a mapping with the keys \(Self.list(keys)), not \(Self.describe(node))")
        }
        return pairs
    }

    /// A list of strings; one string stands for a list of one, null for an empty list.
    private func strings(_ node: YAMLNode, _ setting: String, of what: String) throws(InputError) -> [String] {
        try stringNodes(node, setting, of: what).map(\.text)
    }

    private func stringNodes(_ node: YAMLNode, _ setting: String, of what: String) throws(InputError) -> [(text: String, node: YAMLNode)] {
        if node.isNull { return [] }
        if let single = node.scalar { return [(single, node)] }
        guard let items = node.sequence else {
            throw fail(node, "\(setting) must be a list of \(what), not \(Self.describe(node))")
        }
        var values: [(text: String, node: YAMLNode)] = []
        for item in items {
            guard let value = item.scalar, !item.isNull else {
                throw fail(item, "\(setting) must be a list of \(what); an item is \(Self.describe(item))")
            }
            values.append((value, item))
        }
        return values
    }

    /// Rule ids (strings), recorded with their positions. A number or a boolean is an error: it
    /// cannot be a rule id, so the setting it was meant to make would be lost.
    private mutating func ruleIds(_ node: YAMLNode, _ setting: String) throws(InputError) -> [String] {
        let items = try stringNodes(node, setting, of: "rule ids")
        for (text, item) in items {
            if item.scalarStyle == .plain, item.int != nil || item.bool != nil || Self.isNumber(text) {
                throw fail(item, "\(setting) must list rule ids (such as \"k8s/…\"), not \(Self.describe(item))")
            }
            reference(text, setting, at: item)
        }
        return items.map(\.text)
    }

    private mutating func reference(_ id: String, _ setting: String, at node: YAMLNode) {
        references.append(Configuration.RuleReference(id: id, setting: setting, file: file, line: node.position.line, column: node.position.column))
    }

    // MARK: - Messages

    private func fail(_ node: YAMLNode, _ message: String) -> InputError {
        InputError(file: file, line: node.position.line, column: node.position.column, message: message)
    }

    private mutating func warn(_ node: YAMLNode, _ message: String) {
        warnings.append(InputWarning(file: file, line: node.position.line, column: node.position.column, message: message))
    }

    private func unknownKey(_ key: YAMLNode, under setting: String, expected: [String]) -> InputError {
        let name = key.scalar ?? ""
        return fail(key, "unknown key \"\(name)\" under \(setting) (expected \(Self.list(expected)))" + SpellingSuggestion.didYouMean(name, among: expected))
    }

    /// `a mapping`, `a list`, `the number 3`, `the boolean true`, `"strict"`, `nothing`.
    static func describe(_ node: YAMLNode) -> String {
        if node.isMapping { return "a mapping" }
        if node.isSequence { return "a list" }
        if node.isNull { return "nothing" }
        let text = node.scalar ?? ""
        if node.scalarStyle == .plain {
            if node.bool != nil { return "the boolean \(text)" }
            if node.int != nil || isNumber(text) { return "the number \(text)" }
        }
        return "\"\(text)\""
    }

    /// A decimal number as YAML writes one (`3`, `-1.5`, `2e3`), not `nan` or `inf`.
    static func isNumber(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isNumber || first == "-" || first == "+" || first == "." else { return false }
        return Double(text) != nil
    }

    static func list(_ keys: [String]) -> String {
        guard let last = keys.last else { return "" }
        return keys.count == 1 ? last : keys.dropLast().joined(separator: ", ") + " and " + last
    }

    /// `latest` or `v1.N` with the reference's pattern `^v1\.(0|[1-9][0-9]*)$`.
    static func isPSSVersion(_ text: String) -> Bool {
        if text == "latest" { return true }
        guard text.hasPrefix("v1.") else { return false }
        let digits = text.dropFirst(3)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber } && (digits == "0" || !digits.hasPrefix("0"))
    }
}
