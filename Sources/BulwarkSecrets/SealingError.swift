/// Why a certificate could not be used or a value could not be sealed.
///
/// Every description is our own text: what the input holds and what is needed. A dependency's
/// error description is never passed on (swift-certificates and swift-asn1 errors name their
/// source files).
public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where a key came from, for the wording of a message.
    public enum KeySource: Sendable, Equatable {
        /// An X.509 certificate (`kubeseal --fetch-cert`).
        case certificate
        /// A bare public key (`PUBLIC KEY` or `RSA PUBLIC KEY`).
        case publicKey
        /// Primitives given through the API.
        case primitives
    }

    /// The certificate file holds nothing usable: the text says what it holds and what is needed.
    case unreadableCertificate(String)
    /// The key is not RSA; `algorithm` names what it is (`P-256 (EC)`, `Ed25519`, …).
    case notRSA(algorithm: String, source: KeySource)
    /// The RSA key is shorter than `RSAPublicKey.minimumBits`.
    case keyTooSmall(bits: Int, minimum: Int, source: KeySource)
    /// The RSA key is unusable (even modulus, bad exponent, a message out of range).
    case unusableKey(String)
    /// The message is longer than OAEP allows for this modulus.
    case messageTooLong(length: Int, maximum: Int)
    /// OAEP decoding failed (wrong label, wrong key or damaged ciphertext).
    case decodingFailed
    /// The scope needs a namespace or a name that was not given.
    case missing(String)
    /// AES-GCM refused the input.
    case encryption(String)

    /// What a sealing key file must be, for the end of messages.
    static let expected = "expected the sealed-secrets controller's certificate (kubeseal --fetch-cert > cert.pem)"

    public var description: String {
        switch self {
        case .unreadableCertificate(let reason):
            reason
        case .notRSA(let algorithm, let source):
            "\(source.subject) holds a \(algorithm) key, not an RSA key; the sealed-secrets controller seals with RSA keys, so this is "
                + "not its certificate (kubeseal --fetch-cert > cert.pem gets it)"
        case .keyTooSmall(let bits, let minimum, let source):
            "\(source.rsaKey) has \(bits) bits; Bulwark seals only with RSA keys of at least \(minimum) bits, as shorter ones can be "
                + "factored (the sealed-secrets controller makes \(RSAPublicKey.controllerDefaultBits)-bit keys unless its --key-size says otherwise)"
        case .unusableKey(let reason):
            "unusable RSA key: \(reason)"
        case .messageTooLong(let length, let maximum):
            "OAEP message of \(length) bytes is longer than the \(maximum) bytes this key allows"
        case .decodingFailed:
            "decryption error"
        case .missing(let what):
            what
        case .encryption(let reason):
            "AES-GCM failed: \(reason)"
        }
    }
}

extension SealingError.KeySource {
    fileprivate var subject: String {
        switch self {
        case .certificate: "the certificate"
        case .publicKey: "the public key"
        case .primitives: "the key"
        }
    }

    fileprivate var rsaKey: String {
        switch self {
        case .certificate: "the certificate's RSA key"
        case .publicKey: "the RSA public key"
        case .primitives: "the RSA key"
        }
    }
}
