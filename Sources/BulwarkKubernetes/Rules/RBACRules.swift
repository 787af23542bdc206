import BulwarkCore

/// RBAC: effective permissions and privilege-escalation paths (REFERENCES.md §3).
///
/// Every rule is a whole-inventory rule over `RBACAssessment`: bindings are joined to their
/// roles (aggregated and built-in ClusterRoles included) and matched with the RBAC authorizer's
/// exact semantics, and each finding names the workloads that run with the identity.
public enum RBACRules {
    public static let all: [KubernetesRule] = rules(for: nil)

    /// The rules, limited to the binding subjects that apply to `subject` (its user name or one of
    /// its groups) when it is set: what `bulwark rbac --subject` reports. With
    /// `reportsWorkloadClusterAdmin`, rbac/cluster-admin-equivalent also covers what
    /// rbac/workload-cluster-admin reports (for a rule set without that rule).
    /// The rules of one set share the analysis of the inventory they are run on (`RBACAssessmentMemo`).
    public static func rules(for subject: RBACSubject?, reportsWorkloadClusterAdmin: Bool = false) -> [KubernetesRule] {
        let memo = RBACAssessmentMemo(subject: subject, reportsWorkloadClusterAdmin: reportsWorkloadClusterAdmin)
        return descriptors.map { descriptor in
            let id = descriptor.id
            return KubernetesRule(descriptor, check: .inventory { index in
                memo.assessment(of: index).risks(rule: id).map(\.violation)
            })
        }
    }

    static let descriptors: [RuleDescriptor] = [
        clusterAdminEquivalent, wildcardRule, ineffectiveSubresourceWildcard, anonymousAccess, broadGroupBinding,
        defaultServiceAccountBinding, readSecrets, createPods, podExec, escalateOrBind, impersonate, createServiceAccountToken,
        nodesProxy, approveCSR, admissionWebhookWrite, createPersistentVolumes, ephemeralContainers,
    ]
}
