import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// `PortSet` operations walk the sorted range lists once; these tests hold them to a plain set of
/// (protocol, port) pairs on random inputs.
@Suite struct PortSetAlgebraTests {
    /// Random ranges over ports 1–120 (and the edges of the port range), as a `PortSet` and as a plain set.
    static func randomSet(_ random: inout Mutator) -> (PortSet, Set<Int>) {
        var ranges: [NetworkProtocol: [ClosedRange<Int>]] = [:]
        var plain: Set<Int> = []
        for (number, proto) in NetworkProtocol.allCases.enumerated() {
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let lower = Int.random(in: 1...120, using: &random)
                let upper = min(120, lower + Int.random(in: 0...12, using: &random))
                ranges[proto, default: []].append(lower...upper)
                for port in lower...upper { plain.insert(number * 100_000 + port) }
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                ranges[proto, default: []].append(65530...65535)
                for port in 65530...65535 { plain.insert(number * 100_000 + port) }
            }
        }
        return (PortSet(ranges), plain)
    }

    static func plain(_ set: PortSet) -> Set<Int> {
        var plain: Set<Int> = []
        for (number, proto) in NetworkProtocol.allCases.enumerated() {
            for range in set.ranges[proto] ?? [] {
                for port in range { plain.insert(number * 100_000 + port) }
            }
        }
        return plain
    }

    /// Sorted, merged (neither overlapping nor adjacent), and no empty lists.
    static func isNormalized(_ set: PortSet) -> Bool {
        set.ranges.values.allSatisfy { list in
            !list.isEmpty && zip(list, list.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }
        }
    }

    @Test(arguments: 0..<200)
    func operationsMatchAPlainSet(_ seed: Int) {
        var random = Mutator(seed: UInt64(seed))
        let (a, plainA) = Self.randomSet(&random)
        let (b, plainB) = Self.randomSet(&random)
        let union = a.union(b)
        let intersection = a.intersection(b)
        let difference = a.subtracting(b)
        #expect(Self.plain(union) == plainA.union(plainB))
        #expect(Self.plain(intersection) == plainA.intersection(plainB))
        #expect(Self.plain(difference) == plainA.subtracting(plainB))
        #expect([union, intersection, difference].allSatisfy(Self.isNormalized))
        // Equal sets are equal values, however they were built.
        #expect(union == PortSet(union.ranges) && difference.union(intersection) == a)
        for (number, proto) in NetworkProtocol.allCases.enumerated() {
            for port in [0, 1, 2, 37, 60, 119, 120, 121, 65529, 65530, 65535] {
                #expect(a.contains(proto, port) == plainA.contains(number * 100_000 + port))
            }
        }
    }
}
