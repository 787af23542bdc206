import BulwarkCore

/// RBAC: effective permissions and privilege-escalation paths.
///
/// Every rule is a whole-inventory rule over the index's `RBACAssessment`: bindings are joined to
/// their roles (aggregated and built-in ClusterRoles included) and matched with the RBAC
/// authorizer's exact semantics, and each finding names the workloads that run with the identity.
/// The rules of a scan share one assessment (kept in the index's memo); an index built with an
/// `rbacSubject` limits them to the bindings that apply to that identity (`bulwark rbac --subject`).
///
/// The rules live in `RBAC/RBACRules+<Topic>.swift`, their helpers next to them; this is the one
/// list of them. The model they read (`RBACAssessment`, `RBACCapability`, …) is in
/// `Sources/BulwarkKubernetes/RBAC/`.
public enum RBACRules {
    public static let all: [KubernetesRule] = [
        clusterAdminEquivalent, wildcardRule, ineffectiveSubresourceWildcard, anonymousAccess, broadGroupBinding,
        defaultServiceAccountBinding, readSecrets, createPods, podExec, escalateOrBind, impersonate, createServiceAccountToken,
        nodesProxy, approveCSR, admissionWebhookWrite, createPersistentVolumes, ephemeralContainers,
    ]
}
