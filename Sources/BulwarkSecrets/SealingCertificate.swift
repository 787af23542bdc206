import BulwarkCore
import Foundation
import SwiftASN1
import X509

/// The key read from a sealing certificate file (`kubeseal --fetch-cert`), with its validity and
/// the warnings it raises. Every refusal is a `SealingError` in our own words that says what the
/// file holds and what is needed; no dependency's error text reaches the user.
///
/// Accepted, like kubeseal (`ParseKey` in `pkg/kubeseal/kubeseal.go`,
/// https://github.com/bitnami-labs/sealed-secrets): the first `CERTIFICATE` block of a PEM file.
/// Accepted beyond kubeseal: a DER certificate, and a bare `PUBLIC KEY` or `RSA PUBLIC KEY` block
/// (or DER) when the file holds no certificate. kubeseal refuses an expired certificate; here it is
/// a warning, since the controller keeps every key it has made and can still unseal.
struct SealingCertificate {
    var key: RSAPublicKey
    var notValidBefore: Date?
    var notValidAfter: Date?
    var warnings: [String] = []

    private static let certificateLabels: Set<String> = ["CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE"]
    private static let publicKeyLabels: Set<String> = ["PUBLIC KEY", "RSA PUBLIC KEY"]
    private static let requestLabels: Set<String> = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]

    static func read(_ bytes: [UInt8], now: Date) throws(SealingError) -> SealingCertificate {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        content = content.drop { ASCII.isSpace($0) }
        guard let first = content.first else {
            throw .unreadableCertificate("the file is empty; \(SealingError.expected)")
        }
        var result: SealingCertificate
        if first == 0x30 {
            result = try fromDER(Array(content), source: "the file", standalone: true)
        } else {
            guard let text = String(validating: content, as: UTF8.self), !text.unicodeScalars.contains(where: isBinary) else {
                throw .unreadableCertificate("the file is binary data, neither PEM text nor a DER certificate; \(SealingError.expected)")
            }
            result = try fromPEM(text)
        }
        result.checkValidity(now: now)
        return result
    }

    // MARK: - PEM

    private static func fromPEM(_ text: String) throws(SealingError) -> SealingCertificate {
        let blocks = PEMBlock.all(in: text)
        let certificates = blocks.filter { certificateLabels.contains($0.label) }
        if let block = certificates.first {
            if let problem = block.problem { throw .unreadableCertificate(describe(problem, of: block)) }
            var result = try fromDER(block.der, source: block.name, standalone: false)
            if certificates.count > 1 {
                let others = certificates.dropFirst().map(\.lines).joined(separator: ", ")
                result.warnings.append("the file holds \(certificates.count) certificates; the first (\(block.lines)) is used, as kubeseal does, "
                                       + "and the others (\(others)) are ignored: check that the first is the controller's current certificate")
            }
            if let key = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) {
                result.warnings.append("the file also holds a private key (\(key.name)); sealing needs only the certificate, so keep the "
                                       + "private key out of this file")
            }
            return result
        }
        if let block = blocks.first(where: { publicKeyLabels.contains($0.label) }) {
            if let problem = block.problem { throw .unreadableCertificate(describe(problem, of: block)) }
            return try fromDER(block.der, source: block.name, standalone: true)
        }
        if let key = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) {
            throw .unreadableCertificate("the file holds a private key (\(key.name)) and no certificate; sealing needs only the "
                                         + "controller's public certificate (kubeseal --fetch-cert > cert.pem), and the private key "
                                         + "should not leave the cluster")
        }
        if let request = blocks.first(where: { requestLabels.contains($0.label) }) {
            throw .unreadableCertificate("the file holds a certificate signing request (\(request.name)), not a certificate; "
                                         + SealingError.expected)
        }
        if let block = blocks.first {
            if block.problem == nil, case .success(.certificate) = KeyMaterial.read(block.der) {
                throw .unreadableCertificate("\(block.name) holds a certificate, but a certificate's PEM label is CERTIFICATE "
                                             + "(-----BEGIN CERTIFICATE-----)")
            }
            let labels = blocks.map { "\($0.label) (\($0.lines))" }.joined(separator: ", ")
            let only = blocks.count == 1 ? "a \(labels) block" : "the blocks \(labels)"
            throw .unreadableCertificate("the file holds no CERTIFICATE block, only \(only); \(SealingError.expected)")
        }
        if let line = PEMBlock.malformedBeginLines(in: text).first {
            throw .unreadableCertificate("line \(line) starts like a PEM BEGIN line but is not one; a certificate starts with the line "
                                         + "-----BEGIN CERTIFICATE-----")
        }
        let letters = text.unicodeScalars.filter { !$0.properties.isWhitespace }
        if !letters.isEmpty, letters.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "+/=".unicodeScalars.contains($0)) }) {
            throw .unreadableCertificate("the file holds base64 text without the -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- "
                                         + "lines around it; \(SealingError.expected)")
        }
        throw .unreadableCertificate("the file holds text but no PEM block (-----BEGIN CERTIFICATE-----); \(SealingError.expected)")
    }

    private static func describe(_ problem: PEMBlock.Problem, of block: PEMBlock) -> String {
        switch problem {
        case .unterminated:
            "\(block.name) has no -----END \(block.label)----- line; the file is cut short"
        case .mismatchedEnd(let label, let line):
            "\(block.name) ends with -----END \(label)----- on line \(line), which does not match its BEGIN line"
        case .notBase64(let character, let line):
            "\(block.name) is damaged: line \(line) holds \(character), which is not base64"
        case .misplacedPadding(let line):
            "\(block.name) is damaged: base64 padding '=' on line \(line) comes before the end of the data "
                + "(are two blocks merged, or lines out of order?)"
        case .truncatedBase64(let characters):
            "\(block.name) is damaged: its \(characters) base64 characters are not a whole number of 4-character groups "
                + "(a line is missing or cut short)"
        case .empty:
            "\(block.name) is empty"
        }
    }

    // MARK: - DER

    /// Reads a DER object. `standalone`: a bare public key is accepted (a DER file or a PUBLIC KEY
    /// block), not in a CERTIFICATE block.
    private static func fromDER(_ der: [UInt8], source: String, standalone: Bool) throws(SealingError) -> SealingCertificate {
        let material: KeyMaterial
        switch KeyMaterial.read(der) {
        case .success(let value):
            material = value
        case .failure(.truncated(let announced, let actual)):
            throw .unreadableCertificate("\(source) is cut short: its DER data announces \(announced) bytes but holds \(actual)")
        case .failure(.trailing(let count)):
            throw .unreadableCertificate("\(source) has \(count) stray \(count == 1 ? "byte" : "bytes") after its DER data")
        case .failure(.malformed):
            throw .unreadableCertificate("\(source) is not well-formed DER (ASN.1) data; \(SealingError.expected)")
        }
        switch material {
        case .certificate(let info):
            let key = try rsaKey(info, source: .certificate, where: source)
            // swift-certificates checks the rest of the structure (names, extensions, signature).
            guard let certificate = try? Certificate(derEncoded: der) else {
                throw .unreadableCertificate("\(source) holds a certificate whose structure is not valid X.509 (RFC 5280)")
            }
            return SealingCertificate(key: key, notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter)
        case .publicKey(let info) where standalone, .rsaPublicKey(let info) where standalone:
            return SealingCertificate(key: try rsaKey(info, source: .publicKey, where: source))
        case .publicKey, .rsaPublicKey:
            throw .unreadableCertificate("\(source) holds a bare public key, not a certificate")
        case .certificateRequest:
            throw .unreadableCertificate("\(source) holds a certificate signing request, not a certificate; \(SealingError.expected)")
        case .revocationList:
            throw .unreadableCertificate("\(source) holds a certificate revocation list, not a certificate; \(SealingError.expected)")
        case .privateKey(let kind):
            throw .unreadableCertificate("\(source) holds \(kind), not a certificate; sealing needs only the controller's public "
                                         + "certificate (kubeseal --fetch-cert > cert.pem), and the private key should not leave the cluster")
        case .pkcs7:
            throw .unreadableCertificate("\(source) holds a PKCS #7 bundle, not a certificate; extract the certificate with "
                                         + "openssl pkcs7 -print_certs, or get it with kubeseal --fetch-cert > cert.pem")
        case .other:
            throw .unreadableCertificate("\(source) holds DER data that is not an X.509 certificate; \(SealingError.expected)")
        }
    }

    private static func rsaKey(_ info: PublicKeyInfo, source: SealingError.KeySource, where place: String) throws(SealingError) -> RSAPublicKey {
        switch info.key {
        case .rsa(let modulus, let exponent):
            return try RSAPublicKey(modulus: modulus, exponent: exponent, source: source)
        case .other(let algorithm):
            throw .notRSA(algorithm: algorithm, source: source)
        case .malformedRSA:
            throw .unreadableCertificate("\(place) holds an RSA key whose modulus and exponent cannot be read")
        case .malformed:
            throw .unreadableCertificate("\(place) holds a public key whose algorithm cannot be read")
        }
    }

    // MARK: - Checks

    private mutating func checkValidity(now: Date) {
        let formatter = ISO8601DateFormatter()
        if let notValidBefore, now < notValidBefore {
            warnings.append("the certificate is not valid before \(formatter.string(from: notValidBefore)); is this machine's clock right?")
        }
        if let notValidAfter, now > notValidAfter {
            warnings.append("the certificate expired on \(formatter.string(from: notValidAfter)); kubeseal refuses expired certificates, "
                            + "and the controller has likely made a newer key since: get its current certificate with kubeseal --fetch-cert")
        }
    }

    /// Control characters other than tab, line feed and carriage return.
    private static func isBinary(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" || scalar.value == 0x7F
    }
}
