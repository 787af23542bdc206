import BulwarkCore

/// What several NetworkPolicy rules share: which policies cover a namespace, where pod findings
/// point, and the names the messages use.
extension NetworkPolicyRules {
    /// The controls every NetworkPolicy rule maps to.
    static let controls: [ControlID] = ["cis-k8s:5.3.2", "nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3"]

    /// The NodeLocal DNSCache address most clusters use.
    static let nodeLocalDNS = IPAddress(family: .v4, high: 0, low: 0xA9FE_140A)  // 169.254.20.10

    /// A namespace name no selector in the input can mention: stands for "a namespace an attacker creates".
    static let anyNamespace = "bulwark-any-namespace-0"

    /// Whether a policy isolates every pod of `namespace` for `direction`, present and future.
    static func covers(_ policy: NetworkPolicy, namespace: String, direction: NetworkPolicyRule.Direction,
                       network: NetworkReachability) -> Bool {
        guard policy.isolates(direction), policy.namespace == nil || policy.namespace == namespace else { return false }
        switch policy.selector {
        case .pods(let selector):
            return selector.selectsEverything
        case .cilium(let selector):
            // Only namespace-level terms, and the namespace satisfies them.
            let namespaceOnly = selector.matchLabels.keys.allSatisfy(isCiliumNamespaceKey)
                && selector.requirements.allSatisfy { isCiliumNamespaceKey($0.key) }
            return selector.isValid && namespaceOnly
                && selector.matches(network.ciliumLabels(of: .pod(namespace: namespace, labels: [:])))
        }
    }

    static func isCiliumNamespaceKey(_ key: String) -> Bool {
        key == NetworkPolicy.ciliumNamespaceKey || key.hasPrefix("io.cilium.k8s.namespace.labels.")
    }

    /// The pods' labels node (where pod findings point), as ClusterRules does.
    static func labelsNode(of pod: PodSpecView) -> YAMLNode {
        pod.podMetadata?.keyNode("labels") ?? pod.object.root.keyNode("metadata") ?? pod.object.root
    }

    static func policyKind(_ policy: NetworkPolicy) -> String {
        "\(policy.object.kind) \(policy.name)"
    }
}
