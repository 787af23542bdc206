import BulwarkCore
import Logging
import NIOSSL
import SwiftASN1
import Synchronization
import X509

#if canImport(Glibc)
import Glibc
#endif

/// Builds the server's `NIOSSLContext` from the PEM files of the configuration: TLS 1.2 at least, ALPN
/// `http/1.1` only (the API server speaks HTTP/1.1 to webhooks), and, with a client CA bundle, client
/// certificates required and verified against it (`noHostnameVerification`: a server cannot check a
/// client's host name).
enum AdmissionTLSContext {
    /// Certificates and keys are small; anything larger is not a PEM file of ours.
    static let fileLimit = ByteLimit(bytes: 1 << 20)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func make(_ configuration: AdmissionServerConfiguration) throws -> NIOSSLContext {
        let chainPEM = try read(configuration.certificatePath)
        let keyPEM = try read(configuration.privateKeyPath)
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(chainPEM)
        } catch {
            throw Failure(description: "\(configuration.certificatePath): not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw Failure(description: "\(configuration.certificatePath): no certificate") }
        do {
            key = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
        } catch {
            throw Failure(description: "\(configuration.privateKeyPath): not a PEM private key (\(error))")
        }
        try checkKeyMatchesLeaf(chainPEM: chainPEM, keyPEM: keyPEM, configuration: configuration)

        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                           privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["http/1.1"]
        if let caPath = configuration.clientCAPath {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMBytes(try read(caPath))
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure(description: "\(caPath): not a PEM CA bundle (\(error))")
            }
            guard !roots.isEmpty else { throw Failure(description: "\(caPath): no certificate") }
            tls.trustRoots = .certificates(roots)
            tls.certificateVerification = .noHostnameVerification
        } else {
            tls.certificateVerification = .none
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw Failure(description: "cannot build the TLS context: \(error)")
        }
    }

    /// BoringSSL would only notice a key that does not belong to the certificate at the first handshake;
    /// a rotation that wrote a mismatched pair must be refused before it replaces the working one.
    private static func checkKeyMatchesLeaf(chainPEM: [UInt8], keyPEM: [UInt8],
                                            configuration: AdmissionServerConfiguration) throws {
        let leaf: Certificate
        let privateKey: Certificate.PrivateKey
        do {
            guard let first = try PEMDocument.parseMultiple(pemString: String(decoding: chainPEM, as: UTF8.self)).first
            else { throw Failure(description: "\(configuration.certificatePath): no certificate") }
            leaf = try Certificate(pemDocument: first)
            privateKey = try Certificate.PrivateKey(pemEncoded: String(decoding: keyPEM, as: UTF8.self))
        } catch let failure as Failure {
            throw failure
        } catch {
            // A key type swift-certificates does not read (NIOSSL did): nothing to compare with here.
            return
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw Failure(description: "\(configuration.privateKeyPath) is not the key of the certificate in \(configuration.certificatePath)")
        }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        switch InputFile.read(path, limit: fileLimit) {
        case .success(let bytes): return bytes
        case .failure(let error): throw Failure(description: "\(error)")
        }
    }
}

/// The TLS context new connections get. Each accepted connection reads it once, so a reload changes
/// what the next handshake presents while established connections keep their own.
final class AdmissionTLSContextBox: Sendable {
    private let context: Mutex<NIOSSLContext>

    init(_ context: NIOSSLContext) {
        self.context = Mutex(context)
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    func replace(with context: NIOSSLContext) {
        self.context.withLock { $0 = context }
    }
}

/// Polls the certificate, key (and client CA) files every `reloadInterval` and swaps in a new TLS context
/// when any of them changed and the new files make a valid context. A broken pair (half-written rotation,
/// key of another certificate) is logged and counted, the old context stays, and the same files are not
/// retried until they change again. Polling rather than inotify: it works the same on every file system
/// and for the symbolic-link swaps of Kubernetes Secret volumes, at the cost of up to one interval of delay.
struct AdmissionCertificateReloader: Sendable {
    let configuration: AdmissionServerConfiguration
    let box: AdmissionTLSContextBox
    let metrics: AdmissionMetrics
    let logger: Logger

    private var paths: [String] {
        [configuration.certificatePath, configuration.privateKeyPath] + (configuration.clientCAPath.map { [$0] } ?? [])
    }

    func fingerprints() -> [FileFingerprint?] { paths.map { FileFingerprint(path: $0) } }

    /// Runs until cancelled.
    func run() async {
        var seen = fingerprints()
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.reloadInterval)
            } catch {
                return
            }
            let now = fingerprints()
            guard now != seen, !now.contains(where: { $0 == nil }) else { continue }
            seen = now
            reload()
        }
    }

    /// Builds a context from the files as they are now and installs it; false (old context kept) on failure.
    @discardableResult
    func reload() -> Bool {
        do {
            let context = try AdmissionTLSContext.make(configuration)
            box.replace(with: context)
            metrics.recordCertificateReload(success: true)
            logger.info("TLS certificate reloaded", metadata: ["certificate": .string(configuration.certificatePath)])
            return true
        } catch {
            metrics.recordCertificateReload(success: false)
            logger.error("TLS certificate reload refused; the previous certificate stays in use",
                         metadata: ["certificate": .string(configuration.certificatePath), "reason": .string("\(error)")])
            return false
        }
    }
}
