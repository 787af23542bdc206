import BulwarkCore
import BulwarkKubernetes

/// How manifests are sealed.
public struct SealingOptions: Sendable, Equatable {
    /// The scope to seal with; nil takes it from each Secret's scope annotations (strict when none),
    /// as kubeseal does when `--scope` is not given.
    public var scope: SealingScope?
    /// The namespace for Secrets that name none (kubeseal takes it from the kubeconfig context).
    public var defaultNamespace: String?
    /// Skip objects of other kinds instead of reporting them (for files found by walking a
    /// directory of mixed manifests); documents that are not Kubernetes objects are still errors.
    public var skipOtherKinds: Bool

    public init(scope: SealingScope? = nil, defaultNamespace: String? = nil, skipOtherKinds: Bool = false) {
        self.scope = scope
        self.defaultNamespace = defaultNamespace
        self.skipOtherKinds = skipOtherKinds
    }
}

/// What sealing one input produced.
public struct SealingResult: Sendable {
    public var sealedSecrets: [SealedSecret]
    /// Documents that could not be sealed, with file and line; the others are still sealed.
    public var errors: [InputError]

    public init(sealedSecrets: [SealedSecret] = [], errors: [InputError] = []) {
        self.sealedSecrets = sealedSecrets
        self.errors = errors
    }

    /// Every SealedSecret as YAML documents, in input order.
    public var yaml: String { sealedSecrets.map(\.yaml).joined() }

    public mutating func merge(_ other: SealingResult) {
        sealedSecrets += other.sealedSecrets
        errors += other.errors
    }
}

extension SealedSecretSealer {
    /// Annotations that hold a plaintext copy of the Secret and must never reach the template
    /// (sealed-secrets issue #227).
    public static let droppedAnnotations: Set<String> = [
        "kubectl.kubernetes.io/last-applied-configuration",
        "kubecfg.ksonnet.io/last-applied-configuration",
    ]

    /// Seals every Secret in a file's YAML or JSON documents (`kind: List` included).
    public func seal(manifest bytes: [UInt8], file: String, options: SealingOptions = SealingOptions()) -> SealingResult {
        let inventory = KubernetesLoader.parse(bytes: bytes, file: file)
        var result = SealingResult(errors: inventory.errors)
        for object in inventory.objects {
            if options.skipOtherKinds && !(object.kind == "Secret" && object.apiVersion == "v1") { continue }
            do {
                result.sealedSecrets.append(try seal(secret: object, options: options))
            } catch let error as InputError {
                result.errors.append(error)
            } catch {
                result.errors.append(InputError(file: file, line: object.position.line, column: object.position.column,
                                                message: "\(object.displayName): \(error)"))
            }
        }
        if inventory.skippedDocuments > 0 {
            let count = inventory.skippedDocuments
            result.errors.append(InputError(file: file, message: "\(count) document\(count == 1 ? " is" : "s are") not a Kubernetes object (no apiVersion and kind)"))
        }
        return result
    }

    /// Seals one v1 Secret. Errors are `InputError`s located at the offending field.
    public func seal(secret object: KubeObject, options: SealingOptions = SealingOptions()) throws -> SealedSecret {
        func failure(_ message: String, at node: YAMLNode? = nil) -> InputError {
            let location = object.location(of: node)
            return InputError(file: object.file, line: location.line, column: location.column, message: message)
        }
        guard object.kind == "Secret", object.apiVersion == "v1" else {
            throw failure("\(object.apiVersion) \(object.kind) \(object.name) is not a Secret; only v1 Secrets can be sealed")
        }
        let metadata = object.metadata
        guard let name = metadata?["name"]?.string, !name.isEmpty else {
            if metadata?["generateName"] != nil {
                throw failure("Secret \(object.name) uses metadata.generateName; a SealedSecret needs a fixed metadata.name", at: metadata?["generateName"])
            }
            throw failure("Secret has no metadata.name", at: object.root.keyNode("metadata"))
        }
        let namespace = object.namespace ?? options.defaultNamespace.flatMap { $0.isEmpty ? nil : $0 }
        let display = "Secret \(namespace.map { "\($0)/" } ?? "")\(name)"

        var annotations = Self.stringMap(metadata?["annotations"])
        for key in Self.droppedAnnotations { annotations[key] = nil }
        if let scope = options.scope { annotations = scope.applied(to: annotations) }
        let scope = SealingScope(annotations: annotations)
        if scope.needsNamespace && namespace == nil {
            throw failure("\(display) has no metadata.namespace, which \(scope.rawValue) scope needs (give --namespace, or seal with --scope cluster-wide)", at: object.root.keyNode("metadata"))
        }

        var type = "Opaque"
        if let node = object.root["type"], !node.isNull {
            guard let value = node.string, node.pairs == nil, node.sequence == nil else { throw failure("\(display): type must be a string", at: node) }
            type = value
        }
        var immutable: Bool?
        if let node = object.root["immutable"], !node.isNull {
            guard let value = node.bool else { throw failure("\(display): immutable must be true or false", at: node) }
            immutable = value
        }

        // `stringData` is merged over `data`, as the API server does.
        var plaintexts: [String: [UInt8]] = [:]
        for field in ["data", "stringData"] {
            guard let node = object.root[field], !node.isNull else { continue }
            guard let pairs = node.pairs else { throw failure("\(display): \(field) must be a mapping", at: node) }
            for pair in pairs {
                guard let key = pair.key.scalar else { throw failure("\(display): \(field) keys must be strings", at: pair.key) }
                guard Self.isValidKey(key) else {
                    throw failure("\(display): \(field) key \"\(key)\" is not a valid Secret key (letters, digits, '-', '_' and '.', not starting with '..', at most 253)", at: pair.key)
                }
                guard pair.value.pairs == nil, pair.value.sequence == nil else {
                    throw failure("\(display): \(field).\(key) must be a string", at: pair.value)
                }
                let text = pair.value.string ?? ""
                if field == "data" {
                    switch Base64.decode(text) {
                    case .success(let bytes): plaintexts[key] = bytes
                    case .failure(let error): throw failure("\(display): data.\(key) is not valid base64: \(error)", at: pair.value)
                    }
                } else {
                    plaintexts[key] = Array(text.utf8)
                }
            }
        }

        let label = scope.label(namespace: namespace ?? "", name: name)
        var encryptedData: [String: String] = [:]
        for key in plaintexts.keys.sorted(by: byteOrder) {
            encryptedData[key] = Base64.encode(try encrypt(plaintexts[key] ?? [], label: label))
        }
        let scopeAnnotations = annotations.filter { $0.key == SealingScope.namespaceWideAnnotation || $0.key == SealingScope.clusterWideAnnotation }
        return SealedSecret(
            name: name, namespace: namespace, annotations: scopeAnnotations, encryptedData: encryptedData,
            template: SealedSecret.Template(name: name, namespace: namespace, labels: Self.stringMap(metadata?["labels"]),
                                            annotations: annotations, type: type, immutable: immutable)
        )
    }

    /// `[-._a-zA-Z0-9]+`, at most 253 characters (`IsConfigMapKey`).
    static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 253, key != ".", !key.hasPrefix("..") else { return false }
        return key.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    /// Scalar entries of a labels or annotations mapping; null values become empty strings.
    private static func stringMap(_ node: YAMLNode?) -> [String: String] {
        var map: [String: String] = [:]
        for pair in node?.pairs ?? [] {
            guard let key = pair.key.scalar, pair.value.pairs == nil, pair.value.sequence == nil else { continue }
            map[key] = pair.value.string ?? ""
        }
        return map
    }
}
