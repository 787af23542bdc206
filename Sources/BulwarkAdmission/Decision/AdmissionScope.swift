import BulwarkCore
import BulwarkKubernetes

/// Which rules the webhook runs on one object, and which it leaves to `bulwark scan` because their
/// verdict needs more than the object the API server sends.
public enum AdmissionScope {
    /// Pod rules whose verdict reads other objects of the inventory, each with the reason. Every
    /// `.inventory` rule is cluster-wide too (`clusterWideReason`). A test judges every rule's
    /// examples object by object and with the rest of their inventory, and fails when a rule
    /// outside these lists decides differently.
    public static let needsOtherObjects: [String: String] = [
        "k8s/automount-service-account-token": "needs the pod's ServiceAccount object (its automountServiceAccountToken counts)",
        "k8s/default-service-account": "needs the pod's ServiceAccount object (whether its token is mounted)",
        "k8s/cpu-limits": "needs the namespace's LimitRanges (their defaults count)",
        "k8s/cpu-requests": "needs the namespace's LimitRanges (their defaults count)",
        "k8s/memory-limits": "needs the namespace's LimitRanges (their defaults count)",
        "k8s/memory-requests": "needs the namespace's LimitRanges (their defaults count)",
        "k8s/ephemeral-storage-limits": "needs the namespace's LimitRanges (their defaults count)",
    ]

    /// Why a rule is not judged at admission, or nil when it is.
    public static func clusterWideReason(_ rule: KubernetesRule) -> String? {
        if case .inventory = rule.check {
            return "judges the whole inventory (\(inventoryReason(rule.descriptor.domain)))"
        }
        return needsOtherObjects[rule.id]
    }

    static func inventoryReason(_ domain: String) -> String {
        switch domain {
        case "rbac": "effective permissions need every Role, ClusterRole and binding"
        case "netpol": "reachability needs every NetworkPolicy, pod and namespace"
        default: "it relates several objects"
        }
    }

    /// Rules only the restricted profile asks for: the Pod Security Standards checks of the
    /// restricted level, and the other domains' rules below high severity (hardening beyond what
    /// the baseline forbids). A `baseline` namespace is judged without them.
    public static func isRestrictedOnly(_ rule: RuleDescriptor) -> Bool {
        if rule.domain == "pss" { return rule.tags.contains("restricted") }
        return rule.severity < .high
    }

    /// The rules of the Kubernetes domain judged at admission, by level.
    public static func admissionRules(level: AdmissionLevel) -> [KubernetesRule] {
        KubernetesRules.all.filter { rule in
            clusterWideReason(rule) == nil && (level == .restricted || !isRestrictedOnly(rule.descriptor))
        }
    }

    /// The rules skipped at admission, with why (for `bulwark admission serve --list-rules` and the docs).
    public static var skippedRules: [(rule: String, reason: String)] {
        KubernetesRules.all.compactMap { rule in clusterWideReason(rule).map { (rule.id, $0) } }.sorted { $0.rule < $1.rule }
    }
}
