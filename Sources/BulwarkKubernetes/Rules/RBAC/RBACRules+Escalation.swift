import BulwarkCore

/// Escalation paths: permissions that lead past RBAC's own checks, to the nodes or to every object of
/// the cluster. Each is reported at the binding subject that holds it.
extension RBACRules {
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
}
