import Crypto
import Foundation

/// Streaming envelope encryption of model weights (`bulwark model encrypt|decrypt`).
///
/// A random 256-bit data key per file is wrapped for each recipient (a KEK with AES key wrap, an
/// RSA public key with OAEP); the payload is cut into chunks sealed with AES-256-GCM under a key
/// derived from the data key and the file's salt (`ModelEncryptionFormat`). Both directions hold
/// two chunk buffers and nothing else that grows with the file: a 100 GiB checkpoint takes the
/// same memory as a 1 KiB one.
public enum ModelEncryption {
    /// What a run processed.
    public struct Summary: Sendable, Equatable {
        /// Chunks written or opened (at least 1: an empty file has one empty final chunk).
        public var chunks: UInt64
        public var plaintextBytes: UInt64
    }

    /// Encrypts everything `source` yields to `sink`: the header, then the chunks. The last chunk
    /// is known only when the next read returns nothing, so one chunk is read ahead.
    public static func encrypt(from source: any ModelByteSource, to sink: any ModelByteSink, recipients: [ModelKeyRecipient],
                               chunkSize: Int = ModelEncryptionFormat.defaultChunkSize) throws(ModelEncryptionError) -> Summary {
        try encrypt(from: source, to: sink, recipients: recipients, chunkSize: chunkSize,
                    dataKey: randomBytes(ModelEncryptionFormat.dataKeyLength), salt: randomBytes(ModelEncryptionFormat.saltLength))
    }

    /// `encrypt` with the data key and salt given: tests use it to make two files that share a key.
    static func encrypt(from source: any ModelByteSource, to sink: any ModelByteSink, recipients: [ModelKeyRecipient],
                        chunkSize: Int, dataKey dataKeyBytes: [UInt8], salt: [UInt8]) throws(ModelEncryptionError) -> Summary {
        guard chunkSize >= ModelEncryptionFormat.minimumChunkSize, chunkSize <= ModelEncryptionFormat.maximumChunkSize else {
            throw .invalidChunkSize(UInt32(clamping: chunkSize))
        }
        guard !recipients.isEmpty, recipients.count <= ModelEncryptionFormat.maximumWrappedKeys else {
            throw .invalidKey("give 1 to \(ModelEncryptionFormat.maximumWrappedKeys) recipients (a KEK or RSA public keys)")
        }
        guard salt.count == ModelEncryptionFormat.saltLength, dataKeyBytes.count == ModelEncryptionFormat.dataKeyLength else {
            throw .invalidKey("the data key and the salt are 32 bytes each")
        }
        let dataKey = SymmetricKey(data: dataKeyBytes)
        var wrappedKeys: [WrappedDataKey] = []
        for recipient in recipients { wrappedKeys.append(try WrappedDataKey.wrap(dataKey, for: recipient)) }
        var header = EncryptedModelHeader(chunkSize: chunkSize, salt: salt, wrappedKeys: wrappedKeys, mac: [])
        header.mac = header.expectedMAC(dataKey: dataKey)
        try sink.write(header.serialized)

        let chunker = ChunkSealer(dataKey: dataKey, header: header)
        var current = [UInt8](repeating: 0, count: chunkSize)
        var next = [UInt8](repeating: 0, count: chunkSize)
        var currentCount = try source.fill(&current, count: chunkSize)
        var index: UInt64 = 0
        var total: UInt64 = 0
        while true {
            // A short read means the end of the input; a full one needs the next to tell.
            let nextCount = currentCount == chunkSize ? try source.fill(&next, count: chunkSize) : 0
            let final = nextCount == 0
            try sink.write(try chunker.seal(current[0..<currentCount], chunk: index, final: final))
            total += UInt64(currentCount)
            if final { return Summary(chunks: index + 1, plaintextBytes: total) }
            swap(&current, &next)
            currentCount = nextCount
            index += 1
        }
    }

    /// Decrypts `source` to `sink`. Each chunk goes to `sink` only after it authenticates, so
    /// nothing unauthenticated is ever written; but chunks before a damaged or missing one have
    /// been written when the error is thrown. A caller writing a file must discard it then (the
    /// CLI writes a temporary file and renames it only on success); a reader of a pipe must check
    /// the exit status.
    public static func decrypt(from source: any ModelByteSource, to sink: any ModelByteSink,
                               identities: [ModelKeyIdentity]) throws(ModelEncryptionError) -> Summary {
        let header = try EncryptedModelHeader.read(from: source)
        let dataKey = try openDataKey(header, identities: identities)
        let chunker = ChunkSealer(dataKey: dataKey, header: header)
        let record = header.chunkSize + ModelEncryptionFormat.tagLength
        var current = [UInt8](repeating: 0, count: record)
        var next = [UInt8](repeating: 0, count: record)
        var currentCount = try source.fill(&current, count: record)
        var index: UInt64 = 0
        var total: UInt64 = 0
        guard currentCount > 0 else { throw .truncatedChunk(chunk: 0) }
        while true {
            let nextCount = currentCount == record ? try source.fill(&next, count: record) : 0
            let final = nextCount == 0
            guard currentCount >= ModelEncryptionFormat.tagLength else { throw .truncatedChunk(chunk: index) }
            let plaintext = try chunker.open(current[0..<currentCount], chunk: index, final: final)
            if final && plaintext.isEmpty && index > 0 { throw .emptyFinalChunk(chunk: index) }
            try sink.write(plaintext)
            total += UInt64(plaintext.count)
            if final { return Summary(chunks: index + 1, plaintextBytes: total) }
            swap(&current, &next)
            currentCount = nextCount
            index += 1
        }
    }

    /// The data key from the first wrapped key that one of `identities` opens and whose header
    /// MAC then verifies. (A KEK that unwraps by chance to a wrong key cannot pass the MAC.)
    static func openDataKey(_ header: EncryptedModelHeader, identities: [ModelKeyIdentity]) throws(ModelEncryptionError) -> SymmetricKey {
        var unwrapped = false
        for identity in identities {
            for wrapped in header.wrappedKeys {
                guard let dataKey = wrapped.unwrap(with: identity) else { continue }
                unwrapped = true
                if constantTimeEqual(header.expectedMAC(dataKey: dataKey), header.mac) { return dataKey }
            }
        }
        if unwrapped { throw .headerAuthenticationFailed }
        let tried = identities.map(\.summary)
        throw .noMatchingKey(Set(tried).count == 1 ? tried[0] : "the keys given")
    }

    /// Bytes from the system's cryptographic random generator (what `SymmetricKey(size:)` uses).
    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Seals and opens the chunks of one file: AES-256-GCM under the file's payload key, the nonce
/// from the chunk index and final flag, the header MAC as associated data.
struct ChunkSealer {
    let key: SymmetricKey
    let associatedData: [UInt8]

    init(dataKey: SymmetricKey, header: EncryptedModelHeader) {
        key = ModelEncryptionFormat.payloadKey(dataKey: dataKey, salt: header.salt)
        associatedData = header.mac
    }

    init(dataKey: [UInt8], header: EncryptedModelHeader) {
        self.init(dataKey: SymmetricKey(data: dataKey), header: header)
    }

    func seal(_ plaintext: ArraySlice<UInt8>, chunk index: UInt64, final: Bool) throws(ModelEncryptionError) -> [UInt8] {
        do {
            let nonce = try AES.GCM.Nonce(data: ModelEncryptionFormat.nonce(chunk: index, final: final))
            let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: associatedData)
            var record = [UInt8]()
            record.reserveCapacity(plaintext.count + ModelEncryptionFormat.tagLength)
            record += box.ciphertext
            record += box.tag
            return record
        } catch {
            throw .invalidKey("AES-GCM failed on chunk \(index): \(error)")
        }
    }

    /// The plaintext of chunk `index`, or the most specific error: when the chunk does not open
    /// at its position but opens with the other final flag, the file was cut after it (truncated)
    /// or continues past its end (appended).
    func open(_ record: ArraySlice<UInt8>, chunk index: UInt64, final: Bool) throws(ModelEncryptionError) -> [UInt8] {
        if let plaintext = tryOpen(record, chunk: index, final: final) { return plaintext }
        if tryOpen(record, chunk: index, final: !final) != nil {
            throw final ? .truncated(afterChunk: index) : .trailingData(afterChunk: index)
        }
        throw .chunkAuthenticationFailed(chunk: index)
    }

    private func tryOpen(_ record: ArraySlice<UInt8>, chunk index: UInt64, final: Bool) -> [UInt8]? {
        let split = record.endIndex - ModelEncryptionFormat.tagLength
        guard split >= record.startIndex,
              let nonce = try? AES.GCM.Nonce(data: ModelEncryptionFormat.nonce(chunk: index, final: final)),
              let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: record[record.startIndex..<split], tag: record[split...]),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: associatedData) else { return nil }
        return Array(plaintext)
    }
}
