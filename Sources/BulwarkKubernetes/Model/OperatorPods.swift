import BulwarkCore

/// Pods that an operator creates from a custom resource of the input, for the analyses that need
/// every pod that will run (NetworkPolicy selection and reachability, the pods a Service selects).
///
/// The ML CRDs with a pod template (KServe, KubeRay, LeaderWorkerSet, JobSet …) are pod specs
/// already (`PodSpecExtractor`), with the labels their operators add (`templateLabels`, used by
/// `PodSpecView.runningPodLabels`). The custom resources of `kinds` carry no pod template: the
/// operator builds the pods from a few fields. One entry per kind: where the user's pod labels are, the
/// labels the operator always sets, and the container ports it opens (so that named ports
/// resolve). Sources: docs/facts.md ("Pods that operators create").
///
/// These pods are endpoints only: no pod rule runs on them (their security settings are the
/// operator's, and the custom resource is judged by the rules written for it).
public enum OperatorPods {
    public struct Kind: Sendable {
        public let group: String
        public let kind: String
        /// Paths of label maps the user sets on the pods (`spec.podMetadata.labels`).
        public let labelFields: [[String]]
        /// The labels the operator sets on every pod, from the object's name.
        public let defaultLabels: @Sendable (String) -> [String: String]
        /// Container ports of the pods: (container, port name, number).
        public let ports: [(container: String, name: String, port: Int)]
    }

    /// The operators whose pods Bulwark models. Keep in step with docs/facts.md.
    public static let kinds: [Kind] = [
        Kind(group: "monitoring.coreos.com", kind: "Prometheus", labelFields: [["spec", "podMetadata", "labels"]],
             defaultLabels: { name in
                 prometheusOperatorLabels("prometheus", name).merging([
                     "prometheus": name, "operator.prometheus.io/name": name, "operator.prometheus.io/shard": "0",
                 ]) { first, _ in first }
             },
             ports: [("prometheus", "web", 9090)]),
        Kind(group: "monitoring.coreos.com", kind: "PrometheusAgent", labelFields: [["spec", "podMetadata", "labels"]],
             defaultLabels: { name in
                 prometheusOperatorLabels("prometheus-agent", name).merging([
                     "operator.prometheus.io/name": name, "operator.prometheus.io/shard": "0",
                 ]) { first, _ in first }
             },
             ports: [("prometheus", "web", 9090)]),
        Kind(group: "monitoring.coreos.com", kind: "Alertmanager", labelFields: [["spec", "podMetadata", "labels"]],
             defaultLabels: { name in prometheusOperatorLabels("alertmanager", name).merging(["alertmanager": name]) { first, _ in first } },
             ports: [("alertmanager", "web", 9093), ("alertmanager", "mesh-tcp", 9094)]),
        Kind(group: "monitoring.coreos.com", kind: "ThanosRuler", labelFields: [["spec", "podMetadata", "labels"]],
             defaultLabels: { name in prometheusOperatorLabels("thanos-ruler", name).merging(["thanos-ruler": name]) { first, _ in first } },
             ports: [("thanos-ruler", "web", 10902), ("thanos-ruler", "grpc", 10901)]),
    ]

    /// The labels the operators of ML CRDs with pod templates add to the pods they create from a
    /// template (the template's own labels win where they set the same key): KServe
    /// InferenceService `serving.kserve.io/inferenceservice: NAME` and `component: predictor |
    /// transformer | explainer`; KubeRay `ray.io/cluster: NAME` (RayCluster; RayService and RayJob
    /// name the cluster they create themselves) and `ray.io/node-type: head | worker`.
    public static func templateLabels(of pod: PodSpecView) -> [String: String] {
        let object = pod.object
        switch (object.group, object.kind) {
        case ("serving.kserve.io", "InferenceService"):
            var labels = ["serving.kserve.io/inferenceservice": object.name]
            if let role = pod.role { labels["component"] = role }
            return labels
        case ("ray.io", "RayCluster"), ("ray.io", "RayService"), ("ray.io", "RayJob"):
            var labels: [String: String] = [:]
            if object.kind == "RayCluster" { labels["ray.io/cluster"] = object.name }
            if let role = pod.role {
                let nodeType = role.hasPrefix("head") ? "head" : role.hasPrefix("worker") ? "worker" : nil
                if let nodeType { labels["ray.io/node-type"] = nodeType }
            }
            return labels
        default:
            return [:]
        }
    }

    /// `app.kubernetes.io/name`, `app.kubernetes.io/instance` and `app.kubernetes.io/managed-by`
    /// as prometheus-operator sets them on the pods of every kind it runs.
    static func prometheusOperatorLabels(_ app: String, _ name: String) -> [String: String] {
        ["app.kubernetes.io/name": app, "app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "prometheus-operator"]
    }

    private static let byKind: [String: Kind] = Dictionary(kinds.map { ("\($0.group)/\($0.kind)", $0) }) { first, _ in first }

    /// The table's entry for an object, if an operator of the table makes pods from it.
    public static func kind(of object: KubeObject) -> Kind? {
        byKind["\(object.group)/\(object.kind)"]
    }

    /// The pods of one custom resource, as a pod spec view with no pod rules of its own: the user's
    /// labels with the operator's over them (the operator sets its own last), and the ports.
    public static func view(of object: KubeObject, as kind: Kind) -> PodSpecView {
        var labels: [String: String] = [:]
        for path in kind.labelFields {
            for (key, value) in object.root.at(path)?.stringMap ?? [:] { labels[key] = value }
        }
        for (key, value) in kind.defaultLabels(object.name) { labels[key] = value }
        let position = object.root.position
        func scalar(_ text: String) -> YAMLNode { YAMLNode(.scalar(text, .plain), position: position) }
        func mapping(_ pairs: [(String, YAMLNode)]) -> YAMLNode {
            YAMLNode(.mapping(pairs.map { YAMLNode.Pair(key: scalar($0.0), value: $0.1) }), position: position)
        }
        var containers: [String: [YAMLNode]] = [:]
        var order: [String] = []
        for port in kind.ports {
            if containers[port.container] == nil { order.append(port.container) }
            containers[port.container, default: []].append(mapping([("name", scalar(port.name)), ("containerPort", scalar(String(port.port)))]))
        }
        let containerNodes = order.map { name in
            mapping([("name", scalar(name)), ("ports", YAMLNode(.sequence(containers[name] ?? []), position: position))])
        }
        var specPairs: [(String, YAMLNode)] = [("containers", YAMLNode(.sequence(containerNodes), position: position))]
        if let account = object.root.at("spec", "serviceAccountName")?.string { specPairs.append(("serviceAccountName", scalar(account))) }
        let metadata = mapping([("labels", mapping(labels.sorted { $0.key < $1.key }.map { ($0.key, scalar($0.value)) }))])
        return PodSpecView(object: object, spec: mapping(specPairs), specPath: "spec", podMetadata: metadata,
                           role: nil, runsToCompletion: false)
    }

    /// The pods operators of the table create from the objects of the index, one view per object,
    /// in input order; computed once per index.
    public static func views(in index: InventoryIndex) -> [PodSpecView] {
        index.memo.value(.custom("operator-pods")) {
            index.objects.compactMap { object in kind(of: object).map { view(of: object, as: $0) } }
        }
    }

    /// API groups of Kubernetes itself: their kinds are not custom resources.
    static let builtInGroups: Set<String> = ["", "apps", "batch", "policy", "autoscaling", "extensions"]

    /// Custom resources known to make no pods (configuration read by an operator, policies,
    /// certificates, secrets): they never suggest unseen pods.
    static let podlessKinds: Set<String> = [
        "monitoring.coreos.com/ServiceMonitor", "monitoring.coreos.com/PodMonitor", "monitoring.coreos.com/PrometheusRule",
        "monitoring.coreos.com/Probe", "monitoring.coreos.com/AlertmanagerConfig", "monitoring.coreos.com/ScrapeConfig",
        "bitnami.com/SealedSecret", "external-secrets.io/ExternalSecret", "external-secrets.io/SecretStore",
        "cert-manager.io/Certificate", "cert-manager.io/Issuer", "cilium.io/CiliumNetworkPolicy",
        "cilium.io/CiliumClusterwideNetworkPolicy", "serving.kserve.io/ServingRuntime", "serving.kserve.io/ClusterServingRuntime",
        "serving.kserve.io/ClusterStorageContainer", "serving.kserve.io/InferenceGraph", "kustomize.config.k8s.io/Kustomization",
        "kustomize.config.k8s.io/Component", "networking.istio.io/VirtualService", "networking.istio.io/DestinationRule",
        "networking.istio.io/Gateway", "security.istio.io/AuthorizationPolicy", "security.istio.io/PeerAuthentication",
        "gateway.networking.k8s.io/HTTPRoute", "gateway.networking.k8s.io/Gateway", "gateway.networking.k8s.io/GRPCRoute",
    ]

    /// Per namespace, the custom resources of unknown kinds (not in the table, no pod template, not
    /// known to make no pods): an operator the input does not describe may create pods from them.
    /// `Kind name` strings in input order; computed once per index.
    public static func unknownCustomResources(in index: InventoryIndex) -> [String: [String]] {
        index.memo.value(.custom("operator-unknown-crs")) {
            var result: [String: [String]] = [:]
            for (position, object) in index.objects.enumerated() {
                let kubernetesGroup = builtInGroups.contains(object.group)
                    || (object.group.hasSuffix(".k8s.io") && !object.group.hasSuffix("x-k8s.io"))
                guard !kubernetesGroup, !object.isClusterScoped, kind(of: object) == nil, index.podSpecsByObject[position].isEmpty,
                      !podlessKinds.contains("\(object.group)/\(object.kind)")
                else { continue }
                result[object.effectiveNamespace ?? "default", default: []].append("\(object.kind) \(object.name)")
            }
            return result
        }
    }

    /// `; the namespace holds custom resources an operator may create the pods from (Kind name …)`
    /// for a namespace with unknown custom resources, else nil.
    public static func unknownOperatorNote(namespace: String, in index: InventoryIndex) -> String? {
        guard let resources = unknownCustomResources(in: index)[namespace], !resources.isEmpty else { return nil }
        let shown = resources.prefix(3).joined(separator: ", ") + (resources.count > 3 ? ", …" : "")
        return "; namespace \(namespace) holds custom resources (\(shown)) from which an operator may create the pods"
    }
}
