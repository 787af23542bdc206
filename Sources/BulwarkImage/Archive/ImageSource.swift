import BulwarkCore
import Glibc

/// Where an image's files are: an OCI image layout directory, or an image tar mapped and indexed.
enum ImageSource: Sendable {
    case directory(String)
    case archive(TarArchiveIndex)

    /// A file of the image (`index.json`, `blobs/sha256/…`, `<id>/layer.tar`), or why it cannot be read.
    func file(_ name: String) -> Result<BlobBytes, ReadFailure> {
        switch self {
        case .directory(let root):
            guard case .path(let relative) = LayerPath.normalize(name) else { return .failure(ReadFailure("\"\(name)\" is outside the image")) }
            switch BlobBytes.read(path: root + "/" + relative) {
            case .success(let bytes): return .success(bytes)
            case .failure(let error): return .failure(ReadFailure(error.message))
            }
        case .archive(let index):
            guard let bytes = index.member(name) else { return .failure(ReadFailure("the archive has no member \"\(name)\"")) }
            return .success(bytes)
        }
    }

    func contains(_ name: String) -> Bool {
        switch self {
        case .directory(let root):
            if case .success(let kind) = FileKind.of(root + "/" + name) { return kind == .regular }
            return false
        case .archive(let index):
            return index.contains(name)
        }
    }
}

/// Why a file of an image could not be read (interpolated into the error naming it).
struct ReadFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
