import BulwarkCore
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Seals values for one Sealed Secrets controller key, byte-compatible with kubeseal
/// (`pkg/crypto/crypto.go` `HybridEncrypt`, REFERENCES.md §6.1):
///
///     uint16_be(len(rsaCT)) || rsaCT || AES-256-GCM(sessionKey, nonce = 12 zero bytes, plaintext) || tag
///
/// where `rsaCT` is RSA-OAEP (SHA-256, MGF1-SHA-256, label = the scope label) of a fresh 32-byte
/// session key. Each session key seals exactly one value, which is what makes the zero nonce safe.
public struct SealedSecretSealer: Sendable {
    public static let sessionKeyLength = 32

    public let publicKey: RSAPublicKey
    /// Problems with the certificate that do not stop sealing (expired, not yet valid, small key).
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
        warnings = publicKey.bitCount < 2048 ? ["the RSA key has only \(publicKey.bitCount) bits; use 2048 or more"] : []
    }

    /// Reads the controller's certificate (`kubeseal --fetch-cert`): PEM or DER. The first
    /// `CERTIFICATE` block is used; a bare `PUBLIC KEY` block is accepted too. Validity is checked
    /// against `now` and reported in `warnings`.
    public init(certificate bytes: [UInt8], now: Date = Date(), randomness: SealingRandomness = .system) throws {
        self.randomness = randomness
        var warnings: [String] = []
        let rsaKey: _RSA.Signing.PublicKey
        if let first = bytes.first(where: { !ASCII.isSpace($0) }), first == 0x30 {
            // DER: a SEQUENCE.
            let certificate: Certificate
            do {
                certificate = try Certificate(derEncoded: bytes)
            } catch {
                throw SealingError.unreadableCertificate("not a DER X.509 certificate (\(error))")
            }
            (rsaKey, notValidBefore, notValidAfter) = try Self.rsaKey(of: certificate)
        } else {
            let text = String(decoding: bytes, as: UTF8.self)
            let blocks = PEMBlock.all(in: text)
            if let block = blocks.first(where: { $0.label == "CERTIFICATE" || $0.label == "X509 CERTIFICATE" }) {
                let certificate: Certificate
                do {
                    certificate = try Certificate(derEncoded: block.der)
                } catch {
                    throw SealingError.unreadableCertificate("the CERTIFICATE block is not an X.509 certificate (\(error))")
                }
                (rsaKey, notValidBefore, notValidAfter) = try Self.rsaKey(of: certificate)
            } else if let block = blocks.first(where: { $0.label == "PUBLIC KEY" || $0.label == "RSA PUBLIC KEY" }) {
                do {
                    rsaKey = try _RSA.Signing.PublicKey(unsafePEMRepresentation: block.text)
                } catch {
                    throw SealingError.unreadableCertificate("the \(block.label) block is not an RSA public key of 1024 bits or more (\(error))")
                }
                notValidBefore = nil
                notValidAfter = nil
            } else if blocks.isEmpty {
                throw SealingError.unreadableCertificate("no PEM block found (expected -----BEGIN CERTIFICATE-----)")
            } else {
                throw SealingError.unreadableCertificate("no CERTIFICATE block among \(blocks.map(\.label).joined(separator: ", "))")
            }
        }
        let primitives = try rsaKey.getKeyPrimitives()
        publicKey = try RSAPublicKey(modulus: [UInt8](primitives.modulus), exponent: [UInt8](primitives.publicExponent))

        let formatter = ISO8601DateFormatter()
        if let notValidBefore, now < notValidBefore {
            warnings.append("the certificate is not valid before \(formatter.string(from: notValidBefore)); is this machine's clock right?")
        }
        if let notValidAfter, now > notValidAfter {
            warnings.append("the certificate expired on \(formatter.string(from: notValidAfter)); the controller may have renewed its key (kubeseal --fetch-cert gets the current certificate)")
        }
        if publicKey.bitCount < 2048 {
            warnings.append("the RSA key has only \(publicKey.bitCount) bits; use 2048 or more")
        }
        self.warnings = warnings
    }

    /// Convenience for PEM text.
    public init(certificatePEM: String, now: Date = Date(), randomness: SealingRandomness = .system) throws {
        try self.init(certificate: Array(certificatePEM.utf8), now: now, randomness: randomness)
    }

    private static func rsaKey(of certificate: Certificate) throws -> (_RSA.Signing.PublicKey, Date, Date) {
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw SealingError.notRSA(describe(certificate.publicKey))
        }
        return (key, certificate.notValidBefore, certificate.notValidAfter)
    }

    private static func describe(_ key: Certificate.PublicKey) -> String {
        if P256.Signing.PublicKey(key) != nil { return "P-256" }
        if P384.Signing.PublicKey(key) != nil { return "P-384" }
        if P521.Signing.PublicKey(key) != nil { return "P-521" }
        if Curve25519.Signing.PublicKey(key) != nil { return "Ed25519" }
        return "non-RSA"
    }

    // MARK: - Sealing

    /// The hybrid ciphertext of `plaintext` under the OAEP label (REFERENCES.md §6.1).
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
            throw SealingError.encryption("\(error)")
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

/// One `-----BEGIN X-----` … `-----END X-----` block.
struct PEMBlock: Equatable {
    let label: String
    /// The block with its BEGIN and END lines.
    let text: String
    let der: [UInt8]

    static func all(in text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var lines: [Substring] = []
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if label == nil, line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
                lines = [Substring(line)]
                body = ""
            } else if let current = label {
                lines.append(Substring(line))
                if line == "-----END \(current)-----" {
                    if case .success(let der) = Base64.decode(body), !der.isEmpty {
                        blocks.append(PEMBlock(label: current, text: lines.joined(separator: "\n") + "\n", der: der))
                    }
                    label = nil
                } else if !line.contains(":") {
                    body += line  // skip RFC 1421 headers such as Proc-Type
                }
            }
        }
        return blocks
    }
}
