import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import Testing

@testable import BulwarkAdmission

/// `AdmissionServer` over HTTPS on 127.0.0.1 (port 0), in a `ServiceGroup`, driven by AsyncHTTPClient:
/// the round trip, client certificates, a certificate reload under load, graceful shutdown.
@Suite(.serialized) struct AdmissionServerLiveTests {
    /// A server CA and a serving certificate written to a fresh directory.
    struct Fixture {
        let directory: TemporaryDirectory
        let serverCA: TestCertificateAuthority
        let configuration: AdmissionServerConfiguration

        init(clientCA: TestCertificateAuthority? = nil, reloadInterval: Duration = .milliseconds(50),
             shutdownGracePeriod: Duration = .seconds(3)) throws {
            directory = try TemporaryDirectory()
            serverCA = try TestCertificateAuthority("bulwark test server CA")
            let pair = try serverCA.issue("localhost", serial: 1001)
            try directory.write("tls.crt", pair.certificatePEM)
            try directory.write("tls.key", pair.keyPEM)
            var clientCAPath: String?
            if let clientCA {
                try directory.write("client-ca.crt", clientCA.certificatePEM)
                clientCAPath = directory.file("client-ca.crt")
            }
            configuration = AdmissionServerConfiguration(
                host: "127.0.0.1", port: 0, certificatePath: directory.file("tls.crt"),
                privateKeyPath: directory.file("tls.key"), clientCAPath: clientCAPath, deadline: .seconds(5),
                reloadInterval: reloadInterval, shutdownGracePeriod: shutdownGracePeriod)
        }
    }

    /// Runs the server in a service group until `body` returns, then shuts it down gracefully.
    static func withServer(_ configuration: AdmissionServerConfiguration, handler: StubAdmissionHandler,
                           metrics: AdmissionMetrics = AdmissionMetrics(),
                           _ body: @Sendable (_ port: Int, _ group: ServiceGroup) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = AdmissionServer(configuration: configuration, handler: handler, metrics: metrics, logger: quietLogger,
                                     onServerRunning: { continuation.yield($0) })
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [server], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(port, group)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A client for the test's duration, shut down afterwards whatever happens.
    static func withClient<Value>(trusting authorities: [TestCertificateAuthority],
                                  identity: (certificatePEM: String, keyPEM: String)? = nil,
                                  _ body: (HTTPClient) async throws -> Value) async throws -> Value {
        let client = try Self.client(trusting: authorities, identity: identity)
        do {
            let value = try await body(client)
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func client(trusting authorities: [TestCertificateAuthority],
                       identity: (certificatePEM: String, keyPEM: String)? = nil) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try authorities.map { try NIOSSLCertificate(bytes: Array($0.certificatePEM.utf8), format: .pem) })
        if let identity {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(identity.certificatePEM.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.keyPEM.utf8), format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        // AsyncHTTPClient retries a refused connection or handshake until the connect timeout (10 s by default).
        configuration.timeout = .init(connect: .seconds(1))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func validate(_ client: HTTPClient, port: Int, path: String = "/validate") async throws -> (Int, String) {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"kind":"AdmissionReview"}"#))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func validateIsAnsweredOverHTTPS() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let serverCA = fixture.serverCA
        try await Self.withServer(fixture.configuration, handler: StubAdmissionHandler()) { port, _ in
            try await Self.withClient(trusting: [serverCA]) { client in
                let (status, body) = try await Self.validate(client, port: port)
                #expect(status == 200)
                #expect(body == #"{"answer":"decision","bytes":26}"#)
            }
            // A client that does not trust the server's CA refuses the handshake.
            try await Self.withClient(trusting: [try TestCertificateAuthority("other CA")]) { stranger in
                await #expect(throws: (any Error).self) { _ = try await Self.validate(stranger, port: port) }
            }
        }
    }

    @Test func clientCertificatesAreRequiredWhenAClientCAIsConfigured() async throws {
        let clientCA = try TestCertificateAuthority("bulwark test client CA")
        let fixture = try Fixture(clientCA: clientCA)
        defer { fixture.directory.remove() }
        let serverCA = fixture.serverCA
        let apiServer = try clientCA.issue("kube-apiserver", serial: 7)
        let outsider = try TestCertificateAuthority("outsider CA").issue("kube-apiserver", serial: 8)
        try await Self.withServer(fixture.configuration, handler: StubAdmissionHandler()) { port, _ in
            try await Self.withClient(trusting: [serverCA]) { anonymous in
                await #expect(throws: (any Error).self) { _ = try await Self.validate(anonymous, port: port) }
            }
            try await Self.withClient(trusting: [serverCA], identity: outsider) { impostor in
                await #expect(throws: (any Error).self) { _ = try await Self.validate(impostor, port: port) }
            }
            try await Self.withClient(trusting: [serverCA], identity: apiServer) { trusted in
                let (status, _) = try await Self.validate(trusted, port: port)
                #expect(status == 200)
            }
        }
    }

    /// Requests run on kept-alive connections while the certificate and key are replaced by a pair from
    /// another CA: none fails, and a new connection that trusts only the new CA is served.
    @Test func theCertificateIsReloadedUnderLoadWithoutFailingRequests() async throws {
        let fixture = try Fixture(reloadInterval: .milliseconds(50))
        defer { fixture.directory.remove() }
        let oldCA = fixture.serverCA
        let newCA = try TestCertificateAuthority("bulwark rotated CA")
        let newPair = try newCA.issue("localhost", serial: 2002)
        let metrics = AdmissionMetrics()
        let directory = fixture.directory
        try await Self.withServer(fixture.configuration, handler: StubAdmissionHandler(), metrics: metrics) { port, _ in
            try await Self.withClient(trusting: [oldCA, newCA]) { loadClient in
                try await Self.withClient(trusting: [newCA]) { onlyNew in
                    // Before the rotation the new-CA client cannot connect.
                    await #expect(throws: (any Error).self) { _ = try await Self.validate(onlyNew, port: port) }
                    let stop = Tally()
                    let failures = Tally()
                    let served = Tally()
                    let rotated = try await withThrowingTaskGroup(of: Void.self) { load in
                        for _ in 0..<4 {
                            load.addTask {
                                while stop.value == 0 {
                                    do {
                                        let (status, _) = try await Self.validate(loadClient, port: port)
                                        (status == 200 ? served : failures).add()
                                    } catch {
                                        failures.add()
                                    }
                                }
                            }
                        }
                        // Let the load run, then rotate: key first, then certificate, as a careless rotation
                        // would (the mismatched moment is refused and the old pair kept).
                        while served.value < 50 { try await Task.sleep(for: .milliseconds(10)) }
                        try directory.write("tls.key", newPair.keyPEM)
                        try await Task.sleep(for: .milliseconds(200))
                        try directory.write("tls.crt", newPair.certificatePEM)
                        var rotated = false
                        for _ in 0..<200 where !rotated {
                            try await Task.sleep(for: .milliseconds(25))
                            rotated = (try? await Self.validate(onlyNew, port: port).0) == 200
                        }
                        let servedAtRotation = served.value
                        while served.value < servedAtRotation + 50 { try await Task.sleep(for: .milliseconds(10)) }
                        stop.add()
                        try await load.waitForAll()
                        return rotated
                    }
                    #expect(rotated)
                    #expect(failures.value == 0)
                    #expect(served.value >= 100)
                }
            }
            let text = String(decoding: metrics.exposition(), as: UTF8.self)
            #expect(text.contains(#"bulwark_admission_certificate_reloads_total{result="success"} 1"#))
        }
    }

    /// A broken pair (key of another certificate, unparsable certificate) is refused and the old one kept.
    @Test func aBrokenPairKeepsTheOldCertificate() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let metrics = AdmissionMetrics()
        let box = AdmissionTLSContextBox(try AdmissionTLSContext.make(fixture.configuration))
        let original = box.current
        let reloader = AdmissionCertificateReloader(configuration: fixture.configuration, box: box, metrics: metrics,
                                                    logger: quietLogger)
        let other = try fixture.serverCA.issue("localhost", serial: 3003)
        try fixture.directory.write("tls.key", other.keyPEM)
        #expect(!reloader.reload())
        #expect(box.current === original)
        try fixture.directory.write("tls.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        #expect(!reloader.reload())
        #expect(box.current === original)
        try fixture.directory.write("tls.crt", other.certificatePEM)
        #expect(reloader.reload())
        #expect(box.current !== original)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"bulwark_admission_certificate_reloads_total{result="failure"} 2"#))
        #expect(text.contains(#"bulwark_admission_certificate_reloads_total{result="success"} 1"#))
    }

    /// Graceful shutdown while requests are being judged (each takes ~300 ms): all of them are answered.
    @Test func gracefulShutdownLetsInFlightRequestsFinish() async throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let serverCA = fixture.serverCA
        let handler = StubAdmissionHandler(delay: .milliseconds(300))
        let count = 8
        try await Self.withServer(fixture.configuration, handler: handler) { port, group in
            try await Self.withClient(trusting: [serverCA]) { client in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { requests in
                    for _ in 0..<count {
                        requests.addTask { try await Self.validate(client, port: port).0 }
                    }
                    while handler.inFlight.current < count { try await Task.sleep(for: .milliseconds(5)) }
                    await group.triggerGracefulShutdown()
                    return try await requests.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: count))
            }
            // The listener is closed: a new connection is refused.
            try await Self.withClient(trusting: [serverCA]) { late in
                await #expect(throws: (any Error).self) { _ = try await Self.validate(late, port: port) }
            }
        }
    }
}
