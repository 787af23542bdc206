import Glibc

/// A regular file mapped read-only into memory: pages are read from disk (or page cache) only when
/// touched, so a reader that looks at headers and skips payloads — a multi-gigabyte checkpoint whose
/// pickle program is a few kilobytes — costs what it reads, not the size of the file, and its memory
/// is the page cache's, not the process's heap.
///
/// One known hazard, accepted and documented (docs/architecture.md): if another process truncates
/// the file while it is mapped, touching a page past the new end raises SIGBUS. Files are mapped
/// only above a size where reading them whole would cost real memory (`InputFile.mapThreshold`).
public final class MappedFile: @unchecked Sendable {
    /// The mapped bytes; valid while this object lives.
    public let bytes: UnsafeRawBufferPointer

    init?(descriptor: Int32, size: Int) {
        guard size > 0 else { return nil }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        // Sequential hints would make the kernel read ahead through tensor payloads we skip.
        _ = madvise(address, size, MADV_RANDOM)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

extension InputFile {
    /// Regular files at least this large are mapped rather than read by `readOrMap`.
    public static let mapThreshold = 16 << 20

    /// What `readOrMap` returns: the bytes read, or the file mapped.
    public enum Contents: Sendable {
        case read([UInt8])
        case mapped(MappedFile)
    }

    /// A regular file of `mapThreshold` bytes or more is mapped (no size limit: only the pages a
    /// reader touches are read); anything else is read whole, up to `limit`.
    public func readOrMap(limit: ByteLimit) -> Result<Contents, InputError> {
        if kind == .regular, let size = regularFileSize(), size >= Self.mapThreshold {
            guard let mapped = map(size: size) else {
                let error = Errno(errno)
                return .failure(InputError(file: path, message: "cannot map: \(error)"))
            }
            return .success(.mapped(mapped))
        }
        return readAll(limit: limit).map { .read($0) }
    }
}

extension SourceInput {
    /// The bytes, or the file mapped when it is a large regular file (see `InputFile.readOrMap`).
    public func readOrMap(limit: ByteLimit) -> Result<InputFile.Contents, InputError> {
        switch content {
        case .bytes:
            return read(limit: limit).map { .read($0) }
        case .file:
            switch InputFile.open(name, named: explicit) {
            case .failure(let error): return .failure(error)
            case .success(let file): return file.readOrMap(limit: limit)
            }
        }
    }
}
