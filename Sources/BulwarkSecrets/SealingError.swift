/// Why a certificate could not be used or a value could not be sealed.
public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The certificate (or public key) could not be read.
    case unreadableCertificate(String)
    /// The certificate holds a key that is not RSA.
    case notRSA(String)
    /// The RSA key is unusable (too small for OAEP with SHA-256, even modulus, bad exponent).
    case unusableKey(String)
    /// The message is longer than OAEP allows for this modulus.
    case messageTooLong(length: Int, maximum: Int)
    /// OAEP decoding failed (wrong label, wrong key or damaged ciphertext).
    case decodingFailed
    /// The scope needs a namespace or a name that was not given.
    case missing(String)
    /// AES-GCM refused the input.
    case encryption(String)

    public var description: String {
        switch self {
        case .unreadableCertificate(let reason): "cannot read the certificate: \(reason)"
        case .notRSA(let algorithm): "the certificate holds a \(algorithm) key; Sealed Secrets needs an RSA key"
        case .unusableKey(let reason): "unusable RSA key: \(reason)"
        case .messageTooLong(let length, let maximum): "OAEP message of \(length) bytes is longer than the \(maximum) bytes this key allows"
        case .decodingFailed: "decryption error"
        case .missing(let what): what
        case .encryption(let reason): "AES-GCM failed: \(reason)"
        }
    }
}
