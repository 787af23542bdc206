import BulwarkCore

/// Namespaces whose pods no default-deny policy isolates.
extension NetworkPolicyRules {
    // MARK: - netpol/missing-default-deny-ingress, netpol/missing-default-deny-egress

    static let missingDefaultDenyIngress = missingDefaultDeny(.ingress)
    static let missingDefaultDenyEgress = missingDefaultDeny(.egress)

    static func missingDefaultDeny(_ direction: NetworkPolicyRule.Direction) -> KubernetesRule {
        let type = direction.policyType
        let ingress = direction == .ingress
        return KubernetesRule(
            RuleDescriptor(
                id: "netpol/missing-default-deny-\(direction)",
                severity: .medium,
                title: "Namespace without a default-deny \(direction) NetworkPolicy",
                summary: ingress ? """
                A namespace that runs workloads but has no NetworkPolicy selecting all of its pods for ingress \
                (`podSelector: {}` with `policyTypes: [Ingress]`) leaves every pod that no specific policy selects, \
                including pods added later, open to connections from the whole cluster. Reported once per namespace, at \
                its Namespace object when the input has one, else at its first workload.
                """ : """
                A namespace that runs workloads but has no NetworkPolicy selecting all of its pods for egress \
                (`podSelector: {}` with `policyTypes: [Egress]`) lets a compromised pod, for example a model server \
                that loaded a malicious pickle, connect anywhere: the cloud metadata service, the Kubernetes API, \
                other tenants and the internet for exfiltration. Reported once per namespace, at its Namespace object \
                when the input has one, else at its first workload.
                """,
                remediation: """
                Add a default-deny NetworkPolicy to the namespace (`podSelector: {}`, `policyTypes: [\(type)]`, no \
                \(direction) rules) and allow \(ingress ? "each caller" : "each destination (DNS first)") with its own \
                policy; `bulwark netpol generate` writes such a set for an inference service.
                """,
                controls: controls,
                failing: [
                    RuleExample("""
                    apiVersion: v1
                    kind: Namespace
                    ↓metadata:
                      name: ml-inference
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: model-server-only, namespace: ml-inference}
                    spec:
                      podSelector:
                        matchLabels: {app: model-server}
                      policyTypes: [Ingress, Egress]
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    """),
                    RuleExample("""
                    apiVersion: apps/v1
                    kind: Deployment
                    ↓metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: default-deny-other-way, namespace: ml-inference}
                    spec:
                      podSelector: {}
                      policyTypes: [\(ingress ? "Egress" : "Ingress")]
                    """),
                ],
                passing: [
                    RuleExample("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: default-deny, namespace: ml-inference}
                    spec:
                      podSelector: {}
                      policyTypes: [Ingress, Egress]
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    """),
                    RuleExample("""
                    apiVersion: cilium.io/v2
                    kind: CiliumClusterwideNetworkPolicy
                    metadata: {name: default-deny}
                    spec:
                      endpointSelector:
                        matchExpressions:
                          - {key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}
                      ingress: [{}]
                      egress:
                        - toEndpoints:
                            - matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
                          toPorts: [{ports: [{port: "53", protocol: ANY}]}]
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
                let network = NetworkReachability.shared(index)
                var workloadsByNamespace: [String: [NetworkReachability.Workload]] = [:]
                var order: [String] = []
                for workload in network.workloads where !workload.judgedThroughOwner {
                    guard let namespace = workload.endpoint.namespace else { continue }
                    if workloadsByNamespace[namespace] == nil { order.append(namespace) }
                    workloadsByNamespace[namespace, default: []].append(workload)
                }
                // A namespace is covered by one of its own policies or a cluster-wide one.
                var policiesByNamespace: [String?: [NetworkPolicy]] = [:]
                for policy in network.policies where policy.isolates(direction) { policiesByNamespace[policy.namespace, default: []].append(policy) }
                let clusterwide = policiesByNamespace[nil] ?? []
                var violations: [Violation] = []
                for namespace in order {
                    guard let workloads = workloadsByNamespace[namespace], let first = workloads.first,
                          !((policiesByNamespace[namespace] ?? []) + clusterwide).contains(where: {
                              covers($0, namespace: namespace, direction: direction, network: network)
                          })
                    else { continue }
                    let names = workloads.map(\.pod.displayName)
                    let consequence = ingress
                        ? "every pod no other policy selects accepts connections from the whole cluster"
                        : "every pod no other policy selects can connect anywhere, including the cloud metadata service"
                    let message = "namespace \(namespace) runs \(names.count) workload\(names.count == 1 ? "" : "s") "
                        + "(\(ClusterRules.list(names))) but no NetworkPolicy selects all of its pods for \(direction) "
                        + "(podSelector: {}, policyTypes: [\(type)]), so \(consequence)"
                    if let object = index.namespaces[namespace] {
                        violations.append(Violation(message, at: object.root.keyNode("metadata") ?? object.root, field: "metadata",
                                                    object: object))
                    } else {
                        let object = first.pod.object
                        violations.append(Violation(message, at: object.root.keyNode("metadata") ?? object.root, field: "metadata",
                                                    object: object))
                    }
                }
                return violations
            }
        )
    }
}
