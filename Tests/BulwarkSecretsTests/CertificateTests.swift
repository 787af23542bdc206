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

    @Test func anExpiredCertificateWarns() throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM, now: Date() + 60 * 86400)
        #expect(sealer.warnings.count == 1)
        #expect(sealer.warnings.first?.contains("expired") == true)
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

    @Test func anECCertificateIsRefused() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("ec") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: Certificate.PrivateKey(key))
        let pem = try certificate.serializeAsPEM().pemString
        #expect(throws: SealingError.notRSA("P-256")) { try SealedSecretSealer(certificatePEM: pem) }
    }

    @Test(arguments: [
        "",
        "hello",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ])
    func unreadableInputsAreReported(_ text: String) {
        #expect(throws: SealingError.self) { try SealedSecretSealer(certificatePEM: text) }
    }

    @Test func binaryGarbageIsNotACertificate() {
        #expect(throws: SealingError.self) { try SealedSecretSealer(certificate: [0x30, 0x03, 0x02, 0x01]) }
    }
}
