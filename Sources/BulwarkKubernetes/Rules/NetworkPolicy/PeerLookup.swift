import BulwarkCore

extension NetworkPolicyRules {
    /// The workloads and namespaces of the input, indexed so that a peer is matched against the
    /// workloads carrying one of the labels it requires, with the answers memoised: policies repeat
    /// the same peers, and whether one matches depends on its selectors (and the policy's namespace) only.
    final class PeerLookup: Sendable {
        struct MatchKey: Hashable, Sendable {
            let namespaces: NamespaceKey
            let pods: LabelSelector?
        }

        struct NamespaceKey: Hashable, Sendable {
            let selector: LabelSelector?
            /// The policy's namespace, when there is no namespace selector.
            let namespace: String?
        }

        let byNamespace: [String: [NetworkEndpoint]]
        /// Every namespace the input names, sorted.
        let known: [String]
        let inputNamespaces: Set<String>
        let network: NetworkReachability
        private let namespaceIndex: LabelIndex
        private let podIndexes: [String: LabelIndex]
        private let targets = SharedCache<NamespaceKey, (all: [String], withWorkloads: [String], count: Int)>()
        private let matched = SharedCache<MatchKey, Bool>()

        init(byNamespace: [String: [NetworkEndpoint]], known: [String], inputNamespaces: Set<String>, network: NetworkReachability) {
            self.byNamespace = byNamespace
            self.known = known
            self.inputNamespaces = inputNamespaces
            self.network = network
            var namespaceIndex = LabelIndex()
            for (position, namespace) in known.enumerated() { namespaceIndex.add(position, labels: network.namespaceLabels(namespace)) }
            self.namespaceIndex = namespaceIndex
            podIndexes = byNamespace.mapValues { endpoints in
                var index = LabelIndex()
                for (position, endpoint) in endpoints.enumerated() { index.add(position, labels: endpoint.labels) }
                return index
            }
        }

        /// The namespaces a peer reaches: those its namespace selector matches (or the policy's),
        /// those of them whose workloads are in the input, and how many workloads those hold.
        func targets(_ key: NamespaceKey) -> (all: [String], withWorkloads: [String], count: Int) {
            targets.value(key) {
                let all: [String]
                if let selector = key.selector {
                    let candidates = namespaceIndex.candidates(selector).map { $0.map { known[$0] } } ?? known
                    all = candidates.filter { selector.matches(network.namespaceLabels($0)) }
                } else {
                    all = key.namespace.map { [$0] } ?? []
                }
                let withWorkloads = all.filter { inputNamespaces.contains($0) || $0 == network.dns?.namespace }
                return (all, withWorkloads, withWorkloads.reduce(0) { $0 + (byNamespace[$1]?.count ?? 0) })
            }
        }

        /// Whether a Kubernetes peer matches some workload of the input in its namespaces.
        func matchesSome(_ peer: NetworkPolicyPeer, pods: LabelSelector?, namespaces key: NamespaceKey, policy: NetworkPolicy) -> Bool {
            matched.value(MatchKey(namespaces: key, pods: pods)) {
                targets(key).withWorkloads.contains { namespace in
                    let endpoints = byNamespace[namespace] ?? []
                    let candidates = pods.flatMap { podIndexes[namespace]?.candidates($0) } ?? Array(endpoints.indices)
                    return candidates.contains { network.matches(peer, endpoints[$0], policy: policy) }
                }
            }
        }
    }

    static func peerProblem(_ peer: NetworkPolicyPeer, rule: NetworkPolicyRule, policy: NetworkPolicy, network: NetworkReachability,
                            lookup: PeerLookup) -> Violation? {
        let owner = "\(rule.direction) peer \(peer.path) of \(policyKind(policy))"
        func violation(_ text: String, key: String?, severity: Severity? = nil) -> Violation {
            Violation("\(owner) \(text)", at: key.flatMap { peer.node.keyNode($0) } ?? peer.node,
                      field: peer.path + (key.map { ".\($0)" } ?? ""), object: policy.object, severity: severity)
        }
        switch peer.match {
        case .unmatchable(let why):
            return violation("can never match: \(why)", key: nil)
        case .pods(let pods, let namespaces):
            let key = PeerLookup.NamespaceKey(selector: namespaces, namespace: namespaces == nil ? policy.namespace : nil)
            let found = lookup.targets(key)
            if let namespaces, found.all.isEmpty {
                return violation("has namespaceSelector \(namespaces), which matches no namespace in the input "
                                 + "(a typo, or a namespace outside the scanned files)", key: "namespaceSelector",
                                 severity: namespaces.isValid ? .info : nil)
            }
            // Judge the pod selector only where the input holds the namespace's workloads.
            let targets = found.withWorkloads
            let count = found.count
            guard count > 0, !lookup.matchesSome(peer, pods: pods, namespaces: key, policy: policy) else { return nil }
            let selector = pods.map(\.description) ?? "(everything)"
            let where_ = namespaces == nil ? "namespace \(targets.joined(separator: ", "))" : "the matching namespaces (\(targets.joined(separator: ", ")))"
            let operatorNote = pods?.isValid == false ? nil
                : targets.lazy.compactMap { OperatorPods.unknownOperatorNote(namespace: $0, in: network.index) }.first
            return violation("has podSelector \(selector), which matches none of the \(count) workload"
                             + "\(count == 1 ? "" : "s") of \(where_) in the input" + (operatorNote ?? ""),
                             key: pods == nil ? "namespaceSelector" : "podSelector", severity: operatorNote == nil ? nil : .info)
        case .ciliumEndpoints(let selector, let namespace):
            let targets = namespace.map { [$0] }
                ?? selector.matchLabels[NetworkPolicy.ciliumNamespaceKey].map { [$0] } ?? []
            let candidates = targets.filter { lookup.inputNamespaces.contains($0) || $0 == network.dns?.namespace }.flatMap { lookup.byNamespace[$0] ?? [] }
            guard !candidates.isEmpty, !candidates.contains(where: { network.matches(peer, $0, policy: policy) }) else { return nil }
            return violation("selects endpoints \(selector), which match none of the \(candidates.count) workload"
                             + "\(candidates.count == 1 ? "" : "s") of namespace \(targets.joined(separator: ", ")) in the input", key: nil)
        case .ipBlock, .entity, .unevaluated:
            return nil
        }
    }
}
