import BigInt
import Crypto
import Foundation

/// An RSA public key as Sealed Secrets uses it: the modulus and exponent, with the raw RSA
/// encryption primitive (RSAEP, RFC 8017 §5.1.1) over an already padded message.
public struct RSAPublicKey: Sendable, Hashable {
    /// Big-endian modulus without leading zero bytes.
    public let modulus: [UInt8]
    /// Big-endian public exponent without leading zero bytes.
    public let exponent: [UInt8]
    private let n: BigUInt
    private let e: BigUInt

    /// The shortest modulus accepted, in bits.
    ///
    /// Why 2048, when kubeseal would seal for a 1024-bit key: kubeseal is built with Go ≥ 1.24, whose
    /// `crypto/rsa` refuses keys below 1024 bits (https://github.com/golang/go/issues/68762) and
    /// nothing more; the controller generates 4096-bit keys unless `--key-size` says otherwise
    /// (`cmd/controller/main.go` in https://github.com/bitnami-labs/sealed-secrets). Below 2048 bits
    /// RSA is disallowed for key transport by NIST SP 800-131A Rev. 2
    /// (https://doi.org/10.6028/NIST.SP.800-131Ar2), swift-crypto's checked RSA initialisers
    /// refuse such keys, and so does swift-certificates when it reads a certificate. A sealed value
    /// is only as strong as this key and is often committed to a public repository, so a short key
    /// is refused rather than warned about. (OAEP with SHA-256 and a 32-byte session key would need
    /// only 784 bits: 2·32 + 2 + 32 bytes.)
    public static let minimumBits = 2048

    /// The key size the sealed-secrets controller generates by default (`--key-size`).
    public static let controllerDefaultBits = 4096

    /// Builds a key from its big-endian primitives. The modulus must be odd and hold at least
    /// `minimumBits` bits; the exponent must be odd, at least 3 and below the modulus.
    public init(modulus: some Collection<UInt8>, exponent: some Collection<UInt8>) throws {
        try self.init(modulus: modulus, exponent: exponent, source: .primitives)
    }

    init(modulus: some Collection<UInt8>, exponent: some Collection<UInt8>, source: SealingError.KeySource) throws(SealingError) {
        let modulus = Array(modulus.drop { $0 == 0 })
        let exponent = Array(exponent.drop { $0 == 0 })
        let n = BigUInt(Data(modulus))
        let e = BigUInt(Data(exponent))
        guard n.bitWidth >= Self.minimumBits else {
            throw SealingError.keyTooSmall(bits: n.bitWidth, minimum: Self.minimumBits, source: source)
        }
        guard let last = modulus.last, last & 1 == 1 else { throw SealingError.unusableKey("the modulus is even") }
        guard e >= 3, e % 2 == 1, e < n else { throw SealingError.unusableKey("the public exponent \(e) is not an odd number between 3 and the modulus") }
        self.modulus = modulus
        self.exponent = exponent
        self.n = n
        self.e = e
    }

    /// Modulus length in bits.
    public var bitCount: Int { n.bitWidth }

    /// Modulus length in bytes, `k`: the length of every ciphertext.
    public var byteCount: Int { (n.bitWidth + 7) / 8 }

    /// `c = m^e mod n` as a `k`-byte big-endian string (I2OSP). The message must be shorter than the
    /// modulus, which an OAEP encoding (leading zero byte) always is.
    public func encrypt(raw message: [UInt8]) throws -> [UInt8] {
        let m = BigUInt(Data(message))
        guard m < n else { throw SealingError.unusableKey("the message representative is out of range") }
        let c = m.power(e, modulus: n)
        let bytes = [UInt8](c.serialize())
        return [UInt8](repeating: 0, count: byteCount - bytes.count) + bytes
    }

    /// `SHA256:<base64>` of the key in SSH wire format, as the Sealed Secrets controller names its
    /// keys (`ssh.FingerprintSHA256`).
    public var fingerprint: String {
        func field(_ bytes: [UInt8]) -> [UInt8] {
            let length = UInt32(bytes.count)
            return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + bytes
        }
        // mpint: a positive number whose top bit is set gets a leading zero byte.
        func mpint(_ bytes: [UInt8]) -> [UInt8] { field((bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes) }
        let wire = field(Array("ssh-rsa".utf8)) + mpint(exponent) + mpint(modulus)
        let digest = Data(SHA256.hash(data: wire)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
