import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import BulwarkAdmission

/// The webhook's routes in-process (HummingbirdTesting's `.router` framework), with a stub handler.
@Suite struct AdmissionServerRouterTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    static func server(_ handler: StubAdmissionHandler = StubAdmissionHandler(), maxBodyBytes: Int = 1024,
                       deadline: Duration = .seconds(30), metrics: AdmissionMetrics = AdmissionMetrics(),
                       logger: Logger = quietLogger) -> AdmissionServer {
        AdmissionServer(
            configuration: AdmissionServerConfiguration(certificatePath: "/nonexistent/tls.crt",
                                                        privateKeyPath: "/nonexistent/tls.key",
                                                        maxBodyBytes: maxBodyBytes, deadline: deadline),
            handler: handler, metrics: metrics, logger: logger)
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test(arguments: ["/validate", "/validate/enforce", "/validate/warn/baseline", "/validate/audit/restricted",
                      "/mutate", "/validate?timeout=10s"])
    func admissionPathsReachTheHandler(path: String) async throws {
        let app = Application(router: Self.server().makeRouter())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Self.body(response) == #"{"answer":"decision","bytes":2}"#)
        }
    }

    @Test(arguments: [("/validate/never", HTTPRequest.Method.post), ("/mutate/enforce", .post), ("/nothing", .post),
                      ("/validate/enforce/baseline/more", .post), ("/nothing", .get), ("/validate", .get)])
    func unknownPathsAreNotFoundAsJSON(path: String, method: HTTPRequest.Method) async throws {
        let app = Application(router: Self.server().makeRouter())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: method, headers: Self.json, body: ByteBuffer(string: "{}"))
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Self.body(response).hasPrefix(#"{"error":"#))
        }
    }

    @Test(arguments: [nil, "text/plain", "application/yaml", "application/jsonx"] as [String?])
    func otherContentTypesAreRefused(contentType: String?) async throws {
        let app = Application(router: Self.server().makeRouter())
        try await app.test(.router) { client in
            var headers: HTTPFields = [:]
            if let contentType { headers[.contentType] = contentType }
            let response = try await client.execute(uri: "/validate", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(response.status == .unsupportedMediaType)
            #expect(Self.body(response) == #"{"answer":"rejected","status":415}"#)
        }
    }

    @Test(arguments: ["application/json; charset=utf-8", "Application/JSON"])
    func jsonWithParametersIsAccepted(contentType: String) async throws {
        let app = Application(router: Self.server().makeRouter())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/validate", method: .post, headers: [.contentType: contentType],
                                                    body: ByteBuffer(string: "{}"))
            #expect(response.status == .ok)
        }
    }

    @Test func bodiesOverTheLimitAreRefusedWith413() async throws {
        let handler = StubAdmissionHandler()
        let app = Application(router: Self.server(handler, maxBodyBytes: 1024).makeRouter())
        try await app.test(.router) { client in
            let atLimit = try await client.execute(uri: "/validate", method: .post, headers: Self.json,
                                                   body: ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 1024)))
            #expect(atLimit.status == .ok)
            let over = try await client.execute(uri: "/validate", method: .post, headers: Self.json,
                                                body: ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 1025)))
            #expect(over.status == .contentTooLarge)
            #expect(Self.body(over) == #"{"answer":"rejected","status":413}"#)
        }
        #expect(handler.inFlight.total == 1)
    }

    /// A body without a declared length stops being read at the limit (the rest is never kept).
    @Test func collectingStopsAtTheLimit() async {
        let body = RequestBody(buffer: ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 100)))
        guard case .tooLarge = await AdmissionRouter.collect(body, limit: 99) else {
            Issue.record("expected tooLarge")
            return
        }
        guard case .complete(let bytes) = await AdmissionRouter.collect(body, limit: 100) else {
            Issue.record("expected the body")
            return
        }
        #expect(bytes.count == 100)
    }

    @Test(arguments: [true, false])
    func readinessFollowsTheHandler(ready: Bool) async throws {
        let app = Application(router: Self.server(StubAdmissionHandler(ready: ready)).makeRouter())
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let readiness = try await client.execute(uri: "/readyz", method: .get)
            #expect(readiness.status == (ready ? .ok : .serviceUnavailable))
        }
    }

    /// The handler sleeps far past the deadline: the answer is the handler's timeout response.
    @Test func theDeadlineAnswersWithTheTimeoutResponse() async throws {
        let metrics = AdmissionMetrics()
        let app = Application(router: Self.server(StubAdmissionHandler(delay: .seconds(600)), deadline: .milliseconds(50),
                                                  metrics: metrics).makeRouter())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/validate", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            #expect(response.status == .ok)
            #expect(Self.body(response) == #"{"answer":"timeout"}"#)
        }
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(#"decision="timeout""#))
    }

    /// Decisions that are CPU work and ignore cancellation, more of them than decision threads: every
    /// request still gets the timeout answer, because the timer does not wait for a decision thread.
    @Test func theDeadlineHoldsWhileTheDecisionThreadsAreBusy() async throws {
        let executor = AdmissionDecisionExecutor(threads: 1)
        let server = Self.server(StubAdmissionHandler(spin: .milliseconds(400)), deadline: .milliseconds(50))
        let app = Application(router: server.makeRouter(decisionExecutor: executor))
        try await app.test(.router) { client in
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let response = try await client.execute(uri: "/validate", method: .post, headers: Self.json,
                                                                body: ByteBuffer(string: "{}"))
                        return Self.body(response)
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers == Array(repeating: #"{"answer":"timeout"}"#, count: 4))
        }
        await executor.shutdown()
    }

    @Test func metricsCountRequestsByOperationKindAndDecision() async throws {
        let metrics = AdmissionMetrics()
        let app = Application(router: Self.server(metrics: metrics).makeRouter())
        try await app.test(.router) { client in
            for _ in 0..<2 {
                _ = try await client.execute(uri: "/validate", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            }
            _ = try await client.execute(uri: "/mutate", method: .post, headers: [:], body: ByteBuffer(string: "{}"))
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = Self.body(response)
            #expect(text.contains(#"bulwark_admission_requests_total{operation="validate",kind="Pod",decision="deny"} 2"#))
            #expect(text.contains(#"bulwark_admission_requests_total{operation="mutate",kind="other",decision="invalid"} 1"#))
            #expect(text.contains(#"bulwark_admission_violations_total{rule="k8s/privileged-container"} 2"#))
            #expect(text.contains("bulwark_admission_rule_evaluations_total 6"))
            #expect(text.contains("bulwark_admission_request_duration_seconds_count 3"))
            #expect(text.contains(#"bulwark_admission_request_duration_seconds_bucket{le="0.00025"}"#))
            #expect(text.contains("bulwark_admission_inflight_requests 0"))
        }
    }

    @Test(arguments: [("Pod", "Pod"), ("InferenceService", "InferenceService"), ("", "other"),
                      (#"Pod"} 1"#, "other"), ("Pöd", "other"), (String(repeating: "K", count: 64), "other"),
                      ("v1.Pod_x-y", "v1.Pod_x-y")])
    func kindLabelsAreSanitised(kind: String, label: String) {
        #expect(AdmissionMetrics().kindLabel(kind) == label)
    }

    @Test func kindLabelsAreBounded() {
        let metrics = AdmissionMetrics()
        for index in 0..<AdmissionMetrics.maximumKinds { #expect(metrics.kindLabel("Kind\(index)") == "Kind\(index)") }
        #expect(metrics.kindLabel("OneTooMany") == "other")
        #expect(metrics.kindLabel("Kind0") == "Kind0")
    }

    @Test func certificateReloadsAreCounted() {
        let metrics = AdmissionMetrics()
        metrics.recordCertificateReload(success: true)
        metrics.recordCertificateReload(success: false)
        metrics.recordCertificateReload(success: false)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"bulwark_admission_certificate_reloads_total{result="success"} 1"#))
        #expect(text.contains(#"bulwark_admission_certificate_reloads_total{result="failure"} 2"#))
    }

    /// Every admission request is logged once, as one JSON object with the fields the docs list.
    @Test func eachRequestIsLoggedOnceAsJSON() async throws {
        let lines = LogLines()
        let logger = Logger(label: "bulwark.admission") { label in
            AdmissionJSONLogHandler(label: label, write: { lines.append($0) })
        }
        let app = Application(router: Self.server(logger: logger).makeRouter(),
                              logger: Logger(label: "hb") { _ in SwiftLogNoOpLogHandler() })
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/validate/enforce", method: .post, headers: Self.json,
                                         body: ByteBuffer(string: #"{"secret":"s3cr3t"}"#))
        }
        let logged = lines.all
        try #require(logged.count == 1)
        #expect(logged[0].hasSuffix("}\n"))
        #expect(!logged[0].contains("s3cr3t"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(logged[0].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "admission request")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
        #expect(object["uid"] as? String == "uid-1")
        #expect(object["kind"] as? String == "Pod")
        #expect(object["namespace"] as? String == "ml")
        #expect(object["operation"] as? String == "validate")
        #expect(object["decision"] as? String == "deny")
        #expect(object["path"] as? String == "/validate/enforce")
        #expect(object["duration_ms"] is NSNumber)
        #expect(object["violations"] as? [String] == ["k8s/privileged-container"])
        #expect(object["dryRun"] as? Bool == false)
        #expect(object["status"] as? Int == 200)
    }

    @Test func logLinesFlattenMetadataAndEscape() throws {
        let line = AdmissionJSONLogHandler.line(
            time: Date(timeIntervalSince1970: 0), level: .error, message: "a \"quoted\"\nline", label: "l",
            metadata: ["tls": ["serial": "01"], "message": "clash", "count": .stringConvertible(3)])
        #expect(line == #"{"time":"1970-01-01T00:00:00.000Z","level":"error","message":"a \"quoted\"\nline","label":"l","count":3,"metadata.message":"clash","tls.serial":"01"}"# + "\n")
    }
}
