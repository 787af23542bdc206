/// Where session keys and OAEP seeds come from. `.system` in production; tests inject a
/// deterministic source to pin the output byte for byte.
public struct SealingRandomness: Sendable {
    private let fill: @Sendable (Int) -> [UInt8]

    /// A source that returns `count` bytes for each request.
    public init(_ fill: @escaping @Sendable (_ count: Int) -> [UInt8]) {
        self.fill = fill
    }

    public func bytes(_ count: Int) -> [UInt8] {
        let bytes = fill(count)
        precondition(bytes.count == count, "a SealingRandomness source must return exactly the bytes asked for")
        return bytes
    }

    /// The operating system's cryptographically secure generator (`getrandom` on Linux).
    public static let system = SealingRandomness { count in
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }
}
