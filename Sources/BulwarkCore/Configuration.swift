import Foundation

/// `.bulwark.yaml`: which rules run, their severities, and what is exempt.
///
/// ```yaml
/// failOn: high                # default for --fail-on
/// rules:
///   disable: [k8s/image-digest]
///   enable: [k8s/some-opt-in-rule]
///   severity: {k8s/latest-tag: critical}
/// exclude:
///   paths: ["vendor/**", "**/testdata/**"]
///   namespaces: [kube-system]
/// ignore:                     # suppressions: findings stay in JSON/SARIF marked suppressed
///   - rules: [k8s/run-as-non-root]
///     paths: ["charts/legacy/**"]
///     namespaces: [legacy]
///     objects: ["Deployment/legacy/old-api"]
///     reason: migrating in Q3
/// pss:
///   exemptions: {namespaces: [kube-system], runtimeClasses: [gvisor], usernames: []}
///   defaults: {enforce: baseline, enforceVersion: latest}
/// ```
public struct Configuration: Sendable, Equatable {
    public struct Suppression: Sendable, Equatable {
        public var rules: [String] = []
        public var paths: [String] = []
        public var namespaces: [String] = []
        public var objects: [String] = []
        public var reason: String = "suppressed by configuration"

        public init(rules: [String] = [], paths: [String] = [], namespaces: [String] = [], objects: [String] = [], reason: String = "suppressed by configuration") {
            self.rules = rules
            self.paths = paths
            self.namespaces = namespaces
            self.objects = objects
            self.reason = reason
        }
    }

    public struct PSSSettings: Sendable, Equatable {
        public var exemptNamespaces: [String] = []
        public var exemptRuntimeClasses: [String] = []
        public var exemptUsernames: [String] = []
        public var defaultEnforce: String = "privileged"
        public var defaultEnforceVersion: String = "latest"

        public init() {}
    }

    public var failOn: FailThreshold?
    public var disabledRules: Set<String> = []
    public var enabledRules: Set<String> = []
    public var severityOverrides: [String: Severity] = [:]
    public var excludedPaths: [String] = []
    public var excludedNamespaces: [String] = []
    public var suppressions: [Suppression] = []
    public var pss = PSSSettings()

    public init() {}

    /// Reads a configuration file; errors carry the file, line and reason.
    public static func load(file: String) throws(InputError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw InputError(file: file, message: "cannot read configuration file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: file)
    }

    public static func parse(_ text: String, file: String = ".bulwark.yaml") throws(InputError) -> Configuration {
        let result = YAMLReader.read(text)
        if let error = result.errors.first {
            throw InputError(file: file, line: error.line, column: error.column, message: error.message)
        }
        var config = Configuration()
        guard let root = result.documents.first?.root, !root.isNull else { return config }
        guard let pairs = root.pairs else {
            throw InputError(file: file, line: root.position.line, column: root.position.column, message: "configuration must be a mapping")
        }
        func fail(_ node: YAMLNode, _ message: String) -> InputError {
            InputError(file: file, line: node.position.line, column: node.position.column, message: message)
        }
        func strings(_ node: YAMLNode) throws(InputError) -> [String] {
            if node.isNull { return [] }
            if let single = node.scalar { return [single] }
            guard let items = node.sequence else { throw fail(node, "expected a list of strings") }
            var values: [String] = []
            for item in items {
                guard let value = item.scalar else { throw fail(item, "expected a string") }
                values.append(value)
            }
            return values
        }
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            switch key {
            case "failOn", "fail-on":
                guard let text = value.scalar, let threshold = FailThreshold(argument: text) else {
                    throw fail(value, "failOn must be one of critical, high, medium, low, info, none")
                }
                config.failOn = threshold
            case "rules":
                for rulePair in value.pairs ?? [] {
                    switch rulePair.key.scalar ?? "" {
                    case "disable": config.disabledRules.formUnion(try strings(rulePair.value))
                    case "enable": config.enabledRules.formUnion(try strings(rulePair.value))
                    case "severity":
                        for entry in rulePair.value.pairs ?? [] {
                            guard let id = entry.key.scalar, let text = entry.value.scalar, let severity = Severity(rawValue: text) else {
                                throw fail(entry.value, "severity must be one of critical, high, medium, low, info")
                            }
                            config.severityOverrides[id] = severity
                        }
                    default: throw fail(rulePair.key, "unknown key \"\(rulePair.key.scalar ?? "")\" under rules (expected disable, enable, severity)")
                    }
                }
            case "exclude":
                for entry in value.pairs ?? [] {
                    switch entry.key.scalar ?? "" {
                    case "paths": config.excludedPaths += try strings(entry.value)
                    case "namespaces": config.excludedNamespaces += try strings(entry.value)
                    default: throw fail(entry.key, "unknown key under exclude (expected paths, namespaces)")
                    }
                }
            case "ignore":
                for item in value.items {
                    var suppression = Suppression()
                    for entry in item.pairs ?? [] {
                        switch entry.key.scalar ?? "" {
                        case "rule", "rules": suppression.rules = try strings(entry.value)
                        case "path", "paths": suppression.paths = try strings(entry.value)
                        case "namespace", "namespaces": suppression.namespaces = try strings(entry.value)
                        case "object", "objects": suppression.objects = try strings(entry.value)
                        case "reason": suppression.reason = entry.value.scalar ?? suppression.reason
                        default: throw fail(entry.key, "unknown key under ignore (expected rules, paths, namespaces, objects, reason)")
                        }
                    }
                    config.suppressions.append(suppression)
                }
            case "pss":
                for entry in value.pairs ?? [] {
                    switch entry.key.scalar ?? "" {
                    case "exemptions":
                        config.pss.exemptNamespaces = try strings(entry.value["namespaces"] ?? YAMLNode(.sequence([]), position: entry.value.position))
                        config.pss.exemptRuntimeClasses = try strings(entry.value["runtimeClasses"] ?? YAMLNode(.sequence([]), position: entry.value.position))
                        config.pss.exemptUsernames = try strings(entry.value["usernames"] ?? YAMLNode(.sequence([]), position: entry.value.position))
                    case "defaults":
                        if let level = entry.value["enforce"]?.scalar { config.pss.defaultEnforce = level }
                        if let version = entry.value["enforceVersion"]?.scalar ?? entry.value["enforce-version"]?.scalar {
                            config.pss.defaultEnforceVersion = version
                        }
                    default: throw fail(entry.key, "unknown key under pss (expected exemptions, defaults)")
                    }
                }
            default:
                throw fail(pair.key, "unknown configuration key \"\(key)\" (expected failOn, rules, exclude, ignore, pss)")
            }
        }
        return config
    }

    /// True when a path matches one of the exclusion globs.
    public func isExcluded(path: String) -> Bool {
        excludedPaths.contains { PathGlob.matches($0, path) }
    }
}
