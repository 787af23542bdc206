import Foundation

/// An address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let network: IPAddress
    public let prefixLength: Int

    public init(network: IPAddress, prefixLength: Int) {
        self.prefixLength = max(0, min(network.family.bitCount, prefixLength))
        self.network = network.masked(to: self.prefixLength)
    }

    /// Parses `ADDRESS/PREFIX`; a bare address is a single-address range (`/32`, `/128`). Host
    /// bits set after the prefix are cleared (`10.0.0.1/8` is `10.0.0.0/8`), as Go's `ParseCIDR` does.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        var prefix = address.family.bitCount
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ ("0"..."9").contains($0) }), let value = Int(parts[1]),
                  value <= address.family.bitCount else { return nil }
            prefix = value
        }
        self.init(network: address, prefixLength: prefix)
    }

    public var family: IPAddress.Family { network.family }

    /// `0.0.0.0/0` or `::/0`.
    public var isEverything: Bool { prefixLength == 0 }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && address.masked(to: prefixLength) == network
    }

    /// Whether every address of `other` is in this range.
    public func contains(_ other: CIDR) -> Bool {
        other.family == family && other.prefixLength >= prefixLength && contains(other.network)
    }

    public func overlaps(_ other: CIDR) -> Bool { contains(other) || other.contains(self) }

    /// The first address of the range that is not in any of `excluded`, trying the first host,
    /// the network address and the start of each gap after an excluded range; nil when none is found.
    public func representative(excluding excluded: [CIDR] = []) -> IPAddress? {
        var candidates: [IPAddress] = []
        if prefixLength < family.bitCount - 1 { candidates.append(network.adding(1)) }
        candidates.append(network)
        for block in excluded where block.family == family {
            candidates.append(block.lastAddress.adding(1))
        }
        return candidates.first { candidate in contains(candidate) && !excluded.contains { $0.contains(candidate) } }
    }

    /// The last address of the range.
    public var lastAddress: IPAddress {
        let (maskHigh, maskLow) = IPAddress.mask(prefixLength, family: family)
        let width: UInt64 = family == .v4 ? 0xFFFF_FFFF : ~UInt64(0)
        return IPAddress(family: family, high: network.high | (family == .v4 ? 0 : ~maskHigh), low: network.low | (~maskLow & width))
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
