#if canImport(Glibc)
import Glibc
#endif

/// The largest input Bulwark reads, in bytes. Built from `--max-file-size` (MiB) without overflow.
public struct ByteLimit: Sendable, Hashable, CustomStringConvertible {
    public let bytes: Int

    /// The largest limit accepted: 1 TiB (anything larger is a typo, and shifting it would overflow).
    public static let maximumMebibytes = 1 << 20
    public static let standard = ByteLimit(bytes: 32 << 20)

    public init(bytes: Int) {
        self.bytes = max(0, bytes)
    }

    /// nil unless `mebibytes` is between 1 and `maximumMebibytes`.
    public init?(mebibytes: Int) {
        guard mebibytes >= 1, mebibytes <= Self.maximumMebibytes else { return nil }
        bytes = mebibytes << 20
    }

    public var description: String { Self.describe(bytes: bytes) }

    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return "\(Double(bytes * 10 / (1 << 20)) / 10) MiB" }
        if bytes >= 1 << 10 { return "\(Double(bytes * 10 / (1 << 10)) / 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// What a path names, from `stat` (or `lstat` for the link itself).
public enum FileKind: String, Sendable, Hashable, Codable {
    case regular = "regular file"
    case directory
    case fifo = "named pipe (FIFO)"
    case characterDevice = "character device"
    case blockDevice = "block device"
    case socket
    case symbolicLink = "symbolic link"
    case other = "special file"

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        case S_IFLNK: self = .symbolicLink
        default: self = .other
        }
    }

    /// The kind of `path` following links; nil with the errno when it cannot be examined.
    public static func of(_ path: String) -> Result<FileKind, Errno> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Errno(errno)) }
        return .success(FileKind(mode: info.st_mode))
    }

    /// The kind of the link itself when `path` is a symbolic link.
    public static func ofLink(_ path: String) -> Result<FileKind, Errno> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(Errno(errno)) }
        return .success(FileKind(mode: info.st_mode))
    }
}

/// An `errno` value with its message (`strerror`) in our words where they are clearer.
public struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    public var description: String {
        switch code {
        case ENOENT: "no such file or directory"
        case EACCES, EPERM: "permission denied"
        case ENOSPC: "no space left on device"
        case EDQUOT: "disk quota exceeded"
        case EROFS: "read-only file system"
        case EISDIR: "is a directory"
        case ENOTDIR: "a component of the path is not a directory"
        case ELOOP: "too many levels of symbolic links"
        case ENAMETOOLONG: "file name too long"
        case EPIPE: "the reader closed the pipe"
        case EIO: "input/output error"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}

/// One input being read: a regular file, standard input, or a pipe named on the command line.
///
/// The one reader of untrusted inputs for every domain and command. It reads only regular files,
/// standard input and pipes the user named (`<(…)`, a FIFO given as an argument); every other
/// kind (devices, sockets, a FIFO met while walking a directory) is refused with its kind, so a
/// link to `/dev/zero` or a FIFO without a writer cannot make a scan hang or run out of memory.
/// The size limit is enforced while reading, never trusted from `stat`.
public final class InputFile {
    public let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    public private(set) var kind: FileKind
    /// Bytes read so far by `head`, kept for `readAll`.
    private var buffered: [UInt8] = []
    private var atEnd = false

    /// Opens `path` for reading. `"-"` is standard input. A path found by walking a directory
    /// (`named == false`) must be a regular file; a path named on the command line may also be a
    /// pipe. Errors name the path and the reason.
    public static func open(_ path: String, named: Bool) -> Result<InputFile, InputError> {
        if path == "-" { return .success(InputFile(path: path, descriptor: 0, owns: false, kind: .fifo)) }
        // Never block in open(): a FIFO without a writer would wait forever. A named pipe is
        // reopened in blocking mode below, which is what its user asked for.
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let error = Errno(errno)
            return .failure(InputError(file: path, message: "cannot open: \(error)"))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = Errno(errno)
            close(descriptor)
            return .failure(InputError(file: path, message: "cannot examine: \(error)"))
        }
        let kind = FileKind(mode: info.st_mode)
        switch kind {
        case .regular:
            break
        case .fifo where named:
            // Blocking reads from now on: the writer (a shell's process substitution) may be slow.
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        default:
            close(descriptor)
            return .failure(InputError(file: path, message: "not a regular file (\(kind.rawValue)); not read"))
        }
        return .success(InputFile(path: path, descriptor: descriptor, owns: true, kind: kind))
    }

    private init(path: String, descriptor: Int32, owns: Bool, kind: FileKind) {
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = owns
        self.kind = kind
    }

    deinit {
        if ownsDescriptor && descriptor >= 0 { close(descriptor) }
    }

    /// The first `count` bytes (fewer when the input is shorter), for sniffing the content.
    public func head(_ count: Int) -> Result<ArraySlice<UInt8>, InputError> {
        if buffered.count < count && !atEnd {
            if case .failure(let error) = fill(upTo: count) { return .failure(error) }
        }
        return .success(buffered.prefix(count))
    }

    /// Everything, at most `limit` bytes: a larger input is an error (the rest is never read).
    public func readAll(limit: ByteLimit) -> Result<[UInt8], InputError> {
        if case .failure(let error) = fill(upTo: limit.bytes + 1) { return .failure(error) }
        if buffered.count > limit.bytes {
            let what = path == "-" ? "standard input is" : "file is"
            return .failure(InputError(file: path, message: "\(what) larger than the \(limit) limit (raise --max-file-size)"))
        }
        let bytes = buffered
        buffered = []
        return .success(bytes)
    }

    /// The size `fstat` reports for a regular file (nil for anything else, or when asked after
    /// bytes were already consumed by reads other than `head`).
    func regularFileSize() -> Int? {
        var info = stat()
        guard kind == .regular, fstat(descriptor, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The whole file mapped read-only (see `MappedFile`).
    func map(size: Int) -> MappedFile? {
        MappedFile(descriptor: descriptor, size: size)
    }

    /// Reads until `count` bytes are buffered or the input ends.
    private func fill(upTo count: Int) -> Result<Void, InputError> {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while buffered.count < count && !atEnd {
            let want = min(chunk.count, count - buffered.count)
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, want) }
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failure(InputError(file: path, message: "cannot read: \(Errno(code))"))
            }
            if got == 0 {
                atEnd = true
            } else {
                buffered.append(contentsOf: chunk[0..<got])
            }
        }
        return .success(())
    }

    /// Reads a whole input named on the command line (a certificate, an intent file, one value):
    /// the one call for single files.
    public static func read(_ path: String, limit: ByteLimit = .standard) -> Result<[UInt8], InputError> {
        switch open(path, named: true) {
        case .failure(let error): return .failure(error)
        case .success(let file): return file.readAll(limit: limit)
        }
    }
}
