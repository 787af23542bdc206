import BulwarkSecrets
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateTests {
    @Test func aValidCertificateGivesItsRSAKeyWithoutWarnings() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        #expect(sealer.warnings.isEmpty)
        #expect(sealer.publicKey.bitCount == 2048)
        #expect(sealer.publicKey.modulus == key.modulus)
        #expect(sealer.publicKey.exponent == [0x01, 0x00, 0x01])
        #expect(sealer.notValidAfter != nil)
    }

    @Test func anExpiredCertificateWarnsWithTheDateAndWhatToDo() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM, now: Date() + 60 * 86400)
        #expect(sealer.warnings.count == 1)
        let warning = try #require(sealer.warnings.first)
        #expect(warning.hasPrefix("the certificate expired on 20"))
        #expect(warning.contains("kubeseal refuses expired certificates"))
        #expect(warning.contains("kubeseal --fetch-cert"))
    }

    @Test func aCertificateNotYetValidWarns() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM, now: Date() - 86400)
        #expect(sealer.warnings.count == 1)
        #expect(sealer.warnings.first?.contains("not valid before") == true)
    }

    @Test func derCertificatesAreRead() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificate: key.certificateDER)
        #expect(sealer.publicKey.modulus == key.modulus)
    }

    @Test func theCertificateIsFoundAfterOtherPEMBlocks() throws {
        let key = try TestKey.rsa2048.get()
        let bundle = "# fetched with kubeseal\r\n" + key.privateKeyPEM + "\n" + key.certificatePEM.replacingOccurrences(of: "\n", with: "\r\n")
        let sealer = try SealedSecretSealer(certificatePEM: bundle)
        #expect(sealer.publicKey.modulus == key.modulus)
    }

    @Test func aBarePublicKeyIsAccepted() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.publicKeyPEM)
        #expect(sealer.publicKey.modulus == key.modulus)
        #expect(sealer.notValidAfter == nil)
        #expect(sealer.warnings.isEmpty)
    }

    @Test func aPKCS1PublicKeyIsAccepted() throws {
        let key = try TestKey.rsa2048.get()
        let pkcs1 = try CertificateFixtures.pkcs1PublicKey(of: key)
        let sealer = try SealedSecretSealer(certificatePEM: CertificateFixtures.pem("RSA PUBLIC KEY", pkcs1))
        #expect(sealer.publicKey.modulus == key.modulus)
    }

    // MARK: - One message per mistake

    /// The case: a 512-bit key was reported as "not an X.509 certificate".
    @Test func a512BitCertificateSaysHowManyBitsItHasAndHowManyAreNeeded() throws {
        let pem = CertificateFixtures.pem("CERTIFICATE", try CertificateFixtures.certificate(rsaBits: 512))
        #expect(throws: SealingError.keyTooSmall(bits: 512, minimum: 2048, source: .certificate)) {
            try SealedSecretSealer(certificatePEM: pem)
        }
        let message = Self.message { try SealedSecretSealer(certificatePEM: pem) }
        #expect(message.hasPrefix("the certificate's RSA key has 512 bits; Bulwark seals only with RSA keys of at least 2048 bits"))
        #expect(message.contains("--key-size"))
    }

    @Test(arguments: [1024, 2040])
    func certificatesBelow2048BitsAreRefusedByTheirSize(_ bits: Int) throws {
        let der = try CertificateFixtures.certificate(rsaBits: bits)
        #expect(throws: SealingError.keyTooSmall(bits: bits, minimum: 2048, source: .certificate)) {
            try SealedSecretSealer(certificate: der)
        }
    }

    @Test func aSmallBarePublicKeyIsRefusedByItsSize() throws {
        let pem = CertificateFixtures.pem("PUBLIC KEY", CertificateFixtures.rsaSPKI(bits: 1024))
        #expect(throws: SealingError.keyTooSmall(bits: 1024, minimum: 2048, source: .publicKey)) {
            try SealedSecretSealer(certificatePEM: pem)
        }
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }.hasPrefix("the RSA public key has 1024 bits;"))
    }

    @Test(arguments: ["", "\n  \r\n\t"])
    func anEmptyFileSaysWhatIsExpected(_ text: String) {
        #expect(Self.message { try SealedSecretSealer(certificatePEM: text) }
            == "the file is empty; expected the sealed-secrets controller's certificate (kubeseal --fetch-cert > cert.pem)")
    }

    @Test func binaryDataIsNeitherPEMNorDER() {
        let message = Self.message { try SealedSecretSealer(certificate: [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0x00]) }
        #expect(message.hasPrefix("the file is binary data, neither PEM text nor a DER certificate;"))
    }

    @Test func textWithoutAPEMBlockSaysSo() {
        let message = Self.message { try SealedSecretSealer(certificatePEM: "apiVersion: v1\nkind: Secret\n") }
        #expect(message.hasPrefix("the file holds text but no PEM block (-----BEGIN CERTIFICATE-----);"))
    }

    @Test func base64WithoutTheBeginAndEndLinesSaysSo() throws {
        let key = try TestKey.rsa2048.get()
        let body = key.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined(separator: "\n")
        let message = Self.message { try SealedSecretSealer(certificatePEM: body) }
        #expect(message.hasPrefix("the file holds base64 text without the -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines"))
    }

    @Test func aDamagedBeginLineIsPointedAt() throws {
        let key = try TestKey.rsa2048.get()
        let pem = key.certificatePEM.replacingOccurrences(of: "-----BEGIN CERTIFICATE-----", with: "-----BEGIN CERTIFICATE")
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }.hasPrefix("line 1 starts like a PEM BEGIN line but is not one"))
    }

    @Test func corruptBase64NamesTheBlockTheLineAndTheCharacter() throws {
        let key = try TestKey.rsa2048.get()
        var lines = key.certificatePEM.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = String(lines[3].prefix(10)) + "*" + lines[3].dropFirst(11)
        let message = Self.message { try SealedSecretSealer(certificatePEM: lines.joined(separator: "\n")) }
        #expect(message.hasPrefix("the CERTIFICATE block on lines 1–"))
        #expect(message.hasSuffix("is damaged: line 4 holds '*', which is not base64"))
    }

    @Test func aMissingBase64LineIsReportedAsCutShortData() throws {
        let key = try TestKey.rsa2048.get()
        var lines = key.certificatePEM.split(separator: "\n").map(String.init)
        lines[2] = String(lines[2].dropLast(3))
        let message = Self.message { try SealedSecretSealer(certificatePEM: lines.joined(separator: "\n")) }
        #expect(message.contains("base64 characters are not a whole number of 4-character groups (a line is missing or cut short)"))
    }

    @Test func truncatedDERSaysHowManyBytesAreMissing() throws {
        let key = try TestKey.rsa2048.get()
        var lines = key.certificatePEM.split(separator: "\n").map(String.init)
        lines.removeSubrange(4...6)  // three whole 64-character lines: 144 bytes
        let message = Self.message { try SealedSecretSealer(certificatePEM: lines.joined(separator: "\n")) }
        let announced = key.certificateDER.count
        #expect(message.hasSuffix("is cut short: its DER data announces \(announced) bytes but holds \(announced - 144)"))
        #expect(message.hasPrefix("the CERTIFICATE block on lines 1–"))
    }

    @Test func aTruncatedDERFileSaysSo() throws {
        let key = try TestKey.rsa2048.get()
        let der = Array(key.certificateDER.prefix(300))
        #expect(Self.message { try SealedSecretSealer(certificate: der) }
            == "the file is cut short: its DER data announces \(key.certificateDER.count) bytes but holds 300")
    }

    @Test func aPEMFileWithoutItsEndLineIsCutShort() throws {
        let key = try TestKey.rsa2048.get()
        let lines = key.certificatePEM.split(separator: "\n").dropLast(3)
        let message = Self.message { try SealedSecretSealer(certificatePEM: lines.joined(separator: "\n")) }
        #expect(message.hasSuffix("has no -----END CERTIFICATE----- line; the file is cut short"))
    }

    @Test func aMismatchedEndLineIsNamed() throws {
        let key = try TestKey.rsa2048.get()
        let pem = key.certificatePEM.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "-----END PUBLIC KEY-----")
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }.contains("ends with -----END PUBLIC KEY----- on line"))
    }

    @Test func aCertificateUnderAnotherLabelIsRecognised() throws {
        let key = try TestKey.rsa2048.get()
        let pem = key.certificatePEM.replacingOccurrences(of: "CERTIFICATE-----", with: "CERTIFCATE-----")
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }
            .hasSuffix("holds a certificate, but a certificate's PEM label is CERTIFICATE (-----BEGIN CERTIFICATE-----)"))
    }

    @Test func anUnrelatedLabelIsNamed() {
        let pem = CertificateFixtures.pem("DH PARAMETERS", [0x30, 0x03, 0x02, 0x01, 0x02])
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }
            == "the file holds no CERTIFICATE block, only a DH PARAMETERS (lines 1–3) block; "
            + "expected the sealed-secrets controller's certificate (kubeseal --fetch-cert > cert.pem)")
    }

    @Test func aPrivateKeyAloneIsRefusedAndNamed() throws {
        let key = try TestKey.rsa2048.get()
        let message = Self.message { try SealedSecretSealer(certificatePEM: key.privateKeyPEM) }
        #expect(message.hasPrefix("the file holds a private key (the RSA PRIVATE KEY block on lines 1–"))
        #expect(message.contains("sealing needs only the controller's public certificate (kubeseal --fetch-cert > cert.pem)"))
    }

    @Test func aDERPrivateKeyIsRefusedAndNamed() {
        let der = [UInt8](P256.Signing.PrivateKey().derRepresentation)
        #expect(Self.message { try SealedSecretSealer(certificate: der) }.hasPrefix("the file holds a private key (PKCS #8), not a certificate;"))
    }

    @Test func aPrivateKeyBesideTheCertificateIsAWarning() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM + key.privateKeyPEM)
        #expect(sealer.warnings.count == 1)
        #expect(sealer.warnings.first?.hasPrefix("the file also holds a private key (the RSA PRIVATE KEY block on lines ") == true)
    }

    @Test func aCertificateSigningRequestIsRefusedAndNamed() throws {
        let key = P256.Signing.PrivateKey()
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("sealed-secrets") }, privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        let pem = try request.serializeAsPEM().pemString
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }
            .hasPrefix("the file holds a certificate signing request (the CERTIFICATE REQUEST block on lines 1–"))
        // The same request under a CERTIFICATE label, or as DER.
        let relabelled = pem.replacingOccurrences(of: "CERTIFICATE REQUEST", with: "CERTIFICATE")
        #expect(Self.message { try SealedSecretSealer(certificatePEM: relabelled) }
            .contains("holds a certificate signing request, not a certificate;"))
        var serializer = DER.Serializer()
        try serializer.serialize(request)
        #expect(Self.message { try SealedSecretSealer(certificate: serializer.serializedBytes) }
            .hasPrefix("the file holds a certificate signing request, not a certificate;"))
    }

    @Test func anECCertificateIsRefusedWithItsCurve() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("ec") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: Certificate.PrivateKey(key))
        let pem = try certificate.serializeAsPEM().pemString
        #expect(throws: SealingError.notRSA(algorithm: "P-256 (EC)", source: .certificate)) { try SealedSecretSealer(certificatePEM: pem) }
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }
            .hasPrefix("the certificate holds a P-256 (EC) key, not an RSA key; the sealed-secrets controller seals with RSA keys"))
    }

    @Test func anEd25519PublicKeyIsRefusedByName() {
        let ed25519: [UInt8] = [0x06, 0x03, 0x2B, 0x65, 0x70]
        let der = CertificateFixtures.tlv(0x30, CertificateFixtures.tlv(0x30, ed25519) + CertificateFixtures.tlv(0x03, [0] + [UInt8](repeating: 7, count: 32)))
        #expect(throws: SealingError.notRSA(algorithm: "Ed25519", source: .publicKey)) {
            try SealedSecretSealer(certificatePEM: CertificateFixtures.pem("PUBLIC KEY", der))
        }
    }

    @Test func severalCertificatesUseTheFirstAndWarn() throws {
        let first = try TestKey.rsa2048.get()
        let second = try TestKey.rsa4096.get()
        let sealer = try SealedSecretSealer(certificatePEM: first.certificatePEM + second.certificatePEM)
        #expect(sealer.publicKey.modulus == first.modulus)
        #expect(sealer.warnings.count == 1)
        let warning = try #require(sealer.warnings.first)
        #expect(warning.hasPrefix("the file holds 2 certificates; the first (lines 1–"))
        #expect(warning.contains("is used, as kubeseal does"))
    }

    @Test func aBarePublicKeyInsideACertificateBlockIsNamed() throws {
        let key = try TestKey.rsa2048.get()
        let pem = key.publicKeyPEM.replacingOccurrences(of: "PUBLIC KEY", with: "CERTIFICATE")
        #expect(Self.message { try SealedSecretSealer(certificatePEM: pem) }.hasSuffix("holds a bare public key, not a certificate"))
    }

    /// No message carries a dependency's description (swift-asn1 and swift-certificates errors
    /// name their source files).
    @Test(arguments: CertificateFixtures.brokenInputs)
    func noMessageLeaksADependencysError(_ input: [UInt8]) {
        let message = Self.message { try SealedSecretSealer(certificate: input) }
        #expect(!message.isEmpty)
        for fragment in [".swift", "ASN1Error", "CertificateError", "CryptoKitError", "swift-asn1", "swift-certificates", "Sources/"] {
            #expect(!message.contains(fragment), "\(message)")
        }
    }

    @Test func binaryGarbageIsNotACertificate() {
        #expect(throws: SealingError.self) { try SealedSecretSealer(certificate: [0x30, 0x03, 0x02, 0x01]) }
    }

    /// The description of the error `body` throws, or "" when it does not throw.
    static func message(_ body: () throws -> SealedSecretSealer) -> String {
        do {
            _ = try body()
            return ""
        } catch {
            return "\(error)"
        }
    }
}

/// Certificates and keys that swift-certificates and swift-crypto refuse to make (short RSA keys),
/// built as DER by hand.
enum CertificateFixtures {
    /// DER type-length-value.
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        let length: [UInt8] = count < 0x80 ? [UInt8(count)]
            : count < 0x100 ? [0x81, UInt8(count)]
            : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        return [tag] + length + content
    }

    /// An odd modulus of exactly `bits` bits (not a product of two primes; nothing here checks).
    static func modulus(bits: Int) -> [UInt8] {
        let bytes = (bits + 7) / 8
        var value = [UInt8](repeating: 0xA5, count: bytes)
        let topBits = bits - (bytes - 1) * 8
        value[0] = UInt8((1 << topBits) - 1) & 0xC5 | UInt8(1 << (topBits - 1))
        value[bytes - 1] |= 1
        return value
    }

    static func integer(_ bytes: [UInt8]) -> [UInt8] {
        tlv(0x02, (bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes)
    }

    static func rsaSPKI(bits: Int) -> [UInt8] {
        let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00]
        let key = tlv(0x30, integer(modulus(bits: bits)) + integer([0x01, 0x00, 0x01]))
        return tlv(0x30, tlv(0x30, rsaEncryption) + tlv(0x03, [0] + key))
    }

    /// A copy of the 2048-bit test certificate with its SubjectPublicKeyInfo replaced (the
    /// signature no longer matches, which a sealing key reader does not check).
    static func certificate(rsaBits bits: Int) throws -> [UInt8] {
        let root = try DER.parse(try TestKey.rsa2048.get().certificateDER)
        guard case .constructed(let top) = root.content, let tbs = Array(top).first, case .constructed(let fields) = tbs.content else {
            throw SealingError.decodingFailed
        }
        var body: [UInt8] = []
        for (index, field) in Array(fields).enumerated() {
            body += index == 6 ? rsaSPKI(bits: bits) : Array(field.encodedBytes)
        }
        return tlv(0x30, tlv(0x30, body) + Array(top).dropFirst().flatMap { Array($0.encodedBytes) })
    }

    /// The key of a test certificate as a PKCS #1 RSAPublicKey.
    static func pkcs1PublicKey(of key: TestKey) throws -> [UInt8] {
        tlv(0x30, integer(key.modulus) + integer([0x01, 0x00, 0x01]))
    }

    static func pem(_ label: String, _ der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines: [String] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
    }

    static let brokenInputs: [[UInt8]] = {
        var inputs: [[UInt8]] = [
            [],
            Array("hello".utf8),
            [0x30, 0x03, 0x02, 0x01],
            [0x30, 0x82, 0xFF],
            [0x30, 0x80, 0x00, 0x00],
            Array("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n".utf8),
            Array("-----BEGIN CERTIFICATE-----\nMAMCAQI=\n-----END CERTIFICATE-----\n".utf8),
            Array("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n".utf8),
            Array("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".utf8),
            Array("-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n".utf8),
            Array("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".utf8),
            Array(pem("PUBLIC KEY", tlv(0x30, tlv(0x30, [0x06, 0x03, 0x2B, 0x65, 0x71]) + tlv(0x03, [0] + [UInt8](repeating: 1, count: 57)))).utf8),
        ]
        if let der = try? certificate(rsaBits: 512) {
            inputs.append(der)
            var damaged = der
            damaged[damaged.count / 2] ^= 0xFF
            inputs.append(damaged)
            inputs.append(Array(der.dropLast(10)))
            inputs.append(der + [0, 0])
        }
        return inputs
    }()
}
