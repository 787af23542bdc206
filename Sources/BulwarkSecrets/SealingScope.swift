/// Who may unseal a blob: Sealed Secrets binds the ciphertext to the Secret's name and namespace
/// through the RSA-OAEP label (`EncryptionLabel` in `sealedsecret_expansion.go`).
public enum SealingScope: String, Sendable, CaseIterable, Hashable {
    /// Only a Secret with exactly this name in exactly this namespace (label `namespace/name`).
    case strict
    /// Any name within the namespace (label `namespace`).
    case namespaceWide = "namespace-wide"
    /// Any name in any namespace (empty label).
    case clusterWide = "cluster-wide"

    public static let namespaceWideAnnotation = "sealedsecrets.bitnami.com/namespace-wide"
    public static let clusterWideAnnotation = "sealedsecrets.bitnami.com/cluster-wide"

    /// The OAEP label for a Secret in this scope.
    public func label(namespace: String, name: String) -> [UInt8] {
        switch self {
        case .strict: Array("\(namespace)/\(name)".utf8)
        case .namespaceWide: Array(namespace.utf8)
        case .clusterWide: []
        }
    }

    /// Whether sealing needs the namespace and the name.
    public var needsNamespace: Bool { self != .clusterWide }
    public var needsName: Bool { self == .strict }

    /// The scope an object's annotations ask for (`SecretScope`): cluster-wide wins over namespace-wide,
    /// and anything else is strict.
    public init(annotations: [String: String]) {
        if annotations[Self.clusterWideAnnotation] == "true" {
            self = .clusterWide
        } else if annotations[Self.namespaceWideAnnotation] == "true" {
            self = .namespaceWide
        } else {
            self = .strict
        }
    }

    /// Annotations with the scope set as `UpdateScopeAnnotations` does: both scope annotations
    /// removed, then the one for this scope added (none for strict).
    public func applied(to annotations: [String: String]) -> [String: String] {
        var result = annotations
        result[Self.namespaceWideAnnotation] = nil
        result[Self.clusterWideAnnotation] = nil
        switch self {
        case .strict: break
        case .namespaceWide: result[Self.namespaceWideAnnotation] = "true"
        case .clusterWide: result[Self.clusterWideAnnotation] = "true"
        }
        return result
    }
}
