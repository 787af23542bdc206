import Crypto

/// The header of an encrypted model: how the payload is chunked, the per-file salt, the wrapped
/// copies of the data key, and an HMAC over all of it. Big-endian throughout; docs/cli.md has
/// the table.
///
/// The header is authenticated twice over: its MAC (keyed from the data key and salt) is checked
/// before any chunk is opened, and the MAC is the associated data of every chunk, so a chunk
/// belongs to exactly one header.
public struct EncryptedModelHeader: Sendable, Equatable {
    /// Plaintext bytes per chunk; the final chunk holds 1 to this many (0 only for an empty file).
    public var chunkSize: Int
    public var salt: [UInt8]
    public var wrappedKeys: [WrappedDataKey]
    /// HMAC-SHA-256 of `authenticatedBytes` under the header key.
    public var mac: [UInt8]

    /// Everything before the MAC.
    public var authenticatedBytes: [UInt8] {
        var bytes = ModelEncryptionFormat.magic
        bytes.append(ModelEncryptionFormat.version)
        bytes.append(ModelEncryptionFormat.algorithmAES256GCMHKDF)
        let size = UInt32(chunkSize)
        bytes += [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        bytes += salt
        bytes.append(UInt8(wrappedKeys.count))
        for wrapped in wrappedKeys {
            bytes.append(wrapped.kind.rawValue)
            bytes += [UInt8(wrapped.body.count >> 8), UInt8(wrapped.body.count & 0xFF)]
            bytes += wrapped.body
        }
        return bytes
    }

    /// The header as written: the authenticated bytes, then the MAC.
    public var serialized: [UInt8] { authenticatedBytes + mac }

    /// The MAC this header must carry under `dataKey`.
    func expectedMAC(dataKey: SymmetricKey) -> [UInt8] {
        let key = ModelEncryptionFormat.headerKey(dataKey: dataKey, salt: salt)
        return Array(HMAC<SHA256>.authenticationCode(for: authenticatedBytes, using: key))
    }

    /// Reads exactly the header's bytes from `source` and parses them; nothing is authenticated
    /// yet (that needs the data key), but every length is checked before it is used.
    static func read(from source: any ModelByteSource) throws(ModelEncryptionError) -> EncryptedModelHeader {
        // The magic alone first: an empty or short unrelated file says "not encrypted", not "truncated".
        var magic = [UInt8](repeating: 0, count: ModelEncryptionFormat.magic.count)
        let got = try source.fill(&magic, count: magic.count)
        guard got == magic.count else {
            throw magic.prefix(got).elementsEqual(ModelEncryptionFormat.magic.prefix(got)) && got > 0 ? .truncatedHeader : .notEncrypted
        }
        guard magic == ModelEncryptionFormat.magic else { throw .notEncrypted }
        // The version alone next: a newer file says so even when its header is laid out otherwise.
        let version = try source.readHeaderBytes(1)[0]
        guard version == ModelEncryptionFormat.version else { throw .unsupportedVersion(version) }
        let first = [version] + (try source.readHeaderBytes(ModelEncryptionFormat.fixedHeaderLength - magic.count - 1))
        let algorithm = first[1]
        guard algorithm == ModelEncryptionFormat.algorithmAES256GCMHKDF else { throw .unsupportedAlgorithm(algorithm) }
        let size = first[2...5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard size >= ModelEncryptionFormat.minimumChunkSize, size <= ModelEncryptionFormat.maximumChunkSize else {
            throw .invalidChunkSize(size)
        }
        let salt = Array(first[6..<6 + ModelEncryptionFormat.saltLength])
        let count = Int(first[6 + ModelEncryptionFormat.saltLength])
        guard count >= 1, count <= ModelEncryptionFormat.maximumWrappedKeys else {
            throw .invalidWrappedKey(index: 0, reason: "the header holds \(count) wrapped keys (1…\(ModelEncryptionFormat.maximumWrappedKeys) allowed)")
        }
        var wrappedKeys: [WrappedDataKey] = []
        for index in 0..<count {
            let prefix = try source.readHeaderBytes(3)
            let length = Int(prefix[1]) << 8 | Int(prefix[2])
            guard length >= 1, length <= WrappedDataKey.maximumBodyLength else {
                throw .invalidWrappedKey(index: index, reason: "length \(length) is outside 1…\(WrappedDataKey.maximumBodyLength)")
            }
            wrappedKeys.append(WrappedDataKey(kind: .init(rawValue: prefix[0]), body: try source.readHeaderBytes(length)))
        }
        let mac = try source.readHeaderBytes(ModelEncryptionFormat.macLength)
        return EncryptedModelHeader(chunkSize: Int(size), salt: salt, wrappedKeys: wrappedKeys, mac: mac)
    }
}
