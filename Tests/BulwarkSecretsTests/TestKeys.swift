import BulwarkSecrets
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A throwaway RSA key with a self-signed certificate, as the sealed-secrets controller makes them
/// (docs/facts.md §4.4), and a test-only unsealer.
struct TestKey: Sendable {
    let bits: Int
    let privateKeyPEM: String
    let certificatePEM: String
    let certificateDER: [UInt8]
    let publicKeyPEM: String
    /// Big-endian modulus as swift-crypto reports it.
    let modulus: [UInt8]

    static func make(bits: Int, notValidBefore: Date = Date() - 3600, notValidAfter: Date = Date() + 30 * 86400) throws -> TestKey {
        let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))
        let name = try DistinguishedName {
            OrganizationName("sealed-secret")
            CommonName("sealed-secret")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: notValidBefore, notValidAfter: notValidAfter, issuer: name, subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                KeyUsage(keyEncipherment: true, encipherOnly: true)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return TestKey(
            bits: bits, privateKeyPEM: key.pemRepresentation, certificatePEM: try certificate.serializeAsPEM().pemString,
            certificateDER: serializer.serializedBytes, publicKeyPEM: key.publicKey.pemRepresentation,
            modulus: [UInt8](try key.publicKey.getKeyPrimitives().modulus.drop { $0 == 0 })
        )
    }

    /// Key generation takes a while (RSA-4096 most of all): one of each size per test process.
    static let rsa2048: Result<TestKey, any Error> = Result { try make(bits: 2048) }
    static let rsa4096: Result<TestKey, any Error> = Result { try make(bits: 4096) }

    /// Undoes `HybridEncrypt` in Swift. Tests only.
    func decrypt(_ blob: [UInt8], label: [UInt8]) throws -> [UInt8] {
        // RSABSSA's BlindSign is the bare RSA private operation (`RSA_sign_raw`, no padding): exactly
        // RSADP, constant-time in BoringSSL, and far faster than big integers in a debug build.
        let key = try _RSA.BlindSigning.PrivateKey<SHA384>(pemRepresentation: privateKeyPEM, parameters: .RSABSSA_SHA384_PSS_Deterministic)
        return try Self.decrypt(blob, label: label) { try [UInt8](key.blindSignature(for: $0).rawRepresentation) }
    }

    /// `uint16 length || RSA ciphertext || GCM ciphertext || tag` → RSADP, OAEP decoding with the
    /// label, AES-256-GCM with the zero nonce.
    static func decrypt(_ blob: [UInt8], label: [UInt8], privateOperation: ([UInt8]) throws -> [UInt8]) throws -> [UInt8] {
        guard blob.count >= 2 else { throw SealingError.decodingFailed }
        let length = Int(blob[0]) << 8 | Int(blob[1])
        guard blob.count >= 2 + length + 16 else { throw SealingError.decodingFailed }
        let encoded = try privateOperation(Array(blob[2..<(2 + length)]))
        let sessionKey = try OAEP.decode(encoded, label: label)
        let rest = Array(blob[(2 + length)...])
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)),
                                        ciphertext: rest.dropLast(16), tag: rest.suffix(16))
        return [UInt8](try AES.GCM.open(box, using: SymmetricKey(data: sessionKey)))
    }
}

/// A deterministic byte source: the n-th request returns SHA-256 expansions of "bulwark-test-n".
final class CountingRandomness: @unchecked Sendable {
    private let lock = NSLock()
    private var counter = 0

    var source: SealingRandomness {
        SealingRandomness { count in self.next(count) }
    }

    private func next(_ count: Int) -> [UInt8] {
        lock.lock()
        counter += 1
        let current = counter
        lock.unlock()
        var output: [UInt8] = []
        var block = 0
        while output.count < count {
            output += SHA256.hash(data: Array("bulwark-test-\(current)-\(block)".utf8))
            block += 1
        }
        return Array(output.prefix(count))
    }
}

extension [UInt8] {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16) ?? 0)
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
