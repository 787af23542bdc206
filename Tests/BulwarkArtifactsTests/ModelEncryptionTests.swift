@testable import BulwarkArtifacts
import Foundation
import Testing

/// A deterministic generator (SplitMix64), so a failing case of the property loops can be
/// replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// `ModelEncryption`: round trips at the chunk edges, and every way a file can be damaged —
/// a flipped byte anywhere, a cut at any length, chunks swapped or taken from another file, bytes
/// appended, a wrong key — fails with the chunk named and no unauthenticated byte written.
@Suite struct ModelEncryptionTests {
    static let kek = KeyEncryptionKey.random()

    /// The plaintext of a file of `count` bytes (a recognisable pattern, so misplaced chunks show).
    static func plaintext(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SeededGenerator(state: seed)
        return generator.bytes(count)
    }

    static func encrypt(_ plaintext: [UInt8], chunkSize: Int, recipients: [ModelKeyRecipient] = [.kek(kek)],
                        dataKey: [UInt8]? = nil, salt: [UInt8]? = nil) throws -> [UInt8] {
        let sink = MemoryByteSink()
        let summary = try ModelEncryption.encrypt(
            from: MemoryByteSource(plaintext), to: sink, recipients: recipients, chunkSize: chunkSize,
            dataKey: dataKey ?? ModelEncryption.randomBytes(32), salt: salt ?? ModelEncryption.randomBytes(32))
        #expect(summary.plaintextBytes == UInt64(plaintext.count))
        #expect(summary.chunks == UInt64(max(1, (plaintext.count + chunkSize - 1) / chunkSize)))
        return sink.bytes
    }

    /// Decrypts; returns what was written to the sink before the result, and the result.
    static func decrypt(_ ciphertext: [UInt8], identities: [ModelKeyIdentity] = [.kek(kek)],
                        pieceSize: Int = .max) -> (written: [UInt8], result: Result<ModelEncryption.Summary, ModelEncryptionError>) {
        let sink = MemoryByteSink()
        do throws(ModelEncryptionError) {
            let summary = try ModelEncryption.decrypt(from: MemoryByteSource(ciphertext, pieceSize: pieceSize), to: sink, identities: identities)
            return (sink.bytes, .success(summary))
        } catch {
            return (sink.bytes, .failure(error))
        }
    }

    static func headerLength(_ ciphertext: [UInt8]) throws -> Int {
        try EncryptedModelHeader.read(from: MemoryByteSource(ciphertext)).serialized.count
    }

    // MARK: Round trips

    @Test(arguments: [16, 64, ModelEncryptionFormat.defaultChunkSize])
    func roundTripsAtTheChunkEdges(chunkSize: Int) throws {
        for size in [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3 * chunkSize, 3 * chunkSize + 5] {
            let plaintext = Self.plaintext(size, seed: UInt64(size))
            let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
            let chunks = max(1, (size + chunkSize - 1) / chunkSize)
            #expect(ciphertext.count == (try Self.headerLength(ciphertext)) + size + 16 * chunks, "size \(size)")
            // Short reads (as from a pipe) give the same result as whole reads.
            for pieceSize in [Int.max, 7] {
                let (written, result) = Self.decrypt(ciphertext, pieceSize: pieceSize)
                #expect(written == plaintext, "size \(size), chunk \(chunkSize), pieces of \(pieceSize)")
                #expect(try result.get() == ModelEncryption.Summary(chunks: UInt64(chunks), plaintextBytes: UInt64(size)))
            }
        }
    }

    @Test func everyRecipientOpensTheFile() throws {
        let identity = try RSAIdentity.generate(bits: 2048)
        let other = KeyEncryptionKey.random()
        let plaintext = Self.plaintext(1000)
        let ciphertext = try Self.encrypt(plaintext, chunkSize: 100, recipients: [.kek(Self.kek), .rsa(identity.recipient), .kek(other)])
        for key in [ModelKeyIdentity.kek(Self.kek), .rsa(identity), .kek(other)] {
            #expect(Self.decrypt(ciphertext, identities: [key]).written == plaintext)
        }
        // The PEM forms load back.
        let reloaded = try RSAIdentity(pem: identity.pem)
        #expect(Self.decrypt(ciphertext, identities: [.rsa(reloaded)]).written == plaintext)
        #expect(try RSARecipient(pem: identity.recipient.pem).pem == identity.recipient.pem)
    }

    @Test func nonceCarriesTheChunkIndexAndTheFinalFlag() {
        #expect(ModelEncryptionFormat.nonce(chunk: 0, final: false) == [UInt8](repeating: 0, count: 12))
        #expect(ModelEncryptionFormat.nonce(chunk: 1, final: true) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
        #expect(ModelEncryptionFormat.nonce(chunk: 0x0102_0304_0506_0708, final: false) == [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0])
    }

    // MARK: Tampering

    /// Every byte of a four-chunk file, header included, flipped one bit at a time: decryption
    /// fails, a flip in chunk k names chunk k, and only chunks before k were written.
    @Test func everySingleByteFlipFails() throws {
        let chunkSize = 32
        let plaintext = Self.plaintext(100)
        let identity = try RSAIdentity.generate(bits: 2048)
        let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize, recipients: [.kek(Self.kek), .rsa(identity.recipient)])
        let header = try Self.headerLength(ciphertext)
        let record = chunkSize + 16
        for position in ciphertext.indices {
            for bit: UInt8 in [0x01, 0x80] {
                var damaged = ciphertext
                damaged[position] ^= bit
                for key in [ModelKeyIdentity.kek(Self.kek), .rsa(identity)] {
                    let (written, result) = Self.decrypt(damaged, identities: [key])
                    guard case .failure(let error) = result else {
                        Issue.record("a flip of bit \(bit) at byte \(position) went unnoticed")
                        continue
                    }
                    if position < header {
                        #expect(written.isEmpty, "header byte \(position): \(error)")
                    } else {
                        let chunk = (position - header) / record
                        #expect(error == .chunkAuthenticationFailed(chunk: UInt64(chunk)), "byte \(position): \(error)")
                        #expect(written == Array(plaintext.prefix(chunk * chunkSize)), "byte \(position)")
                    }
                }
            }
        }
    }

    /// Cut at every length: fails, and a cut at a chunk boundary says which chunk the file ends after.
    @Test func everyTruncationFails() throws {
        let chunkSize = 32
        let plaintext = Self.plaintext(4 * chunkSize)
        let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
        let header = try Self.headerLength(ciphertext)
        let record = chunkSize + 16
        for length in 0..<ciphertext.count {
            let (written, result) = Self.decrypt(Array(ciphertext.prefix(length)))
            guard case .failure(let error) = result else {
                Issue.record("a cut at \(length) of \(ciphertext.count) bytes went unnoticed")
                continue
            }
            #expect(written.count <= max(0, (length - header) / record) * chunkSize)
            if length == 0 {
                #expect(error == .notEncrypted)
            } else if length < header {
                #expect(error == .truncatedHeader, "cut at \(length)")
            } else if length == header {
                #expect(error == .truncatedChunk(chunk: 0))
            } else if (length - header) % record == 0 {
                #expect(error == .truncated(afterChunk: UInt64((length - header) / record - 1)), "cut at \(length)")
            } else if (length - header) % record < 16 {
                #expect(error == .truncatedChunk(chunk: UInt64((length - header) / record)), "cut at \(length)")
            } else {
                #expect(error == .chunkAuthenticationFailed(chunk: UInt64((length - header) / record)), "cut at \(length)")
            }
        }
    }

    @Test func swappedChunksFail() throws {
        let chunkSize = 32
        let plaintext = Self.plaintext(4 * chunkSize)
        let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
        let header = try Self.headerLength(ciphertext)
        let record = chunkSize + 16
        for (first, second) in [(0, 1), (1, 2), (0, 3), (2, 3)] {
            var swapped = ciphertext
            let a = header + first * record
            let b = header + second * record
            swapped.replaceSubrange(a..<a + record, with: ciphertext[b..<b + record])
            swapped.replaceSubrange(b..<b + record, with: ciphertext[a..<a + record])
            let (written, result) = Self.decrypt(swapped)
            #expect(result == .failure(.chunkAuthenticationFailed(chunk: UInt64(first))), "swap \(first) and \(second)")
            #expect(written == Array(plaintext.prefix(first * chunkSize)))
        }
        // Dropping a middle chunk moves the rest up by one: the first moved one fails.
        var dropped = ciphertext
        dropped.removeSubrange(header + record..<header + 2 * record)
        #expect(Self.decrypt(dropped).result == .failure(.chunkAuthenticationFailed(chunk: 1)))
    }

    /// Two files under the same data key: a chunk of one does not open in the other, whether the
    /// salts differ (another payload key) or only the headers do (another MAC as associated data).
    @Test func chunksSplicedFromAnotherFileFail() throws {
        let chunkSize = 32
        let dataKey = ModelEncryption.randomBytes(32)
        let salt = ModelEncryption.randomBytes(32)
        let plaintext = Self.plaintext(3 * chunkSize)
        let original = try Self.encrypt(plaintext, chunkSize: chunkSize, dataKey: dataKey, salt: salt)
        let otherSalt = try Self.encrypt(plaintext, chunkSize: chunkSize, dataKey: dataKey)
        let otherHeader = try Self.encrypt(plaintext, chunkSize: chunkSize, recipients: [.kek(Self.kek), .kek(.random())],
                                           dataKey: dataKey, salt: salt)
        let header = try Self.headerLength(original)
        let record = chunkSize + 16
        for donor in [otherSalt, otherHeader] {
            let donorHeader = try Self.headerLength(donor)
            for chunk in 0..<3 {
                var spliced = original
                let at = header + chunk * record
                let from = donorHeader + chunk * record
                spliced.replaceSubrange(at..<at + record, with: donor[from..<from + record])
                #expect(Self.decrypt(spliced).result == .failure(.chunkAuthenticationFailed(chunk: UInt64(chunk))))
            }
            // The donor's header on the original's chunks.
            let swappedHeader = Array(donor.prefix(donorHeader)) + original.dropFirst(header)
            #expect(Self.decrypt(swappedHeader).result == .failure(.chunkAuthenticationFailed(chunk: 0)))
        }
        // Same key, same salt, same header: the chunks are interchangeable only at the same index.
        let twin = try Self.encrypt(plaintext, chunkSize: chunkSize, dataKey: dataKey, salt: salt)
        #expect(Self.decrypt(Array(original.prefix(header)) + twin.dropFirst(header)).written == plaintext)
    }

    @Test func appendedBytesFail() throws {
        let chunkSize = 32
        for size in [2 * chunkSize, 2 * chunkSize + 5] {
            let plaintext = Self.plaintext(size)
            let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
            for extra in [1, 16, chunkSize + 16, chunkSize + 17] {
                let (written, result) = Self.decrypt(ciphertext + [UInt8](repeating: 0x41, count: extra))
                guard case .failure(let error) = result else {
                    Issue.record("\(extra) bytes appended to \(size) went unnoticed")
                    continue
                }
                #expect(written.count <= size)
                if size % chunkSize == 0 || extra >= chunkSize + 16 {
                    // The final chunk is read as a full record with more behind it.
                    #expect(error == .trailingData(afterChunk: UInt64((size - 1) / chunkSize)) || error == .chunkAuthenticationFailed(chunk: 2),
                            "\(size)+\(extra): \(error)")
                }
            }
        }
        // A whole final chunk of the same file appended after the final chunk.
        let plaintext = Self.plaintext(2 * chunkSize)
        let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
        let (written, result) = Self.decrypt(ciphertext + ciphertext.suffix(chunkSize + 16))
        #expect(result == .failure(.trailingData(afterChunk: 1)))
        #expect(written == Array(plaintext.prefix(chunkSize)))
    }

    /// An empty final chunk after full ones is never written by the encrypter (age's rule): a
    /// file that has one, even correctly sealed, is refused.
    @Test func anEmptyFinalChunkAfterOthersIsRefused() throws {
        let dataKey = ModelEncryption.randomBytes(32)
        let ciphertext = try Self.encrypt(Self.plaintext(32), chunkSize: 32, dataKey: dataKey)
        let header = try EncryptedModelHeader.read(from: MemoryByteSource(ciphertext))
        let sealer = ChunkSealer(dataKey: dataKey, header: header)
        let crafted = header.serialized + (try sealer.seal(Self.plaintext(32)[...], chunk: 0, final: false))
            + (try sealer.seal([][...], chunk: 1, final: true))
        #expect(Self.decrypt(crafted).result == .failure(.emptyFinalChunk(chunk: 1)))
    }

    // MARK: Keys

    @Test func aWrongKeyFailsBeforeAnyChunk() throws {
        let identity = try RSAIdentity.generate(bits: 2048)
        let ciphertext = try Self.encrypt(Self.plaintext(100), chunkSize: 32, recipients: [.kek(Self.kek), .rsa(identity.recipient)])
        let wrongKEK = Self.decrypt(ciphertext, identities: [.kek(.random())])
        #expect(wrongKEK.result == .failure(.noMatchingKey("this key-encryption key")))
        #expect(wrongKEK.written.isEmpty)
        let wrongRSA = Self.decrypt(ciphertext, identities: [.rsa(try RSAIdentity.generate(bits: 2048))])
        #expect(wrongRSA.result == .failure(.noMatchingKey("this RSA private key")))
        // An RSA key given for a file wrapped only for a KEK.
        let kekOnly = try Self.encrypt(Self.plaintext(10), chunkSize: 32)
        #expect(Self.decrypt(kekOnly, identities: [.rsa(identity)]).result == .failure(.noMatchingKey("this RSA private key")))
        #expect(Self.decrypt(kekOnly, identities: [.rsa(identity), .kek(.random())]).result == .failure(.noMatchingKey("the keys given")))
    }

    @Test func keyEncryptionKeysParse() throws {
        let raw = Self.plaintext(32, seed: 9)
        let fromRaw = try KeyEncryptionKey(fileContents: raw)
        let base64 = Data(raw).base64EncodedString()
        let fromBase64 = try KeyEncryptionKey(fileContents: Array((base64 + "\n").utf8))
        let unpadded = try KeyEncryptionKey(base64: String(base64.dropLast()))
        let ciphertext = try Self.encrypt([1, 2, 3], chunkSize: 16, recipients: [.kek(fromRaw)])
        for key in [fromBase64, unpadded] { #expect(Self.decrypt(ciphertext, identities: [.kek(key)]).written == [1, 2, 3]) }
        #expect(throws: ModelEncryptionError.self) { try KeyEncryptionKey(fileContents: Array(raw.prefix(31))) }
        #expect(throws: ModelEncryptionError.self) { try KeyEncryptionKey(base64: Data(raw.prefix(16)).base64EncodedString()) }
        #expect(throws: ModelEncryptionError.self) { try KeyEncryptionKey(base64: "not base64!") }
        #expect(throws: ModelEncryptionError.self) { try RSARecipient(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
    }

    @Test func otherInputIsNotEncrypted() {
        for input: [UInt8] in [[], Array("hello".utf8), Array("PK\u{3}\u{4} a zip, not ours".utf8)] {
            #expect(Self.decrypt(input).result == .failure(.notEncrypted))
        }
        #expect(Self.decrypt(ModelEncryptionFormat.magic + [2]).result == .failure(.unsupportedVersion(2)))
        #expect(Self.decrypt(Array(ModelEncryptionFormat.magic.prefix(3))).result == .failure(.truncatedHeader))
    }

    // MARK: Property loop

    /// Random sizes, chunk sizes and read sizes round-trip; one random damage of each file fails.
    @Test func randomFilesRoundTripAndRandomDamageFails() throws {
        var generator = SeededGenerator(state: 0x5EED_2026)
        for round in 0..<150 {
            let chunkSize = Int.random(in: 16...80, using: &generator)
            let size = Int.random(in: 0...400, using: &generator)
            let plaintext = generator.bytes(size)
            let ciphertext = try Self.encrypt(plaintext, chunkSize: chunkSize)
            let pieceSize = Int.random(in: 1...100, using: &generator)
            #expect(Self.decrypt(ciphertext, pieceSize: pieceSize).written == plaintext, "round \(round)")
            var damaged = ciphertext
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            case 1:
                damaged.removeLast(Int.random(in: 1...damaged.count, using: &generator))
            case 2:
                damaged += generator.bytes(Int.random(in: 1...100, using: &generator))
            default:
                let cut = Int.random(in: 0..<damaged.count, using: &generator)
                damaged.remove(at: cut)
            }
            let (written, result) = Self.decrypt(damaged, pieceSize: pieceSize)
            guard case .failure = result else {
                Issue.record("round \(round): damage went unnoticed")
                continue
            }
            #expect(plaintext.starts(with: written), "round \(round): only a prefix of the plaintext may be written")
        }
    }
}
