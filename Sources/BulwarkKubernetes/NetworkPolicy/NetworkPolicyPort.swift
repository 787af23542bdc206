import BulwarkCore

/// One entry of a rule's `ports` list (Kubernetes) or of a Cilium `toPorts[].ports` list.
public struct NetworkPolicyPort: Sendable {
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case number(Int)
        /// A named port, resolved against the destination pod's `containers[].ports[].name`.
        case name(String)

        public var description: String {
            switch self {
            case .number(let number): String(number)
            case .name(let name): name
            }
        }
    }

    /// nil = any protocol (Cilium `ANY`); Kubernetes defaults to TCP.
    public let proto: NetworkProtocol?
    /// nil = every port of the protocol.
    public let port: Value?
    /// The last port of a range (`endPort`), for numeric ports only.
    public let endPort: Int?
    public let node: YAMLNode?
    /// Why the entry can never match (an unknown protocol, `endPort` below `port` …); nil when valid.
    public let problem: String?

    public init(proto: NetworkProtocol?, port: Value?, endPort: Int? = nil, node: YAMLNode? = nil, problem: String? = nil) {
        self.proto = proto
        self.port = port
        self.endPort = endPort
        self.node = node
        self.problem = problem
    }

    /// The ports this entry allows towards `destination`: named ports become the destination's
    /// container ports of that name and protocol (none for an IP endpoint).
    public func ports(towards destination: NetworkEndpoint) -> PortSet {
        guard problem == nil else { return .none }
        let protocols = proto.map { [$0] } ?? NetworkProtocol.allCases
        var result = PortSet()
        for proto in protocols {
            switch port {
            case nil:
                result.formUnion(.all(proto))
            case .number(let number):
                let upper = endPort.map { max($0, number) } ?? number
                result.formUnion(PortSet(proto, number...upper))
            case .name(let name):
                for containerPort in destination.ports where containerPort.name == name && containerPort.proto == proto {
                    result.formUnion(PortSet(proto, containerPort.port...containerPort.port))
                }
            }
        }
        return result
    }

    /// `TCP 8080`, `UDP 53`, `TCP 8000-8010`, `TCP http`, `all TCP ports`, `any protocol 53`.
    public var summary: String {
        let protoText = proto?.rawValue ?? "any protocol"
        guard let port else { return proto.map { "all \($0) ports" } ?? "all ports" }
        if let endPort, case .number = port { return "\(protoText) \(port)-\(endPort)" }
        return "\(protoText) \(port)"
    }
}
