import Crypto
import Foundation

/// Seals values for one Sealed Secrets controller key, byte-compatible with kubeseal
/// (`pkg/crypto/crypto.go` `HybridEncrypt`, docs/facts.md §4.1):
///
///     uint16_be(len(rsaCT)) || rsaCT || AES-256-GCM(sessionKey, nonce = 12 zero bytes, plaintext) || tag
///
/// where `rsaCT` is RSA-OAEP (SHA-256, MGF1-SHA-256, label = the scope label) of a fresh 32-byte
/// session key. Each session key seals exactly one value, which is what makes the zero nonce safe.
public struct SealedSecretSealer: Sendable {
    public static let sessionKeyLength = 32

    public let publicKey: RSAPublicKey
    /// Problems with the certificate that do not stop sealing (expired, not yet valid, more than one
    /// certificate, a private key beside it).
    public let warnings: [String]
    /// The certificate's validity, when a certificate (not a bare public key) was given.
    public let notValidBefore: Date?
    public let notValidAfter: Date?
    private let randomness: SealingRandomness

    public init(publicKey: RSAPublicKey, randomness: SealingRandomness = .system) {
        self.publicKey = publicKey
        self.randomness = randomness
        notValidBefore = nil
        notValidAfter = nil
        warnings = []
    }

    /// Reads the controller's certificate (`kubeseal --fetch-cert`): PEM or DER. The first
    /// `CERTIFICATE` block is used; a bare `PUBLIC KEY` or `RSA PUBLIC KEY` block is accepted when
    /// there is no certificate. Validity is checked against `now` and reported in `warnings`, as are
    /// extra certificates and a private key in the same file. Errors say what the file holds and
    /// what is needed (`SealingError`).
    public init(certificate bytes: [UInt8], now: Date = Date(), randomness: SealingRandomness = .system) throws(SealingError) {
        let certificate = try SealingCertificate.read(bytes, now: now)
        self.randomness = randomness
        publicKey = certificate.key
        notValidBefore = certificate.notValidBefore
        notValidAfter = certificate.notValidAfter
        warnings = certificate.warnings
    }

    /// Convenience for PEM text.
    public init(certificatePEM: String, now: Date = Date(), randomness: SealingRandomness = .system) throws(SealingError) {
        try self.init(certificate: Array(certificatePEM.utf8), now: now, randomness: randomness)
    }

    // MARK: - Sealing

    /// The hybrid ciphertext of `plaintext` under the OAEP label (docs/facts.md §4.1).
    public func encrypt(_ plaintext: [UInt8], label: [UInt8]) throws -> [UInt8] {
        let sessionKey = randomness.bytes(Self.sessionKeyLength)
        let seed = randomness.bytes(OAEP.hashLength)
        let encoded = try OAEP.encode(message: sessionKey, label: label, encodedLength: publicKey.byteCount, seed: seed)
        let rsaCiphertext = try publicKey.encrypt(raw: encoded)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: sessionKey),
                                   nonce: AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)))
        } catch {
            throw SealingError.encryption("AES-256-GCM refused a plaintext of \(plaintext.count) bytes")
        }
        let length = UInt16(rsaCiphertext.count)
        var output: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xFF)]
        output.reserveCapacity(2 + rsaCiphertext.count + plaintext.count + 16)
        output += rsaCiphertext
        output += box.ciphertext
        output += box.tag
        return output
    }

    /// One value sealed for a Secret, as base64 (what `kubeseal --raw` prints and
    /// `spec.encryptedData` holds). The namespace is required unless the scope is cluster-wide, the
    /// name only for strict scope.
    public func seal(value: [UInt8], scope: SealingScope, namespace: String?, name: String?) throws -> String {
        let namespace = namespace ?? ""
        let name = name ?? ""
        if scope.needsNamespace && namespace.isEmpty {
            throw SealingError.missing("a namespace is needed to seal with \(scope.rawValue) scope")
        }
        if scope.needsName && name.isEmpty {
            throw SealingError.missing("a name is needed to seal with strict scope")
        }
        return Base64.encode(try encrypt(value, label: scope.label(namespace: namespace, name: name)))
    }
}
