import BulwarkTestSupport
import Foundation
import Testing

@Suite struct FixManifestsCommandTests {
    static let example = "examples/inference-stack/k8s"

    /// A fresh copy of the insecure example in its own temporary directory.
    static func copyOfExample() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-fix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = CommandRunner.packageRoot.appendingPathComponent(example)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    @Test func writtenExamplePassesPSSRestrictedAndHasNoHighPodFindings() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)

        let fix = try CommandRunner.run(["fix", "manifests", directory.path, "--write"])
        #expect(fix.status == 0, "\(fix.stderr)")
        #expect(fix.stdout.isEmpty)
        #expect(fix.stderr.contains("fixed \(directory.path)/deployment.yaml"))
        let fixed = try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)
        #expect(fixed != original)
        #expect(fixed.hasPrefix("# INTENTIONALLY INSECURE"))

        let pss = try CommandRunner.run(["pss", "--level", "restricted", directory.path, "--format", "json"])
        #expect(pss.status == 0, "\(pss.stdout)\n\(pss.stderr)")

        let scan = try CommandRunner.run(["scan", directory.path, "--format", "json", "--fail-on", "none"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: scan.stdoutData) as? [String: Any])
        let high = (report["findings"] as? [[String: Any]] ?? []).filter { ["high", "critical"].contains($0["severity"] as? String) }
        let rules = Set(high.compactMap { $0["ruleId"] as? String })
        #expect(rules.isSubset(of: ["secret/plaintext-secret", "k8s/service-exposed", "rbac/workload-cluster-admin"]), "\(rules)")

        // Idempotent: a second --write changes nothing.
        let again = try CommandRunner.run(["fix", "manifests", directory.path, "--write"])
        #expect(again.status == 0)
        #expect(!again.stderr.contains("fixed "))
        #expect(try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8) == fixed)
    }

    @Test func singleFileGoesToStandardOutputAsIs() throws {
        let result = try CommandRunner.run(["fix", "manifests", "\(Self.example)/deployment.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# INTENTIONALLY INSECURE"))
        #expect(!result.stdout.contains("--- # file:"))
        #expect(result.stdout.contains("readOnlyRootFilesystem: true"))
        #expect(result.stdout.contains("# bulwark: review these defaults"))
    }

    @Test func severalFilesAreSeparatedByFileMarkers() throws {
        let result = try CommandRunner.run(["fix", "manifests", Self.example])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["deployment.yaml", "namespace.yaml", "rbac.yaml", "secret.yaml", "service.yaml"] {
            #expect(result.stdout.contains("--- # file: \(Self.example)/\(name)\n"), "\(name)")
        }
        // The concatenation is one valid YAML stream.
        let pss = try CommandRunner.run(["pss", "--level", "restricted", "-", "--format", "json"], stdin: result.stdout)
        #expect(pss.status == 0, "\(pss.stdout)\n\(pss.stderr)")
    }

    @Test func diffShowsOnlyTheChangedFile() throws {
        let result = try CommandRunner.run(["fix", "manifests", Self.example, "--diff"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("--- \(Self.example)/deployment.yaml\n+++ \(Self.example)/deployment.yaml\n@@ "))
        #expect(result.stdout.contains("\n+        runAsNonRoot: true\n"))
        #expect(!result.stdout.contains("service.yaml"))
        #expect(!result.stdout.contains("\n-"), "the fix only adds lines to the example")
    }

    @Test func standardInputAndWarningsOnStandardError() throws {
        let input = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: c, image: registry.example.com/c:1}]
          volumes: [{name: h, hostPath: {path: /var/lib/data}}]

        """
        let result = try CommandRunner.run(["fix", "manifests", "-"], stdin: input)
        #expect(result.status == 0)
        #expect(result.stdout.contains("automountServiceAccountToken: false"))
        #expect(result.stdout.contains("hostPath: {path: /var/lib/data}"))
        #expect(result.stderr.contains("warning: -:6: Pod p keeps hostPath volume \"h\" (/var/lib/data)"))
        #expect(!result.stdout.contains("warning"))
    }

    @Test(arguments: [
        ["fix", "manifests", "examples", "--write", "--diff"],
        ["fix", "manifests", "-", "--write"],
        ["fix", "manifests"],
        ["fix", "manifests", "examples", "--uid", "0"],
    ])
    func badFlagsAreUsageErrors(_ arguments: [String]) throws {
        #expect(try CommandRunner.run(arguments).status == 2)
    }

    @Test func unparsableInputExitsWithTwoAndIsNotPrinted() throws {
        let result = try CommandRunner.run(["fix", "manifests", "-"], stdin: "kind: Pod\nspec: {containers: [\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }
}
