/// `EXPOSE port[/protocol]` or a range `8000-8010/udp`.
public struct PortSpec: Sendable, Hashable {
    public var word: Word

    public init(word: Word) { self.word = word }

    private var parts: (ports: Substring, proto: Substring?) {
        let text = Substring(word.resolved)
        if let slash = text.firstIndex(of: "/") { return (text[..<slash], text[text.index(after: slash)...]) }
        return (text, nil)
    }

    /// The first port, nil when not a number (e.g. an unresolved variable).
    public var port: Int? {
        let ports = parts.ports
        let first = ports.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? ports
        return Int(first)
    }

    /// The last port of a range (equals `port` for a single port).
    public var endPort: Int? {
        let ports = parts.ports
        let pieces = ports.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        return pieces.count == 2 ? Int(pieces[1]) : Int(ports)
    }

    /// `tcp` unless written otherwise (lower-cased).
    public var transport: String { parts.proto.map { $0.lowercased() } ?? "tcp" }

    /// True when every port is a number in 0…65535 and the protocol is tcp, udp or sctp.
    public var isValid: Bool {
        guard let port, let endPort, (0...65535).contains(port), (0...65535).contains(endPort), port <= endPort else { return false }
        return ["tcp", "udp", "sctp"].contains(transport)
    }
}
