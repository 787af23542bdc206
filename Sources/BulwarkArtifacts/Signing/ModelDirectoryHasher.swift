import BulwarkCore
import Crypto
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Builds the manifest of a model directory as the reference's `files` serialization does: every
/// regular file under the directory, by POSIX path relative to it, with the SHA-256 of its content.
///
/// Files are streamed through a fixed 1 MiB buffer (the reference's chunk size), so memory stays
/// constant whatever the model's size. Files are hashed on all cores, largest first, one file per
/// worker at a time; a single large file is hashed in one pass (SHA-256 of a whole file cannot be
/// split, and the `files` format has no shards), so a model that is one big file uses one core.
///
/// Like the reference (`allow_symlinks` false), a symbolic link anywhere in the tree is an error,
/// as is any file that is neither regular nor a directory (FIFO, socket, device). Unlike it, every
/// such problem is collected, not just the first, and a file name that is not UTF-8 is an error
/// (the statement is JSON text).
public struct ModelDirectoryHasher: Sendable {
    public var ignoreList: ModelIgnoreList
    /// Read buffer per worker.
    public var chunkSize: Int = 1 << 20

    public init(ignoreList: ModelIgnoreList) {
        self.ignoreList = ignoreList
    }

    /// The manifest of `directory`, or every reason it could not be made (file and reason).
    public func manifest(of directory: String) -> Result<ModelManifest, ModelSigningFailure> {
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            return .failure(.input([InputError(file: directory, message: "cannot examine: \(Errno(errno))")]))
        }
        let kind = Self.kind(info.st_mode)
        guard kind == .directory else {
            let reason = kind == .symbolicLink
                ? "is a symbolic link; name the directory itself (symbolic links are refused, as the reference does)"
                : "not a directory (\(kind.rawValue)); model signing takes a model directory"
            return .failure(.input([InputError(file: directory, message: reason)]))
        }
        var files: [(relative: String, size: Int)] = []
        var errors: [InputError] = []
        walk(directory, relative: "", files: &files, errors: &errors)
        // Largest first, so the last file a worker takes is a small one.
        files.sort { $0.size > $1.size }
        let hashed = hash(files.map(\.relative), under: directory)
        var resources: [ModelResource] = []
        for outcome in hashed {
            switch outcome {
            case .success(let resource): resources.append(resource)
            case .failure(let error): errors.append(error)
            }
        }
        if !errors.isEmpty { return .failure(.input(errors.sorted(by: InputError.inputOrder))) }
        return .success(ModelManifest(modelName: Self.modelName(directory), resources: resources))
    }

    /// The last component of the directory's path, as the reference names the model
    /// (`model_path.name`, or the resolved directory's name for `.` and `..`).
    public static func modelName(_ directory: String) -> String {
        let last = directory.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        if !last.isEmpty && last != "." && last != ".." { return last }
        guard let resolved = realpath(directory, nil) else { return last }
        defer { free(resolved) }
        return String(cString: resolved).split(separator: "/").last.map(String.init) ?? ""
    }

    private func walk(_ path: String, relative: String, files: inout [(relative: String, size: Int)], errors: inout [InputError]) {
        guard let stream = opendir(path) else {
            errors.append(InputError(file: path, message: "cannot read the directory: \(Errno(errno))"))
            return
        }
        defer { closedir(stream) }
        // Names decoded (invalid bytes as U+FFFD) with whether they were UTF-8: an ignored path is
        // never examined, whatever its name.
        var names: [(String, Bool)] = []
        while let entry = readdir(stream) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                Array(buffer.prefix(while: { $0 != 0 }))
            }
            if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append((String(decoding: raw, as: UTF8.self), String(validating: raw, as: UTF8.self) != nil))
        }
        for (name, isUTF8) in names {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            if ignoreList.ignores(childRelative) { continue }
            guard isUTF8 else {
                errors.append(InputError(file: path + "/" + name, message: "the file name is not UTF-8; a signature names files in JSON text"))
                continue
            }
            let child = path + "/" + name
            var info = stat()
            guard lstat(child, &info) == 0 else {
                errors.append(InputError(file: child, message: "cannot examine: \(Errno(errno))"))
                continue
            }
            switch Self.kind(info.st_mode) {
            case .directory:
                walk(child, relative: childRelative, files: &files, errors: &errors)
            case .regular:
                files.append((childRelative, Int(info.st_size)))
            case .symbolicLink:
                errors.append(InputError(file: child, message: "is a symbolic link; model signing refuses symbolic links "
                                         + "(as the reference does without --allow-symlinks); replace it or ignore it with --ignore-paths"))
            case let kind:
                errors.append(InputError(file: child, message: "not a regular file (\(kind.rawValue)); remove it or ignore it with --ignore-paths"))
            }
        }
    }

    /// Hashes the files on all cores; results in input order.
    private func hash(_ files: [String], under directory: String) -> [Result<ModelResource, InputError>] {
        if files.isEmpty { return [] }
        let next = Atomic<Int>(0)
        let results = Mutex<[Result<ModelResource, InputError>?]>(Array(repeating: nil, count: files.count))
        let chunkSize = self.chunkSize
        DispatchQueue.concurrentPerform(iterations: min(ProcessCores.count, files.count)) { _ in
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < files.count else { return }
                let relative = files[index]
                let outcome = Self.hashFile(directory + "/" + relative, buffer: &buffer)
                    .map { ModelResource(name: relative, digest: $0) }
                results.withLock { $0[index] = outcome }
            }
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    static func kind(_ mode: mode_t) -> FileKind {
        switch mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFIFO: .fifo
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFSOCK: .socket
        case S_IFLNK: .symbolicLink
        default: .other
        }
    }

    /// SHA-256 of one file, streamed. The file is opened without following a link (one put in place
    /// after the walk is refused) and must still be a regular file.
    static func hashFile(_ path: String, buffer: inout [UInt8]) -> Result<[UInt8], InputError> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            let reason = code == ELOOP ? "is a symbolic link; model signing refuses symbolic links" : "cannot open: \(Errno(code))"
            return .failure(InputError(file: path, message: reason))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(InputError(file: path, message: "cannot examine: \(Errno(errno))")) }
        let kind = Self.kind(info.st_mode)
        guard kind == .regular else { return .failure(InputError(file: path, message: "not a regular file (\(kind.rawValue))")) }
        var hasher = SHA256()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failure(InputError(file: path, message: "cannot read: \(Errno(code))"))
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
        return .success(Array(hasher.finalize()))
    }
}
