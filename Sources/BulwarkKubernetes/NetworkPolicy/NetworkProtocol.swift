/// The transport protocols a NetworkPolicy port names (`protocol`, default TCP).
public enum NetworkProtocol: String, Sendable, Hashable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"

    /// Parses `TCP`, `udp`, `Sctp` … (case-insensitive); nil for anything else.
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }

    public var description: String { rawValue }

    public static func < (lhs: NetworkProtocol, rhs: NetworkProtocol) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
