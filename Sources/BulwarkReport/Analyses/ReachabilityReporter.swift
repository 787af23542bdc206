import BulwarkCore
import BulwarkKubernetes

/// `bulwark netpol --from … --to …` output: the answer to one reachability question.
public enum ReachabilityReporter {
    /// ```
    /// DENIED  ml/model-server → internet  TCP/443
    ///   egress of ml/model-server is isolated and no policy allows it
    ///   egress: isolated by ml/default-deny; open ports: none
    ///   ingress: not applicable (internet is outside the cluster)
    /// ```
    public static func table(_ verdict: ReachabilityVerdict) -> String {
        var text = "\(verdict.allowed ? "ALLOWED" : "DENIED")  \(verdict.from.id.terminalSafe) → \(verdict.to.id.terminalSafe)  \(verdict.query)\n"
        text += "  \(verdict.reason.terminalSafe)\n"
        func line(_ direction: DirectionVerdict, _ subject: NetworkEndpoint) -> String {
            let name = "\(subject)".terminalSafe
            guard direction.applies else { return "  \(direction.direction): not applicable (\(name) is outside the cluster)\n" }
            guard direction.isolated else { return "  \(direction.direction): \(name) not isolated\n" }
            var line = "  \(direction.direction): isolated by \(direction.isolatingPolicies.joined(separator: ", ").terminalSafe)"
            if !direction.allowingPolicies.isEmpty { line += "; allowed by \(direction.allowingPolicies.joined(separator: ", ").terminalSafe)" }
            if !direction.denyingPolicies.isEmpty { line += "; denied by \(direction.denyingPolicies.joined(separator: ", ").terminalSafe)" }
            return line + "; open ports: \(direction.ports)\n"
        }
        text += line(verdict.egress, verdict.from)
        text += line(verdict.ingress, verdict.to)
        return text
    }

    /// The JSON answer: at least `allowed`, `reason`, `egress` and `ingress` (the policies that
    /// decide each direction), plus the endpoints, the port and the per-direction details.
    public static func json(_ verdict: ReachabilityVerdict) throws -> [UInt8] {
        try AnalysisJSON.encode(VerdictJSON(verdict))
    }

    struct VerdictJSON: Encodable {
        struct Endpoint: Encodable {
            let id: String
            let kind: String
            let name: String
            let namespace: String?
            let labels: [String: String]?
        }

        struct Direction: Encodable {
            let applies: Bool
            let isolated: Bool
            let allowed: Bool
            let isolatingPolicies: [String]
            let allowingPolicies: [String]
            let denyingPolicies: [String]
            let ports: [String]
        }

        let allowed: Bool
        let reason: String
        let egress: [String]
        let ingress: [String]
        let from: Endpoint
        let to: Endpoint
        let port: Int?
        let `protocol`: String?
        let ports: [String]
        let details: [String: Direction]

        init(_ verdict: ReachabilityVerdict) {
            func endpoint(_ endpoint: NetworkEndpoint) -> Endpoint {
                Endpoint(id: endpoint.id, kind: endpoint.kind.rawValue, name: endpoint.displayName, namespace: endpoint.namespace,
                         labels: endpoint.labels.isEmpty ? nil : endpoint.labels)
            }
            func direction(_ direction: DirectionVerdict) -> Direction {
                Direction(applies: direction.applies, isolated: direction.isolated, allowed: direction.allowed,
                          isolatingPolicies: direction.isolatingPolicies, allowingPolicies: direction.allowingPolicies,
                          denyingPolicies: direction.denyingPolicies, ports: direction.ports.entries)
            }
            allowed = verdict.allowed
            reason = verdict.reason
            egress = verdict.egressPolicies
            ingress = verdict.ingressPolicies
            from = endpoint(verdict.from)
            to = endpoint(verdict.to)
            port = verdict.query.port
            `protocol` = verdict.query.proto?.rawValue
            ports = verdict.ports.entries
            details = ["egress": direction(verdict.egress), "ingress": direction(verdict.ingress)]
        }
    }
}
