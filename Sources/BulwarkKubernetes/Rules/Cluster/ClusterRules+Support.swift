import BulwarkCore

/// Helpers shared by the cluster rules (and the NetworkPolicy rules and the fixer): namespaces, name
/// lists, the Pod Security enforce label and where the pods' labels are.
extension ClusterRules {
    /// The namespace the pods of a pod spec run in.
    static func namespace(of pod: PodSpecView) -> String { pod.object.effectiveNamespace ?? "default" }

    /// `Deployment ml/a`, `Pod ml/b` and 3 more.
    static func list(_ names: [String], limit: Int = 3) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }

    static let enforceLabel = "pod-security.kubernetes.io/enforce"

    /// JSON path of the labels of the pods of a pod spec.
    static func labelsPath(of pod: PodSpecView) -> String {
        if pod.podMetadata == nil || pod.podMetadata === pod.object.metadata { return "metadata.labels" }
        if pod.specPath.hasSuffix(".spec") { return String(pod.specPath.dropLast(5)) + ".metadata.labels" }
        return pod.specPath + ".labels"
    }
}
