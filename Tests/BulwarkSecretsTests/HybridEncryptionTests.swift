import BulwarkSecrets
import Foundation
import Testing

@Suite struct HybridEncryptionTests {
    @Test func rsa4096BlobsStartWithTheLength512() throws {
        let key = try TestKey.rsa4096.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        #expect(sealer.publicKey.bitCount == 4096)
        let blob = try sealer.encrypt(Array("token".utf8), label: Array("ns/name".utf8))
        #expect(Array(blob.prefix(2)) == [0x02, 0x00])
        #expect(blob.count == 2 + 512 + 5 + 16)
    }

    @Test func rsa2048BlobsStartWithTheLength256() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        let blob = try sealer.encrypt([], label: [])
        #expect(Array(blob.prefix(2)) == [0x01, 0x00])
        #expect(blob.count == 2 + 256 + 16)
    }

    @Test(arguments: SealingScope.allCases)
    func swiftUnsealsWithTheScopeLabel(_ scope: SealingScope) throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        let value = Array("model-registry-password".utf8)
        let label = scope.label(namespace: "inference", name: "registry")
        let blob = try sealer.encrypt(value, label: label)
        #expect(try key.decrypt(blob, label: label) == value)
        if scope != .clusterWide {
            #expect(throws: (any Error).self) { try key.decrypt(blob, label: Array("inference/other".utf8)) }
        }
    }

    @Test func everyValueGetsAFreshSessionKey() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        let a = try sealer.encrypt([1, 2, 3], label: [])
        let b = try sealer.encrypt([1, 2, 3], label: [])
        #expect(a != b)
        #expect(a[258...] != b[258...])
    }

    @Test func aTamperedCiphertextFailsAuthentication() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        var blob = try sealer.encrypt(Array("secret".utf8), label: Array("a/b".utf8))
        #expect(try FixedKey.decrypt(blob, label: Array("a/b".utf8)) == Array("secret".utf8))
        blob[blob.count - 20] ^= 0x80
        #expect(throws: (any Error).self) { try FixedKey.decrypt(blob, label: Array("a/b".utf8)) }
    }

    /// The layout with a known session key and seed: `uint16(k) || RSA(OAEP(key)) || GCM`.
    @Test func theLayoutIsLengthRSAThenGCM() throws {
        let randomness = CountingRandomness()
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey(), randomness: randomness.source)
        let blob = try sealer.encrypt(Array("abc".utf8), label: Array("ns".utf8))
        #expect(blob.count == 2 + 256 + 3 + 16)
        #expect(Array(blob.prefix(2)) == [0x01, 0x00])
        #expect(try FixedKey.decrypt(blob, label: Array("ns".utf8)) == Array("abc".utf8))
    }

    @Test func theRawRSAOperationMatchesPython() throws {
        let key = try FixedKey.publicKey()
        let c = try key.encrypt(raw: [0x00] + [UInt8](repeating: 0x11, count: 255))
        #expect(c.hex == FixedKey.rawEncryptionOf11)
        #expect(c.count == 256)
        // A small result keeps its leading zeros (I2OSP to k bytes).
        #expect(try key.encrypt(raw: [0x01]) == [UInt8](repeating: 0, count: 255) + [0x01])
    }

    @Test func theFingerprintMatchesSSH() throws {
        #expect(try FixedKey.publicKey().fingerprint == FixedKey.fingerprint)
    }

    @Test func unusableKeysAreRefused() {
        #expect(throws: SealingError.self) { try RSAPublicKey(modulus: [UInt8](repeating: 0xFF, count: 64), exponent: [1, 0, 1]) }
        #expect(throws: SealingError.self) { try RSAPublicKey(modulus: [UInt8](repeating: 0xFE, count: 128), exponent: [1, 0, 1]) }
        #expect(throws: SealingError.self) { try RSAPublicKey(modulus: [UInt8](hex: FixedKey.modulusHex), exponent: [UInt8](hex: FixedKey.modulusHex)) }
        #expect(throws: SealingError.self) { try RSAPublicKey(modulus: [UInt8](hex: FixedKey.modulusHex), exponent: [2]) }
        #expect(throws: SealingError.self) { try RSAPublicKey(modulus: [UInt8](hex: FixedKey.modulusHex), exponent: [1]) }
    }

    @Test func keysBelow2048BitsAreRefusedBySize() {
        var modulus = [UInt8](repeating: 0xC5, count: 128)
        modulus[127] = 0xC7
        #expect(throws: SealingError.keyTooSmall(bits: 1024, minimum: 2048, source: .primitives)) {
            try RSAPublicKey(modulus: modulus, exponent: [1, 0, 1])
        }
        #expect(SealingError.keyTooSmall(bits: 1024, minimum: 2048, source: .primitives).description.hasPrefix("the RSA key has 1024 bits;"))
    }

    @Test func rawSealingNeedsTheNamespaceAndName() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        #expect(throws: SealingError.self) { try sealer.seal(value: [1], scope: .strict, namespace: "ns", name: nil) }
        #expect(throws: SealingError.self) { try sealer.seal(value: [1], scope: .strict, namespace: nil, name: "n") }
        #expect(throws: SealingError.self) { try sealer.seal(value: [1], scope: .namespaceWide, namespace: "", name: "n") }
        let wide = try sealer.seal(value: [1], scope: .namespaceWide, namespace: "ns", name: nil)
        let cluster = try sealer.seal(value: [1], scope: .clusterWide, namespace: nil, name: nil)
        let wideBytes = try #require(Data(base64Encoded: wide))
        let clusterBytes = try #require(Data(base64Encoded: cluster))
        #expect(try FixedKey.decrypt([UInt8](wideBytes), label: Array("ns".utf8)) == [1])
        #expect(try FixedKey.decrypt([UInt8](clusterBytes), label: []) == [1])
    }
}
