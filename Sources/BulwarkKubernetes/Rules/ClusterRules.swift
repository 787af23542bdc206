import BulwarkCore

/// Whole-inventory rules that join objects: namespaces with their workloads, NetworkPolicies
/// with the pods they select, RBAC bindings with the ServiceAccounts workloads run as. Each
/// builds its dictionaries once per scan, so the cost stays linear in the inventory size.
public enum ClusterRules {
    public static let all: [KubernetesRule] = [
        namespacePSSEnforce,
        podNotIsolated,
        workloadClusterAdmin,
    ]

    /// The namespace the pods of a pod spec run in.
    static func namespace(of pod: PodSpecView) -> String { pod.object.effectiveNamespace ?? "default" }

    /// `Deployment ml/a`, `Pod ml/b` and 3 more.
    static func list(_ names: [String], limit: Int = 3) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }

    // MARK: - k8s/namespace-pss-enforce

    static let enforceLabel = "pod-security.kubernetes.io/enforce"

    static let namespacePSSEnforce = KubernetesRule(
        RuleDescriptor(
            id: "k8s/namespace-pss-enforce",
            severity: .medium,
            title: "Workload namespace does not enforce the restricted Pod Security Standard",
            summary: """
            Pod Security Admission enforces nothing in a namespace without the \
            `pod-security.kubernetes.io/enforce` label unless the cluster default was changed, so one bad pod spec or \
            one compromised deployer can start privileged pods next to the model servers. Reported for Namespace \
            objects in the scanned manifests that hold pod-bearing workloads: a missing label or `baseline` is \
            medium, `privileged` is high (namespaces without a Namespace object in the input are not reported).
            """,
            remediation: """
            Label the namespace `pod-security.kubernetes.io/enforce: restricted` (with `enforce-version`, and the \
            same `audit` and `warn` labels), after checking the workloads with `bulwark pss --level restricted`.
            """,
            controls: ["cis-k8s:5.2.1", "nsa-k8s:pod-security", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Namespace
                ↓metadata:
                  name: ml-inference
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: gpu-jobs
                  labels:
                    pod-security.kubernetes.io/enforce: ↓privileged
                    pod-security.kubernetes.io/warn: restricted
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: finetune, namespace: gpu-jobs}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: train, image: registry.example.com/ml/trainer:2.0}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: ml-inference
                  labels:
                    pod-security.kubernetes.io/enforce: restricted
                    pod-security.kubernetes.io/enforce-version: latest
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: empty-namespace}
                """),
            ],
            tags: ["pss"]
        ),
        check: .inventory { index in
            guard !index.namespaces.isEmpty else { return [] }
            var workloads: [String: [String]] = [:]
            for (position, object) in index.objects.enumerated() {
                guard index.podSpecsByObject[position].contains(where: \.describesRunningPods),
                      let namespace = object.effectiveNamespace, index.namespaces[namespace] != nil else { continue }
                workloads[namespace, default: []].append(object.displayName)
            }
            var violations: [Violation] = []
            for (name, namespace) in index.namespaces.sorted(by: { $0.key < $1.key }) {
                guard let running = workloads[name] else { continue }
                let labelNode = namespace.metadata?["labels"]?[enforceLabel]
                let level = labelNode?.string
                let severity: Severity
                let problem: String
                switch level {
                case nil:
                    severity = .medium
                    problem = "has no \(enforceLabel) label, so Pod Security Admission applies the cluster default (privileged unless configured)"
                case "privileged":
                    severity = .high
                    problem = "enforces the privileged Pod Security Standard, which allows everything"
                case "baseline":
                    severity = .medium
                    problem = "enforces only the baseline Pod Security Standard"
                default:
                    // `restricted`, or an invalid level, which Pod Security Admission treats as restricted.
                    continue
                }
                let workloadText = "\(running.count) workload\(running.count == 1 ? "" : "s") (\(list(running)))"
                violations.append(Violation(
                    "\(namespace.displayName) runs \(workloadText) but \(problem)",
                    at: labelNode ?? namespace.root.keyNode("metadata") ?? namespace.root,
                    field: labelNode == nil ? "metadata.labels" : "metadata.labels[\(enforceLabel)]",
                    object: namespace, severity: severity))
            }
            return violations
        }
    )

    // MARK: - netpol/pod-not-isolated

    static let podNotIsolated = KubernetesRule(
        RuleDescriptor(
            id: "netpol/pod-not-isolated",
            severity: .medium,
            title: "Pods not isolated by any NetworkPolicy",
            summary: """
            Pods that no NetworkPolicy of their namespace selects for ingress accept connections from every pod in \
            the cluster, so one compromised pod can reach the model server's inference and management ports \
            directly. A policy selects the pods when its `podSelector` matches their labels (`{}` matches all) and it \
            applies to ingress (`policyTypes` contains Ingress, or `policyTypes` is omitted).
            """,
            remediation: """
            Add a default-deny ingress NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress]`) to the namespace \
            and allow only the callers that need the service, e.g. with `bulwark netpol generate`.
            """,
            controls: ["cis-k8s:5.3.2", "nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      ↓labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-only, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: other-app, namespace: ml-inference}
                spec:
                  podSelector:
                    matchExpressions: [{key: app, operator: In, values: [web, api]}]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                ↓metadata: {name: notebook, namespace: research}
                spec:
                  containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app.kubernetes.io/name: model-server, tier: inference}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app.kubernetes.io/name: model-server}
                    matchExpressions:
                      - {key: tier, operator: NotIn, values: [debug]}
                      - {key: legacy, operator: DoesNotExist}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
                """),
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: research}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: notebook, namespace: research}
                spec:
                  containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            let policies = IngressPolicyIndex(index)
            var violations: [Violation] = []
            for pod in index.podSpecs where pod.describesRunningPods {
                let namespace = namespace(of: pod)
                let labels = pod.runningPodLabels
                guard !policies.isolates(labels, in: namespace) else { continue }
                let server = ServingWorkload.detect(pod).map { ", which runs \($0.kind.displayName)," } ?? ""
                let labelText = labels.isEmpty ? "no labels" : "labels " + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                violations.append(Violation(
                    "no NetworkPolicy in namespace \(namespace) selects the pods of \(pod.displayName)\(server) for ingress (\(labelText)), so every pod in the cluster can connect to them",
                    at: pod.podMetadata?.keyNode("labels") ?? pod.object.root.keyNode("metadata") ?? pod.object.root,
                    field: labelsPath(of: pod),
                    object: pod.object))
            }
            return violations
        }
    )

    /// JSON path of the labels of the pods of a pod spec.
    static func labelsPath(of pod: PodSpecView) -> String {
        if pod.podMetadata == nil || pod.podMetadata === pod.object.metadata { return "metadata.labels" }
        if pod.specPath.hasSuffix(".spec") { return String(pod.specPath.dropLast(5)) + ".metadata.labels" }
        return pod.specPath + ".labels"
    }

    /// The ingress-isolating NetworkPolicies of each namespace, indexed by one of their
    /// `matchLabels` pairs so that a pod is tested only against policies that can select it.
    struct IngressPolicyIndex {
        private var selectAll: Set<String> = []                       // namespaces with a `{}` ingress policy
        private var byLabel: [String: [String: [LabelSelector]]] = [:]  // namespace → "key=value" → selectors
        private var unindexed: [String: [LabelSelector]] = [:]         // namespace → expression-only selectors

        init(_ index: InventoryIndex) {
            for policy in index.objects(ofKind: "NetworkPolicy") where policy.group == "networking.k8s.io" {
                let spec = policy.root["spec"]
                let types = spec?["policyTypes"]
                // Omitted policyTypes: every policy affects ingress (egress only with egress rules).
                guard types == nil || types?.isNull == true || types?.strings.contains("Ingress") == true else { continue }
                let namespace = policy.effectiveNamespace ?? "default"
                let selector = spec?["podSelector"].map(LabelSelector.init) ?? .everything
                guard selector.isValid else { continue }
                if selector.selectsEverything {
                    selectAll.insert(namespace)
                } else if let (key, value) = selector.matchLabels.min(by: { $0.key < $1.key }) {
                    byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(selector)
                } else {
                    unindexed[namespace, default: []].append(selector)
                }
            }
        }

        func isolates(_ labels: [String: String], in namespace: String) -> Bool {
            if selectAll.contains(namespace) { return true }
            if let indexed = byLabel[namespace] {
                for (key, value) in labels {
                    if indexed["\(key)=\(value)"]?.contains(where: { $0.matches(labels) }) == true { return true }
                }
            }
            return unindexed[namespace]?.contains { $0.matches(labels) } ?? false
        }
    }

    // MARK: - rbac/workload-cluster-admin

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

    /// The ServiceAccounts an RBAC subject stands for.
    enum CoveredAccounts: CustomStringConvertible {
        case account(namespace: String, name: String)
        case namespace(String)
        case all

        var description: String {
            switch self {
            case .account(let namespace, let name): "ServiceAccount \(namespace)/\(name)"
            case .namespace(let namespace): "every ServiceAccount in namespace \(namespace)"
            case .all: "every ServiceAccount in the cluster"
            }
        }
    }

    /// Nil for subjects that are not ServiceAccounts (users, other groups).
    static func coveredAccounts(_ subject: YAMLNode, binding: KubeObject) -> CoveredAccounts? {
        guard let kind = subject["kind"]?.string, let name = subject["name"]?.string else { return nil }
        switch kind {
        case "ServiceAccount":
            // A RoleBinding's ServiceAccount subject may omit the namespace: it is the binding's.
            let namespace = subject["namespace"]?.string ?? (binding.kind == "RoleBinding" ? binding.effectiveNamespace : nil)
            return namespace.map { .account(namespace: $0, name: name) }
        case "User":
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount" else { return nil }
            return .account(namespace: String(parts[2]), name: String(parts[3]))
        case "Group":
            if name == "system:serviceaccounts" || name == "system:authenticated" { return .all }
            let prefix = "system:serviceaccounts:"
            return name.hasPrefix(prefix) ? .namespace(String(name.dropFirst(prefix.count))) : nil
        default:
            return nil
        }
    }
}
