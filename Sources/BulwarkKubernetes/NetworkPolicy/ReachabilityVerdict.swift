/// The answer to "can A connect to B on port P?".
public struct ReachabilityVerdict: Sendable {
    public struct Query: Sendable, Hashable, CustomStringConvertible {
        /// nil = any port.
        public let port: Int?
        /// nil = any protocol (only with a nil port).
        public let proto: NetworkProtocol?

        /// `TCP 8080`, `any TCP port`, `any port`.
        public var description: String {
            switch (port, proto) {
            case (let port?, let proto?): "\(proto) \(port)"
            case (let port?, nil): "port \(port)"
            case (nil, let proto?): "any \(proto) port"
            case (nil, nil): "any port"
            }
        }
    }

    public let from: NetworkEndpoint
    public let to: NetworkEndpoint
    public let query: Query
    public let allowed: Bool
    public let reason: String
    public let egress: DirectionVerdict
    public let ingress: DirectionVerdict
    /// Every port on which the connection is allowed.
    public let ports: PortSet

    /// The policies that allow, deny or isolate the source's egress.
    public var egressPolicies: [String] { egress.policies }
    /// The policies that allow, deny or isolate the destination's ingress.
    public var ingressPolicies: [String] { ingress.policies }

    static func explain(allowed: Bool, source: NetworkEndpoint, destination: NetworkEndpoint, query: Query,
                        egress: DirectionVerdict, ingress: DirectionVerdict, combined: PortSet, ipBlockNote: String?) -> String {
        func part(_ verdict: DirectionVerdict, subject: NetworkEndpoint, other: NetworkEndpoint) -> String {
            let what = verdict.direction == .egress ? "egress of \(subject)" : "ingress of \(subject)"
            if !verdict.applies {
                return verdict.direction == .egress
                    ? "the source is outside the cluster, so no egress policy applies"
                    : "the destination is outside the cluster, so no ingress policy applies"
            }
            if !verdict.denyingPolicies.isEmpty {
                return "\(what) to \(other) on \(query) is denied by deny rules of \(list(verdict.denyingPolicies))"
            }
            if !verdict.isolated {
                return "\(what) is not isolated (no policy of namespace \(subject.namespace ?? "?") selects it for \(verdict.direction))"
            }
            if verdict.allowed {
                return "\(what) is isolated and \(list(verdict.allowingPolicies)) allow\(verdict.allowingPolicies.count == 1 ? "s" : "") \(other) on \(query)"
            }
            let direction = verdict.direction == .egress ? "to" : "from"
            let open = verdict.ports.isEmpty ? "" : " (it allows only \(verdict.ports) \(direction) there)"
            return "\(what) is isolated by \(list(verdict.isolatingPolicies)) and no rule allows \(direction) \(other) on \(query)\(open)"
        }
        let egressText = part(egress, subject: source, other: destination)
        let ingressText = part(ingress, subject: destination, other: source)
        if allowed {
            let ports = query.port == nil ? " (allowed: \(combined))" : ""
            return "allowed: \(egressText); \(ingressText)\(ports)"
        }
        var failures: [String] = []
        if !egress.allowed { failures.append(egressText) }
        if !ingress.allowed { failures.append(ingressText) }
        if failures.isEmpty {
            // Each direction allows something, but not the same ports.
            failures.append("egress allows only \(egress.ports) and ingress only \(ingress.ports), which share no port for \(query)")
        }
        if let ipBlockNote { failures.append(ipBlockNote) }
        return "denied: " + failures.joined(separator: "; ")
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }
}
