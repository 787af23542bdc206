import BulwarkCore

/// Escalation paths: permissions that lead to other identities' permissions, to nodes or to
/// every object of the cluster. Each is reported at the binding subject that holds it.
extension RBACRules {
    /// The severity sentence shared by the subject-centric escalation rules.
    static func scaleSentence(cluster: Severity, namespace: Severity?) -> String {
        let namespaceText = namespace.map { ", \($0.rawValue) when held in one namespace through a RoleBinding" } ?? ""
        return "\(cluster.rawValue.prefix(1).uppercased() + cluster.rawValue.dropFirst()) when a workload identity holds it cluster-wide\(namespaceText); one step lower when no workload of the input runs with the identity (people, unused ServiceAccounts, pods that mount no token) or the grant is limited to named objects, one step higher when a model server does."
    }

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

    static let createPods = KubernetesRule(
        RuleDescriptor(
            id: "rbac/create-pods",
            severity: .high,
            title: "Subject can create pods or pod controllers",
            summary: "The subject may create pods, or create, update or patch a controller that creates them (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs, and the InferenceService, ServingRuntime, Ray, Kubeflow, Knative, Seldon, LeaderWorkerSet, JobSet and Argo Rollout CRDs). A pod can name any ServiceAccount of its namespace and mount its token, any Secret and ConfigMap, and (unless Pod Security admission forbids it) host paths and privileged mode, so this reaches every identity of the namespace; the message names the ServiceAccounts with bindings there. " + scaleSentence(cluster: .high, namespace: .medium),
            remediation: "Let a deployment pipeline or GitOps controller create workloads instead of the workload's own identity; if a workload must create pods (a job launcher, a notebook spawner), confine it to a dedicated namespace whose ServiceAccounts have no other bindings and which enforces Pod Security restricted.",
            controls: ["cis-k8s:5.1.4", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: job-launcher, namespace: ml}
                rules:
                  - apiGroups: ["batch"]
                    resources: ["jobs"]
                    verbs: ["create", "get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: pipeline-job-launcher, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: job-launcher}
                subjects:
                  - {kind: ServiceAccount, name: ↓pipeline, namespace: ml}
                  - {kind: ServiceAccount, name: ↓notebook, namespace: ml}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ci-edit}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                  - {kind: ServiceAccount, name: ↓ci, namespace: ci}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: pod-restarter, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    verbs: ["get", "list", "update", "delete"]
                  - apiGroups: ["apps"]
                    resources: ["deployments/scale"]
                    verbs: ["patch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: autoscaler, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-restarter}
                subjects:
                  - {kind: ServiceAccount, name: autoscaler, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .createPods).map(\.violation) }
    )

    static let podExec = KubernetesRule(
        RuleDescriptor(
            id: "rbac/pod-exec",
            severity: .high,
            title: "Subject can exec into, attach to or port-forward to pods",
            summary: "The subject may use pods/exec, pods/attach or pods/portforward, so it can run commands in the pods of the namespace (or cluster) with their ServiceAccount tokens, mounted Secrets and model files, or reach their ports past NetworkPolicies. `get` counts as well as `create`: the WebSocket form of these requests is a GET, which the API server authorised with the get verb until Kubernetes 1.35 (kubernetes/kubernetes#78741). `pods/*` is no wildcard in RBAC and grants none of them. " + scaleSentence(cluster: .high, namespace: .medium),
            remediation: "Remove pods/exec, pods/attach and pods/portforward from roles held by workloads; give people exec through a just-in-time, audited role in the namespaces they operate, and use ephemeral debug containers sparingly.",
            controls: ["nist-800-190:4.3.1", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debugger, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods", "pods/exec"]
                    verbs: ["get", "create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: debugger, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
                subjects:
                  - {kind: ServiceAccount, name: ↓agent, namespace: ml}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llm-agent, namespace: ml}
                spec:
                  template:
                    spec:
                      serviceAccountName: agent
                      containers:
                        - {name: agent, image: registry.example.com/ml/agent:1.0}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: port-forwarder}
                rules:
                  - apiGroups: [""]
                    resources: ["pods/portforward"]
                    verbs: ["get"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: port-forwarders}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: port-forwarder}
                subjects:
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ↓data-scientists}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: log-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods", "pods/log", "pods/*"]
                    verbs: ["get", "create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: log-reader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: log-reader}
                subjects:
                  - {kind: ServiceAccount, name: log-shipper, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .podExec).map(\.violation) }
    )

    static let escalateOrBind = KubernetesRule(
        RuleDescriptor(
            id: "rbac/escalate-or-bind",
            severity: .critical,
            title: "Subject can escalate or bind roles",
            summary: "The subject holds the escalate or bind verb on roles or clusterroles, which switch off RBAC's privilege-escalation check: with escalate it can write a role with permissions it does not hold, with bind (and write access to bindings) it can bind any role, cluster-admin included, to itself. A RoleBinding that grants bind on clusterroles counts in its namespace, because the API server checks bind in the namespace of the RoleBinding being written. " + scaleSentence(cluster: .critical, namespace: .high),
            remediation: "Remove escalate and bind from the role; if the subject must delegate a role, grant bind on that role only (resourceNames) together with create on rolebindings in the namespaces concerned.",
            controls: ["cis-k8s:5.1.8", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: rbac-manager}
                rules:
                  - apiGroups: ["rbac.authorization.k8s.io"]
                    resources: ["clusterroles", "clusterrolebindings"]
                    verbs: ["get", "list", "create", "update", "bind", "escalate"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: platform-operator}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rbac-manager}
                subjects:
                  - {kind: ServiceAccount, name: ↓platform-operator, namespace: platform}
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: team-binder, namespace: ml}
                rules:
                  - apiGroups: ["rbac.authorization.k8s.io"]
                    resources: ["rolebindings"]
                    verbs: ["create"]
                  - apiGroups: ["rbac.authorization.k8s.io"]
                    resources: ["clusterroles"]
                    verbs: ["bind"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: team-binder, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: team-binder}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: ↓team-lead@example.com}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: binding-writer, namespace: ml}
                rules:
                  - apiGroups: ["rbac.authorization.k8s.io"]
                    resources: ["rolebindings", "roles"]
                    verbs: ["get", "list", "create", "update", "patch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: binding-writer, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binding-writer}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: team-lead@example.com}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .escalateOrBind).map(\.violation) }
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

    static let nodesProxy = KubernetesRule(
        RuleDescriptor(
            id: "rbac/nodes-proxy",
            severity: .high,
            title: "Subject can use nodes/proxy",
            summary: "The subject holds a verb on nodes/proxy, so it can call every kubelet's API through the API server: list the node's pods, read their logs and run commands in any of them (`get` is enough, through a WebSocket upgrade), bypassing admission and most audit logging. nodes is cluster-scoped, so only a ClusterRoleBinding grants it. " + scaleSentence(cluster: .high, namespace: nil),
            remediation: "Grant monitoring agents nodes/metrics and nodes/stats instead of nodes/proxy; if a tool needs the kubelet API, run it as a node-local DaemonSet that uses the kubelet's read-only endpoints.",
            controls: ["cis-k8s:5.1.10", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: gpu-metrics}
                rules:
                  - apiGroups: [""]
                    resources: ["nodes", "nodes/proxy"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: gpu-metrics}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gpu-metrics}
                subjects:
                  - {kind: ServiceAccount, name: ↓gpu-exporter, namespace: monitoring}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: gpu-metrics}
                rules:
                  - apiGroups: [""]
                    resources: ["nodes", "nodes/metrics", "nodes/stats", "nodes/proxy"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: gpu-metrics, namespace: monitoring}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gpu-metrics}
                subjects:
                  - {kind: ServiceAccount, name: gpu-exporter, namespace: monitoring}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .nodesProxy).map(\.violation) }
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

    static let admissionWebhookWrite = KubernetesRule(
        RuleDescriptor(
            id: "rbac/admission-webhook-write",
            severity: .high,
            title: "Subject can change admission webhooks or policies",
            summary: "The subject may create, update, patch or delete mutating or validating webhook configurations or admission policies, so it can have every object sent to the API server (Secrets and pods included) delivered to a server of its choosing, rewrite pods as they are created, or delete the checks that keep workloads restricted. Cluster-scoped: only a ClusterRoleBinding grants it. " + scaleSentence(cluster: .high, namespace: nil),
            remediation: "Let only the deployment pipeline manage admission configuration; an operator that registers its own webhook should get update on its own configuration by resourceNames.",
            controls: ["cis-k8s:5.1.12", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: webhook-manager}
                rules:
                  - apiGroups: ["admissionregistration.k8s.io"]
                    resources: ["mutatingwebhookconfigurations"]
                    verbs: ["get", "list", "patch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: model-injector}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: webhook-manager}
                subjects:
                  - {kind: ServiceAccount, name: ↓model-injector, namespace: ml-system}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: webhook-viewer}
                rules:
                  - apiGroups: ["admissionregistration.k8s.io"]
                    resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]
                    verbs: ["get", "list", "watch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: webhook-viewer}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: webhook-viewer}
                subjects:
                  - {kind: ServiceAccount, name: model-injector, namespace: ml-system}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .admissionWebhookWrite).map(\.violation) }
    )

    static let createPersistentVolumes = KubernetesRule(
        RuleDescriptor(
            id: "rbac/create-persistent-volumes",
            severity: .medium,
            title: "Subject can create PersistentVolumes",
            summary: "The subject may create PersistentVolumes, so it can create a hostPath volume and, with a claim bound to it, mount any directory of a node (the kubelet's credentials, other pods' volumes) into a pod. Cluster-scoped: only a ClusterRoleBinding grants it. " + scaleSentence(cluster: .medium, namespace: nil),
            remediation: "Provision volumes through StorageClasses and dynamic provisioning (PersistentVolumeClaims only); reserve PersistentVolume creation for storage administrators and CSI provisioners.",
            controls: ["cis-k8s:5.1.9", "nist-800-190:4.3.1", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: dataset-loader}
                rules:
                  - apiGroups: [""]
                    resources: ["persistentvolumes"]
                    verbs: ["get", "create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: dataset-loader}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: dataset-loader}
                subjects:
                  - {kind: ServiceAccount, name: ↓dataset-loader, namespace: ml}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: dataset-loader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["persistentvolumeclaims"]
                    verbs: ["get", "create"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: dataset-loader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: dataset-loader}
                subjects:
                  - {kind: ServiceAccount, name: dataset-loader, namespace: ml}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .createPersistentVolumes).map(\.violation) }
    )

    static let ephemeralContainers = KubernetesRule(
        RuleDescriptor(
            id: "rbac/ephemeral-containers",
            severity: .high,
            title: "Subject can add ephemeral containers to running pods",
            summary: "The subject may update or patch pods/ephemeralcontainers (what `kubectl debug` uses), so it can start a container of its choosing inside any running pod and use that pod's ServiceAccount token, volumes and network namespace, without exec permission. " + scaleSentence(cluster: .high, namespace: .medium),
            remediation: "Remove update and patch on pods/ephemeralcontainers from roles held by workloads; give people debugging access through a just-in-time, audited role.",
            controls: ["nist-800-190:4.3.1", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debugger, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods/ephemeralcontainers"]
                    verbs: ["patch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: debugger, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: ↓oncall@example.com}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debugger, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods", "pods/ephemeralcontainers"]
                    verbs: ["get", "list"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: debugger, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: oncall@example.com}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).risks(of: .ephemeralContainers).map(\.violation) }
    )
}
