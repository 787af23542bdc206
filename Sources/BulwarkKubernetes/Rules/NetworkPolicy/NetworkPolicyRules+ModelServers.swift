import BulwarkCore

/// Model servers open to pods of every namespace.
extension NetworkPolicyRules {
    // MARK: - netpol/model-server-open-to-all-namespaces

    static let modelServerOpenToAllNamespaces = KubernetesRule(
        RuleDescriptor(
            id: "netpol/model-server-open-to-all-namespaces",
            severity: .high,
            title: "Model server reachable from every namespace",
            summary: """
            A model server (vLLM, Triton, TorchServe, KServe, Ray …, as `ServingWorkload` recognises them) that is \
            isolated for ingress but has a rule admitting pods of any namespace — no `from`, a `namespaceSelector: {}` \
            or a selector every new namespace satisfies, the Cilium `cluster`/`all` entities or unrestricted \
            `fromEndpoints` of a cluster-wide policy — can be called, and often managed, by any workload in the cluster. \
            A pod selector in the same peer does not help: whoever can create pods in some namespace chooses their \
            labels. Model servers not isolated at all are reported by `netpol/pod-not-isolated`.
            """,
            remediation: """
            Admit only the callers that need the model server: a peer with both `namespaceSelector` \
            (`kubernetes.io/metadata.name: <gateway namespace>`) and `podSelector` (the gateway's labels), and the \
            serving port only.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: vllm}
                    spec:
                      containers:
                        - name: server
                          image: vllm/vllm-openai:v0.6.3
                          ports: [{name: http, containerPort: 8000}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: vllm-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: vllm}
                  ingress:
                    - from:
                        - ↓namespaceSelector: {}
                          podSelector:
                            matchLabels: {app: api-gateway}
                      ports: [{port: http}]
                    - ↓ports: [{port: 8000}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: vllm}
                    spec:
                      containers:
                        - name: server
                          image: vllm/vllm-openai:v0.6.3
                          ports: [{name: http, containerPort: 8000}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: vllm-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: vllm}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: gateway}
                          podSelector:
                            matchLabels: {app: api-gateway}
                        - podSelector:
                            matchLabels: {app: benchmark}
                      ports: [{port: http}]
                """),
            ],
            tags: ["network", "ml"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            guard !network.policies.isEmpty else { return [] }
            let anyLabels = network.index.namespaceLabels(anyNamespace)
            // One finding per opening peer (a policy often selects many model servers), naming them.
            struct Opening {
                let node: YAMLNode
                let path: String
                let how: String
                let policy: NetworkPolicy
                /// The first three workloads it opens, and how many there are.
                var targets: [String]
                var count: Int
                var ports: String
            }
            var openings: [ObjectIdentifier: Opening] = [:]
            var order: [ObjectIdentifier] = []
            // The rules of each policy that let every namespace in, found once per policy.
            let openRules = network.policies.map { Self.openRules(of: $0, anyLabels: anyLabels, network: network) }
            let isolatesIngress = network.policies.map(\.isolatesIngress)
            for workload in network.workloads where workload.endpoint.kind == .workload {
                let selecting = network.selectingIndices(of: workload.endpoint)
                guard selecting.contains(where: { isolatesIngress[$0] }) else { continue }
                let opening = selecting.filter { !openRules[$0].isEmpty }
                guard !opening.isEmpty, let server = ServingWorkload.detect(workload.pod) else { continue }
                for position in opening {
                    let policy = network.policies[position]
                    for (rule, open) in openRules[position] {
                        let ports = rule.ports(towards: workload.endpoint)
                        guard !ports.isEmpty else { continue }
                        for (node, path, how) in open {
                            let key = ObjectIdentifier(node)
                            let target = { "\(workload.pod.displayName), which runs \(server.kind.displayName)," }
                            if openings[key] == nil {
                                openings[key] = Opening(node: node, path: path, how: how, policy: policy, targets: [target()], count: 1, ports: "\(ports)")
                                order.append(key)
                            } else {
                                openings[key]?.count += 1
                                if let shown = openings[key]?.targets.count, shown < 3 { openings[key]?.targets.append(target()) }
                            }
                        }
                    }
                }
            }
            return order.compactMap { openings[$0] }.map { opening in
                let shown = opening.targets.joined(separator: " ")
                let more = opening.count > 3 ? " and \(opening.count - 3) more model-serving workloads" : ""
                return Violation(
                    "\(policyKind(opening.policy)) lets pods of every namespace connect to \(shown)\(more) on \(opening.ports) (\(opening.path): \(opening.how))",
                    at: opening.node, field: opening.path, object: opening.policy.object)
            }
        }
    )
}
