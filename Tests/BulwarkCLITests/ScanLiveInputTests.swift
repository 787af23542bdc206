import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark scan` on what users point it at in practice: a repository with CI and build folders,
/// and `kubectl get … -o yaml` piped in.
@Suite struct ScanLiveInputTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: result.stdoutData)
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(result.stdout.prefix(400))")
    }

    static let privilegedPod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: ci-runner, namespace: ci}
    spec:
      containers: [{name: c, image: registry.example.com/runner:1.0, securityContext: {privileged: true}}]

    """

    /// A privileged Pod under `.buildkite/` is found (exit 1); a real SwiftPM `.build` is skipped
    /// and named with the marker that identified it.
    @Test func ciFoldersAreScannedAndBuildFoldersNamed() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".buildkite"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".build/checkouts"), withIntermediateDirectories: true)
        try Self.privilegedPod.write(to: root.appendingPathComponent(".buildkite/pod.yaml"), atomically: true, encoding: .utf8)
        try Self.privilegedPod.write(to: root.appendingPathComponent(".build/checkouts/pod.yaml"), atomically: true, encoding: .utf8)
        let result = await CLI.run(["scan", root.path])
        #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains(".buildkite/pod.yaml"))
        #expect(result.stdout.contains("Not read:"))
        #expect(result.stdout.contains("SwiftPM build folder (holds checkouts), not walked"))
        let report = try json(await CLI.run(["scan", root.path, "--format", "json"]))
        let skipped = try #require(report["skipped"] as? [[String: Any]])
        #expect(skipped.compactMap { $0["path"] as? String }.map { URL(fileURLWithPath: $0).lastPathComponent } == [".build"])
    }

    /// `kubectl get all -o yaml | bulwark scan -`: one finding for a Deployment, its ReplicaSet and Pods.
    @Test func aPipedDumpReportsADeploymentOnce() throws {
        func owner(_ kind: String, _ name: String, _ uid: String) -> String {
            "ownerReferences: [{apiVersion: apps/v1, kind: \(kind), name: \(name), uid: \(uid), controller: true}]"
        }
        let container = "containers: [{name: c, image: registry.example.com/server:1.0, securityContext: {privileged: true}}]"
        let dump = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: web-6f-1, namespace: ml, uid: p1, \(owner("ReplicaSet", "web-6f", "r1"))}
          spec: {\(container)}
          status: {phase: Running}
        - apiVersion: v1
          kind: Pod
          metadata: {name: web-6f-2, namespace: ml, uid: p2, \(owner("ReplicaSet", "web-6f", "r1"))}
          spec: {\(container)}
          status: {phase: Running}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: ml, uid: d1}
          spec: {template: {spec: {\(container)}}}
          status: {replicas: 2}
        - apiVersion: apps/v1
          kind: ReplicaSet
          metadata: {name: web-6f, namespace: ml, uid: r1, \(owner("Deployment", "web", "d1"))}
          spec: {template: {spec: {\(container)}}}

        """
        let result = try CommandRunner.run(["scan", "-", "--format", "json"], stdin: dump)
        #expect(result.status == 1)
        let findings = try #require(try json(result)["findings"] as? [[String: Any]])
        let privileged = findings.filter { $0["ruleId"] as? String == "pss/privileged" }
        #expect(privileged.count == 1)
        #expect((privileged.first?["message"] as? String)?.hasSuffix("(also in 1 ReplicaSet and 2 Pods of this Deployment)") == true)
        let kinds = Set(findings.compactMap { ($0["object"] as? [String: Any])?["kind"] as? String })
        #expect(kinds.isDisjoint(with: ["Pod", "ReplicaSet"]), "\(kinds)")
    }
}
