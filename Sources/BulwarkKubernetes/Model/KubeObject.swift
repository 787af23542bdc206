import BulwarkCore

/// One Kubernetes object read from a file, with the positions of all its fields.
public struct KubeObject: Sendable {
    public let root: YAMLNode
    /// The file as given on the command line (relative paths stay relative).
    public let file: String
    public let apiVersion: String
    public let kind: String
    public let name: String
    /// `metadata.namespace` as written; nil when absent (see `effectiveNamespace`).
    public let namespace: String?
    /// The Helm template the object was rendered from (`# Source:` comment).
    public let helmSource: String?
    /// For an object a kustomization rendered: the files of the nodes that do not come from `file`
    /// (a patch, the kustomization itself), so a finding names the file of the value that decides.
    /// Nil for objects read as written.
    public var origins: NodeOrigins?
    /// For an object a kustomization rendered: that kustomization's file. `InventoryPartition`
    /// places the object in its directory, so two overlays of one base are two clusters.
    public var renderedBy: String?

    public init(root: YAMLNode, file: String, apiVersion: String, kind: String, name: String, namespace: String?, helmSource: String?) {
        self.root = root
        self.file = file
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.helmSource = helmSource
    }

    /// Builds an object from a document root; nil when it is not a Kubernetes object.
    public init?(root: YAMLNode, file: String, helmSource: String?) {
        guard root.isMapping, let apiVersion = root["apiVersion"]?.string, let kind = root["kind"]?.string,
              !apiVersion.isEmpty, !kind.isEmpty
        else { return nil }
        let metadata = root["metadata"]
        self.init(
            root: root, file: file, apiVersion: apiVersion, kind: kind,
            name: metadata?["name"]?.string ?? metadata?["generateName"]?.string.map { "\($0)*" } ?? "(unnamed)",
            namespace: metadata?["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 },
            helmSource: helmSource
        )
    }

    public var position: TextPosition { root.position }
    public var metadata: YAMLNode? { root["metadata"] }
    public var labels: [String: String] { metadata?["labels"]?.stringMap ?? [:] }
    public var annotations: [String: String] { metadata?["annotations"]?.stringMap ?? [:] }

    /// The API group (`apps` for `apps/v1`, empty for the core group).
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    public var isClusterScoped: Bool { KubeObject.clusterScopedKinds.contains(kind) }

    /// The namespace the object lands in when applied without `-n`: its own, or `default`.
    public var effectiveNamespace: String? { isClusterScoped ? nil : (namespace ?? "default") }

    public func reference(container: String? = nil) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: isClusterScoped ? nil : namespace, name: name, container: container)
    }

    /// Where `node` (or the object) is: its position in the file it was read from, which for a
    /// rendered object may be a patch or the kustomization rather than `file`.
    public func location(of node: YAMLNode?) -> SourceLocation {
        guard let node else { return position.located(in: file) }
        return node.position.located(in: origins?.file(of: node) ?? file)
    }

    /// The path `InventoryPartition` places the object at: the kustomization that rendered it, or its file.
    public var partitionPath: String { renderedBy ?? file }

    /// `Deployment ml/model-server`.
    public var displayName: String { reference().displayName }

    static let clusterScopedKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
        "CustomResourceDefinition", "PriorityClass", "RuntimeClass", "IngressClass", "CSIDriver", "CSINode",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "APIService", "ClusterServingRuntime", "ClusterStorageContainer",
        "PodSecurityPolicy", "VolumeAttachment", "CertificateSigningRequest", "ClusterIssuer", "ClusterSecretStore",
    ]
}
