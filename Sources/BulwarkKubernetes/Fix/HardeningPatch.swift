import BulwarkCore

/// One RFC 6902 operation of a mutating admission response. The webhook only adds: a value already
/// present is never replaced.
public struct JSONPatchOperation: Sendable, Equatable {
    public enum Op: String, Sendable { case add }
    public var op: Op
    /// RFC 6901 pointer (`/spec/containers/0/securityContext`).
    public var path: String
    public var value: JSONValue

    public init(op: Op = .add, path: String, value: JSONValue) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// What the mutating webhook adds to an object: the missing hardening fields of
/// `bulwark fix manifests` (the same defaults and code), as JSONPatch operations.
public struct HardeningPatchOptions: Sendable {
    /// Also set `readOnlyRootFilesystem: true` with an emptyDir at `/tmp` (off by default: an
    /// application that writes elsewhere breaks).
    public var readOnlyRootFilesystem: Bool
    /// Set `automountServiceAccountToken: false` where the pod spec leaves it unset (on by default,
    /// as `bulwark fix manifests` does). The webhook sees one object and no RoleBindings, so unlike
    /// the fixer it cannot tell that a workload calls the API; a cluster whose workloads rely on
    /// the automounted token turns this off (or sets `automountServiceAccountToken: true` on them).
    public var disableServiceAccountTokenAutomount: Bool

    public init(readOnlyRootFilesystem: Bool = false, disableServiceAccountTokenAutomount: Bool = true) {
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.disableServiceAccountTokenAutomount = disableServiceAccountTokenAutomount
    }
}

/// The mutating webhook's patch: `PodHardener`, the code of `bulwark fix manifests`, planned over
/// the object in its additions-only mode, with the planned additions written as JSON pointers
/// instead of text edits (`DocumentPatch.additions(under:)`). So the defaults are the fixer's:
/// pod `runAsNonRoot: true` with `runAsUser`/`runAsGroup`/`fsGroup` 10001 where unset (so that an
/// image built to run as root still starts), pod `seccompProfile: RuntimeDefault`,
/// `automountServiceAccountToken: false`, per container `allowPrivilegeEscalation: false` and
/// `ALL` in `capabilities.drop`, the cache variables of model servers that cache under the home
/// directory, and with `readOnlyRootFilesystem` a read-only root with emptyDir volumes for `/tmp`
/// and the paths known images write.
///
/// Nothing present is replaced or removed (the validating webhook denies `privileged`, host
/// namespaces and explicit bad values instead), and an addition that needs such a replacement to
/// be valid is left out: no `runAsNonRoot` next to an explicit `runAsUser: 0`, no
/// `allowPrivilegeEscalation: false` in a privileged container or one adding `CAP_SYS_ADMIN` (the
/// API server rejects both combinations). Node agents (host namespaces, node hostPaths) and
/// Windows pods get no security-context additions, as in the fixer.
public enum HardeningPatch {
    /// The operations that add the missing hardening fields to `object` (a whole Kubernetes object of
    /// any kind `PodSpecView` reads); empty when nothing is missing or the kind has no pod spec.
    /// Applying them and asking again gives no operations.
    public static func operations(for object: YAMLNode, options: HardeningPatchOptions = HardeningPatchOptions()) -> [JSONPatchOperation] {
        guard let kubeObject = KubeObject(root: object, file: "admission request", helmSource: nil) else { return [] }
        let pods = PodSpecExtractor.podSpecs(in: kubeObject)
        guard !pods.isEmpty else { return [] }
        let patch = DocumentPatch(roots: [object])
        let log = FixLog(file: kubeObject.file)
        let mode = PodHardener.Mode.additions(readOnlyRoot: options.readOnlyRootFilesystem,
                                              tokenAutomount: options.disableServiceAccountTokenAutomount)
        var seen: Set<ObjectIdentifier> = []
        for pod in pods where seen.insert(ObjectIdentifier(pod.spec)).inserted {
            PodHardener(pod: pod, options: fixOptions, patch: patch, log: log, mode: mode).run()
        }
        return patch.additions(under: object)
    }

    /// For an UPDATE of a Pod's `ephemeralcontainers` subresource (`kubectl debug`): the API server
    /// accepts no change to a running pod's spec but its new ephemeral containers, so only their
    /// operations: those of the ephemeral containers whose name `oldPod` does not have. (Pods
    /// themselves are mutated on CREATE only, for the same reason.)
    public static func ephemeralContainerOperations(for pod: YAMLNode, oldPod: YAMLNode,
                                                    options: HardeningPatchOptions = HardeningPatchOptions()) -> [JSONPatchOperation] {
        let oldNames = Set((oldPod["spec"]?["ephemeralContainers"]?.items ?? []).compactMap { $0["name"]?.string })
        let added = Set((pod["spec"]?["ephemeralContainers"]?.items ?? []).enumerated().compactMap { index, container in
            container["name"]?.string.flatMap { oldNames.contains($0) ? nil : String(index) }
        })
        guard !added.isEmpty else { return [] }
        return operations(for: pod, options: options).filter { operation in
            let tokens = operation.path.split(separator: "/", omittingEmptySubsequences: false)
            return tokens.count > 4 && tokens[1] == "spec" && tokens[2] == "ephemeralContainers" && added.contains(String(tokens[3]))
        }
    }

    /// The fixer's defaults without resources: a default memory limit added at admission would
    /// OOM-kill a model server that needs more, and resources are no security-context setting.
    static let fixOptions = ManifestFixOptions(addResources: false, fixObjects: false)

    /// The operations as a compact JSON array (`[{"op":"add","path":…,"value":…}]`), the bytes the
    /// AdmissionReview response carries base64-encoded as its `patch` (values through
    /// `JSONValue.compactJSON`, strings escaped by `QuotedString` as in every JSON Bulwark writes).
    public static func encode(_ operations: [JSONPatchOperation]) -> [UInt8] {
        JSONValue.array(operations.map { operation in
            .object([("op", .string(operation.op.rawValue)), ("path", .string(operation.path)), ("value", operation.value)])
        }).compactJSON
    }
}

/// Why a JSON patch could not be applied (a pointer to nothing, an index out of range …).
public struct JSONPatchError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension HardeningPatch {
    /// `object` with the operations applied, as the API server applies a webhook's patch (RFC 6902,
    /// through the JSON patch code kustomize rendering uses); the first operation that fails stops
    /// it. For tests and dry runs: the webhook itself sends the operations, not the result.
    public static func apply(_ operations: [JSONPatchOperation], to object: YAMLNode) -> Result<YAMLNode, JSONPatchError> {
        let position = object.position
        let nodes = operations.map { operation in
            yamlNode(.object([("op", .string(operation.op.rawValue)), ("path", .string(operation.path)), ("value", operation.value)]),
                     at: position)
        }
        var origins = NodeOriginsBuilder()
        switch JSONPatch(operations: nodes).apply(to: object, origins: &origins) {
        case .success(let patched): return .success(patched)
        case .failure(let failure): return .failure(JSONPatchError(message: failure.message))
        }
    }

    /// A JSON value as a node: strings double-quoted (so that `"true"` stays a string), the rest plain.
    static func yamlNode(_ value: JSONValue, at position: TextPosition) -> YAMLNode {
        switch value {
        case .null: return YAMLNode(.scalar("null", .plain), position: position)
        case .bool(let flag): return YAMLNode(.scalar(flag ? "true" : "false", .plain), position: position)
        case .number(let number): return YAMLNode(.scalar(JSONValue.numberText(number), .plain), position: position)
        case .string(let text): return YAMLNode(.scalar(text, .doubleQuoted), position: position)
        case .array(let items): return YAMLNode(.sequence(items.map { yamlNode($0, at: position) }), position: position)
        case .object(let members):
            return YAMLNode(.mapping(members.map { YAMLNode.Pair(key: YAMLNode(.scalar($0.0, .plain), position: position), value: yamlNode($0.1, at: position)) }),
                            position: position)
        }
    }
}
