import BulwarkCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import BulwarkAdmission

/// The acceptance cases of the webhook in-process: the real `AdmissionController` behind the server's
/// routes (HummingbirdTesting's `.router` framework), bodies as the API server sends them.
@Suite struct AdmissionWebhookRouterTests {
    typealias F = AdmissionFixtures
    static let json: HTTPFields = [.contentType: "application/json"]

    static func app(_ configuration: AdmissionConfiguration = AdmissionConfiguration(mode: .enforce, exempt: .init(namespaces: ["kube-system"], users: ["ci-bot"])),
                    maxBodyBytes: Int = 3 * 1024 * 1024) -> some ApplicationProtocol {
        let server = AdmissionServer(
            configuration: AdmissionServerConfiguration(certificatePath: "/nonexistent", privateKeyPath: "/nonexistent",
                                                        maxBodyBytes: maxBodyBytes, deadline: .seconds(30)),
            handler: AdmissionController(configuration: configuration), metrics: AdmissionMetrics(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return Application(router: server.makeRouter())
    }

    static func post(_ path: String, _ body: [UInt8], app: some ApplicationProtocol = app()) async throws -> (HTTPResponse.Status, [UInt8]) {
        try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .post, headers: json, body: ByteBuffer(bytes: body))
            return (response.status, Array(buffer: response.body))
        }
    }

    @Test func allow() async throws {
        let (status, body) = try await Self.post("/validate", F.review(F.hardenedPod))
        #expect(status == .ok)
        #expect(try F.answer(body).allowed)
    }

    @Test func deny() async throws {
        let (status, body) = try await Self.post("/validate/enforce/restricted", F.review(F.insecurePod))
        #expect(status == .ok)
        let answer = try F.answer(body)
        #expect(!answer.allowed)
        #expect(answer.code == 403)
        #expect(answer.message?.contains("[pss/privileged] container vllm") == true)
    }

    @Test func warn() async throws {
        let answer = try F.answer(try await Self.post("/validate/warn", F.review(F.insecurePod)).1)
        #expect(answer.allowed)
        #expect(answer.warnings.contains { $0.hasPrefix("[pss/privileged]") })
        #expect(answer.warnings.allSatisfy { $0.count <= 120 })
    }

    @Test func audit() async throws {
        let answer = try F.answer(try await Self.post("/validate/audit", F.review(F.insecurePod)).1)
        #expect(answer.allowed)
        #expect(answer.auditAnnotations["violations"]?.contains("pss/privileged") == true)
    }

    @Test func dryRun() async throws {
        let answer = try F.answer(try await Self.post("/validate", F.review(F.insecurePod, dryRun: true)).1)
        #expect(!answer.allowed)
    }

    @Test func updateWithOldObject() async throws {
        let answer = try F.answer(try await Self.post("/validate", F.review(F.insecurePod, operation: "UPDATE", oldObject: F.insecurePod)).1)
        #expect(answer.allowed)
        #expect(answer.warnings.contains { $0.hasPrefix("[pss/privileged]") && $0.contains("already so") || $0.hasSuffix("…") })
    }

    @Test func mutation() async throws {
        let answer = try F.answer(try await Self.post("/mutate", F.review(F.insecurePod)).1)
        #expect(answer.allowed)
        let patch = try #require(answer.patch)
        #expect(!patch.isEmpty)
        #expect(patch.allSatisfy { $0["op"] as? String == "add" })
    }

    @Test func malformedJSON() async throws {
        let (status, body) = try await Self.post("/validate", Array("{\"apiVersion\":".utf8))
        #expect(status == .badRequest)
        #expect(String(decoding: body, as: UTF8.self).contains("not valid JSON"))
    }

    @Test func oversizedBody() async throws {
        let big = F.review(F.hardenedPod) + [UInt8](repeating: 0x20, count: 4096)
        let (status, _) = try await Self.post("/validate", big, app: Self.app(maxBodyBytes: 2048))
        #expect(status == .contentTooLarge)
    }

    @Test func wrongAPIVersion() async throws {
        let (status, body) = try await Self.post("/validate", F.review(F.hardenedPod, apiVersion: "admission.k8s.io/v2"))
        #expect(status == .badRequest)
        #expect(String(decoding: body, as: UTF8.self).contains("admission.k8s.io/v2"))
    }

    @Test func exemptNamespaceAndUser() async throws {
        for body in [F.review(F.insecurePod, namespace: "kube-system"), F.review(F.insecurePod, username: "ci-bot")] {
            let answer = try F.answer(try await Self.post("/validate/enforce", body).1)
            #expect(answer.allowed)
            #expect(answer.auditAnnotations["exempt"] != nil)
        }
    }
}
