import BulwarkCore
import Glibc

/// The stored bytes of one blob (a layer, a manifest, a config): a window onto a file mapped
/// read-only or onto an array read whole. A blob inside an `oci-archive` or `docker save` tar is a
/// window onto the mapped tar, so reading an archive never extracts it: only the pages a reader
/// touches leave the disk.
public struct BlobBytes: @unchecked Sendable {
    /// Keeps the memory alive: a `MappedFile` or an `ArrayStorage`.
    private let owner: AnyObject
    /// Valid while `owner` lives; never written.
    let bytes: UnsafeRawBufferPointer

    final class ArrayStorage {
        let buffer: UnsafeMutableRawBufferPointer
        init(_ array: [UInt8]) {
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, array.count), alignment: 16)
            array.withUnsafeBytes { source in
                if let base = source.baseAddress { buffer.baseAddress?.copyMemory(from: base, byteCount: source.count) }
            }
        }
        deinit { buffer.deallocate() }
    }

    public init(_ array: [UInt8]) {
        let storage = ArrayStorage(array)
        owner = storage
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage.buffer)[0..<array.count])
    }

    public init(mapping: MappedFile) {
        owner = mapping
        bytes = mapping.bytes
    }

    private init(owner: AnyObject, bytes: UnsafeRawBufferPointer) {
        self.owner = owner
        self.bytes = bytes
    }

    public init(_ contents: InputFile.Contents) {
        switch contents {
        case .read(let array): self.init(array)
        case .mapped(let mapping): self.init(mapping: mapping)
        }
    }

    public var count: Int { bytes.count }

    /// A window onto `range` (clamped), without copying.
    public func slice(_ range: Range<Int>) -> BlobBytes {
        let lower = min(max(0, range.lowerBound), count)
        let upper = min(max(lower, range.upperBound), count)
        return BlobBytes(owner: owner, bytes: UnsafeRawBufferPointer(rebasing: bytes[lower..<upper]))
    }

    /// The bytes copied out (manifests, configs: small).
    public var array: [UInt8] { Array(bytes) }

    /// Runs `body` over the bytes while they are guaranteed alive.
    func withBytes<R, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> R) throws(Failure) -> R {
        defer { withExtendedLifetime(owner) {} }
        return try body(bytes)
    }

    /// Reads a file whole or maps it (`InputFile.readOrMap`): blobs above the map threshold are
    /// mapped, smaller ones read.
    static func read(path: String) -> Result<BlobBytes, InputError> {
        switch InputFile.open(path, named: false) {
        case .failure(let error): return .failure(error)
        case .success(let file):
            return file.readOrMap(limit: ByteLimit(bytes: InputFile.mapThreshold)).map { BlobBytes($0) }
        }
    }
}
