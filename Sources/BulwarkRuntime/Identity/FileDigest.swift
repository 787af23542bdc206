import Crypto
import Glibc

/// SHA-256 of an open file, read with `pread` from offset 0 so the descriptor's own offset is not moved (the
/// fanotify handler hashes the very descriptor the kernel opened for the exec: the bytes that will run, not
/// whatever a path points at by the time we look).
public enum FileDigest {
    /// Lower-case hex SHA-256, or nil when a read fails.
    public static func sha256(descriptor: Int32) -> String? {
        var hasher = SHA256()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, chunk, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += off_t(count)
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex SHA-256 of the file at `path`, or nil.
    public static func sha256(path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return sha256(descriptor: descriptor)
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The cache key of a digest: the file's identity plus what changes when its bytes do (size, mtime, ctime). A
/// rewrite in place changes mtime and ctime; a replacement is a new inode. Nanosecond times make a same-second
/// rewrite visible too.
public struct DigestCacheKey: Sendable, Hashable {
    public var identity: FileIdentity
    public var size: Int64
    public var modified: Int64
    public var modifiedNanoseconds: Int64
    public var changed: Int64
    public var changedNanoseconds: Int64

    public init(_ status: stat) {
        identity = FileIdentity(status)
        size = Int64(status.st_size)
        modified = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
        changed = Int64(status.st_ctim.tv_sec)
        changedNanoseconds = Int64(status.st_ctim.tv_nsec)
    }
}
