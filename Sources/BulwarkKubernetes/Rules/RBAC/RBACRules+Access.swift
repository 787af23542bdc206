import BulwarkCore

/// Who is granted what: full access, broad groups, unauthenticated users, default ServiceAccounts.
extension RBACRules {
    static let clusterAdminEquivalent = KubernetesRule(
        RuleDescriptor(
            id: "rbac/cluster-admin-equivalent",
            severity: .critical,
            title: "Subject holds cluster-admin-equivalent permissions",
            summary: "A binding gives its subject `*` verbs on `*` resources in `*` API groups, through the built-in cluster-admin role or any role with the same rule: cluster-wide that is full control of the cluster, through a RoleBinding full control of the namespace (its Secrets, pods and bindings). Critical cluster-wide for a workload identity, high in one namespace; one step lower when no workload of the input runs as the subject, one higher for a model server. A workload ServiceAccount bound cluster-wide to the built-in cluster-admin is left to rbac/workload-cluster-admin.",
            remediation: "Bind a role that lists the verbs, resources and namespaces the subject needs; keep cluster-admin for break-glass human accounts, and grant people `admin` or `edit` with RoleBindings in their namespaces.",
            controls: ["cis-k8s:5.1.1", "nist-800-190:4.3.1", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ml-platform-admins}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - kind: Group
                    apiGroup: rbac.authorization.k8s.io
                    name: ↓ml-platform-admins
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: trainer-everything}
                rules:
                  - apiGroups: ["*"]
                    resources: ["*"]
                    verbs: ["*"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: trainer, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: trainer-everything}
                subjects:
                  - {kind: ServiceAccount, name: ↓trainer}
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: train, namespace: ml}
                spec:
                  template:
                    spec:
                      serviceAccountName: trainer
                      restartPolicy: Never
                      containers:
                        - {name: train, image: registry.example.com/ml/train:1.0}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: analysts, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: analysts}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: model-server-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - {kind: ServiceAccount, name: model-server, namespace: ml}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml}
                spec:
                  template:
                    spec:
                      serviceAccountName: model-server
                      containers:
                        - {name: server, image: registry.example.com/ml/model-server:1.0}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).clusterAdminEquivalent().map(\.violation) }
    )

    static let anonymousAccess = KubernetesRule(
        RuleDescriptor(
            id: "rbac/anonymous-access",
            severity: .critical,
            title: "Unauthenticated requests are granted permissions",
            summary: "A binding names the user system:anonymous or the group system:unauthenticated, so anyone who can reach the API server, without credentials, gets the role's permissions. Critical when the role grants API resources; medium when it grants non-resource URLs beyond the public health, version and discovery endpoints (which the default bindings already expose).",
            remediation: "Remove system:anonymous and system:unauthenticated from the binding and bind the permissions to authenticated users or ServiceAccounts; also run the API server with --anonymous-auth=false, or limit anonymous access to the health endpoints with an AuthenticationConfiguration.",
            controls: ["cis-k8s:1.2.1", "nist-800-190:4.3.2", "owasp-k8s:K03", "owasp-k8s:K06", "nsa-k8s:authentication-authorization"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: public-view}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - kind: Group
                    apiGroup: rbac.authorization.k8s.io
                    name: ↓system:unauthenticated
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: model-catalog-reader, namespace: ml}
                rules:
                  - apiGroups: ["serving.kserve.io"]
                    resources: ["inferenceservices"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: model-catalog-public, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: model-catalog-reader}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: ↓system:anonymous}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: health-reader}
                rules:
                  - nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version"]
                    verbs: ["get"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: health-public}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: health-reader}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:unauthenticated}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: sre-view}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: sre}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).anonymousAccess().map(\.violation) }
    )

    static let broadGroupBinding = KubernetesRule(
        RuleDescriptor(
            id: "rbac/broad-group-binding",
            severity: .high,
            title: "Role bound to every authenticated identity or every ServiceAccount",
            summary: "A binding grants a role to system:authenticated (every user and every ServiceAccount token of the cluster), to system:serviceaccounts (every ServiceAccount) or to system:serviceaccounts:<namespace> (every ServiceAccount of a namespace), so every pod that mounts a token holds the role, including pods that are compromised or run untrusted models. High for the cluster-wide groups, medium for one namespace's ServiceAccounts, whatever the input's workloads (every pod of the cluster or namespace is a member); the permissions themselves are reported for the group by the other rbac/ rules. Bindings that only grant discovery and self-review requests (as the defaults do) are not reported.",
            remediation: "Bind the role to the specific users, groups or ServiceAccounts that need it instead of to the whole group.",
            controls: ["nist-800-190:4.3.1", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: everyone-can-view}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - kind: Group
                    apiGroup: rbac.authorization.k8s.io
                    name: ↓system:authenticated
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: all-ml-service-accounts-edit, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ↓system:serviceaccounts:ml}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: self-review}
                rules:
                  - apiGroups: ["authorization.k8s.io"]
                    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]
                    verbs: ["create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: self-review}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: self-review}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:authenticated}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: ml-engineers-edit, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ml-engineers}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).broadGroupBindings().map(\.violation) }
    )

    static let defaultServiceAccountBinding = KubernetesRule(
        RuleDescriptor(
            id: "rbac/default-service-account-binding",
            severity: .medium,
            title: "Role bound to a namespace's default ServiceAccount",
            summary: "A binding grants a role to the default ServiceAccount of a namespace, which every pod of the namespace that names no ServiceAccount runs as, so permissions meant for one workload reach all of them. Medium when a workload of the input runs as it, one step lower when none does, one higher for a model server.",
            remediation: "Create a dedicated ServiceAccount for the workload that needs the permissions, bind the role to it, set serviceAccountName in that workload, and leave the default ServiceAccount without bindings (and with automountServiceAccountToken: false).",
            controls: ["cis-k8s:5.1.5", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: config-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["configmaps"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: config-reader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
                subjects:
                  - kind: ServiceAccount
                    name: ↓default
                    namespace: ml
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: feature-store, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: api, image: registry.example.com/ml/feature-store:1.0}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: config-reader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - {kind: ServiceAccount, name: feature-store, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).defaultServiceAccountBindings().map(\.violation) }
    )
}
