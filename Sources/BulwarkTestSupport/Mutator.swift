/// A deterministic byte mutator for fuzz tests (SplitMix64; same seed, same inputs), and the
/// seeded random number generator of property tests.
public struct Mutator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    /// Bytes that matter to YAML, JSON, Dockerfile and shell syntax.
    static let interesting: [UInt8] = Array("[]{}:-&*!|>'\"\t\n\r #,?%@`\\$<=0".utf8) + [0x00, 0xff, 0xc3, 0xe2]

    /// Applies 1–4 random edits: flip, insert, delete, duplicate or truncate.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            switch below(6) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
            case 1:
                bytes.insert(Self.interesting[below(Self.interesting.count)], at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(16)))
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count)
                let slice = bytes[start..<min(bytes.count, start + 1 + below(64))]
                bytes.insert(contentsOf: slice, at: below(bytes.count + 1))
            case 4 where !bytes.isEmpty:
                bytes.removeSubrange(below(bytes.count)...)
            default:
                bytes.insert(contentsOf: Array(repeating: Self.interesting[below(Self.interesting.count)], count: 1 + below(200)), at: below(bytes.count + 1))
            }
        }
        return bytes
    }
}
