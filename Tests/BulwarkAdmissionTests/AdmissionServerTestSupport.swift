import BulwarkAdmission
import Crypto
import Foundation
import Logging
import SwiftASN1
import Synchronization
import X509

/// A stand-in for `AdmissionController`: answers with a fixed body after an optional delay, counts the
/// requests it is judging, and says which path each answer came from.
struct StubAdmissionHandler: AdmissionHandling {
    var delay: Duration = .zero
    /// Busy-waits this long ignoring cancellation: CPU work, as the real decision is.
    var spin: Duration = .zero
    var ready = true
    let inFlight = InFlightCounter()

    func handle(_ route: AdmissionRoute, body: [UInt8]) async -> AdmissionHTTPResponse {
        inFlight.enter()
        defer { inFlight.leave() }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if spin > .zero {
            let end = ContinuousClock.now + spin
            while ContinuousClock.now < end {}
        }
        return AdmissionHTTPResponse(
            status: 200, body: Array(#"{"answer":"decision","bytes":\#(body.count)}"#.utf8),
            outcome: AdmissionOutcome(uid: "uid-1", kind: "Pod", namespace: "ml", operation: route.operation,
                                      decision: .deny, rulesEvaluated: 3, violations: ["k8s/privileged-container"],
                                      dryRun: false, reason: nil))
    }

    func timeoutResponse(_ route: AdmissionRoute, body: [UInt8]) -> AdmissionHTTPResponse {
        AdmissionHTTPResponse(status: 200, body: Array(#"{"answer":"timeout"}"#.utf8),
                              outcome: AdmissionOutcome(operation: route.operation, decision: .timeout, reason: "deadline"))
    }

    func rejection(_ route: AdmissionRoute, status: Int, reason: String) -> AdmissionHTTPResponse {
        AdmissionHTTPResponse(status: status, body: Array(#"{"answer":"rejected","status":\#(status)}"#.utf8),
                              outcome: AdmissionOutcome(operation: route.operation, decision: .invalid, reason: reason))
    }

    func isReady() async -> Bool { ready }
}

final class InFlightCounter: Sendable {
    private let state = Mutex((current: 0, total: 0))
    func enter() { state.withLock { $0.current += 1; $0.total += 1 } }
    func leave() { state.withLock { $0.current -= 1 } }
    var current: Int { state.withLock { $0.current } }
    var total: Int { state.withLock { $0.total } }
}

/// Lines written by a logger, for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A throwaway certificate authority (P-256) issuing server and client certificates for loopback.
struct TestCertificateAuthority {
    let key: P256.Signing.PrivateKey
    let certificate: Certificate
    let name: DistinguishedName

    init(_ commonName: String) throws {
        key = P256.Signing.PrivateKey()
        name = try DistinguishedName { CommonName(commonName) }
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }

    var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// A leaf for `localhost` and 127.0.0.1, usable as server and client certificate.
    func issue(_ commonName: String, serial: Int) throws -> (certificatePEM: String, keyPEM: String) {
        let leafKey = P256.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(serial), publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86400, issuer: name,
            subject: try DistinguishedName { CommonName(commonName) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try leaf.serializeAsPEM().pemString, leafKey.pemRepresentation)
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-admission-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Replaces `name` atomically (write a temporary file, rename over), as a rotation should.
    func write(_ name: String, _ text: String) throws {
        let temporary = file(".\(name).\(UUID().uuidString)")
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        if rename(temporary, file(name)) != 0 { throw CocoaError(.fileWriteUnknown) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A counter shared by concurrent test tasks.
final class Tally: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
