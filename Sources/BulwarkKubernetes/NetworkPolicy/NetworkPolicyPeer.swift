import BulwarkCore

/// One entry of a rule's `from` / `to` list (or a Cilium L3 selector), normalised.
public struct NetworkPolicyPeer: Sendable {
    public enum Match: Sendable {
        /// Kubernetes `podSelector` and/or `namespaceSelector` in one peer (both must match).
        /// `podSelector` alone means the policy's namespace; `namespaceSelector` alone means every
        /// pod of the matching namespaces.
        case pods(podSelector: LabelSelector?, namespaceSelector: LabelSelector?)
        /// `ipBlock` (Kubernetes) or `fromCIDR`/`toCIDRSet` (Cilium): addresses in `cidr` but in no
        /// `except`. Never matches pods: Kubernetes meant ipBlock for cluster-external addresses and
        /// leaves pod IPs in ipBlocks to the network plugin.
        case ipBlock(cidr: CIDR, except: [CIDR])
        /// A Cilium endpoint selector, matched against the Cilium identity labels of a pod (its labels,
        /// `io.kubernetes.pod.namespace`, `io.cilium.k8s.namespace.labels.*`,
        /// `io.cilium.k8s.policy.serviceaccount`). `namespace` restricts it to one namespace (a
        /// CiliumNetworkPolicy's own, unless the selector names the namespace label); nil = any.
        case ciliumEndpoints(LabelSelector, namespace: String?)
        /// A Cilium entity (`world`, `cluster`, `all`, …).
        case entity(CiliumEntity)
        /// Something the API server rejects (it matches nothing).
        case unmatchable(String)
        /// A peer kind Bulwark does not evaluate (Cilium `toFQDNs`, `toServices` …); it matches nothing here.
        case unevaluated(String)
    }

    public let match: Match
    /// The peer's node (a `from`/`to` item, a CIDR string, an entity name).
    public let node: YAMLNode
    /// JSON path of the peer (`spec.ingress[0].from[1]`).
    public let path: String

    public init(match: Match, node: YAMLNode, path: String) {
        self.match = match
        self.node = node
        self.path = path
    }

    /// The peer as a short phrase: `pods app=api-gateway in namespaces kubernetes.io/metadata.name=gateway`.
    public var summary: String {
        switch match {
        case .pods(let pods, let namespaces):
            switch (pods, namespaces) {
            case (let pods?, let namespaces?):
                return "pods \(pods) in namespaces \(namespaces)"
            case (let pods?, nil):
                return "pods \(pods) of the policy's namespace"
            case (nil, let namespaces?):
                return "every pod in namespaces \(namespaces)"
            case (nil, nil):
                return "an empty peer"
            }
        case .ipBlock(let cidr, let except):
            return "ipBlock \(cidr)" + (except.isEmpty ? "" : " except \(except.map(\.description).joined(separator: ", "))")
        case .ciliumEndpoints(let selector, let namespace):
            return "endpoints \(selector)" + (namespace.map { " of namespace \($0)" } ?? "")
        case .entity(let entity):
            return "entity \(entity.rawValue)"
        case .unmatchable(let why), .unevaluated(let why):
            return why
        }
    }
}
