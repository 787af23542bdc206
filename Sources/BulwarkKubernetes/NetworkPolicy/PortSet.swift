/// A set of (protocol, port) pairs, kept as merged, sorted port ranges per protocol. Unions,
/// intersections and differences walk both range lists once, and `contains` is a binary search,
/// so that a policy with thousands of ports costs what it lists, not its square.
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

    /// Binary search: a set of thousands of ports answers in a few steps.
    public func contains(_ proto: NetworkProtocol, _ port: Int) -> Bool {
        guard let list = ranges[proto] else { return false }
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].lowerBound <= port { low = middle + 1 } else { high = middle }
        }
        return low > 0 && list[low - 1].upperBound >= port
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
            ranges[proto] = list == [Self.portRange] ? list : Self.merge(mine, list)
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
            var (i, j) = (0, 0)
            while i < mine.count && j < theirs.count {
                let lower = max(mine[i].lowerBound, theirs[j].lowerBound)
                let upper = min(mine[i].upperBound, theirs[j].upperBound)
                if lower <= upper { overlap.append(lower...upper) }
                if mine[i].upperBound < theirs[j].upperBound { i += 1 } else { j += 1 }
            }
            if !overlap.isEmpty { result[proto] = overlap }
        }
        return PortSet(normalized: result)
    }

    /// The ports of this set that are not in `other`.
    public func subtracting(_ other: PortSet) -> PortSet {
        if other.ranges.isEmpty { return self }
        var result: [NetworkProtocol: [ClosedRange<Int>]] = [:]
        for (proto, mine) in ranges {
            guard let cuts = other.ranges[proto] else {
                result[proto] = mine
                continue
            }
            var remaining: [ClosedRange<Int>] = []
            var first = 0
            for range in mine {
                var lower = range.lowerBound
                while first < cuts.count && cuts[first].upperBound < lower { first += 1 }
                var cut = first
                while cut < cuts.count && cuts[cut].lowerBound <= range.upperBound && lower <= range.upperBound {
                    if cuts[cut].lowerBound > lower { remaining.append(lower...(cuts[cut].lowerBound - 1)) }
                    lower = max(lower, cuts[cut].upperBound + 1)
                    cut += 1
                }
                if lower <= range.upperBound { remaining.append(lower...range.upperBound) }
            }
            if !remaining.isEmpty { result[proto] = remaining }
        }
        return PortSet(normalized: result)
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

    /// Ranges that are already sorted, merged and within `portRange`, without empty lists.
    private init(normalized ranges: [NetworkProtocol: [ClosedRange<Int>]]) {
        self.ranges = ranges
    }

    /// Two sorted, merged lists as one, in one pass over both.
    static func merge(_ first: [ClosedRange<Int>], _ second: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        merged.reserveCapacity(first.count + second.count)
        var (i, j) = (0, 0)
        while i < first.count || j < second.count {
            let next: ClosedRange<Int>
            if j == second.count || i < first.count && first[i].lowerBound <= second[j].lowerBound {
                next = first[i]
                i += 1
            } else {
                next = second[j]
                j += 1
            }
            if let last = merged.last, next.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, next.upperBound)
            } else {
                merged.append(next)
            }
        }
        return merged
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
