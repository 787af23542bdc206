/// Why an encrypted model could not be written or opened. Every case that concerns the payload
/// names the chunk, so an operator can tell a damaged download (one chunk) from a truncated one
/// (the last chunk) and from a wrong key (the header).
public enum ModelEncryptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input does not start with the magic bytes: not a file `bulwark model encrypt` wrote.
    case notEncrypted
    /// A header from a newer (or unknown) format version.
    case unsupportedVersion(UInt8)
    /// An algorithm id this version does not know.
    case unsupportedAlgorithm(UInt8)
    /// A chunk size outside the range this version accepts (which bounds the memory a reader needs).
    case invalidChunkSize(UInt32)
    /// The input ends inside the header.
    case truncatedHeader
    /// A wrapped-key entry that cannot be parsed.
    case invalidWrappedKey(index: Int, reason: String)
    /// No wrapped key in the header opens with the keys given.
    case noMatchingKey(String)
    /// The header's MAC does not verify: the header was changed after it was written.
    case headerAuthenticationFailed
    /// A chunk does not authenticate at its position: changed, moved, or from another file.
    case chunkAuthenticationFailed(chunk: UInt64)
    /// The input ends after a chunk that is not marked final.
    case truncated(afterChunk: UInt64)
    /// The input ends before a chunk is complete (shorter than its tag, or no chunk at all).
    case truncatedChunk(chunk: UInt64)
    /// Bytes follow the chunk marked final.
    case trailingData(afterChunk: UInt64)
    /// A final chunk that is empty although chunks precede it (never written by the encrypter).
    case emptyFinalChunk(chunk: UInt64)
    /// The input could not be read: `cannot read PATH: reason`.
    case readFailed(reason: String)
    /// The output could not be written (a full disk, a closed pipe).
    case writeFailed(reason: String)
    /// A key, a key file or a wrapping operation that cannot be used.
    case invalidKey(String)

    public var description: String {
        switch self {
        case .notEncrypted:
            "not an encrypted model (no bulwark encryption header)"
        case .unsupportedVersion(let version):
            "encryption format version \(version) is not supported (this bulwark reads version \(ModelEncryptionFormat.version))"
        case .unsupportedAlgorithm(let id):
            "payload algorithm \(id) is not supported"
        case .invalidChunkSize(let size):
            "chunk size \(size) in the header is outside \(ModelEncryptionFormat.minimumChunkSize)…\(ModelEncryptionFormat.maximumChunkSize) bytes"
        case .truncatedHeader:
            "the file ends inside the encryption header (truncated)"
        case .invalidWrappedKey(let index, let reason):
            "wrapped key \(index) in the header: \(reason)"
        case .noMatchingKey(let detail):
            "no wrapped key in the header opens with \(detail) (wrong key, or the header was changed)"
        case .headerAuthenticationFailed:
            "the header does not authenticate: it was changed after encryption"
        case .chunkAuthenticationFailed(let chunk):
            "chunk \(chunk) does not authenticate: it was changed, cut short, moved, or comes from another file"
        case .truncated(let chunk):
            "the file ends after chunk \(chunk), which is not the final chunk (truncated)"
        case .truncatedChunk(let chunk):
            "the file ends before the end of chunk \(chunk) (truncated)"
        case .trailingData(let chunk):
            "data follows the final chunk \(chunk) (appended or spliced)"
        case .emptyFinalChunk(let chunk):
            "chunk \(chunk) is an empty final chunk after other chunks (not written by bulwark)"
        case .readFailed(let reason):
            reason
        case .writeFailed(let reason):
            reason
        case .invalidKey(let reason):
            reason
        }
    }
}
