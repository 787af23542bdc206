#if canImport(Glibc)
import Glibc
#endif
import Synchronization

#if os(Linux)
/// glibc's `sync_file_range(2)`, which its headers declare only under `_GNU_SOURCE` (not set for
/// Swift's Glibc module); four integer arguments, so the Swift and C calling conventions agree.
@_silgen_name("sync_file_range")
private func startWriteback(_ descriptor: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32
#endif

/// A write that failed: the destination and the reason.
public struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// The one writer of everything Bulwark writes: reports, rewritten files, sealed Secrets.
///
/// Every failure is kept and reported: a short write, `ENOSPC` on a full disk, `EIO`, a closed
/// pipe; the first one is thrown by `commit()`, so a command that wrote nothing useful never exits
/// 0. A regular file (new or existing) is written to a temporary file in the same directory,
/// flushed to disk and renamed over the target, so a failure leaves the old file as it was and a
/// reader never sees half a file; an existing file keeps its permissions. A device, FIFO or
/// standard output is written directly.
public final class OutputFile: Sendable {
    /// The name errors give the destination (`standard output` or the path).
    public let path: String
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        /// The temporary file renamed over `target` on commit; nil when writing directly.
        var temporary: String?
        var target: String?
        var error: OutputError?
        var committed = false
        /// Bytes written to the temporary file, and how many of them writeback was started for.
        var written = 0
        var writebackStarted = 0
    }

    /// Writeback of a temporary file is started every this many bytes, so that the disk works
    /// while the report is still being encoded and `fsync` at the end waits only for the tail.
    static let writebackChunk = 8 << 20

    /// Standard output.
    public static func standardOutput() -> OutputFile {
        OutputFile(path: "standard output", descriptor: 1, temporary: nil, target: nil)
    }

    /// Standard error.
    public static func standardError() -> OutputFile {
        OutputFile(path: "standard error", descriptor: 2, temporary: nil, target: nil)
    }

    /// Opens `path` for writing: atomically (temporary file, then rename) for a regular file or a
    /// new one, directly for anything else (`/dev/stdout`, a FIFO, `/dev/null`). `mode`, when given,
    /// is the regular file's permissions from its first byte on (e.g. 0600 for a private key: the
    /// temporary file never has wider ones), replacing an existing file's.
    public static func create(_ path: String, mode requestedMode: mode_t? = nil) throws(OutputError) -> OutputFile {
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists && (info.st_mode & S_IFMT) == S_IFDIR { throw OutputError(path: path, reason: "is a directory") }
        if exists && (info.st_mode & S_IFMT) != S_IFREG {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { throw OutputError(path: path, reason: Errno(errno).description) }
            return OutputFile(path: path, descriptor: descriptor, temporary: nil, target: path)
        }
        // The temporary file sits next to the target, so the rename never crosses file systems.
        let directory: String
        let name: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        var template = Array("\(directory)/.\(name).bulwark-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw OutputError(path: path, reason: Errno(errno).description) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkstemp makes the file 0600: give it the target's mode, or what a new file would get.
        let mode: mode_t = requestedMode ?? (exists ? info.st_mode & 0o7777 : 0o666 & ~currentUmask())
        if fchmod(descriptor, mode) != 0 {
            let error = Errno(errno)
            close(descriptor)
            unlink(temporary)
            throw OutputError(path: path, reason: error.description)
        }
        if exists && getuid() == 0 { _ = fchown(descriptor, info.st_uid, info.st_gid) }
        return OutputFile(path: path, descriptor: descriptor, temporary: temporary, target: path)
    }

    private init(path: String, descriptor: Int32, temporary: String?, target: String?) {
        self.path = path
        state = Mutex(State(descriptor: descriptor, temporary: temporary, target: target))
    }

    deinit {
        // An uncommitted temporary file is removed: the target stays as it was.
        state.withLock { state in
            if let temporary = state.temporary, !state.committed {
                close(state.descriptor)
                unlink(temporary)
            } else if state.descriptor > 2 && !state.committed {
                close(state.descriptor)
            }
        }
    }

    /// Writes all of `bytes`. After a failure, later writes are ignored and `commit()` throws.
    /// Safe to hand to a streaming reporter as its sink.
    @Sendable public func write(_ bytes: [UInt8]) {
        state.withLock { state in
            guard state.error == nil, !bytes.isEmpty else { return }
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(state.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        state.error = OutputError(path: path, reason: Errno(errno).description)
                        return
                    }
                    if written == 0 {
                        state.error = OutputError(path: path, reason: "nothing could be written")
                        return
                    }
                    offset += written
                }
            }
            guard state.temporary != nil else { return }
            state.written += bytes.count
            if state.written - state.writebackStarted >= Self.writebackChunk {
                // Asynchronous: queues the pages for writing and returns (Linux; elsewhere fsync does it all).
                #if os(Linux)
                _ = startWriteback(state.descriptor, Int64(state.writebackStarted), Int64(state.written - state.writebackStarted),
                                   2 /* SYNC_FILE_RANGE_WRITE */)
                #endif
                state.writebackStarted = state.written
            }
        }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }

    /// The first write error so far, if any.
    public var error: OutputError? { state.withLock { $0.error } }

    /// Finishes the output: flushes a file to disk and renames it over its target. Throws the
    /// first error of any write, or of the flush and rename.
    public func commit() throws(OutputError) {
        let result: OutputError? = state.withLock { state in
            guard !state.committed else { return state.error }
            state.committed = true
            if let error = state.error {
                if let temporary = state.temporary {
                    close(state.descriptor)
                    unlink(temporary)
                }
                return error
            }
            guard let target = state.target else {
                // Standard output or error: nothing to flush but what the kernel holds.
                return nil
            }
            if let temporary = state.temporary {
                if fsync(state.descriptor) != 0 {
                    let error = OutputError(path: path, reason: Errno(errno).description)
                    close(state.descriptor)
                    unlink(temporary)
                    return error
                }
                if close(state.descriptor) != 0 {
                    let error = OutputError(path: path, reason: Errno(errno).description)
                    unlink(temporary)
                    return error
                }
                if rename(temporary, target) != 0 {
                    let error = OutputError(path: path, reason: Errno(errno).description)
                    unlink(temporary)
                    return error
                }
                Self.syncDirectory(of: target)
                return nil
            }
            if close(state.descriptor) != 0 { return OutputError(path: path, reason: Errno(errno).description) }
            return nil
        }
        if let result { throw result }
    }

    /// Replaces the file at `path` with `bytes`, atomically.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(OutputError) {
        let file = try create(path)
        file.write(bytes)
        try file.commit()
    }

    /// Makes the rename durable (best effort: some file systems refuse to sync a directory).
    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
