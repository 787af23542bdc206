import BulwarkCore

extension PodSpecView {
    /// Kinds whose pod specs are templates for pods created elsewhere, not pods of their own.
    static let templateOnlyKinds: Set<String> = ["PodTemplate", "ServingRuntime", "ClusterServingRuntime"]

    /// Whether the view stands for pods that run in the object's namespace (false for
    /// PodTemplate and KServe (Cluster)ServingRuntime, which other objects instantiate).
    public var describesRunningPods: Bool { !Self.templateOnlyKinds.contains(object.kind) }

    /// The labels the running pods carry: the template's, plus those the ML operators add
    /// (KServe `serving.kserve.io/inferenceservice` and `component`; KubeRay `ray.io/cluster`,
    /// `ray.io/node-type`; see `OperatorPods.templateLabels`), which Services and NetworkPolicies
    /// commonly select on.
    public var runningPodLabels: [String: String] {
        var labels = podLabels
        for (key, value) in OperatorPods.templateLabels(of: self) where labels[key] == nil {
            labels[key] = value
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
