import BulwarkCore

/// Namespaces of workloads and the Pod Security Standard they enforce.
extension ClusterRules {
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
            controls: ["cis-k8s:5.2.1", "nsa-k8s:pod-security", "owasp-k8s:K04"],
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
}
