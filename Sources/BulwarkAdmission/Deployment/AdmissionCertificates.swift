#if canImport(Glibc)
import Glibc
#endif
import BulwarkCore
import Crypto
import Foundation
import SwiftASN1
import X509

/// Why a certificate could not be made or read. Messages name the file or the field.
public struct AdmissionCertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// A certificate and its private key, as PEM text (what `bulwark admission serve`, NIO SSL, kubectl
/// and openssl read).
public struct IssuedCertificate: Sendable {
    /// `-----BEGIN CERTIFICATE-----` …
    public let certificatePEM: String
    /// PKCS#8 `-----BEGIN PRIVATE KEY-----` …
    public let privateKeyPEM: String
    /// The certificate's DER bytes.
    public let certificateDER: [UInt8]

    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws(AdmissionCertificateError) {
        do {
            self.certificate = certificate
            self.privateKey = privateKey
            certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
            privateKeyPEM = try privateKey.serializeAsPEM().pemString + "\n"
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            certificateDER = serializer.serializedBytes
        } catch {
            throw AdmissionCertificateError("cannot encode the certificate: \(error)")
        }
    }
}

/// A certificate authority that signs the webhook's serving certificate (and, in tests, client
/// certificates): generated, or read from the user's PEM files.
///
/// Certificates are P-256 ECDSA (small, fast handshakes, accepted by every API server); a CA read
/// from files may hold any key swift-certificates can sign with (P-256/384/521, RSA, Ed25519).
public struct AdmissionCertificateAuthority: Sendable {
    public let issued: IssuedCertificate
    /// True when this authority was generated here (its key is then written as `ca-key.pem`).
    public let generated: Bool

    public var certificatePEM: String { issued.certificatePEM }
    public var privateKeyPEM: String { issued.privateKeyPEM }

    /// A new self-signed CA valid for `days` days from a little before `now`.
    public static func generate(commonName: String = "Bulwark admission CA", days: Int = 3650,
                                now: Date = Date()) throws(AdmissionCertificateError) -> AdmissionCertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let validity = try AdmissionCertificates.validity(days: days, now: now, cappedBy: nil)
        do {
            let name = try DistinguishedName {
                OrganizationName("Bulwark")
                CommonName(commonName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: validity.notBefore, notValidAfter: validity.notAfter, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: key)
            return AdmissionCertificateAuthority(issued: try IssuedCertificate(certificate: certificate, privateKey: key), generated: true)
        } catch let error as AdmissionCertificateError {
            throw error
        } catch {
            throw AdmissionCertificateError("cannot create the CA certificate: \(error)")
        }
    }

    /// An existing CA: its certificate and private key as PEM. The certificate must be a CA
    /// (basicConstraints CA:TRUE, keyCertSign when keyUsage is present) and the key must be its key.
    public init(certificatePEM: String, privateKeyPEM: String) throws(AdmissionCertificateError) {
        let certificate: Certificate
        let key: Certificate.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw AdmissionCertificateError("the CA certificate is not a PEM certificate: \(error)")
        }
        do {
            key = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw AdmissionCertificateError("the CA key is not a PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA): \(error)")
        }
        guard key.publicKey == certificate.publicKey else {
            throw AdmissionCertificateError("the CA key does not belong to the CA certificate")
        }
        let constraints: BasicConstraints?
        let usage: KeyUsage?
        do {
            constraints = try certificate.extensions.basicConstraints
            usage = try certificate.extensions.keyUsage
        } catch {
            throw AdmissionCertificateError("the CA certificate has unreadable extensions: \(error)")
        }
        guard case .isCertificateAuthority = constraints else {
            throw AdmissionCertificateError("the CA certificate is not a certificate authority (basicConstraints CA:TRUE is missing)")
        }
        if let usage, !usage.keyCertSign {
            throw AdmissionCertificateError("the CA certificate's keyUsage does not allow signing certificates (keyCertSign)")
        }
        issued = try IssuedCertificate(certificate: certificate, privateKey: key)
        generated = false
    }

    private init(issued: IssuedCertificate, generated: Bool) {
        self.issued = issued
        self.generated = generated
    }

    /// A TLS server certificate for `dnsNames` (the first is the subject's common name) and IP
    /// addresses (`127.0.0.1`, `::1`, for tests on loopback). Never valid beyond the CA.
    public func issueServingCertificate(dnsNames: [String], ipAddresses: [String] = [], days: Int = 365,
                                        now: Date = Date()) throws(AdmissionCertificateError) -> IssuedCertificate {
        guard let first = dnsNames.first ?? ipAddresses.first else {
            throw AdmissionCertificateError("a serving certificate needs at least one DNS name or IP address")
        }
        var names = dnsNames.map(GeneralName.dnsName)
        for address in ipAddresses {
            guard let bytes = AdmissionCertificates.addressBytes(address) else {
                throw AdmissionCertificateError("\"\(address)\" is not an IPv4 or IPv6 address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        return try issue(commonName: first, organizations: [], subjectAlternativeNames: names, usage: .serverAuth, days: days, now: now)
    }

    /// A TLS client certificate: `commonName` is the user name and `organizations` the groups an API
    /// server or webhook reads from it.
    public func issueClientCertificate(commonName: String, organizations: [String] = [], days: Int = 365,
                                       now: Date = Date()) throws(AdmissionCertificateError) -> IssuedCertificate {
        try issue(commonName: commonName, organizations: organizations, subjectAlternativeNames: [], usage: .clientAuth, days: days, now: now)
    }

    private func issue(commonName: String, organizations: [String], subjectAlternativeNames: [GeneralName],
                       usage: ExtendedKeyUsage.Usage, days: Int, now: Date) throws(AdmissionCertificateError) -> IssuedCertificate {
        let authority = issued.certificate
        let validity = try AdmissionCertificates.validity(days: days, now: now, cappedBy: authority.notValidAfter)
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        guard let algorithm = AdmissionCertificates.signatureAlgorithm(for: issued.privateKey) else {
            throw AdmissionCertificateError("the CA key's algorithm cannot sign certificates here")
        }
        do {
            let authorityKeyIdentifier = try authority.extensions.subjectKeyIdentifier?.keyIdentifier
                ?? SubjectKeyIdentifier(hash: authority.publicKey).keyIdentifier
            let subject = try DistinguishedName {
                for organization in organizations { OrganizationName(organization) }
                CommonName(commonName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                // ECDSA keys sign the handshake; they never encipher a key (that was RSA key exchange).
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                SubjectKeyIdentifier(hash: key.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                if !subjectAlternativeNames.isEmpty { SubjectAlternativeNames(subjectAlternativeNames) }
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: validity.notBefore, notValidAfter: validity.notAfter, issuer: authority.subject, subject: subject,
                signatureAlgorithm: algorithm, extensions: extensions, issuerPrivateKey: issued.privateKey)
            return try IssuedCertificate(certificate: certificate, privateKey: key)
        } catch let error as AdmissionCertificateError {
            throw error
        } catch {
            throw AdmissionCertificateError("cannot create the certificate for \(commonName): \(error)")
        }
    }
}

/// The files `bulwark admission certs` writes: the CA (its key only when generated here) and the
/// webhook Service's serving certificate.
public struct AdmissionCertificateSet: Sendable {
    public let authority: AdmissionCertificateAuthority
    public let serving: IssuedCertificate
    public let dnsNames: [String]

    /// The file names in the output directory (`ca.pem`, `ca-key.pem`, `tls.crt`, `tls.key`, as
    /// `kubectl create secret tls` and cert-manager name them), with their contents and modes.
    public var files: [(name: String, contents: String, mode: mode_t)] {
        var files: [(name: String, contents: String, mode: mode_t)] = [("ca.pem", authority.certificatePEM, 0o644)]
        if authority.generated { files.append(("ca-key.pem", authority.privateKeyPEM, 0o600)) }
        files.append(("tls.crt", serving.certificatePEM, 0o644))
        files.append(("tls.key", serving.privateKeyPEM, 0o600))
        return files
    }
}

public enum AdmissionCertificates {
    /// The names the API server may use for a Service: it calls `S.NS.svc`; the others are how
    /// clients inside the cluster spell it.
    public static func serviceDNSNames(service: String, namespace: String) -> [String] {
        ["\(service).\(namespace).svc", service, "\(service).\(namespace)", "\(service).\(namespace).svc.cluster.local"]
    }

    /// A CA (`authority`, else a new one) and a serving certificate for the Service.
    public static func make(service: String, namespace: String, days: Int = 365, authority: AdmissionCertificateAuthority? = nil,
                            now: Date = Date()) throws(AdmissionCertificateError) -> AdmissionCertificateSet {
        guard isDNSLabel(service) else {
            throw AdmissionCertificateError("the service name \"\(service)\" is not a DNS label (lowercase letters, digits and -, at most 63)")
        }
        guard isDNSLabel(namespace) else {
            throw AdmissionCertificateError("the namespace \"\(namespace)\" is not a DNS label (lowercase letters, digits and -, at most 63)")
        }
        let ca: AdmissionCertificateAuthority
        if let authority { ca = authority } else { ca = try AdmissionCertificateAuthority.generate(days: max(days, 3650), now: now) }
        let names = serviceDNSNames(service: service, namespace: namespace)
        let serving = try ca.issueServingCertificate(dnsNames: names, days: days, now: now)
        return AdmissionCertificateSet(authority: ca, serving: serving, dnsNames: names)
    }

    /// Writes the set into `directory` (created 0700 when missing). Refuses, before writing
    /// anything, when a file exists and `force` is false. Keys are 0600 from their first byte;
    /// every file is replaced atomically.
    public static func write(_ set: AdmissionCertificateSet, to directory: String, force: Bool) throws(AdmissionCertificateError) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard mkdir(directory, 0o700) == 0 else {
                throw AdmissionCertificateError("cannot create the directory \(directory): \(String(cString: strerror(errno)))")
            }
        } else if !isDirectory.boolValue {
            throw AdmissionCertificateError("\(directory) is not a directory")
        }
        let files = set.files.map { (path: directory.hasSuffix("/") ? directory + $0.name : directory + "/" + $0.name, $0.contents, $0.mode) }
        if !force {
            let existing = files.map(\.path).filter { access($0, F_OK) == 0 }
            if !existing.isEmpty {
                throw AdmissionCertificateError("not overwriting \(existing.joined(separator: ", ")) (give --force to replace)")
            }
        }
        for (path, contents, mode) in files {
            do {
                let file = try OutputFile.create(path, mode: mode)
                file.write(contents)
                try file.commit()
            } catch {
                throw AdmissionCertificateError("\(error)")
            }
        }
    }

    /// `notBefore` five minutes before `now` (clocks of API servers and nodes drift), `notAfter`
    /// `days` later, never past `cap` (a leaf outliving its CA fails verification anyway).
    static func validity(days: Int, now: Date, cappedBy cap: Date?) throws(AdmissionCertificateError) -> (notBefore: Date, notAfter: Date) {
        guard days >= 1, days <= 36_500 else { throw AdmissionCertificateError("--days must be between 1 and 36500 (got \(days))") }
        let notBefore = now.addingTimeInterval(-300)
        var notAfter = now.addingTimeInterval(Double(days) * 86_400)
        if let cap, cap < notAfter { notAfter = cap }
        guard notAfter > now else { throw AdmissionCertificateError("the CA certificate has expired") }
        return (notBefore, notAfter)
    }

    /// SHA-256 where the key allows it (every verifier accepts it), else what the key supports.
    static func signatureAlgorithm(for key: Certificate.PrivateKey) -> Certificate.SignatureAlgorithm? {
        let supported = key.supportedSignatureAlgorithms
        let preferred: [Certificate.SignatureAlgorithm] = [.ecdsaWithSHA256, .sha256WithRSAEncryption, .ed25519, .ecdsaWithSHA384,
                                                           .ecdsaWithSHA512]
        return preferred.first(where: supported.contains) ?? supported.first
    }

    /// An RFC 1123 label, as Kubernetes requires for Service and Namespace names.
    static func isDNSLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
    }

    /// The network-order bytes of an IPv4 or IPv6 address, as a SAN's iPAddress holds them.
    static func addressBytes(_ address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
