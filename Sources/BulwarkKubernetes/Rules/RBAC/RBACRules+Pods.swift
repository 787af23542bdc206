import BulwarkCore

/// Permissions that run code in pods, with their ServiceAccount tokens, Secrets and model files:
/// creating pods or their controllers, exec, attach and port-forward, ephemeral containers. Each is
/// reported at the binding subject that holds it.
extension RBACRules {
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
