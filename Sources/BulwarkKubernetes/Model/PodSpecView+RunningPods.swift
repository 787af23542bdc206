import BulwarkCore

extension PodSpecView {
    /// Kinds whose pod specs are templates for pods created elsewhere, not pods of their own.
    static let templateOnlyKinds: Set<String> = ["PodTemplate", "ServingRuntime", "ClusterServingRuntime"]

    /// Whether the view stands for pods that run in the object's namespace (false for
    /// PodTemplate and KServe (Cluster)ServingRuntime, which other objects instantiate).
    public var describesRunningPods: Bool { !Self.templateOnlyKinds.contains(object.kind) }

    /// The labels the running pods carry: the template's, plus those the ML operators add
    /// (KServe `serving.kserve.io/inferenceservice` and `component`; KubeRay `ray.io/cluster`,
    /// `ray.io/node-type`), which Services and NetworkPolicies commonly select on.
    public var runningPodLabels: [String: String] {
        var labels = podLabels
        func add(_ key: String, _ value: String) {
            if labels[key] == nil { labels[key] = value }
        }
        switch (object.group, object.kind) {
        case ("serving.kserve.io", "InferenceService"):
            add("serving.kserve.io/inferenceservice", object.name)
            if let role { add("component", role) }
        case ("ray.io", "RayCluster"), ("ray.io", "RayService"), ("ray.io", "RayJob"):
            if object.kind == "RayCluster" { add("ray.io/cluster", object.name) }
            if let role {
                let nodeType = role.hasPrefix("head") ? "head" : role.hasPrefix("worker") ? "worker" : nil
                if let nodeType { add("ray.io/node-type", nodeType) }
            }
        default:
            break
        }
        return labels
    }

    /// The ServiceAccount the pods run as: `serviceAccountName`, the deprecated
    /// `serviceAccount`, else `default`.
    public var serviceAccountName: String {
        for key in ["serviceAccountName", "serviceAccount"] {
            if let name = spec[key]?.string, !name.isEmpty { return name }
        }
        return "default"
    }
}
