/// A set of (protocol, port) pairs, kept as merged, sorted port ranges per protocol.
///
/// What a NetworkPolicy rule, a direction or a connection allows:
/// ```swift
/// var ports = PortSet([.tcp: [8080...8080]])
/// ports.formUnion(PortSet(.udp, 53...53))
/// ports.contains(.tcp, 8080)     // true
/// ports.description              // "TCP 8080, UDP 53"
/// PortSet.all.description        // "all ports"
/// ```
public struct PortSet: Sendable, Hashable, CustomStringConvertible {
    /// Every valid port number.
    public static let portRange: ClosedRange<Int> = 1...65535

    public private(set) var ranges: [NetworkProtocol: [ClosedRange<Int>]]

    public init(_ ranges: [NetworkProtocol: [ClosedRange<Int>]] = [:]) {
        self.ranges = [:]
        for (proto, list) in ranges {
            let normalized = Self.normalize(list)
            if !normalized.isEmpty { self.ranges[proto] = normalized }
        }
    }

    public init(_ proto: NetworkProtocol, _ range: ClosedRange<Int>) {
        self.init([proto: [range]])
    }

    /// Every port of every protocol.
    public static let all = PortSet(Dictionary(uniqueKeysWithValues: NetworkProtocol.allCases.map { ($0, [portRange]) }))
    public static let none = PortSet()

    /// Every port of one protocol.
    public static func all(_ proto: NetworkProtocol) -> PortSet { PortSet(proto, portRange) }

    public var isEmpty: Bool { ranges.isEmpty }
    public var isAll: Bool {
        ranges.count == NetworkProtocol.allCases.count && ranges.values.allSatisfy { $0 == [Self.portRange] }
    }

    public func contains(_ proto: NetworkProtocol, _ port: Int) -> Bool {
        ranges[proto]?.contains { $0.contains(port) } ?? false
    }

    /// Whether some port of `proto` is in the set.
    public func contains(_ proto: NetworkProtocol) -> Bool { ranges[proto] != nil }

    public mutating func formUnion(_ other: PortSet) {
        if other.ranges.isEmpty { return }
        if ranges.isEmpty {
            ranges = other.ranges
            return
        }
        for (proto, list) in other.ranges {
            guard let mine = ranges[proto] else {
                ranges[proto] = list
                continue
            }
            if mine == [Self.portRange] || mine == list { continue }
            ranges[proto] = list == [Self.portRange] ? list : Self.normalize(mine + list)
        }
    }

    public func union(_ other: PortSet) -> PortSet {
        var copy = self
        copy.formUnion(other)
        return copy
    }

    public func intersection(_ other: PortSet) -> PortSet {
        var result: [NetworkProtocol: [ClosedRange<Int>]] = [:]
        for (proto, mine) in ranges {
            guard let theirs = other.ranges[proto] else { continue }
            var overlap: [ClosedRange<Int>] = []
            for a in mine {
                for b in theirs where a.overlaps(b) {
                    overlap.append(max(a.lowerBound, b.lowerBound)...min(a.upperBound, b.upperBound))
                }
            }
            result[proto] = overlap
        }
        return PortSet(result)
    }

    /// The ports of this set that are not in `other`.
    public func subtracting(_ other: PortSet) -> PortSet {
        var result: [NetworkProtocol: [ClosedRange<Int>]] = [:]
        for (proto, mine) in ranges {
            var remaining = mine
            for cut in other.ranges[proto] ?? [] {
                remaining = remaining.flatMap { range -> [ClosedRange<Int>] in
                    guard range.overlaps(cut) else { return [range] }
                    var pieces: [ClosedRange<Int>] = []
                    if range.lowerBound < cut.lowerBound { pieces.append(range.lowerBound...(cut.lowerBound - 1)) }
                    if range.upperBound > cut.upperBound { pieces.append((cut.upperBound + 1)...range.upperBound) }
                    return pieces
                }
            }
            result[proto] = remaining
        }
        return PortSet(result)
    }

    /// `all ports`, `TCP 8080, UDP 53`, `TCP 8000-8010`, `all TCP ports`, `none`.
    public var description: String {
        if isEmpty { return "none" }
        if isAll { return "all ports" }
        return NetworkProtocol.allCases.compactMap { proto -> String? in
            guard let list = ranges[proto] else { return nil }
            if list == [Self.portRange] { return "all \(proto) ports" }
            return list.map { range in
                "\(proto) " + (range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)")
            }.joined(separator: ", ")
        }.joined(separator: ", ")
    }

    /// `["TCP/8080", "UDP/53", "TCP/8000-8010"]`, or `["*"]` for all ports (for JSON output).
    public var entries: [String] {
        if isAll { return ["*"] }
        return NetworkProtocol.allCases.flatMap { proto in
            (ranges[proto] ?? []).map { range in
                range == Self.portRange ? "\(proto)/*"
                    : "\(proto)/" + (range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)")
            }
        }
    }

    static func normalize(_ list: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        let clipped = list.compactMap { range -> ClosedRange<Int>? in
            let lower = max(range.lowerBound, portRange.lowerBound)
            let upper = min(range.upperBound, portRange.upperBound)
            return lower <= upper ? lower...upper : nil
        }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int>] = []
        for range in clipped {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
