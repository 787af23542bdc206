import BulwarkAdmission
import BulwarkTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

/// `AdmissionCertificates`: the CA, the webhook's serving certificate, test client certificates,
/// and the files `bulwark admission certs` writes.
@Suite struct AdmissionDeploymentCertificatesTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Why openssl cannot check the files, or nil (printed, with SKIPPED-IN-CI under CI).
    static func opensslUnavailable() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            print("openssl is not installed: the certificates are not checked with it")
            if ProcessInfo.processInfo.environment["CI"] != nil { print("SKIPPED-IN-CI") }
            return true
        }
        return false
    }

    @Test func theServingCertificateNamesTheServiceAndIsSignedByTheCA() throws {
        let set = try AdmissionCertificates.make(service: "bulwark-admission", namespace: "bulwark-system", days: 30, now: Self.now)
        let ca = try Certificate(pemEncoded: set.authority.certificatePEM)
        let leaf = try Certificate(pemEncoded: set.serving.certificatePEM)
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        for expected in ["bulwark-admission", "bulwark-admission.bulwark-system", "bulwark-admission.bulwark-system.svc",
                         "bulwark-admission.bulwark-system.svc.cluster.local"] {
            #expect(names.contains(.dnsName(expected)), "\(expected)")
        }
        #expect(names.count == 4)
        #expect(set.dnsNames.count == 4)
        #expect(leaf.issuer == ca.subject)
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
        #expect(try ca.extensions.keyUsage?.keyCertSign == true)
        #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier == ca.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(try leaf.extensions.subjectKeyIdentifier != nil)
        #expect(leaf.notValidBefore < Self.now)
        #expect(leaf.notValidAfter <= Self.now.addingTimeInterval(30 * 86_400))
        #expect(leaf.publicKey != ca.publicKey)
        // Signed by the CA: the CA's key verifies the leaf's signature.
        #expect(ca.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(set.serving.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(set.files.map(\.name) == ["ca.pem", "ca-key.pem", "tls.crt", "tls.key"])
    }

    @Test func serialNumbersAreRandom() throws {
        let authority = try AdmissionCertificateAuthority.generate(now: Self.now)
        let first = try Certificate(pemEncoded: authority.issueServingCertificate(dnsNames: ["a.b.svc"], now: Self.now).certificatePEM)
        let second = try Certificate(pemEncoded: authority.issueServingCertificate(dnsNames: ["a.b.svc"], now: Self.now).certificatePEM)
        #expect(first.serialNumber != second.serialNumber)
        #expect(first.serialNumber.bytes.count >= 16)
    }

    @Test func aGivenCAIsUsedAndItsKeyIsNotWrittenAgain() throws {
        let original = try AdmissionCertificateAuthority.generate(commonName: "corporate CA", now: Self.now)
        let given = try AdmissionCertificateAuthority(certificatePEM: original.certificatePEM, privateKeyPEM: original.privateKeyPEM)
        #expect(!given.generated)
        let set = try AdmissionCertificates.make(service: "hook", namespace: "ns", authority: given, now: Self.now)
        #expect(set.files.map(\.name) == ["ca.pem", "tls.crt", "tls.key"])
        #expect(set.authority.certificatePEM == original.certificatePEM)
        let leaf = try Certificate(pemEncoded: set.serving.certificatePEM)
        #expect(try leaf.issuer == Certificate(pemEncoded: original.certificatePEM).subject)
    }

    @Test func aLeafNeverOutlivesItsCA() throws {
        let authority = try AdmissionCertificateAuthority.generate(days: 10, now: Self.now)
        let leaf = try Certificate(pemEncoded: authority.issueServingCertificate(dnsNames: ["x.y.svc"], days: 365, now: Self.now).certificatePEM)
        let ca = try Certificate(pemEncoded: authority.certificatePEM)
        #expect(leaf.notValidAfter <= ca.notValidAfter)
    }

    @Test func clientAndLoopbackCertificatesForTests() throws {
        let authority = try AdmissionCertificateAuthority.generate(now: Self.now)
        let client = try Certificate(pemEncoded: authority.issueClientCertificate(commonName: "kube-apiserver", organizations: ["system:masters"],
                                                                                    now: Self.now).certificatePEM)
        #expect(try client.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        #expect(try client.extensions.extendedKeyUsage?.contains(.serverAuth) == false)
        #expect(client.subject.description.contains("kube-apiserver"))
        let loopback = try Certificate(pemEncoded: authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                                                                                       now: Self.now).certificatePEM)
        let names = try #require(try loopback.extensions.subjectAlternativeNames)
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1])))))
        #expect(throws: AdmissionCertificateError.self) {
            try authority.issueServingCertificate(dnsNames: ["localhost"], ipAddresses: ["not-an-address"], now: Self.now)
        }
    }

    @Test func aCAThatIsNotOneOrAKeyThatIsNotItsKeyIsRefused() throws {
        let authority = try AdmissionCertificateAuthority.generate(now: Self.now)
        let other = try AdmissionCertificateAuthority.generate(now: Self.now)
        let leaf = try authority.issueServingCertificate(dnsNames: ["a.b.svc"], now: Self.now)
        #expect(throws: AdmissionCertificateError.self) {
            try AdmissionCertificateAuthority(certificatePEM: authority.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect(throws: AdmissionCertificateError.self) {
            try AdmissionCertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
        #expect(throws: AdmissionCertificateError.self) {
            try AdmissionCertificateAuthority(certificatePEM: "not a certificate", privateKeyPEM: authority.privateKeyPEM)
        }
        #expect(throws: AdmissionCertificateError.self) {
            try AdmissionCertificateAuthority(certificatePEM: authority.certificatePEM, privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        }
    }

    @Test(arguments: [("Bad_Name", "ns"), ("svc", "UPPER"), ("", "ns"), ("svc", String(repeating: "a", count: 64)), ("-svc", "ns")])
    func namesThatAreNotDNSLabelsAreRefused(_ service: String, _ namespace: String) {
        #expect(throws: AdmissionCertificateError.self) { try AdmissionCertificates.make(service: service, namespace: namespace, now: Self.now) }
    }

    @Test func daysOutOfRangeAreRefused() {
        #expect(throws: AdmissionCertificateError.self) { try AdmissionCertificates.make(service: "s", namespace: "n", days: 0, now: Self.now) }
    }

    @Test func filesAreWrittenWithPrivateKeysOwnerOnlyAndNeverOverwrittenWithoutForce() throws {
        let directory = try temporaryDirectory() + "/certs"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let set = try AdmissionCertificates.make(service: "hook", namespace: "ns", now: Self.now)
        try AdmissionCertificates.write(set, to: directory, force: false)
        func mode(_ name: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.posixPermissions] as? Int) ?? -1
        }
        #expect(try mode("ca-key.pem") == 0o600)
        #expect(try mode("tls.key") == 0o600)
        #expect(try mode("tls.crt") == 0o644)
        #expect(try mode("ca.pem") == 0o644)
        #expect(try (FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int) == 0o700)
        #expect(try String(contentsOfFile: directory + "/tls.crt", encoding: .utf8) == set.serving.certificatePEM)
        // No leftover temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["ca-key.pem", "ca.pem", "tls.crt", "tls.key"])

        let second = try AdmissionCertificates.make(service: "hook", namespace: "ns", now: Self.now)
        #expect(throws: AdmissionCertificateError.self) { try AdmissionCertificates.write(second, to: directory, force: false) }
        #expect(try String(contentsOfFile: directory + "/tls.key", encoding: .utf8) == set.serving.privateKeyPEM)
        // With force, even a key that was made readable is replaced by an owner-only one.
        chmod(directory + "/tls.key", 0o644)
        try AdmissionCertificates.write(second, to: directory, force: true)
        #expect(try String(contentsOfFile: directory + "/tls.key", encoding: .utf8) == second.serving.privateKeyPEM)
        #expect(try mode("tls.key") == 0o600)
    }

    @Test func aFileWhereTheDirectoryShouldBeIsAnError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.createFile(atPath: directory + "/file", contents: Data()))
        let set = try AdmissionCertificates.make(service: "hook", namespace: "ns", now: Self.now)
        #expect(throws: AdmissionCertificateError.self) { try AdmissionCertificates.write(set, to: directory + "/file", force: true) }
        #expect(throws: AdmissionCertificateError.self) { try AdmissionCertificates.write(set, to: directory + "/missing/deeper", force: true) }
    }

    @Test func opensslVerifiesTheChainAndReadsTheExtensions() throws {
        if Self.opensslUnavailable() { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Valid now (openssl checks the dates against the clock).
        let set = try AdmissionCertificates.make(service: "bulwark-admission", namespace: "bulwark-system")
        try AdmissionCertificates.write(set, to: directory, force: false)
        let verify = try CommandRunner.runTool("/usr/bin/openssl", ["verify", "-purpose", "sslserver", "-CAfile", directory + "/ca.pem",
                                                                    directory + "/tls.crt"])
        #expect(verify.status == 0, "\(verify.stdout)\n\(verify.stderr)")
        #expect(verify.stdout.contains(": OK"))
        let text = try CommandRunner.runTool("/usr/bin/openssl", ["x509", "-in", directory + "/tls.crt", "-noout", "-text"]).stdout
        for expected in ["DNS:bulwark-admission.bulwark-system.svc", "DNS:bulwark-admission.bulwark-system.svc.cluster.local",
                         "DNS:bulwark-admission,", "TLS Web Server Authentication", "CA:FALSE", "Digital Signature",
                         "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier", "prime256v1", "ecdsa-with-SHA256"] {
            #expect(text.contains(expected), "\(expected) missing in:\n\(text)")
        }
        let caText = try CommandRunner.runTool("/usr/bin/openssl", ["x509", "-in", directory + "/ca.pem", "-noout", "-text"]).stdout
        #expect(caText.contains("CA:TRUE"))
        #expect(caText.contains("Certificate Sign"))
        // The key matches the certificate.
        let keyCheck = try CommandRunner.runTool("/usr/bin/openssl", ["pkey", "-in", directory + "/tls.key", "-pubout"]).stdout
        let certKey = try CommandRunner.runTool("/usr/bin/openssl", ["x509", "-in", directory + "/tls.crt", "-noout", "-pubkey"]).stdout
        #expect(!keyCheck.isEmpty && keyCheck == certKey)
    }
}
