import BulwarkCore
#if canImport(Glibc)
import Glibc
#endif

/// Where encryption and decryption read from: a file, standard input, or memory in tests. Reads
/// go into a buffer the caller owns, so memory stays at the chunk buffers whatever the file size.
public protocol ModelByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ModelEncryptionError) -> Int
}

/// Where encrypted or decrypted bytes go. A write that fails throws at once, so a closed pipe
/// stops a multi-gigabyte run at the first chunk it loses.
public protocol ModelByteSink: AnyObject {
    func write(_ bytes: [UInt8]) throws(ModelEncryptionError)
}

extension ModelByteSource {
    /// Fills `buffer` from its start with up to `count` bytes, reading again after short reads
    /// (pipes deliver 64 KiB at a time); fewer than `count` only at the end of the input.
    func fill(_ buffer: inout [UInt8], count: Int) throws(ModelEncryptionError) -> Int {
        precondition(count <= buffer.count, "the buffer is sized for a whole chunk")
        var filled = 0
        while filled < count {
            // `withUnsafeMutableBytes` rethrows untyped errors: carry the typed one out in a Result.
            let result = buffer.withUnsafeMutableBytes { (bytes) -> Result<Int, ModelEncryptionError> in
                do throws(ModelEncryptionError) {
                    return .success(try self.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<count])))
                } catch {
                    return .failure(error)
                }
            }
            let read = try result.get()
            if read == 0 { break }
            filled += read
        }
        return filled
    }

    /// Exactly `count` bytes, or `ModelEncryptionError.truncatedHeader`: for the header only.
    func readHeaderBytes(_ count: Int) throws(ModelEncryptionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard try fill(&bytes, count: count) == count else { throw .truncatedHeader }
        return bytes
    }
}

/// A file, or standard input for `-`, read with `read(2)`.
public final class FileByteSource: ModelByteSource {
    public let path: String
    private let descriptor: Int32
    private let owned: Bool

    public init(path: String) throws(ModelEncryptionError) {
        self.path = path
        if path == "-" {
            descriptor = 0
            owned = false
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .readFailed(reason: "cannot read \(path): \(Errno(errno))") }
        descriptor = opened
        owned = true
    }

    deinit {
        if owned { close(descriptor) }
    }

    public var name: String { path == "-" ? "standard input" : path }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ModelEncryptionError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = Glibc.read(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .readFailed(reason: "cannot read \(name): \(Errno(errno))")
        }
    }
}

/// Bytes in memory, read in pieces of at most `pieceSize` bytes to exercise short reads.
public final class MemoryByteSource: ModelByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let pieceSize: Int

    public init(_ bytes: [UInt8], pieceSize: Int = .max) {
        self.bytes = bytes
        self.pieceSize = max(1, pieceSize)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ModelEncryptionError) -> Int {
        let count = min(buffer.count, bytes.count - offset, pieceSize)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}

/// Bytes collected in memory.
public final class MemoryByteSink: ModelByteSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: [UInt8]) throws(ModelEncryptionError) {
        self.bytes += bytes
    }
}
