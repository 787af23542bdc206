import BulwarkCore
import Foundation

/// An IPv4 or IPv6 address, as NetworkPolicy `ipBlock`s and reachability queries use it.
///
/// Stored as a 128-bit number (IPv4 in the low 32 bits) with its family; IPv4 and IPv6 never
/// match each other (an IPv4-mapped IPv6 address is an IPv6 address, as in Kubernetes' CIDR checks).
///
/// ```swift
/// IPAddress("10.20.30.7")            // IPv4
/// IPAddress("2001:db8::1")           // IPv6
/// IPAddress("::ffff:192.0.2.1")      // IPv6 with an embedded IPv4 tail
/// ```
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Family: Sendable, Hashable {
        case v4, v6

        /// 32 or 128.
        public var bitCount: Int { self == .v4 ? 32 : 128 }
    }

    public let family: Family
    /// The upper 64 bits (always 0 for IPv4).
    public let high: UInt64
    /// The lower 64 bits (IPv4: the address in the low 32 bits).
    public let low: UInt64

    public init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = family == .v4 ? 0 : high
        self.low = family == .v4 ? low & 0xFFFF_FFFF : low
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an IPv4 tail); nil otherwise.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let (high, low) = Self.parseV6(Substring(text)) else { return nil }
            self.init(family: .v6, high: high, low: low)
        } else {
            guard let value = Self.parseV4(Substring(text)) else { return nil }
            self.init(family: .v4, high: 0, low: UInt64(value))
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .v4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// `10.20.30.7`, `2001:db8::1` (RFC 5952: lower case, the longest run of zero groups as `::`).
    public var description: String {
        if family == .v4 {
            return (0..<4).map { String((low >> UInt64(24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
        }
        let groups: [UInt16] = (0..<8).map { index in
            let word = index < 4 ? high : low
            return UInt16((word >> UInt64(48 - 16 * (index % 4))) & 0xFFFF)
        }
        var bestStart = -1
        var bestLength = 0
        var start = -1
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if start < 0 { start = index }
                if index - start + 1 > bestLength, index - start + 1 >= 2 {
                    bestStart = start
                    bestLength = index - start + 1
                }
            } else {
                start = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// The address with all bits after the first `prefixLength` cleared.
    public func masked(to prefixLength: Int) -> IPAddress {
        let (maskHigh, maskLow) = Self.mask(prefixLength, family: family)
        return IPAddress(family: family, high: high & maskHigh, low: low & maskLow)
    }

    /// The address plus `offset` (wrapping within the family's width is the caller's concern).
    public func adding(_ offset: UInt64) -> IPAddress {
        let (sum, overflow) = low.addingReportingOverflow(offset)
        return IPAddress(family: family, high: high &+ (overflow ? 1 : 0), low: sum)
    }

    /// The network mask of a prefix length as (high, low) words.
    static func mask(_ prefixLength: Int, family: Family) -> (UInt64, UInt64) {
        let bits = family == .v4 ? prefixLength + 96 : prefixLength
        let clamped = max(0, min(128, bits))
        let highBits = min(64, clamped)
        let lowBits = max(0, clamped - 64)
        let high: UInt64 = highBits == 0 ? 0 : ~UInt64(0) << UInt64(64 - highBits)
        let low: UInt64 = lowBits == 0 ? 0 : ~UInt64(0) << UInt64(64 - lowBits)
        return (high, low)
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            // Leading zeros are rejected, as Go's net/netip does (ambiguous octal).
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(ASCII.isDigit), let octet = UInt32(part), octet <= 255,
                  part.count == 1 || part.first != "0" else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseV6(_ text: Substring) -> (UInt64, UInt64)? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        sawDoubleColon = halves.count == 2
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if piece.contains(".") {
                    guard allowIPv4Tail, index == pieces.count - 1, let v4 = parseV4(piece) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                result.append(group)
            }
            return result
        }
        if sawDoubleColon {
            guard let first = groups(halves[0], allowIPv4Tail: false), let second = groups(halves[1], allowIPv4Tail: true),
                  first.count + second.count <= 7 else { return nil }
            head = first
            tail = second
        } else {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            head = all
        }
        let full = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        guard full.count == 8 else { return nil }
        let high = full[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = full[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}
