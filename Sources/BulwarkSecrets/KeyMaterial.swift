import SwiftASN1

/// What a DER object is, told from its outer ASN.1 shape: enough to say in our own words what a
/// file given as the sealing certificate holds (a certificate, a signing request, a private key…),
/// instead of passing on a dependency's error, whose description names its own source files.
///
/// Shapes: X.509 certificate and SubjectPublicKeyInfo (RFC 5280 §4.1,
/// https://www.rfc-editor.org/rfc/rfc5280#section-4.1), PKCS #10 request (RFC 2986 §4), PKCS #1 keys
/// (RFC 8017 appendix A.1), PKCS #8 keys (RFC 5208 §5 and §6), SEC 1 EC keys (RFC 5915 §3), PKCS #7
/// ContentInfo (RFC 2315 §7).
enum KeyMaterial: Equatable {
    case certificate(PublicKeyInfo)
    case certificateRequest
    case revocationList
    /// A bare SubjectPublicKeyInfo (`PUBLIC KEY`).
    case publicKey(PublicKeyInfo)
    /// A bare PKCS #1 `RSAPublicKey` (`RSA PUBLIC KEY`).
    case rsaPublicKey(PublicKeyInfo)
    /// A private key; the text says which kind (`an RSA private key (PKCS #1)`).
    case privateKey(String)
    case pkcs7
    case other

    /// Why bytes are not one DER object.
    enum Problem: Error, Equatable {
        /// The outer header announces more bytes than there are.
        case truncated(announced: Int, actual: Int)
        /// Bytes follow the outer object.
        case trailing(Int)
        /// Anything else (bad tag, bad length, a field inside that ends early).
        case malformed
    }

    /// Reads the outer shape of `der`.
    static func read(_ der: [UInt8]) -> Result<KeyMaterial, Problem> {
        if let (header, length) = outerHeader(der) {
            if header + length > der.count { return .failure(.truncated(announced: header + length, actual: der.count)) }
            if header + length < der.count { return .failure(.trailing(der.count - header - length)) }
        }
        guard let root = try? DER.parse(der) else { return .failure(.malformed) }
        return .success(classify(root))
    }

    private static func classify(_ root: ASN1Node) -> KeyMaterial {
        guard root.identifier == .sequence, let top = children(root), !top.isEmpty else { return .other }
        // Certificate, CertificationRequest and CertificateList: SEQUENCE { tbs, algorithm, signature }.
        if top.count == 3, top[0].identifier == .sequence, top[1].identifier == .sequence, top[2].identifier == .bitString,
           let tbs = children(top[0]), !tbs.isEmpty {
            let start = tbs[0].identifier == contextZero ? 1 : 0
            if start == 0, tbs.count == 4, tbs[0].identifier == .integer, tbs[3].identifier == contextZero {
                return .certificateRequest
            }
            if tbs.count >= start + 6, tbs[start].identifier == .integer,
               tbs[start + 1 ... start + 5].allSatisfy({ $0.identifier == .sequence }) {
                return .certificate(PublicKeyInfo(spki: tbs[start + 5]))
            }
            if tbs.prefix(4).contains(where: { $0.identifier == .utcTime || $0.identifier == .generalizedTime }) {
                return .revocationList
            }
            return .other
        }
        if top.count == 2, top[0].identifier == .sequence, top[1].identifier == .bitString {
            return .publicKey(PublicKeyInfo(spki: root))
        }
        if top.count == 2, top.allSatisfy({ $0.identifier == .integer }) {
            return .rsaPublicKey(PublicKeyInfo(pkcs1: root))
        }
        if top.count >= 9, top.prefix(9).allSatisfy({ $0.identifier == .integer }) {
            return .privateKey("an RSA private key (PKCS #1)")
        }
        if top.count >= 3, top[0].identifier == .integer, top[1].identifier == .sequence, top[2].identifier == .octetString {
            return .privateKey("a private key (PKCS #8)")
        }
        if top.count == 2, top[0].identifier == .sequence, top[1].identifier == .octetString {
            return .privateKey("an encrypted private key (PKCS #8)")
        }
        if top.count >= 2, top[0].identifier == .integer, top[1].identifier == .octetString {
            return .privateKey("an EC private key (SEC 1)")
        }
        if top[0].identifier == .objectIdentifier, let oid = try? ASN1ObjectIdentifier(derEncoded: top[0]),
           oid.oidComponents.starts(with: [1, 2, 840, 113549, 1, 7]) {
            return .pkcs7
        }
        return .other
    }

    private static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    static func children(_ node: ASN1Node) -> [ASN1Node]? {
        guard case .constructed(let nodes) = node.content else { return nil }
        return Array(nodes)
    }

    /// The header length and announced content length of the first DER object, when its header
    /// can be read (definite length of at most 4 bytes).
    private static func outerHeader(_ bytes: [UInt8]) -> (header: Int, length: Int)? {
        guard bytes.count >= 2, bytes[0] & 0x1F != 0x1F else { return nil }
        let first = bytes[1]
        if first < 0x80 { return (2, Int(first)) }
        let count = Int(first & 0x7F)
        guard (1...4).contains(count), bytes.count >= 2 + count else { return nil }
        let length = bytes[2 ..< 2 + count].reduce(0) { $0 << 8 | Int($1) }
        return (2 + count, length)
    }
}

/// The key of a certificate or a bare public key: RSA with its primitives, or the name of
/// another algorithm.
struct PublicKeyInfo: Equatable {
    enum Key: Equatable {
        /// Big-endian modulus and exponent as encoded (a leading zero byte may be present).
        case rsa(modulus: [UInt8], exponent: [UInt8])
        /// The algorithm, named for a message: `P-256 (EC)`, `Ed25519`, …
        case other(String)
        /// An `rsaEncryption` key whose RSAPublicKey cannot be read, or a negative modulus.
        case malformedRSA
        /// A SubjectPublicKeyInfo that cannot be read at all.
        case malformed
    }

    let key: Key

    init(key: Key) {
        self.key = key
    }

    /// From a SubjectPublicKeyInfo: `SEQUENCE { AlgorithmIdentifier, BIT STRING }`.
    init(spki node: ASN1Node) {
        guard let parts = KeyMaterial.children(node), parts.count == 2,
              let algorithm = KeyMaterial.children(parts[0]), let first = algorithm.first,
              let oid = try? ASN1ObjectIdentifier(derEncoded: first),
              let bits = try? ASN1BitString(derEncoded: parts[1])
        else {
            key = .malformed
            return
        }
        let components = oid.oidComponents
        if components == Self.rsaEncryption {
            guard bits.paddingBits == 0, let inner = try? DER.parse(bits.bytes) else {
                key = .malformedRSA
                return
            }
            key = Self(pkcs1: inner).key
            return
        }
        if components == Self.ecPublicKey {
            let curve = algorithm.count > 1 ? (try? ASN1ObjectIdentifier(derEncoded: algorithm[1]))?.oidComponents : nil
            let name = curve.flatMap { Self.curves[$0] } ?? "EC (curve \(curve.map(Self.dotted) ?? "not named"))"
            key = .other(name)
            return
        }
        key = .other(Self.algorithms[components] ?? "an algorithm with OID \(Self.dotted(components))")
    }

    /// From a PKCS #1 `RSAPublicKey`: `SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
    init(pkcs1 node: ASN1Node) {
        guard let parts = KeyMaterial.children(node), parts.count == 2,
              parts.allSatisfy({ $0.identifier == .integer }),
              case .primitive(let modulus) = parts[0].content, case .primitive(let exponent) = parts[1].content,
              let top = modulus.first, top & 0x80 == 0, let exponentTop = exponent.first, exponentTop & 0x80 == 0
        else {
            key = .malformedRSA
            return
        }
        key = .rsa(modulus: Array(modulus), exponent: Array(exponent))
    }

    private static let rsaEncryption: [UInt] = [1, 2, 840, 113549, 1, 1, 1]
    private static let ecPublicKey: [UInt] = [1, 2, 840, 10045, 2, 1]

    private static let curves: [[UInt]: String] = [
        [1, 2, 840, 10045, 3, 1, 7]: "P-256 (EC)",
        [1, 3, 132, 0, 34]: "P-384 (EC)",
        [1, 3, 132, 0, 35]: "P-521 (EC)",
        [1, 3, 132, 0, 10]: "secp256k1 (EC)",
    ]

    private static let algorithms: [[UInt]: String] = [
        [1, 3, 101, 110]: "X25519",
        [1, 3, 101, 111]: "X448",
        [1, 3, 101, 112]: "Ed25519",
        [1, 3, 101, 113]: "Ed448",
        [1, 2, 840, 10040, 4, 1]: "DSA",
        [1, 2, 840, 113549, 1, 1, 10]: "RSASSA-PSS (an RSA key restricted to signatures)",
        [1, 2, 840, 113549, 1, 1, 7]: "RSAES-OAEP (an RSA key marked id-RSAES-OAEP)",
    ]

    private static func dotted(_ components: [UInt]) -> String {
        components.map(String.init).joined(separator: ".")
    }
}
