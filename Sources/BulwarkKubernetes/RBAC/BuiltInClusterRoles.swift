/// The ClusterRoles every Kubernetes cluster has, known even when the input does not hold them:
/// `cluster-admin`, the user-facing `admin`, `edit` and `view` (aggregated, as the API server's
/// bootstrap policy defines them) and the `system:aggregate-to-*` roles they aggregate.
///
/// Transcribed from kubernetes/kubernetes
/// `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml` (the bootstrap
/// policy's golden file; this copy includes `serviceaccounts/token` create in `edit`, which
/// recent releases grant). An input ClusterRole of the same name replaces the built-in one, so a
/// dump of a real cluster is analysed as it is.
enum BuiltInClusterRoles {
    static let aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
    static let aggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit"
    static let aggregateToView = "rbac.authorization.k8s.io/aggregate-to-view"

    private static let read = ["get", "list", "watch"]
    private static let write = ["create", "delete", "deletecollection", "patch", "update"]
    private static let readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    private static func rule(_ verbs: [String], _ groups: [String], _ resources: [String]) -> RBACPolicyRule {
        RBACPolicyRule(apiGroups: groups, resources: resources, verbs: verbs)
    }

    private static func role(_ name: String, labels: [String: String] = [:], aggregating label: String? = nil,
                             _ rules: [RBACPolicyRule] = []) -> RBACRole {
        RBACRole(kind: .clusterRole, name: name, namespace: nil, rules: rules,
                 labels: labels.merging(["kubernetes.io/bootstrapping": "rbac-defaults"]) { first, _ in first },
                 aggregationSelectors: label.map { [RBACLabelSelector(matchLabels: [$0: "true"])] }, object: nil)
    }

    /// What members of `system:masters` hold without any binding, too.
    static let clusterAdmin = role("cluster-admin", [
        rule(["*"], ["*"], ["*"]),
        RBACPolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
    ])

    static let all: [RBACRole] = [
        clusterAdmin,
        role("admin", aggregating: aggregateToAdmin),
        role("edit", labels: [aggregateToAdmin: "true"], aggregating: aggregateToEdit),
        role("view", labels: [aggregateToEdit: "true"], aggregating: aggregateToView),
        role("system:aggregate-to-admin", labels: [aggregateToAdmin: "true"], [
            rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            rule(readWrite, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
        ]),
        role("system:aggregate-to-edit", labels: [aggregateToEdit: "true"], [
            rule(read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
            rule(["impersonate"], [""], ["serviceaccounts"]),
            rule(write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
            rule(["create"], [""], ["pods/eviction"]),
            rule(write, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                               "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
            rule(["create"], [""], ["serviceaccounts/token"]),
            rule(write, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                                   "replicasets/scale", "statefulsets", "statefulsets/scale"]),
            rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
            rule(write, ["batch"], ["cronjobs", "jobs"]),
            rule(write, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                                         "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"]),
            rule(write, ["policy"], ["poddisruptionbudgets"]),
            rule(write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
            rule(readWrite, ["coordination.k8s.io"], ["leases"]),
        ]),
        role("system:aggregate-to-view", labels: [aggregateToView: "true"], [
            rule(read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                              "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                              "services/status"]),
            rule(read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                              "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
            rule(read, [""], ["namespaces"]),
            rule(read, ["discovery.k8s.io"], ["endpointslices"]),
            rule(read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                                  "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                                  "statefulsets/scale", "statefulsets/status"]),
            rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            rule(read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
            rule(read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                                        "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale",
                                        "replicasets/status", "replicationcontrollers/scale"]),
            rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            rule(read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
        ]),
    ]
}
