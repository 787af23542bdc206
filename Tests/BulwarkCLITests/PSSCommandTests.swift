import BulwarkTestSupport
import Foundation
import Testing

@Suite struct PSSCommandTests {
    @Test func hardenedExampleIsAllowedAtRestricted() async throws {
        let result = await CLI.run(["pss", "--level", "restricted", "examples/inference-stack/hardened/k8s", "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0["allowed"] as? Bool == true })
    }

    @Test func insecureExampleIsForbiddenAtRestrictedWithReferenceReasons() async throws {
        let result = await CLI.run(["pss", "--level", "restricted", "examples/inference-stack/k8s", "--format", "json"])
        #expect(result.status == 1)
        let entries = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        let checks = (entries.first?["violations"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
        #expect(checks == ["privileged", "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"])
    }

    @Test func namespaceLabelsDecideWithoutLevel() throws {
        let text = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: strict
          labels: {pod-security.kubernetes.io/enforce: baseline}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: strict}
        spec:
          hostNetwork: true
          containers: [{name: c, image: nginx}]
        """
        let result = try CommandRunner.run(["pss", "-", "--format", "json"], stdin: text)
        #expect(result.status == 1)
        let entries = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(entries.first?["level"] as? String == "baseline")
        #expect((entries.first?["violations"] as? [[String: Any]])?.first?["check"] as? String == "hostNamespaces")
    }

    @Test func badLevelIsAUsageError() async throws {
        #expect(await CLI.run(["pss", "--level", "strict", "examples"]).status == 2)
    }
}
