import BulwarkCore

/// Pods and the NetworkPolicies that isolate them.
extension ClusterRules {
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
}
