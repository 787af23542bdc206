import BulwarkCore

/// Permissions that act as another identity: reading credentials from Secrets, minting a token or a
/// client certificate, impersonating. Each is reported at the binding subject that holds it.
extension RBACRules {
    static let readSecrets = KubernetesRule(
        RuleDescriptor(
            id: "rbac/read-secrets",
            severity: .high,
            title: "Subject can read Secrets",
            summary: "The subject may get, list or watch Secrets (matched with RBAC's semantics, so `*` verbs, `*` resources, `apiGroups: [\"*\"]` and aggregated roles count): it can read every credential stored in the namespace or the cluster, including ServiceAccount tokens, registry credentials and model-store keys, and act with them. A list or watch returns the Secrets' contents, not only their names. Grants limited to named Secrets (resourceNames) are not reported. " + scaleSentence(cluster: .high, namespace: .medium),
            remediation: "Give the workload only the Secrets it needs, mounted as volumes or environment variables (which needs no RBAC at all), or a Role that gets them by resourceNames; remove list and watch on secrets.",
            controls: ["cis-k8s:5.1.2", "nist-800-190:4.3.1", "owasp-k8s:K03", "owasp-k8s:K08"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: secret-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["secrets"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: model-server-secrets, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
                subjects:
                  - kind: ServiceAccount
                    name: ↓model-server
                    namespace: ml
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: ml}
                spec:
                  predictor:
                    serviceAccountName: model-server
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models/fraud
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: read-everything}
                rules:
                  - apiGroups: ["*"]
                    resources: ["*"]
                    verbs: ["get"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: auditors}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: read-everything}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: ↓auditor@example.com}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: registry-credentials-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["secrets"]
                    resourceNames: ["registry-credentials"]
                    verbs: ["get"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: model-server-secrets, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: registry-credentials-reader}
                subjects:
                  - {kind: ServiceAccount, name: model-server, namespace: ml}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: viewers}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: viewers}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: wrong-group, namespace: ml}
                rules:
                  - apiGroups: ["apps"]
                    resources: ["secrets"]
                    verbs: ["get"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: wrong-group, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: wrong-group}
                subjects:
                  - {kind: ServiceAccount, name: model-server, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .readSecrets).map(\.violation) }
    )

    static let impersonate = KubernetesRule(
        RuleDescriptor(
            id: "rbac/impersonate",
            severity: .critical,
            title: "Subject can impersonate other identities",
            summary: "The subject holds the impersonate verb on users, groups or serviceaccounts, so it can send requests as another identity (`kubectl --as`). Impersonating users or groups (cluster-scoped, so only a ClusterRoleBinding grants it) reaches system:masters and is critical for a workload identity; impersonating ServiceAccounts reaches their permissions and is high cluster-wide, medium in one namespace. One step lower when no workload of the input runs with the identity or the grant is limited to named identities, one step higher when a model server does.",
            remediation: "Remove impersonate from roles held by workloads and people; an authenticating proxy that must impersonate should be limited with resourceNames to the users and groups it serves.",
            controls: ["cis-k8s:5.1.8", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: impersonator}
                rules:
                  - apiGroups: [""]
                    resources: ["users", "groups"]
                    verbs: ["impersonate"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: notebook-gateway}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
                subjects:
                  - {kind: ServiceAccount, name: ↓gateway, namespace: notebooks}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: ml-editors, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ↓ml-editors}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: impersonator}
                rules:
                  - apiGroups: [""]
                    resources: ["users", "groups"]
                    verbs: ["impersonate"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: gateway, namespace: notebooks}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
                subjects:
                  - {kind: ServiceAccount, name: gateway, namespace: notebooks}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .impersonate).map(\.violation) }
    )

    static let createServiceAccountToken = KubernetesRule(
        RuleDescriptor(
            id: "rbac/create-service-account-token",
            severity: .high,
            title: "Subject can create ServiceAccount tokens",
            summary: "The subject may create serviceaccounts/token (the TokenRequest API behind `kubectl create token`), so it can mint a token for any ServiceAccount of the namespace (or cluster) and act with that ServiceAccount's permissions; get or list on serviceaccounts does not allow this. The built-in edit and admin roles include it. " + scaleSentence(cluster: .high, namespace: .medium),
            remediation: "Remove create on serviceaccounts/token, or limit it with resourceNames to the ServiceAccounts the subject must mint tokens for; pods receive their own tokens through projected volumes without it.",
            controls: ["cis-k8s:5.1.13", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: token-minter, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["serviceaccounts/token"]
                    verbs: ["create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: token-minter, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: token-minter}
                subjects:
                  - {kind: ServiceAccount, name: ↓batch-scheduler, namespace: ml}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: sa-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["serviceaccounts"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: sa-reader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sa-reader}
                subjects:
                  - {kind: ServiceAccount, name: batch-scheduler, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .createServiceAccountToken).map(\.violation) }
    )

    static let approveCSR = KubernetesRule(
        RuleDescriptor(
            id: "rbac/approve-csr",
            severity: .high,
            title: "Subject can approve CertificateSigningRequests",
            summary: "The subject may update or patch certificatesigningrequests/approval. Together with the approve verb on the kubernetes.io/kube-apiserver-client signer (checked across all the subject's bindings) it can approve a client certificate for any user and group, system:masters included, which outlives any token; without that signer it is reported at medium. Cluster-scoped: only a ClusterRoleBinding grants it. " + scaleSentence(cluster: .high, namespace: nil),
            remediation: "Leave CSR approval to the controller manager and the node-bootstrap approvers; if a controller must approve, limit its approve verb with resourceNames to its own signer.",
            controls: ["cis-k8s:5.1.11", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: csr-approver}
                rules:
                  - apiGroups: ["certificates.k8s.io"]
                    resources: ["certificatesigningrequests/approval"]
                    verbs: ["update"]
                  - apiGroups: ["certificates.k8s.io"]
                    resources: ["signers"]
                    resourceNames: ["kubernetes.io/kube-apiserver-client"]
                    verbs: ["approve"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: csr-approver}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: csr-approver}
                subjects:
                  - {kind: ServiceAccount, name: ↓cert-bot, namespace: platform}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: csr-requester}
                rules:
                  - apiGroups: ["certificates.k8s.io"]
                    resources: ["certificatesigningrequests"]
                    verbs: ["create", "get", "list", "watch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: csr-requester}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: csr-requester}
                subjects:
                  - {kind: ServiceAccount, name: cert-bot, namespace: platform}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .approveCSR).map(\.violation) }
    )
}
