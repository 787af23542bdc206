/// What `bulwark admission manifests` prints: where the webhook runs, how it is called, and which
/// identities may change it.
public struct AdmissionManifestOptions: Sendable {
    /// The placeholder image (the project publishes none yet): a digest-pinned reference, as the
    /// manifests must carry one; replace it with `--image`.
    public static let defaultImage =
        "registry.example.com/bulwark/bulwark:0.1.0@sha256:3b1f0a8f5e0c9f7c2d8e4b6a1c3e5f7092b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2"

    /// Bulwark's own namespace: excluded from every webhook, guarded by the in-tree policy.
    public var namespace: String
    /// The name of the Deployment, Service, ServiceAccount, ConfigMap, PDB and HPA; the TLS Secret
    /// is `<name>-tls`.
    public var name: String
    public var image: String
    /// PEM CA certificate(s) the API server trusts the webhook with; nil leaves `caBundle` out.
    public var caBundlePEM: String?
    /// The serving certificate and key: with both, a `kubernetes.io/tls` Secret is printed.
    public var tlsCertificatePEM: String?
    public var tlsPrivateKeyPEM: String?
    /// At least 2: one replica down (a drain, a rollout) must never stop admission.
    public var replicas: Int
    /// The HorizontalPodAutoscaler's ceiling.
    public var maxReplicas: Int
    /// The mode of namespaces without a valid `bulwark.dev/mode` label.
    public var mode: AdmissionMode
    /// The level of namespaces without a valid `bulwark.dev/enforce` label.
    public var level: AdmissionLevel
    /// Groups whose members may change or delete the webhook's objects in its namespace.
    public var adminGroups: [String]
    /// More namespaces no webhook is called for (besides kube-system and Bulwark's own).
    public var exemptNamespaces: [String]
    public var priorityClassName: String
    /// The API server's wait for each webhook call (at most 3, so that a chain of webhooks stays
    /// inside the request deadline).
    public var timeoutSeconds: Int
    /// Print the MutatingWebhookConfiguration (hardening defaults as a JSONPatch).
    public var mutate: Bool

    public init(namespace: String = "bulwark-system", name: String = "bulwark-admission", image: String = defaultImage,
                caBundlePEM: String? = nil, tlsCertificatePEM: String? = nil, tlsPrivateKeyPEM: String? = nil, replicas: Int = 2,
                maxReplicas: Int = 10, mode: AdmissionMode = .warn, level: AdmissionLevel = .restricted,
                adminGroups: [String] = ["system:masters"], exemptNamespaces: [String] = [],
                priorityClassName: String = "system-cluster-critical", timeoutSeconds: Int = 3, mutate: Bool = true) {
        self.namespace = namespace
        self.name = name
        self.image = image
        self.caBundlePEM = caBundlePEM
        self.tlsCertificatePEM = tlsCertificatePEM
        self.tlsPrivateKeyPEM = tlsPrivateKeyPEM
        self.replicas = replicas
        self.maxReplicas = maxReplicas
        self.mode = mode
        self.level = level
        self.adminGroups = adminGroups
        self.exemptNamespaces = exemptNamespaces
        self.priorityClassName = priorityClassName
        self.timeoutSeconds = timeoutSeconds
        self.mutate = mutate
    }

    /// Every reason these options cannot make working manifests (empty when they can).
    public var problems: [String] {
        var problems: [String] = []
        if !AdmissionCertificates.isDNSLabel(namespace) { problems.append("--namespace \"\(namespace)\" is not a DNS label") }
        if !AdmissionCertificates.isDNSLabel(name) || name.utf8.count > 50 {
            problems.append("--name \"\(name)\" is not a DNS label of at most 50 characters")
        }
        if image.isEmpty || image.contains(where: { $0.isWhitespace || $0 == "\"" }) { problems.append("--image \"\(image)\" is not an image reference") }
        if replicas < 2 { problems.append("--replicas must be at least 2 (got \(replicas)): one pod down must not stop admission") }
        if maxReplicas < replicas { problems.append("--max-replicas (\(maxReplicas)) must be at least --replicas (\(replicas))") }
        if !(1...3).contains(timeoutSeconds) { problems.append("--timeout must be 1 to 3 seconds (got \(timeoutSeconds))") }
        if adminGroups.isEmpty { problems.append("give at least one --admin-group, or nobody could change the webhook") }
        for group in adminGroups where group.isEmpty || group.contains("'") || group.contains("\\") {
            problems.append("--admin-group \"\(group)\" is empty or contains a quote or backslash")
        }
        for namespace in exemptNamespaces where !AdmissionCertificates.isDNSLabel(namespace) {
            problems.append("--exempt-namespace \"\(namespace)\" is not a DNS label")
        }
        if !AdmissionCertificates.isDNSLabel(priorityClassName) && !priorityClassName.contains(".") {
            problems.append("--priority-class \"\(priorityClassName)\" is not a valid name")
        }
        if (tlsCertificatePEM == nil) != (tlsPrivateKeyPEM == nil) { problems.append("the TLS Secret needs both tls.crt and tls.key") }
        return problems
    }

    /// The namespaces no webhook is called for, in order, without repeats.
    var excludedNamespaces: [String] {
        var seen: Set<String> = []
        return (["kube-system", namespace] + exemptNamespaces).filter { seen.insert($0).inserted }
    }
}
