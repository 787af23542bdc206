import BulwarkCore

/// One ingress or egress rule: who (peers) and where (ports). The rule allows a connection when a
/// peer matches the other side and a port entry matches the destination port.
public struct NetworkPolicyRule: Sendable {
    public enum Direction: String, Sendable, Codable, CustomStringConvertible {
        case ingress, egress

        public var description: String { rawValue }
        /// `Ingress`, `Egress` (as `policyTypes` spells them).
        public var policyType: String { self == .ingress ? "Ingress" : "Egress" }
        /// `from` or `to`.
        public var peerKey: String { self == .ingress ? "from" : "to" }
    }

    public let direction: Direction
    /// nil = every peer (the `from`/`to` list is missing or empty).
    public let peers: [NetworkPolicyPeer]?
    /// nil = every port (the `ports` list is missing or empty).
    public let ports: [NetworkPolicyPort]?
    /// The rule's node (an item of `spec.ingress` / `spec.egress`).
    public let node: YAMLNode
    /// JSON path of the rule (`spec.ingress[0]`).
    public let path: String
    /// Deny rule (Cilium `ingressDeny`/`egressDeny`): a match denies regardless of allow rules.
    public let isDeny: Bool

    public init(direction: Direction, peers: [NetworkPolicyPeer]?, ports: [NetworkPolicyPort]?, node: YAMLNode, path: String, isDeny: Bool = false) {
        self.direction = direction
        self.peers = peers
        self.ports = ports
        self.node = node
        self.path = path
        self.isDeny = isDeny
    }

    /// A rule without peers and without ports: `- {}`, which allows everything.
    public var allowsEverything: Bool { peers == nil && ports == nil && !isDeny }

    /// The ports the rule allows towards `destination` (before peer matching).
    public func ports(towards destination: NetworkEndpoint) -> PortSet {
        guard let ports else { return .all }
        // Collected, then sorted and merged once: a union per entry would re-merge the growing set.
        var ranges: [NetworkProtocol: [ClosedRange<Int>]] = [:]
        for port in ports {
            for (proto, list) in port.ports(towards: destination).ranges { ranges[proto, default: []] += list }
        }
        return PortSet(ranges)
    }
}
