import BulwarkSecrets
import Crypto
import Testing

@Suite struct OAEPTests {
    static let seed = [UInt8](repeating: 0x5A, count: 32)

    @Test func mgf1MatchesAKnownAnswer() {
        // Python: hashlib.sha256(seed + counter.to_bytes(4, "big")) concatenated, first 40 bytes.
        #expect(OAEP.mgf1(seed: Array("bulwark".utf8), length: 40).hex
            == "e80e29ae7ec51574d52cb136052941c7f78c2af79e8373e95572c28048785574fc06d91e122347a1")
        #expect(OAEP.mgf1(seed: [], length: 0).isEmpty)
    }

    @Test(arguments: [0, 1, 32, 100, 256 - 66])
    func decodingReturnsTheEncodedMessage(_ length: Int) throws {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
        let label = Array("inference/hf-token".utf8)
        let encoded = try OAEP.encode(message: message, label: label, encodedLength: 256, seed: Self.seed)
        #expect(encoded.count == 256)
        #expect(encoded[0] == 0)
        #expect(try OAEP.decode(encoded, label: label) == message)
    }

    /// Unmasks by hand (RFC 8017 §7.1.2 steps 3b–3f) and checks every part of
    /// `DB = lHash || PS || 0x01 || M`.
    @Test(arguments: ["", "inference", "inference/hf-token"])
    func encodingHasTheRFC8017Structure(_ label: String) throws {
        let k = 512
        let message = [UInt8](repeating: 0xC3, count: 32)
        let encoded = try OAEP.encode(message: message, label: Array(label.utf8), encodedLength: k, seed: Self.seed)
        let maskedSeed = Array(encoded[1...32])
        let maskedDB = Array(encoded[33...])
        let seed = zip(maskedSeed, OAEP.mgf1(seed: maskedDB, length: 32)).map { $0 ^ $1 }
        #expect(seed == Self.seed)
        let db = zip(maskedDB, OAEP.mgf1(seed: seed, length: maskedDB.count)).map { $0 ^ $1 }
        #expect(db.count == k - 32 - 1)
        #expect(Array(db[0..<32]) == Array(SHA256.hash(data: Array(label.utf8))))
        let paddingLength = k - message.count - 2 * 32 - 2
        #expect(db[32..<(32 + paddingLength)].allSatisfy { $0 == 0 })
        #expect(db[32 + paddingLength] == 0x01)
        #expect(Array(db[(33 + paddingLength)...]) == message)
    }

    @Test func theEmptyLabelHashIsSHA256OfNothing() throws {
        let encoded = try OAEP.encode(message: [1, 2, 3], label: [], encodedLength: 128, seed: Self.seed)
        let maskedDB = Array(encoded[33...])
        let seed = zip(Array(encoded[1...32]), OAEP.mgf1(seed: maskedDB, length: 32)).map { $0 ^ $1 }
        let db = zip(maskedDB, OAEP.mgf1(seed: seed, length: maskedDB.count)).map { $0 ^ $1 }
        #expect(Array(db[0..<32]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func aWrongLabelFailsToDecode() throws {
        let encoded = try OAEP.encode(message: [1, 2, 3], label: Array("inference/hf-token".utf8), encodedLength: 256, seed: Self.seed)
        #expect(throws: SealingError.decodingFailed) { try OAEP.decode(encoded, label: Array("inference/other".utf8)) }
        #expect(throws: SealingError.decodingFailed) { try OAEP.decode(encoded, label: Array("inference".utf8)) }
        #expect(throws: SealingError.decodingFailed) { try OAEP.decode(encoded, label: []) }
    }

    @Test func damagedEncodingsFailToDecode() throws {
        let label = Array("ns".utf8)
        let encoded = try OAEP.encode(message: [9, 9], label: label, encodedLength: 256, seed: Self.seed)
        for index in [0, 1, 40, 255] {
            var damaged = encoded
            damaged[index] ^= 0x01
            #expect(throws: SealingError.decodingFailed) { try OAEP.decode(damaged, label: label) }
        }
        #expect(throws: SealingError.decodingFailed) { try OAEP.decode([0, 1, 2], label: label) }
    }

    @Test func theMessageLengthLimitIsKMinus66() throws {
        #expect(OAEP.maximumMessageLength(encodedLength: 512) == 446)
        _ = try OAEP.encode(message: [UInt8](repeating: 1, count: 446), label: [], encodedLength: 512, seed: Self.seed)
        #expect(throws: SealingError.messageTooLong(length: 447, maximum: 446)) {
            try OAEP.encode(message: [UInt8](repeating: 1, count: 447), label: [], encodedLength: 512, seed: Self.seed)
        }
        #expect(throws: SealingError.self) {
            try OAEP.encode(message: [], label: [], encodedLength: 60, seed: Self.seed)
        }
    }

    @Test func differentSeedsGiveDifferentEncodings() throws {
        let a = try OAEP.encode(message: [1], label: [], encodedLength: 256, seed: Self.seed)
        let b = try OAEP.encode(message: [1], label: [], encodedLength: 256, seed: [UInt8](repeating: 0xA5, count: 32))
        #expect(a != b)
    }
}
