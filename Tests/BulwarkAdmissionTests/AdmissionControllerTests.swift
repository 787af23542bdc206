@testable import BulwarkAdmission
import BulwarkKubernetes
import BulwarkCore
import Foundation
import Testing

@Suite struct AdmissionControllerTests {
    typealias F = AdmissionFixtures

    func answer(_ controller: AdmissionController = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce)),
                _ route: AdmissionRoute = AdmissionRoute(operation: .validate), body: [UInt8]) async throws
        -> (F.Answer, AdmissionHTTPResponse) {
        let response = await controller.handle(route, body: body)
        #expect(response.status == 200)
        return (try F.answer(response.body), response)
    }

    @Test func hardenedPodIsAllowed() async throws {
        let (answer, response) = try await answer(body: F.review(F.hardenedPod))
        #expect(answer.allowed, "\(answer.message ?? "")")
        #expect(answer.uid == "0b3c9a7e-1")
        #expect(answer.apiVersion == "admission.k8s.io/v1")
        #expect(response.outcome.decision == .allow)
        #expect(response.outcome.rulesEvaluated > 50)
        // The request's namespace is the object's: k8s/default-namespace must not fire on an object without one.
        #expect(!response.outcome.violations.contains("k8s/default-namespace"))
    }

    @Test func enforceDeniesWithEveryViolation() async throws {
        let (answer, response) = try await answer(body: F.review(F.insecurePod))
        #expect(!answer.allowed)
        #expect(answer.code == 403)
        let message = try #require(answer.message)
        #expect(message.hasPrefix("bulwark denied Pod ml/app: "))
        #expect(message.contains("[pss/privileged] container vllm: "))
        #expect(message.contains("Fix: "))
        #expect(message.contains("(field spec.containers[0].securityContext.privileged)"))
        #expect(response.outcome.decision == .deny)
        #expect(response.outcome.violations.contains("pss/privileged"))
        #expect(answer.warnings.isEmpty)
    }

    @Test func warnModeAdmitsWithShortWarnings() async throws {
        let (answer, response) = try await answer(AdmissionController(configuration: AdmissionConfiguration(mode: .enforce)),
                                                  AdmissionRoute(operation: .validate, mode: .warn), body: F.review(F.insecurePod))
        #expect(answer.allowed)
        #expect(!answer.warnings.isEmpty)
        #expect(answer.warnings.allSatisfy { $0.count <= 120 })
        #expect(answer.warnings.contains { $0.hasPrefix("[pss/privileged] container vllm: ") })
        #expect(response.outcome.decision == .warn)
    }

    @Test func auditModeAnnotates() async throws {
        let config = AdmissionConfiguration(mode: .warn, namespaces: ["ml": .init(mode: .audit)])
        let (answer, response) = try await answer(AdmissionController(configuration: config),
                                                  AdmissionRoute(operation: .validate, mode: .enforce), body: F.review(F.insecurePod))
        #expect(answer.allowed)
        #expect(answer.warnings.isEmpty)
        #expect(answer.auditAnnotations["mode"] == "audit")
        #expect(answer.auditAnnotations["violations"]?.contains("pss/privileged container=vllm") == true)
        #expect(response.outcome.decision == .audit)
    }

    @Test func dryRunIsJudgedTheSameAndMarked() async throws {
        let (answer, response) = try await answer(body: F.review(F.insecurePod, dryRun: true))
        #expect(!answer.allowed)
        #expect(response.outcome.dryRun)
    }

    @Test func updateEnforcesOnlyNewViolations() async throws {
        let hostNetwork = F.insecurePod.replacingOccurrences(of: "spec:\n", with: "spec:\n  hostNetwork: true\n")
        let (answer, response) = try await answer(body: F.review(hostNetwork, operation: "UPDATE", oldObject: F.insecurePod))
        #expect(!answer.allowed)
        let message = try #require(answer.message)
        #expect(message.contains("[pss/host-namespaces]"))
        #expect(!message.contains("[pss/privileged]"))
        #expect(answer.warnings.contains { $0.hasPrefix("[pss/privileged]") })
        #expect(response.outcome.violations.contains("pss/privileged"))
        // Unchanged violations alone: admitted with warnings.
        let (same, _) = try await self.answer(body: F.review(F.insecurePod, operation: "UPDATE", oldObject: F.insecurePod))
        #expect(same.allowed)
        #expect(!same.warnings.isEmpty)
        // `updates: all` enforces them again.
        let all = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce, updates: .all))
        let (strict, _) = try await self.answer(all, body: F.review(F.insecurePod, operation: "UPDATE", oldObject: F.insecurePod))
        #expect(!strict.allowed)
    }

    @Test func deleteIsAllowedUnjudged() async throws {
        let (answer, response) = try await answer(body: F.review(nil, kind: "Pod", operation: "DELETE", oldObject: F.insecurePod))
        #expect(answer.allowed)
        #expect(response.outcome.rulesEvaluated == 0)
    }

    @Test func exemptions() async throws {
        let config = AdmissionConfiguration(mode: .enforce, exempt: .init(namespaces: ["kube-system"], users: ["ci-bot"], groups: ["ops"],
                                                                           labels: ["bulwark.dev/exempt": "true"]))
        let controller = AdmissionController(configuration: config)
        for body in [F.review(F.insecurePod, namespace: "kube-system"), F.review(F.insecurePod, username: "ci-bot"),
                     F.review(F.insecurePod, groups: ["ops"]),
                     F.review(F.insecurePod.replacingOccurrences(of: "  name: app\n", with: "  name: app\n  labels:\n    bulwark.dev/exempt: \"true\"\n"))] {
            let (answer, response) = try await answer(controller, body: body)
            #expect(answer.allowed)
            #expect(response.outcome.decision == .exempt)
            #expect(answer.auditAnnotations["exempt"] != nil)
        }
        let (denied, _) = try await answer(controller, body: F.review(F.insecurePod, username: "mallory"))
        #expect(!denied.allowed)
    }

    @Test func baselineLevelSkipsRestrictedRules() async throws {
        let rootPod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
                - name: app
                  image: registry.example.com/app:1.0
            """
        let (restricted, _) = try await answer(AdmissionController(configuration: AdmissionConfiguration(mode: .enforce)),
                                               AdmissionRoute(operation: .validate, mode: .enforce, level: .restricted), body: F.review(rootPod))
        #expect(!restricted.allowed)
        #expect(restricted.message?.contains("[pss/run-as-non-root]") == true)
        let (baseline, response) = try await answer(AdmissionController(configuration: AdmissionConfiguration(mode: .enforce)),
                                                    AdmissionRoute(operation: .validate, mode: .enforce, level: .baseline), body: F.review(rootPod))
        #expect(baseline.allowed, "\(baseline.message ?? "")")
        #expect(response.outcome.decision == .allow)
    }

    @Test func objectSuppressionsDoNotBypassAdmission() async throws {
        let suppressed = F.insecurePod.replacingOccurrences(
            of: "  name: app\n", with: "  name: app\n  annotations:\n    bulwark.dev/ignore: \"pss/privileged: trust me\"\n")
        let (answer, _) = try await answer(body: F.review(suppressed))
        #expect(!answer.allowed)
        #expect(answer.message?.contains("[pss/privileged]") == true)
    }

    @Test func malformedBodiesAreRejectedWithAReason() async throws {
        let controller = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce))
        let route = AdmissionRoute(operation: .validate)
        let cases: [([UInt8], String)] = [
            (Array("{\"apiVersion\": ".utf8), "not valid JSON"),
            (Array("[]".utf8), "not a JSON object"),
            (F.review(F.hardenedPod, apiVersion: "admission.k8s.io/v2"), "apiVersion is \"admission.k8s.io/v2\""),
            (Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8), "no request"),
            (Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","operation":"CREATE","kind":{"version":"v1","kind":"Pod"},"object":{"kind":"Pod"},"object":{}}}"#.utf8),
             "appears twice"),
            (Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","operation":"PATCH","kind":{"version":"v1","kind":"Pod"}}}"#.utf8),
             "request.operation is \"PATCH\""),
            (Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","operation":"CREATE","kind":{"version":"v1","kind":"Pod"},"object":"x"}}"#.utf8),
             "request.object is not an object"),
        ]
        for (body, reason) in cases {
            let response = await controller.handle(route, body: body)
            #expect(response.status == 400, "\(reason)")
            #expect(response.outcome.decision == .invalid)
            #expect(response.outcome.reason?.contains(reason) == true, "\(response.outcome.reason ?? "") should say \(reason)")
        }
    }

    @Test func v1beta1IsAnsweredInKind() async throws {
        let (answer, _) = try await answer(body: F.review(F.insecurePod, apiVersion: "admission.k8s.io/v1beta1"))
        #expect(answer.apiVersion == "admission.k8s.io/v1beta1")
        #expect(!answer.allowed)
    }

    @Test func timeoutAnswersWithTheFailureMode() async throws {
        let controller = AdmissionController(configuration: AdmissionConfiguration(mode: .warn))
        let enforced = controller.timeoutResponse(AdmissionRoute(operation: .validate, mode: .enforce), body: F.review(F.insecurePod))
        #expect(try F.answer(enforced.body).allowed == false)
        #expect(enforced.outcome.decision == .timeout)
        let warned = controller.timeoutResponse(AdmissionRoute(operation: .validate, mode: .warn), body: F.review(F.insecurePod))
        #expect(try F.answer(warned.body).allowed)
        let mutate = controller.timeoutResponse(AdmissionRoute(operation: .mutate), body: F.review(F.insecurePod))
        #expect(try F.answer(mutate.body).allowed)
    }

    @Test func mutationAddsOnlyMissingFieldsAndTheResultValidates() async throws {
        let plain = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app}
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      image: registry.example.com/app:1.0
                      securityContext: {allowPrivilegeEscalation: true}
            """
        let controller = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce))
        let (answer, response) = try await answer(controller, AdmissionRoute(operation: .mutate), body: F.review(plain))
        #expect(answer.allowed)
        #expect(response.outcome.decision == .mutate)
        let patch = try #require(answer.patch)
        #expect(patch.allSatisfy { $0["op"] as? String == "add" })
        // The explicit `allowPrivilegeEscalation: true` is the user's: never overridden.
        #expect(!patch.contains { ($0["path"] as? String)?.hasSuffix("allowPrivilegeEscalation") == true })
        let request = try AdmissionReviewCodec.decode(F.review(plain)).get()
        let operations = HardeningPatch.operations(for: try #require(request.object))
        let patched = try HardeningPatch.apply(operations, to: try #require(request.object)).get()
        let before = Set(controller.judge(try #require(request.object), request: request, rules: ["pss/seccomp-profile-restricted", "pss/capabilities-restricted", "pss/allow-privilege-escalation"]).violations.map(\.ruleId))
        let after = Set(controller.judge(patched, request: request, rules: ["pss/seccomp-profile-restricted", "pss/capabilities-restricted", "pss/allow-privilege-escalation"]).violations.map(\.ruleId))
        #expect(before == ["pss/seccomp-profile-restricted", "pss/capabilities-restricted", "pss/allow-privilege-escalation"])
        #expect(after == ["pss/allow-privilege-escalation"])
        // Mutation switched off: admitted without a patch.
        let off = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce, mutation: .init(enabled: false)))
        #expect(try await self.answer(off, AdmissionRoute(operation: .mutate), body: F.review(plain)).0.patch == nil)
    }

    @Test func controlCharactersInObjectValuesAreNotEchoed() async throws {
        let nasty = F.insecurePod.replacingOccurrences(of: "name: vllm", with: "name: \"vllm\\e[31m\"")
        let (answer, _) = try await answer(body: F.review(nasty))
        #expect(answer.message?.contains("\u{1B}") == false)
    }
}
