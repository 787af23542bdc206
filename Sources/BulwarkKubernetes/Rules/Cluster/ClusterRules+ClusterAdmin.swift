import BulwarkCore

/// Workload ServiceAccounts and the cluster-admin bindings that name them.
extension ClusterRules {
    static let workloadClusterAdmin = KubernetesRule(
        RuleDescriptor(
            id: "rbac/workload-cluster-admin",
            severity: .critical,
            title: "Workload ServiceAccount bound to cluster-admin",
            summary: """
            A binding of the `cluster-admin` ClusterRole to a ServiceAccount that a workload runs as hands the whole \
            cluster to anyone who gets code execution in that workload, for example through a malicious pickled \
            model. Subjects are matched by ServiceAccount, by `system:serviceaccount:NS:NAME` user name and by the \
            `system:serviceaccounts[:NS]` and `system:authenticated` groups; pods without `serviceAccountName` run as \
            `default`. A cluster-admin binding of a ServiceAccount that no scanned workload uses is high.
            """,
            remediation: """
            Remove the binding and give the workload a dedicated ServiceAccount with a namespaced Role that grants \
            only what it uses (often nothing: set `automountServiceAccountToken: false`).
            """,
            controls: ["cis-k8s:5.1.1", "owasp-k8s:K03", "nsa-k8s:rbac", "nist-800-190:4.3.1"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: model-server, namespace: ml-inference}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: model-server-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - ↓kind: ServiceAccount
                    name: model-server
                    namespace: ml-inference
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      serviceAccountName: model-server
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: everyone-admin, namespace: research}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
                  - ↓{kind: Group, name: "system:serviceaccounts:research", apiGroup: rbac.authorization.k8s.io}
                  - ↓{kind: ServiceAccount, name: ci-deployer}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: notebook, namespace: research}
                spec:
                  containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: model-server-config-reader, namespace: ml-inference}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: model-server-config-reader}
                subjects:
                  - {kind: ServiceAccount, name: model-server, namespace: ml-inference}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: platform-admins}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - {kind: Group, name: platform-admins, apiGroup: rbac.authorization.k8s.io}
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { index in
            let bindings = index.objects(ofKind: "ClusterRoleBinding") + index.objects(ofKind: "RoleBinding")
            guard !bindings.isEmpty else { return [] }
            // ServiceAccount (namespace/name) → workloads running as it; namespace → workloads.
            var byAccount: [String: [String]] = [:]
            var byNamespace: [String: [String]] = [:]
            var seen: Set<String> = []
            for pod in index.podSpecs where pod.describesRunningPods {
                let namespace = namespace(of: pod)
                let account = "\(namespace)/\(pod.serviceAccountName)"
                let name = pod.object.displayName
                guard seen.insert("\(account)|\(name)").inserted else { continue }
                byAccount[account, default: []].append(name)
                byNamespace[namespace, default: []].append(name)
            }
            var violations: [Violation] = []
            for binding in bindings where binding.group == "rbac.authorization.k8s.io" {
                guard let roleRef = binding.root["roleRef"], roleRef["kind"]?.string == "ClusterRole",
                      roleRef["name"]?.string == "cluster-admin" else { continue }
                let scope = binding.kind == "RoleBinding" ? " in namespace \(binding.effectiveNamespace ?? "default")" : ""
                for (position, subject) in (binding.root["subjects"]?.items ?? []).enumerated() {
                    guard let covered = coveredAccounts(subject, binding: binding) else { continue }
                    let workloads: [String]
                    switch covered {
                    case .account(let namespace, let name): workloads = byAccount["\(namespace)/\(name)"] ?? []
                    case .namespace(let namespace): workloads = byNamespace[namespace] ?? []
                    case .all: workloads = byNamespace.keys.sorted().flatMap { byNamespace[$0] ?? [] }
                    }
                    let consequence = workloads.isEmpty
                        ? "no scanned workload runs as it yet"
                        : "\(list(workloads)) run\(workloads.count == 1 ? "s" : "") with these rights"
                    violations.append(Violation(
                        "\(binding.displayName) grants cluster-admin\(scope) to \(covered.description); \(consequence)",
                        at: subject, field: "subjects[\(position)]", object: binding,
                        severity: workloads.isEmpty ? .high : .critical))
                }
            }
            return violations
        }
    )
}
