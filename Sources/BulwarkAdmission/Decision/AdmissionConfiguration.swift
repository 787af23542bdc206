import BulwarkCore
import BulwarkKubernetes

/// The webhook's configuration file (`bulwark admission serve --config admission.yaml`):
///
/// ```yaml
/// mode: warn                 # namespaces without a bulwark.dev/mode label (enforce | warn | audit)
/// level: restricted          # namespaces without a bulwark.dev/enforce label (restricted | baseline)
/// namespaces:                # per-namespace settings; they win over the namespace's labels
///   ml-prod: {mode: enforce, level: restricted}
/// exempt:
///   namespaces: [kube-system, bulwark-system]
///   users: [system:serviceaccount:kube-system:generic-garbage-collector]
///   groups: [system:nodes]
///   labels: {bulwark.dev/exempt: "true"}   # object labels
/// updates: changes           # changes | all: on UPDATE, deny only violations the old object did not have
/// onTimeout: {enforce: deny, warn: allow, audit: allow}
/// mutation: {enabled: true, readOnlyRootFilesystem: false}
/// signatures:                # optional: deny pods whose model is not signed
///   publicKey: /etc/bulwark/model-signing.pub
///   mode: enforce
///   models:
///     - uri: s3://models-prod/            # storageUri prefix, or pvc://CLAIM/ for a model volume
///       directory: /models/prod           # where the webhook reads the same files
/// ```
///
/// The configuration file is the cluster administrator's: its per-namespace entries win over the
/// namespace labels (which a namespace owner might set to weaken enforcement).
public struct AdmissionConfiguration: Sendable {
    public struct NamespaceSettings: Sendable, Equatable {
        public var mode: AdmissionMode?
        public var level: AdmissionLevel?

        public init(mode: AdmissionMode? = nil, level: AdmissionLevel? = nil) {
            self.mode = mode
            self.level = level
        }
    }

    public struct Exemptions: Sendable, Equatable {
        public var namespaces: Set<String>
        public var users: Set<String>
        public var groups: Set<String>
        /// An object carrying every one of these labels (with these values) is exempt.
        public var labels: [String: String]

        public init(namespaces: Set<String> = [], users: Set<String> = [], groups: Set<String> = [], labels: [String: String] = [:]) {
            self.namespaces = namespaces
            self.users = users
            self.groups = groups
            self.labels = labels
        }
    }

    /// How an UPDATE is judged.
    public enum UpdatePolicy: String, Sendable, CaseIterable {
        /// Only violations the old object did not have are enforced; the others are warnings (so
        /// labelling a namespace does not block scaling or relabelling what already runs there).
        case changes
        /// Every violation of the new object is enforced.
        case all
    }

    /// What the webhook answers when its deadline passes before the decision.
    public enum TimeoutAction: String, Sendable, CaseIterable {
        case allow, deny
    }

    public struct Mutation: Sendable, Equatable {
        public var enabled: Bool
        public var readOnlyRootFilesystem: Bool

        public init(enabled: Bool = true, readOnlyRootFilesystem: Bool = false) {
            self.enabled = enabled
            self.readOnlyRootFilesystem = readOnlyRootFilesystem
        }
    }

    public struct SignaturePolicy: Sendable, Equatable {
        public struct Location: Sendable, Equatable {
            /// A `storageUri` prefix (`s3://models-prod/`), or `pvc://CLAIM/` for a model volume.
            public var uri: String
            /// The directory holding the same files, readable by the webhook.
            public var directory: String

            public init(uri: String, directory: String) {
                self.uri = uri
                self.directory = directory
            }
        }

        public var publicKeyPath: String
        /// nil: the namespace's mode.
        public var mode: AdmissionMode?
        public var locations: [Location]
        /// The signature file inside each model directory.
        public var signatureFile: String

        public init(publicKeyPath: String, mode: AdmissionMode? = nil, locations: [Location] = [], signatureFile: String = "model.sig") {
            self.publicKeyPath = publicKeyPath
            self.mode = mode
            self.locations = locations
            self.signatureFile = signatureFile
        }
    }

    public var mode: AdmissionMode
    public var level: AdmissionLevel
    public var namespaces: [String: NamespaceSettings]
    public var exempt: Exemptions
    public var updates: UpdatePolicy
    public var onTimeout: [AdmissionMode: TimeoutAction]
    public var mutation: Mutation
    public var signatures: SignaturePolicy?

    public init(mode: AdmissionMode = .warn, level: AdmissionLevel = .restricted, namespaces: [String: NamespaceSettings] = [:],
                exempt: Exemptions = Exemptions(), updates: UpdatePolicy = .changes,
                onTimeout: [AdmissionMode: TimeoutAction] = [.enforce: .deny, .warn: .allow, .audit: .allow],
                mutation: Mutation = Mutation(), signatures: SignaturePolicy? = nil) {
        self.mode = mode
        self.level = level
        self.namespaces = namespaces
        self.exempt = exempt
        self.updates = updates
        self.onTimeout = onTimeout
        self.mutation = mutation
        self.signatures = signatures
    }

    /// The mode for a namespace: the configuration's entry for it, else the route's (the namespace
    /// label the webhook entry matched), else the default.
    public func mode(namespace: String, route: AdmissionRoute) -> AdmissionMode {
        namespaces[namespace]?.mode ?? route.mode ?? mode
    }

    public func level(namespace: String, route: AdmissionRoute) -> AdmissionLevel {
        namespaces[namespace]?.level ?? route.level ?? level
    }

    public func timeoutAction(_ mode: AdmissionMode) -> TimeoutAction {
        onTimeout[mode] ?? (mode == .enforce ? .deny : .allow)
    }
}

// MARK: - Reading

extension AdmissionConfiguration {
    static let topLevelKeys = ["mode", "level", "namespaces", "exempt", "updates", "onTimeout", "mutation", "signatures"]
    static let exemptKeys = ["namespaces", "users", "groups", "labels"]
    static let namespaceKeys = ["mode", "level"]
    static let mutationKeys = ["enabled", "readOnlyRootFilesystem"]
    static let signatureKeys = ["publicKey", "mode", "models", "signatureFile"]
    static let locationKeys = ["uri", "directory"]

    /// Reads a configuration file; every key and value is checked, and a mistake names its line.
    public static func load(file: String) throws(InputError) -> AdmissionConfiguration {
        let bytes: [UInt8]
        switch InputFile.open(file, named: true).flatMap({ $0.readAll(limit: ByteLimit(bytes: 1 << 20)) }) {
        case .failure(let error): throw error
        case .success(let value): bytes = value
        }
        return try parse(bytes, file: file)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> AdmissionConfiguration {
        let result = YAMLReader.read(bytes: bytes)
        if let error = result.errors.first {
            throw InputError(file: file, line: error.line, column: error.column, message: error.message)
        }
        guard result.documents.count <= 1 else { throw InputError(file: file, message: "expected one YAML document") }
        var configuration = AdmissionConfiguration()
        guard let root = result.documents.first?.root, !root.isNull else { return configuration }
        var reader = Reader(file: file)
        try reader.read(root, into: &configuration)
        return configuration
    }

    struct Reader {
        let file: String

        func fail(_ node: YAMLNode, _ message: String) -> InputError {
            InputError(file: file, line: node.position.line, column: node.position.column, message: message)
        }

        func pairs(_ node: YAMLNode, _ name: String, keys: [String]?) throws(InputError) -> [YAMLNode.Pair] {
            guard let pairs = node.pairs else { throw fail(node, "\(name) must be a mapping") }
            if let keys {
                for pair in pairs where !keys.contains(pair.key.scalar ?? "") {
                    let key = pair.key.scalar ?? ""
                    throw fail(pair.key, "unknown key \"\(key)\" under \(name) (expected \(keys.joined(separator: ", ")))"
                               + SpellingSuggestion.didYouMean(key, among: keys))
                }
            }
            return pairs
        }

        func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ name: String, _: T.Type) throws(InputError) -> T
            where T.RawValue == String {
            guard let text = node.string, let value = T(rawValue: text) else {
                throw fail(node, "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }

        func string(_ node: YAMLNode, _ name: String) throws(InputError) -> String {
            guard let text = node.string, node.isScalarValue else { throw fail(node, "\(name) must be a string") }
            return text
        }

        func strings(_ node: YAMLNode, _ name: String) throws(InputError) -> [String] {
            guard let items = node.sequence else { throw fail(node, "\(name) must be a list of strings") }
            var values: [String] = []
            for item in items {
                values.append(try string(item, name))
            }
            return values
        }

        func bool(_ node: YAMLNode, _ name: String) throws(InputError) -> Bool {
            guard let value = node.bool else { throw fail(node, "\(name) must be true or false") }
            return value
        }

        mutating func read(_ root: YAMLNode, into configuration: inout AdmissionConfiguration) throws(InputError) {
            for pair in try pairs(root, "the admission configuration", keys: AdmissionConfiguration.topLevelKeys) {
                let value = pair.value
                switch pair.key.scalar ?? "" {
                case "mode": configuration.mode = try choice(value, "mode", AdmissionMode.self)
                case "level": configuration.level = try choice(value, "level", AdmissionLevel.self)
                case "updates": configuration.updates = try choice(value, "updates", UpdatePolicy.self)
                case "namespaces":
                    for entry in try pairs(value, "namespaces", keys: nil) {
                        let name = try string(entry.key, "a namespace name")
                        var settings = NamespaceSettings()
                        for setting in try pairs(entry.value, "namespaces.\(name)", keys: AdmissionConfiguration.namespaceKeys) {
                            if setting.key.scalar == "mode" {
                                settings.mode = try choice(setting.value, "namespaces.\(name).mode", AdmissionMode.self)
                            } else {
                                settings.level = try choice(setting.value, "namespaces.\(name).level", AdmissionLevel.self)
                            }
                        }
                        configuration.namespaces[name] = settings
                    }
                case "exempt":
                    for entry in try pairs(value, "exempt", keys: AdmissionConfiguration.exemptKeys) {
                        switch entry.key.scalar ?? "" {
                        case "namespaces": configuration.exempt.namespaces.formUnion(try strings(entry.value, "exempt.namespaces"))
                        case "users": configuration.exempt.users.formUnion(try strings(entry.value, "exempt.users"))
                        case "groups": configuration.exempt.groups.formUnion(try strings(entry.value, "exempt.groups"))
                        default:
                            for label in try pairs(entry.value, "exempt.labels", keys: nil) {
                                configuration.exempt.labels[try string(label.key, "a label key")] = try string(label.value, "a label value")
                            }
                        }
                    }
                case "onTimeout":
                    for entry in try pairs(value, "onTimeout", keys: AdmissionMode.allCases.map(\.rawValue)) {
                        let mode = try choice(entry.key, "an onTimeout key", AdmissionMode.self)
                        configuration.onTimeout[mode] = try choice(entry.value, "onTimeout.\(mode.rawValue)", TimeoutAction.self)
                    }
                case "mutation":
                    for entry in try pairs(value, "mutation", keys: AdmissionConfiguration.mutationKeys) {
                        if entry.key.scalar == "enabled" {
                            configuration.mutation.enabled = try bool(entry.value, "mutation.enabled")
                        } else {
                            configuration.mutation.readOnlyRootFilesystem = try bool(entry.value, "mutation.readOnlyRootFilesystem")
                        }
                    }
                default:
                    configuration.signatures = try signatures(value)
                }
            }
        }

        func signatures(_ node: YAMLNode) throws(InputError) -> SignaturePolicy {
            var key: String?
            var policy = SignaturePolicy(publicKeyPath: "")
            for entry in try pairs(node, "signatures", keys: AdmissionConfiguration.signatureKeys) {
                switch entry.key.scalar ?? "" {
                case "publicKey": key = try string(entry.value, "signatures.publicKey")
                case "mode": policy.mode = try choice(entry.value, "signatures.mode", AdmissionMode.self)
                case "signatureFile": policy.signatureFile = try string(entry.value, "signatures.signatureFile")
                default:
                    guard let items = entry.value.sequence else { throw fail(entry.value, "signatures.models must be a list") }
                    for item in items {
                        var uri: String?
                        var directory: String?
                        for field in try pairs(item, "a signatures.models entry", keys: AdmissionConfiguration.locationKeys) {
                            if field.key.scalar == "uri" {
                                uri = try string(field.value, "signatures.models[].uri")
                            } else {
                                directory = try string(field.value, "signatures.models[].directory")
                            }
                        }
                        guard let uri, let directory, !uri.isEmpty, !directory.isEmpty else {
                            throw fail(item, "a signatures.models entry needs uri and directory")
                        }
                        policy.locations.append(SignaturePolicy.Location(uri: uri, directory: directory))
                    }
                }
            }
            guard let key, !key.isEmpty else { throw fail(node, "signatures needs publicKey (a PEM public key file)") }
            policy.publicKeyPath = key
            return policy
        }
    }
}

extension YAMLNode {
    /// A scalar that is not null.
    fileprivate var isScalarValue: Bool { scalar != nil && !isNull }
}
