import BulwarkCore
import Glibc

/// The bytes of a model file or of a part of one (a zip member, an array's data): a window onto
/// memory that is either an array (small files, tests, decompressed members) or a mapped file
/// (`MappedFile`: multi-gigabyte checkpoints, where only the pages a reader touches leave the disk).
///
/// Indices start at 0 in every window, so a member's bytes read like a file of their own; `slice`
/// makes a window without copying. Every format reader takes this type, never `[UInt8]`, so the same
/// code reads a test's array and a 20 GB checkpoint.
public struct ModelBytes: RandomAccessCollection, Sendable {
    /// Keeps the memory alive: the array or the mapping.
    final class Storage: @unchecked Sendable {
        let base: UnsafeRawBufferPointer
        private let array: UnsafeMutableRawBufferPointer?
        private let mapping: MappedFile?

        init(copying bytes: some Collection<UInt8>) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(1, bytes.count), alignment: 16)
            _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
            array = buffer
            mapping = nil
            base = UnsafeRawBufferPointer(start: buffer.baseAddress, count: bytes.count)
        }

        init(mapping: MappedFile) {
            self.mapping = mapping
            array = nil
            base = mapping.bytes
        }

        /// Whether the bytes are a file's pages (which can be dropped and read again), not an array.
        var isMapped: Bool { mapping != nil }

        deinit { array?.deallocate() }
    }

    let storage: Storage
    /// Where this window starts in the storage.
    let origin: Int
    public let count: Int

    public init(_ bytes: [UInt8]) {
        storage = Storage(copying: bytes)
        origin = 0
        count = bytes.count
    }

    public init(mapping: MappedFile) {
        storage = Storage(mapping: mapping)
        origin = 0
        count = mapping.bytes.count
    }

    init(storage: Storage, origin: Int, count: Int) {
        self.storage = storage
        self.origin = origin
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inline(__always)
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "ModelBytes index out of range")
        return storage.base[origin + position]
    }

    /// A window onto `range` (clamped to the bytes there are), indexed from 0, without copying.
    public func slice(_ range: Range<Int>) -> ModelBytes {
        let lower = Swift.min(Swift.max(0, range.lowerBound), count)
        let upper = Swift.min(Swift.max(lower, range.upperBound), count)
        return ModelBytes(storage: storage, origin: origin + lower, count: upper - lower)
    }

    /// The bytes of `range` copied out (for a short field: a name, a header).
    public func array(_ range: Range<Int>) -> [UInt8] {
        let window = slice(range)
        return Array(UnsafeRawBufferPointer(rebasing: storage.base[window.origin..<window.origin + window.count]))
    }

    /// Whether `pattern` occurs at `offset` (false when it would run past the end).
    public func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, pattern.count <= count - offset else { return false }
        for (index, byte) in pattern.enumerated() where storage.base[origin + offset + index] != byte { return false }
        return true
    }

    /// The first index at or after `start` where `pattern` occurs (memchr-speed on the first byte).
    public func firstIndex(of pattern: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, start >= 0, pattern.count <= count, start <= count - pattern.count else { return nil }
        var position = start
        let last = count - pattern.count
        while position <= last {
            guard let base = storage.base.baseAddress,
                  let hit = memchr(base + origin + position, Int32(first), last - position + 1) else { return nil }
            position = base.distance(to: UnsafeRawPointer(hit)) - origin
            if matches(pattern, at: position) { return position }
            position += 1
        }
        return nil
    }
}
