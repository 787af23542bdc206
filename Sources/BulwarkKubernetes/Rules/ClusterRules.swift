import BulwarkCore

/// Whole-inventory rules that join objects: namespaces with their workloads, NetworkPolicies
/// with the pods they select, RBAC bindings with the ServiceAccounts workloads run as. Each
/// builds its dictionaries once per scan, so the cost stays linear in the inventory size.
///
/// The rules live in `Cluster/ClusterRules+<Topic>.swift`, their helpers next to them; this is the
/// one list of them.
public enum ClusterRules {
    public static let all: [KubernetesRule] = [
        namespacePSSEnforce,
        podNotIsolated,
        workloadClusterAdmin,
    ]
}
