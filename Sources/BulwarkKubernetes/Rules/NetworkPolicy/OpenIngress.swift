import BulwarkCore

/// The ingress rules that admit pods of every namespace (netpol/model-server-open-to-all-namespaces).
extension NetworkPolicyRules {
    /// The allow rules of a policy's ingress that admit pods of every namespace, with the peers that do.
    static func openRules(of policy: NetworkPolicy, anyLabels: [String: String], network: NetworkReachability)
        -> [(rule: NetworkPolicyRule, open: [(YAMLNode, String, String)])] {
        policy.ingress.filter { !$0.isDeny }.compactMap { rule in
            guard let peers = rule.peers else { return (rule, [(rule.node, rule.path, "the rule has no from list")]) }
            let open = peers.compactMap { peer in
                opensToAnyNamespace(peer, anyNamespaceLabels: anyLabels, network: network).map {
                    (peer.node.keyNode("namespaceSelector") ?? peer.node, peer.path, $0)
                }
            }
            return open.isEmpty ? nil : (rule, open)
        }
    }

    /// How a peer admits pods of a namespace an attacker could create, or nil.
    static func opensToAnyNamespace(_ peer: NetworkPolicyPeer, anyNamespaceLabels: [String: String], network: NetworkReachability) -> String? {
        switch peer.match {
        case .pods(let pods, let namespaces?):
            guard namespaces.matches(anyNamespaceLabels), pods?.isValid ?? true else { return nil }
            let podText = pods.map { $0.selectsEverything ? "" : " (pods labelled \($0), which anyone creating pods can set)" } ?? ""
            return "namespaceSelector \(namespaces) matches every namespace\(podText)"
        case .ciliumEndpoints(let selector, nil):
            let namespaceTerms = LabelSelector(
                matchLabels: selector.matchLabels.filter { isCiliumNamespaceKey($0.key) },
                requirements: selector.requirements.filter { isCiliumNamespaceKey($0.key) })
            guard selector.isValid, namespaceTerms.matches(network.ciliumLabels(of: .pod(namespace: anyNamespace, labels: [:]))) else { return nil }
            return "endpoint selector \(selector) is not limited to a namespace"
        case .entity(let entity) where entity == .cluster || entity == .all:
            return "the \(entity.rawValue) entity"
        default:
            return nil
        }
    }
}
