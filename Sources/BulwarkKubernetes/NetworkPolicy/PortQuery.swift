import BulwarkCore

/// The port of a reachability question: `8080`, `8080/TCP`, `http/udp` (a number or a container
/// port name, with an optional protocol).
public struct PortQuery: Sendable, Hashable {
    public let value: NetworkPolicyPort.Value
    /// nil = TCP.
    public let proto: NetworkProtocol?

    /// nil when the text is not NUMBER or NAME with an optional `/TCP`, `/UDP` or `/SCTP`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty else { return nil }
        var proto: NetworkProtocol?
        if parts.count == 2 {
            guard let parsed = NetworkProtocol(parsing: parts[1]) else { return nil }
            proto = parsed
        }
        self.proto = proto
        if let number = Int(first) {
            guard PortSet.portRange.contains(number) else { return nil }
            value = .number(number)
        } else {
            guard first.utf8.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == ASCII.minus }) else { return nil }
            value = .name(first)
        }
    }
}
