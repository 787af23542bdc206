/// Where a pickle program's bytes come from. The analyser reads opcodes and their arguments
/// through this and skips payloads it does not need (tensor bytes), so a source over a file can
/// keep memory bounded by the program, not by the payloads.
public protocol PickleByteSource {
    /// Bytes consumed so far (the offset findings name).
    var offset: Int { get }
    var isAtEnd: Bool { get }
    mutating func readByte() -> UInt8?
    /// Exactly `count` bytes, or nil when fewer are left (nothing is consumed then).
    mutating func read(_ count: Int) -> [UInt8]?
    /// Whether at least `count` more bytes are there (nothing is consumed).
    func has(_ count: Int) -> Bool
    /// Skips exactly `count` bytes; false when fewer are left.
    mutating func skip(_ count: Int) -> Bool
    /// The bytes before the next newline (which is consumed), or nil when no newline comes within
    /// `limit` bytes.
    mutating func readLine(limit: Int) -> [UInt8]?
}

/// A pickle program in a `ModelBytes` window: a test's array, a zip member, a nested pickle in a
/// bytes argument, or a mapped multi-gigabyte file (skipped payloads are never touched, so never read
/// from disk).
public struct PickleBytes: PickleByteSource {
    public let bytes: ModelBytes
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.init(ModelBytes(bytes), range: range)
    }

    public init(_ bytes: ModelBytes, range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        offset = range.lowerBound
        end = range.upperBound
    }

    public var isAtEnd: Bool { offset >= end }

    public mutating func readByte() -> UInt8? {
        guard offset < end else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func read(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= end - offset else { return nil }
        defer { offset += count }
        return bytes.array(offset..<offset + count)
    }

    public func has(_ count: Int) -> Bool { count >= 0 && count <= end - offset }

    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= end - offset else { return false }
        offset += count
        return true
    }

    public mutating func readLine(limit: Int) -> [UInt8]? {
        let stop = min(end, offset &+ limit &+ 1)
        guard stop > offset, let newline = bytes.slice(offset..<stop).firstIndex(of: [0x0A], from: 0) else { return nil }
        defer { offset += newline + 1 }
        return bytes.array(offset..<offset + newline)
    }
}
