import Crypto
import Foundation

/// The elliptic curves the reference accepts for key signing (`_check_supported_ec_key`), each
/// tied to its hash (`get_ec_key_hash`): P-256 with SHA-256, P-384 with SHA-384, P-521 with SHA-512.
public enum ModelSigningCurve: String, Sendable, CaseIterable {
    case p256 = "P-256"
    case p384 = "P-384"
    case p521 = "P-521"
}

/// A private key that signs model statements: ECDSA over the DSSE PAE, DER-encoded signature.
public struct ModelSigningPrivateKey: Sendable {
    enum Key: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
    }

    let key: Key

    /// Reads a PEM private key (`EC PRIVATE KEY` as `openssl ecparam -genkey` writes it, or PKCS#8
    /// `PRIVATE KEY`), skipping other blocks such as `EC PARAMETERS`.
    public init(pem text: String) throws(ModelKeyError) {
        let blocks = PEMText.blocks(text)
        if blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" || $0.encrypted }) {
            throw ModelKeyError("the private key is encrypted; Bulwark reads unencrypted keys only "
                                + "(decrypt it with: openssl pkey -in KEY -out PLAIN)")
        }
        guard let block = blocks.first(where: { $0.label == "EC PRIVATE KEY" || $0.label == "PRIVATE KEY" }) else {
            if let other = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) {
                throw ModelKeyError("a \(other.label) is not supported; only elliptic curve keys (P-256, P-384, P-521) are")
            }
            throw ModelKeyError("no PEM private key (-----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----) found")
        }
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: block.text) {
            self.key = .p256(key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: block.text) {
            self.key = .p384(key)
        } else if let key = try? P521.Signing.PrivateKey(pemRepresentation: block.text) {
            self.key = .p521(key)
        } else {
            throw ModelKeyError("not an elliptic curve private key on P-256, P-384 or P-521 (the only keys the model-signing format allows)")
        }
    }

    /// A new random key (tests and fixtures).
    public static func generate(_ curve: ModelSigningCurve) -> ModelSigningPrivateKey {
        switch curve {
        case .p256: ModelSigningPrivateKey(key: .p256(P256.Signing.PrivateKey()))
        case .p384: ModelSigningPrivateKey(key: .p384(P384.Signing.PrivateKey()))
        case .p521: ModelSigningPrivateKey(key: .p521(P521.Signing.PrivateKey()))
        }
    }

    init(key: Key) { self.key = key }

    public var curve: ModelSigningCurve {
        switch key {
        case .p256: .p256
        case .p384: .p384
        case .p521: .p521
        }
    }

    /// PKCS#8 PEM.
    public var pemRepresentation: String {
        switch key {
        case .p256(let key): key.pemRepresentation
        case .p384(let key): key.pemRepresentation
        case .p521(let key): key.pemRepresentation
        }
    }

    public var publicKey: ModelSigningPublicKey {
        switch key {
        case .p256(let key): ModelSigningPublicKey(key: .p256(key.publicKey))
        case .p384(let key): ModelSigningPublicKey(key: .p384(key.publicKey))
        case .p521(let key): ModelSigningPublicKey(key: .p521(key.publicKey))
        }
    }

    /// DER ECDSA signature of `message`, hashed with the curve's hash.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch key {
        case .p256(let key): Array(try key.signature(for: message).derRepresentation)
        case .p384(let key): Array(try key.signature(for: message).derRepresentation)
        case .p521(let key): Array(try key.signature(for: message).derRepresentation)
        }
    }
}

/// A public key that checks model signatures.
public struct ModelSigningPublicKey: Sendable {
    enum Key: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
    }

    let key: Key

    init(key: Key) { self.key = key }

    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as `openssl ec -pubout` writes it.
    public init(pem text: String) throws(ModelKeyError) {
        let blocks = PEMText.blocks(text)
        guard let block = blocks.first(where: { $0.label == "PUBLIC KEY" }) else {
            if blocks.contains(where: { $0.label.hasSuffix("PRIVATE KEY") }) {
                throw ModelKeyError("this is a private key; verify with the public key (openssl ec -in KEY -pubout)")
            }
            throw ModelKeyError("no PEM public key (-----BEGIN PUBLIC KEY-----) found")
        }
        if let key = try? P256.Signing.PublicKey(pemRepresentation: block.text) {
            self.key = .p256(key)
        } else if let key = try? P384.Signing.PublicKey(pemRepresentation: block.text) {
            self.key = .p384(key)
        } else if let key = try? P521.Signing.PublicKey(pemRepresentation: block.text) {
            self.key = .p521(key)
        } else {
            throw ModelKeyError("not an elliptic curve public key on P-256, P-384 or P-521 (the only keys the model-signing format allows)")
        }
    }

    public var curve: ModelSigningCurve {
        switch key {
        case .p256: .p256
        case .p384: .p384
        case .p521: .p521
        }
    }

    /// DER SubjectPublicKeyInfo.
    public var derRepresentation: [UInt8] {
        switch key {
        case .p256(let key): Array(key.derRepresentation)
        case .p384(let key): Array(key.derRepresentation)
        case .p521(let key): Array(key.derRepresentation)
        }
    }

    /// The PEM the reference hashes for the key hint: `cryptography`'s
    /// `public_bytes(PEM, SubjectPublicKeyInfo)`, i.e. base64 in 64-character lines between the
    /// `PUBLIC KEY` armour lines, with a final line break (the same bytes `openssl ec -pubout` writes).
    public var pemRepresentation: String {
        let base64 = Data(derRepresentation).base64EncodedString()
        var lines = ["-----BEGIN PUBLIC KEY-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `verificationMaterial.publicKey.hint`: hex SHA-256 of `pemRepresentation` (sign_ec_key.py
    /// `_get_verification_material`).
    public var hint: String {
        Hex.encode(SHA256.hash(data: Array(pemRepresentation.utf8)))
    }

    /// Whether `signature` (DER) is this key's ECDSA signature of `message`. A signature that is not
    /// DER is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch key {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        case .p384(let key):
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        case .p521(let key):
            guard let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }
}

/// A key file that cannot be used, with the reason.
public struct ModelKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// PEM blocks of a text: label, the block's own text (armour included) and whether its headers
/// say it is encrypted (`Proc-Type: 4,ENCRYPTED`, OpenSSL's traditional format).
enum PEMText {
    struct Block {
        var label: String
        var text: String
        var encrypted: Bool
    }

    static func blocks(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var current: (label: String, lines: [Substring])?
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed.hasPrefix("-----BEGIN "), trimmed.hasSuffix("-----") {
                let label = trimmed.dropFirst("-----BEGIN ".count).dropLast(5)
                current = (String(label), [Substring(trimmed)])
            } else if var open = current {
                open.lines.append(Substring(trimmed))
                if trimmed == "-----END \(open.label)-----" {
                    let encrypted = open.lines.contains { $0.hasPrefix("Proc-Type:") && $0.contains("ENCRYPTED") }
                    blocks.append(Block(label: open.label, text: open.lines.joined(separator: "\n") + "\n", encrypted: encrypted))
                    current = nil
                } else {
                    current = open
                }
            }
        }
        return blocks
    }
}
