import BulwarkCore

/// Policies and peers that select nothing the input holds.
extension NetworkPolicyRules {
    // MARK: - netpol/policy-selects-nothing

    static let policySelectsNothing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/policy-selects-nothing",
            severity: .low,
            title: "NetworkPolicy selects no pod",
            summary: """
            A NetworkPolicy whose `podSelector` matches none of the workloads of its namespace in the input protects \
            nothing: usually a label typo or a policy in the wrong namespace, which leaves the pods it was written for \
            open. Reported only for namespaces whose workloads are in the input; an invalid selector selects nothing. \
            The pods operators create from custom resources of the input (Prometheus, Alertmanager, ThanosRuler, the \
            ML CRDs) count as workloads; in a namespace holding custom resources of other kinds, whose operator may \
            create the pods, the finding is info.
            """,
            remediation: """
            Fix the `podSelector` (or the policy's `metadata.namespace`) so that it matches the pod template labels of \
            the workload it protects, and confirm with `bulwark netpol --from … --to …`.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  ↓podSelector:
                    matchLabels: {app: model-sever}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
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
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
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
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: for-pods-elsewhere, namespace: payments}
                spec:
                  podSelector:
                    matchLabels: {app: ledger}
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            // Workloads as findings list them: a controller, not also its ReplicaSets and Pods.
            var byNamespace: [String: [NetworkEndpoint]] = [:]
            for workload in network.workloads where !workload.judgedThroughOwner {
                if let namespace = workload.endpoint.namespace { byNamespace[namespace, default: []].append(workload.endpoint) }
            }
            // The policies that select some workload, from each workload's selecting policies
            // (found through the engine's label index), not by trying every policy on every workload.
            var selecting: Set<Int> = []
            for workload in network.workloads { selecting.formUnion(network.selectingIndices(of: workload.endpoint)) }
            var violations: [Violation] = []
            for (position, policy) in network.policies.enumerated() {
                guard let namespace = policy.namespace, let endpoints = byNamespace[namespace], !selecting.contains(position) else { continue }
                let selector = policy.selector.labelSelector
                let why = selector.isValid ? "matches" : "is invalid (\(selector.problems.joined(separator: "; "))) and matches"
                let key = policy.flavor == .kubernetes ? "podSelector" : "endpointSelector"
                let node = policy.selectorNode.flatMap { _ in
                    (policy.specIndex == nil ? policy.object.root["spec"] : nil)?.keyNode(key)
                } ?? policy.object.root.keyNode("metadata") ?? policy.object.root
                // Custom resources of unknown kinds: their operator may make the pods the policy is for.
                let operatorNote = selector.isValid ? OperatorPods.unknownOperatorNote(namespace: namespace, in: index) : nil
                violations.append(Violation(
                    "\(policyKind(policy)) \(key) \(selector) \(why) none of the \(endpoints.count) workload\(endpoints.count == 1 ? "" : "s") "
                        + "of namespace \(namespace) in the input (\(ClusterRules.list(endpoints.map(\.displayName)))), so it protects nothing"
                        + (operatorNote ?? ""),
                    at: node, field: policy.selectorPath, object: policy.object, severity: operatorNote == nil ? nil : .info))
            }
            return violations
        }
    )

    // MARK: - netpol/peer-matches-nothing

    static let peerMatchesNothing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/peer-matches-nothing",
            severity: .low,
            title: "NetworkPolicy peer matches nothing",
            summary: """
            A `from`/`to` peer whose selectors match none of the pods in the input allows nothing, usually because of \
            a label or namespace-name typo, so the connection it was meant to allow fails (or was never needed). A \
            pod selector that matches none of the input's workloads of the namespaces it applies to is low (info when \
            those namespaces hold custom resources of kinds Bulwark does not know, whose operator may create the pods); a \
            `namespaceSelector` that matches no namespace of the input is info, since the namespace may exist outside \
            the scanned files; a peer the API server would reject is low. Namespaces carry the automatic \
            `kubernetes.io/metadata.name` label, and the cluster DNS (kube-system, `k8s-app: kube-dns`) is always known.
            """,
            remediation: """
            Correct the selector to the labels the intended pods and namespaces carry (`kubectl get pods --show-labels`, \
            `kubectl get ns --show-labels`), or remove the peer.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  ingress:
                    - from:
                        - ↓podSelector:
                            matchLabels: {app: api-gatway}
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
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api-gateway, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: api-gateway}
                    spec:
                      containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2}]
                """),
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ↓namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: kube-sytem}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                    - to:
                        - ↓{}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - from:
                        - podSelector:
                            matchLabels: {app: api-gateway}
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: kube-system}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                    - to:
                        - ipBlock: {cidr: 10.20.30.0/24}
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
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api-gateway, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: api-gateway}
                    spec:
                      containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            var byNamespace: [String: [NetworkEndpoint]] = [:]
            for workload in network.workloads {
                if let namespace = workload.endpoint.namespace { byNamespace[namespace, default: []].append(workload.endpoint) }
            }
            var known = Set(index.namespaces.keys).union(byNamespace.keys)
            for policy in network.policies { if let namespace = policy.namespace { known.insert(namespace) } }
            if let dns = network.dns, let namespace = dns.namespace {
                known.insert(namespace)
                if !(byNamespace[namespace]?.contains { $0.id == dns.id } ?? false) { byNamespace[namespace, default: []].append(dns) }
            }
            let inputNamespaces = Set(network.workloads.compactMap(\.endpoint.namespace))
            let lookup = PeerLookup(byNamespace: byNamespace, known: known.sorted(), inputNamespaces: inputNamespaces, network: network)
            var violations: [Violation] = []
            for policy in network.policies {
                for rule in policy.ingress + policy.egress {
                    for peer in rule.peers ?? [] {
                        if let violation = peerProblem(peer, rule: rule, policy: policy, network: network, lookup: lookup) {
                            violations.append(violation)
                        }
                    }
                }
            }
            return violations
        }
    )
}
