import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark scan` over a kustomization, end to end: the JSON report judges the merged object, names
/// the patch's line and carries the warning for what was not applied.
@Suite struct KustomizeCommandTests {
    @Test func scanJudgesTheRenderedObjectsAndWarns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-kustomize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        try write("deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: server}
        spec:
          template:
            spec:
              containers: [{name: server, image: registry.example.com/server:1.0}]
        """)
        try write("patch.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: server}
        spec:
          template:
            spec:
              containers:
                - name: server
                  securityContext: {runAsNonRoot: true, privileged: true}
        """)
        try write("kustomization.yaml", """
        resources: [deployment.yaml]
        patchesStrategicMerge: [patch.yaml]
        secretGenerator:
          - name: token
        """)
        let result = await CLI.run(["scan", directory.path, "--format", "json"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let ruleIds = findings.compactMap { $0["ruleId"] as? String }
        #expect(!ruleIds.contains("pss/run-as-non-root"))
        let privileged = try #require(findings.first { $0["ruleId"] as? String == "pss/privileged" })
        let location = try #require(privileged["location"] as? [String: Any])
        #expect((location["file"] as? String)?.hasSuffix("/patch.yaml") == true)
        #expect(location["line"] as? Int == 9)
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("secretGenerator") == true && $0["line"] as? Int == 3 })
        #expect((report["summary"] as? [String: Any])?["objects"] as? Int == 1)
    }
}
