import BulwarkCore

/// A pod spec of the input and the identity it runs with.
public struct RBACWorkload: Sendable {
    public let pod: PodSpecView
    /// The ServiceAccount (`serviceAccountName`, the deprecated `serviceAccount`, else `default`).
    public let serviceAccount: RBACSubject
    /// False when the pod (or, the pod being silent, its ServiceAccount in the input) sets
    /// `automountServiceAccountToken: false`: the pod then holds no API token to use.
    public let mountsToken: Bool
    /// Whether the workload serves models (see `RBACWorkload.looksLikeInference`).
    public let isInference: Bool

    /// `Deployment ml/model-server`, with ` (inference)` for a model server.
    public var displayName: String { pod.displayName + (isInference ? " (inference)" : "") }

    /// The ServiceAccount and token mounting of a pod spec; nil for a pod spec without a
    /// namespace (a cluster-scoped template such as ClusterServingRuntime).
    init?(_ pod: PodSpecView, serviceAccounts: [String: KubeObject]) {
        guard let namespace = pod.object.effectiveNamespace else { return nil }
        let named = [pod.spec["serviceAccountName"], pod.spec["serviceAccount"]].compactMap { $0?.string }.first { !$0.isEmpty }
        let name = named ?? "default"
        self.pod = pod
        serviceAccount = .serviceAccount(namespace, name)
        if let setting = pod.spec["automountServiceAccountToken"], !setting.isNull {
            mountsToken = setting.bool != false
        } else {
            mountsToken = serviceAccounts["\(namespace)/\(name)"]?.root["automountServiceAccountToken"]?.bool != false
        }
        isInference = RBACWorkload.looksLikeInference(pod)
    }

    static let servingGroups: Set<String> = ["serving.kserve.io", "serving.knative.dev", "machinelearning.seldon.io", "inference.networking.x-k8s.io"]
    static let servingWords = [
        "inference", "model-server", "modelserver", "predictor", "serving", "vllm", "tritonserver", "triton", "torchserve",
        "text-generation", "sglang", "ollama", "llama", "mlserver", "kserve", "seldon", "tensorrt-llm", "llm",
    ]

    /// A model server: a serving CRD (KServe, Knative Serving, Seldon), a RayService, or a workload
    /// whose name, `app`/`app.kubernetes.io/*` labels or container images name a model server.
    static func looksLikeInference(_ pod: PodSpecView) -> Bool {
        let object = pod.object
        if servingGroups.contains(object.group) || object.kind == "RayService" { return true }
        let labels = object.labels.merging(pod.podLabels) { first, _ in first }
        var texts = [object.name]
        for key in ["app", "app.kubernetes.io/name", "app.kubernetes.io/component", "component"] {
            if let value = labels[key] { texts.append(value) }
        }
        texts += pod.containers.compactMap { $0.image.map(repositoryPath) }
        return texts.contains(where: mentionsServing)
    }

    /// Whether a name mentions a model server (ASCII case-insensitive substring search; this runs
    /// for every pod spec, and Foundation-free `String.contains` is slow).
    static func mentionsServing(_ text: String) -> Bool {
        let bytes = Array(text.utf8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return servingWordBytes.contains { word in
            guard word.count <= bytes.count else { return false }
            return (0...(bytes.count - word.count)).contains { start in
                bytes[start] == word[0] && bytes[start..<(start + word.count)].elementsEqual(word)
            }
        }
    }

    private static let servingWordBytes: [[UInt8]] = servingWords.map { Array($0.utf8) }

    /// The image reference without its registry host (`inference.example.com/app` says nothing).
    static func repositoryPath(_ image: String) -> String {
        let parts = image.split(separator: "/")
        guard parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" else { return image }
        return parts.dropFirst().joined(separator: "/")
    }
}

/// Who runs with which identity: every pod spec of the input by ServiceAccount and namespace.
public struct RBACWorkloadMap: Sendable {
    public let all: [RBACWorkload]
    private let byServiceAccount: [RBACSubject: [Int]]
    private let byNamespace: [String: [Int]]

    public init(_ index: InventoryIndex) {
        var serviceAccounts: [String: KubeObject] = [:]
        for account in index.objects(ofKind: "ServiceAccount") where account.group.isEmpty {
            let key = "\(account.namespace ?? "default")/\(account.name)"
            if serviceAccounts[key] == nil { serviceAccounts[key] = account }
        }
        all = index.podSpecs.compactMap { RBACWorkload($0, serviceAccounts: serviceAccounts) }
        var byServiceAccount: [RBACSubject: [Int]] = [:]
        var byNamespace: [String: [Int]] = [:]
        for (position, workload) in all.enumerated() {
            byServiceAccount[workload.serviceAccount, default: []].append(position)
            byNamespace[workload.serviceAccount.namespace ?? "default", default: []].append(position)
        }
        self.byServiceAccount = byServiceAccount
        self.byNamespace = byNamespace
    }

    /// The workloads that authenticate as a binding subject or are members of it: a
    /// ServiceAccount's pods; every pod of a namespace for `system:serviceaccounts:<ns>`; every
    /// pod for `system:serviceaccounts` and `system:authenticated`; none for users and other groups.
    public func workloads(for subject: RBACSubject) -> [RBACWorkload] {
        switch subject.kind {
        case .serviceAccount:
            return (byServiceAccount[subject] ?? []).map { all[$0] }
        case .user:
            return []
        case .group:
            if subject.name == RBACSubject.allServiceAccounts || subject.name == RBACSubject.allAuthenticated { return all }
            if subject.name.hasPrefix(RBACSubject.serviceAccountsGroupPrefix) {
                let namespace = String(subject.name.dropFirst(RBACSubject.serviceAccountsGroupPrefix.count))
                return (byNamespace[namespace] ?? []).map { all[$0] }
            }
            return []
        }
    }
}
