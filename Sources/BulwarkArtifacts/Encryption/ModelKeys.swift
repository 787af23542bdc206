import Crypto
import Foundation
import _CryptoExtras

/// A 256-bit key-encryption key (KEK): it wraps each file's random data key with AES key wrap
/// (RFC 3394), as KMS envelope encryption does, and never touches the weights itself.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey

    /// Exactly 32 bytes.
    public init(rawBytes: [UInt8]) throws(ModelEncryptionError) {
        guard rawBytes.count == 32 else {
            throw .invalidKey("a key-encryption key is 32 bytes (256 bits), not \(rawBytes.count)")
        }
        key = SymmetricKey(data: rawBytes)
    }

    /// Standard base64 (padded or not) of 32 bytes; whitespace around it is ignored.
    public init(base64 text: String) throws(ModelEncryptionError) {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while trimmed.count % 4 != 0 { trimmed += "=" }
        guard let data = Data(base64Encoded: trimmed) else {
            throw .invalidKey("a key-encryption key must be 32 raw bytes or their base64; this is neither")
        }
        try self.init(rawBytes: Array(data))
    }

    /// A key file: exactly 32 bytes are the key itself; anything else must be base64 of 32 bytes
    /// (`head -c 32 /dev/urandom > kek` and `openssl rand -base64 32 > kek` both work).
    public init(fileContents: [UInt8]) throws(ModelEncryptionError) {
        if fileContents.count == 32 {
            try self.init(rawBytes: fileContents)
        } else {
            try self.init(base64: String(decoding: fileContents, as: UTF8.self))
        }
    }

    /// A fresh random key (tests, and callers that manage keys themselves).
    public static func random() -> KeyEncryptionKey {
        KeyEncryptionKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) { self.key = key }
}

/// An RSA public key that a data key is wrapped for with RSA-OAEP (SHA-256, MGF1-SHA-256, empty
/// label); only the holder of the private key can decrypt. At least 2048 bits.
public struct RSARecipient {
    let key: _RSA.Encryption.PublicKey

    /// A PEM public key (`PUBLIC KEY` or `RSA PUBLIC KEY`).
    public init(pem: String) throws(ModelEncryptionError) {
        do {
            key = try _RSA.Encryption.PublicKey(pemRepresentation: pem)
        } catch {
            throw .invalidKey("not an RSA public key of at least 2048 bits in PEM form")
        }
    }

    init(key: _RSA.Encryption.PublicKey) { self.key = key }

    public var pem: String { key.pemRepresentation }
}

/// The private half of an `RSARecipient`.
public struct RSAIdentity {
    let key: _RSA.Encryption.PrivateKey

    /// A PEM private key (`PRIVATE KEY` or `RSA PRIVATE KEY`).
    public init(pem: String) throws(ModelEncryptionError) {
        do {
            key = try _RSA.Encryption.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .invalidKey("not an RSA private key of at least 2048 bits in PEM form")
        }
    }

    private init(key: _RSA.Encryption.PrivateKey) { self.key = key }

    /// A new key pair (tests; production keys come from the operator's key management).
    public static func generate(bits: Int = 3072) throws(ModelEncryptionError) -> RSAIdentity {
        do {
            return RSAIdentity(key: try _RSA.Encryption.PrivateKey(keySize: .init(bitCount: bits)))
        } catch {
            throw .invalidKey("cannot generate a \(bits)-bit RSA key: \(error)")
        }
    }

    public var pem: String { key.pemRepresentation }
    public var recipient: RSARecipient { RSARecipient(key: key.publicKey) }
}

/// Who a file is encrypted for: each recipient gets its own wrapped copy of the data key.
public enum ModelKeyRecipient {
    case kek(KeyEncryptionKey)
    case rsa(RSARecipient)
}

/// A key that may open a file: tried against every wrapped key of its kind in the header.
public enum ModelKeyIdentity {
    case kek(KeyEncryptionKey)
    case rsa(RSAIdentity)

    var kind: WrappedDataKey.Kind {
        switch self {
        case .kek: .aesKeyWrap
        case .rsa: .rsaOAEPSHA256
        }
    }

    /// What the error says when no wrapped key opens.
    var summary: String {
        switch self {
        case .kek: "this key-encryption key"
        case .rsa: "this RSA private key"
        }
    }
}

/// One copy of the data key in the header.
public struct WrappedDataKey: Sendable, Equatable {
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// AES-256 key wrap (RFC 3394) under a KEK: 40 bytes.
        public static let aesKeyWrap = Kind(rawValue: 1)
        /// RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label: the modulus length.
        public static let rsaOAEPSHA256 = Kind(rawValue: 2)
    }

    public var kind: Kind
    public var body: [UInt8]

    /// The largest body accepted (an 8192-bit RSA modulus); bounds what a reader allocates.
    static let maximumBodyLength = 1024

    /// Wraps `dataKey` for `recipient`.
    static func wrap(_ dataKey: SymmetricKey, for recipient: ModelKeyRecipient) throws(ModelEncryptionError) -> WrappedDataKey {
        do {
            switch recipient {
            case .kek(let kek):
                return WrappedDataKey(kind: .aesKeyWrap, body: Array(try AES.KeyWrap.wrap(dataKey, using: kek.key)))
            case .rsa(let recipient):
                let plain = dataKey.withUnsafeBytes { Array($0) }
                return WrappedDataKey(kind: .rsaOAEPSHA256, body: Array(try recipient.key.encrypt(plain, padding: .PKCS1_OAEP_SHA256)))
            }
        } catch {
            throw .invalidKey("cannot wrap the data key: \(error)")
        }
    }

    /// The data key, when `identity` opens this entry; nil when it is for another key or kind.
    func unwrap(with identity: ModelKeyIdentity) -> SymmetricKey? {
        guard identity.kind == kind else { return nil }
        switch identity {
        case .kek(let kek):
            guard let key = try? AES.KeyWrap.unwrap(body, using: kek.key),
                  key.bitCount == ModelEncryptionFormat.dataKeyLength * 8 else { return nil }
            return key
        case .rsa(let identity):
            guard body.count == identity.key.keySizeInBits / 8,
                  let plain = try? identity.key.decrypt(body, padding: .PKCS1_OAEP_SHA256),
                  plain.count == ModelEncryptionFormat.dataKeyLength else { return nil }
            return SymmetricKey(data: plain)
        }
    }
}
