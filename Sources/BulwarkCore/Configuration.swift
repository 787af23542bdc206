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
/// model:
///   allow:                    # globals added to the pickle allowlist, each with a reason
///     - global: mylib.layers.CustomLayer
///       reason: "our own class, reviewed in PR 123"
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

    /// Where the configuration names a rule id (or, under `ignore[].rules`, a glob of ids).
    /// Core does not know the rule catalogue; `warnings(knownRuleIds:allIds:)` checks these
    /// against it.
    public struct RuleReference: Sendable, Hashable {
        public var id: String
        /// Where the id is named: `rules.disable`, `rules.enable`, `rules.severity` or `ignore[2].rules`.
        public var setting: String
        public var file: String
        public var line: Int
        public var column: Int

        public init(id: String, setting: String, file: String, line: Int, column: Int) {
            self.id = id
            self.setting = setting
            self.file = file
            self.line = line
            self.column = column
        }

        /// Under `ignore[].rules` an id is matched as a glob (`k8s/*`), as `Policy` does.
        public var isPattern: Bool { setting.hasPrefix("ignore[") }
    }

    /// A global that `model.allow` adds to the pickle allowlist: `module` and `name` as a pickle
    /// imports them (`global: module.name`, split at the last dot, or `module:name` when the name
    /// has dots), the reason given, and where the entry is (for the model domain's own check:
    /// a global that a peer scanner blocks is refused there, with this position).
    public struct PickleAllowance: Sendable, Equatable {
        public var module: String
        public var name: String
        public var reason: String
        public var file: String
        public var line: Int
        public var column: Int

        public init(module: String, name: String, reason: String, file: String = ".bulwark.yaml", line: Int = 0, column: Int = 0) {
            self.module = module
            self.name = name
            self.reason = reason
            self.file = file
            self.line = line
            self.column = column
        }

        /// `module.name`, as written in the configuration (`module:name` when the name has dots).
        public var spelling: String { name.contains(".") ? "\(module):\(name)" : "\(module).\(name)" }

        /// Splits `module.name` at the last dot, or `module:name` at the colon; nil when either
        /// part is empty or holds characters no Python dotted name has (spaces, `=`, control
        /// characters …). Shared by `--allow` and `model.allow`.
        public static func split(_ text: String) -> (module: String, name: String)? {
            guard let separator = text.firstIndex(of: ":") ?? text.lastIndex(of: ".") else { return nil }
            let module = text[..<separator]
            let name = text[text.index(after: separator)...]
            func isDotted(_ part: Substring) -> Bool {
                !part.isEmpty && !part.hasPrefix(".") && !part.hasSuffix(".") && !part.contains("..")
                    && part.unicodeScalars.allSatisfy { $0 == "." || $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            }
            guard isDotted(module), isDotted(name) else { return nil }
            return (String(module), String(name))
        }
    }

    public var failOn: FailThreshold?
    public var disabledRules: Set<String> = []
    public var enabledRules: Set<String> = []
    public var severityOverrides: [String: Severity] = [:]
    public var excludedPaths: [String] = []
    public var excludedNamespaces: [String] = []
    public var suppressions: [Suppression] = []
    public var pss = PSSSettings()
    /// `model.allow`: globals added to the pickle allowlist, in file order.
    public var modelAllowances: [PickleAllowance] = []
    /// Every rule id the file names, with its position, in file order.
    public var ruleReferences: [RuleReference] = []
    /// Harmless mistakes found while parsing (a setting with no effect); see `warnings(knownRuleIds:allIds:)`.
    public var parseWarnings: [InputWarning] = []

    public init() {}

    /// Reads a configuration file (through `InputFile`: a regular file or a named pipe, at most
    /// 1 MiB); errors carry the file, line and reason.
    public static func load(file: String) throws(InputError) -> Configuration {
        switch InputFile.read(file, limit: ByteLimit(bytes: 1 << 20)) {
        case .failure(let error): throw error
        case .success(let bytes): return try parse(String(decoding: bytes, as: UTF8.self), file: file)
        }
    }

    /// Parses `.bulwark.yaml`.
    ///
    /// A value of the wrong type is an error with its line: the setting it was meant to make would
    /// otherwise be lost or changed (a list where a mapping is due, a mapping where a list is due,
    /// a number where rule ids are due, an invalid severity or Pod Security level). Mistakes that
    /// change nothing are warnings (`parseWarnings`): a `reason` that is not text, an `ignore` entry
    /// that names nothing to match. Rule ids are recorded in `ruleReferences` and checked against the
    /// catalogue by `warnings(knownRuleIds:allIds:)`.
    public static func parse(_ text: String, file: String = ".bulwark.yaml") throws(InputError) -> Configuration {
        let result = YAMLReader.read(text)
        if let error = result.errors.first {
            throw error.located(in: file)
        }
        var config = Configuration()
        guard let root = result.documents.first?.root, !root.isNull else { return config }
        var reader = ConfigurationReader(file: file)
        try reader.read(root, into: &config)
        config.ruleReferences = reader.references
        config.parseWarnings = reader.warnings
        return config
    }

    /// True when a path matches one of the exclusion globs.
    public func isExcluded(path: String) -> Bool {
        excludedPaths.contains { PathGlob.matches($0, path) }
    }
}
