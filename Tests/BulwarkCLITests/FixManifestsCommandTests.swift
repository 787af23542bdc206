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

    /// The findings of a JSON scan report.
    static func findings(of directory: URL) async throws -> [[String: Any]] {
        let scan = await CLI.run(["scan", directory.path, "--format", "json", "--fail-on", "none"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: scan.stdoutData) as? [String: Any])
        return report["findings"] as? [[String: Any]] ?? []
    }

    static func highRules(_ findings: [[String: Any]]) -> Set<String> {
        Set(findings.filter { ["high", "critical"].contains($0["severity"] as? String) }.compactMap { $0["ruleId"] as? String })
    }

    /// Issue 4's acceptance: the fixed example passes `pss --level restricted` and scans with no
    /// high (or critical) finding; the sealed Secret unseals, with the matching key, to the
    /// original plaintext.
    @Test func writtenExamplePassesPSSRestrictedAndHasNoHighFindings() async throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try PythonUnsealer.makeKey()
        let certificate = directory.appendingPathComponent("controller-cert.pem")
        try Data(key.certificatePEM.utf8).write(to: certificate)
        let original = try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)
        let before = Self.highRules(try await Self.findings(of: directory))
        #expect(before.isSuperset(of: ["k8s/service-exposed", "rbac/workload-cluster-admin", "secret/plaintext-secret", "pss/run-as-non-root"]), "\(before)")

        let fix = await CLI.run(["fix", "manifests", directory.path, "--write", "--seal-cert", certificate.path])
        #expect(fix.status == 0, "\(fix.stderr)")
        #expect(fix.stdout.isEmpty)
        for name in ["deployment.yaml", "namespace.yaml", "rbac.yaml", "secret.yaml", "service.yaml"] {
            #expect(fix.stderr.contains("fixed \(directory.path)/\(name)"), "\(name): \(fix.stderr)")
        }
        let fixed = try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)
        #expect(fixed != original)
        #expect(fixed.hasPrefix("# INTENTIONALLY INSECURE"))

        let pss = await CLI.run(["pss", "--level", "restricted", directory.path, "--format", "json"])
        #expect(pss.status == 0, "\(pss.stdout)\n\(pss.stderr)")
        let findings = try await Self.findings(of: directory)
        #expect(Self.highRules(findings).isEmpty, "\(findings.filter { ["high", "critical"].contains($0["severity"] as? String) })")
        let scan = await CLI.run(["scan", directory.path, "--fail-on", "high"])
        #expect(scan.status == 0, "\(scan.stdout)")

        // The SealedSecret is real: Python's cryptography unseals it with the controller's key.
        let sealed = try String(contentsOf: directory.appendingPathComponent("secret.yaml"), encoding: .utf8)
        #expect(sealed.contains("kind: SealedSecret"))
        #expect(!sealed.contains("eyJhdXRocyI6"), "the plaintext (base64) is gone")
        let blob = try #require(sealed.split(separator: "\n").first { $0.contains(".dockerconfigjson\":") }?
            .split(separator: " ").last.map(String.init))
        let outcome = try PythonUnsealer.unseal([.init(blob: blob, label: "ml-inference/registry-credentials")], privateKeyPEM: key.privateKeyPEM)
        #expect(outcome.first?.ok == true, "\(outcome)")
        let plaintext = String(decoding: outcome.first?.plaintextBytes ?? [], as: UTF8.self)
        #expect(plaintext.contains("\"password\":\"fake-password-for-example-only\""))

        // Idempotent: a second --write changes nothing.
        let snapshot = try Self.contents(of: directory)
        let again = await CLI.run(["fix", "manifests", directory.path, "--write", "--seal-cert", certificate.path])
        #expect(again.status == 0)
        #expect(!again.stderr.contains("fixed "), "\(again.stderr)")
        #expect(try Self.contents(of: directory) == snapshot)
    }

    /// The example README's command, with the committed certificate (its key was discarded).
    @Test func readmeCommandWithTheCommittedCertificateLeavesNoHighFinding() async throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = "examples/inference-stack/sealed-secrets-cert.pem"
        let diff = await CLI.run(["fix", "manifests", Self.example, "--diff", "--seal-cert", certificate])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("+kind: SealedSecret\n"))
        #expect(!diff.stderr.contains("warning: \(certificate)"), "the committed certificate has not expired: \(diff.stderr)")
        let fix = await CLI.run(["fix", "manifests", directory.path, "--write", "--seal-cert", certificate])
        #expect(fix.status == 0, "\(fix.stderr)")
        #expect(Self.highRules(try await Self.findings(of: directory)).isEmpty)
    }

    static func contents(of directory: URL) throws -> [String: String] {
        var contents: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            contents[name] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return contents
    }

    /// Without a certificate the plaintext Secret is the one high finding left, with a warning that
    /// says how to seal it; --workloads-only leaves everything but the pod specs.
    @Test func withoutCertificateOnlyThePlaintextSecretRemains() async throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fix = await CLI.run(["fix", "manifests", directory.path, "--write"])
        #expect(fix.status == 0, "\(fix.stderr)")
        #expect(fix.stderr.contains("is a plaintext Secret; left unchanged — give --seal-cert CERT"))
        #expect(Self.highRules(try await Self.findings(of: directory)) == ["secret/plaintext-secret"])

        let other = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: other) }
        let workloads = await CLI.run(["fix", "manifests", other.path, "--write", "--workloads-only"])
        #expect(workloads.status == 0, "\(workloads.stderr)")
        #expect(workloads.stderr.contains("fixed \(other.path)/deployment.yaml"))
        #expect(!workloads.stderr.contains("fixed \(other.path)/service.yaml"))
        #expect(Self.highRules(try await Self.findings(of: other)) == ["secret/plaintext-secret", "k8s/service-exposed", "rbac/workload-cluster-admin"])
    }

    @Test func singleFileGoesToStandardOutputAsIs() async throws {
        let result = await CLI.run(["fix", "manifests", "\(CLI.repo(Self.example))/deployment.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# INTENTIONALLY INSECURE"))
        #expect(!result.stdout.contains("--- # file:"))
        #expect(result.stdout.contains("readOnlyRootFilesystem: true"))
        #expect(result.stdout.contains("# bulwark: review these defaults"))
    }

    @Test func severalFilesAreSeparatedByFileMarkers() async throws {
        let result = await CLI.run(["fix", "manifests", Self.example])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["deployment.yaml", "namespace.yaml", "rbac.yaml", "secret.yaml", "service.yaml"] {
            #expect(result.stdout.contains("--- # file: \(CLI.repo(Self.example))/\(name)\n"), "\(name)")
        }
        // The concatenation is one valid YAML stream.
        let pss = try CommandRunner.run(["pss", "--level", "restricted", "-", "--format", "json"], stdin: result.stdout)
        #expect(pss.status == 0, "\(pss.stdout)\n\(pss.stderr)")
    }

    @Test func diffShowsOnlyTheChangedFiles() async throws {
        let result = await CLI.run(["fix", "manifests", Self.example, "--diff"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("--- \(CLI.repo(Self.example))/deployment.yaml\n+++ \(CLI.repo(Self.example))/deployment.yaml\n@@ "))
        #expect(result.stdout.contains("\n+        runAsNonRoot: true\n"))
        #expect(result.stdout.contains("\n-  type: LoadBalancer\n+  # bulwark: was type LoadBalancer"))
        #expect(result.stdout.contains("\n+    pod-security.kubernetes.io/enforce: restricted\n"))
        #expect(result.stdout.contains("\n+# bulwark: removed ClusterRoleBinding model-server-admin"))
        #expect(!result.stdout.contains("secret.yaml"), "no --seal-cert: the Secret is left")
        let workloads = await CLI.run(["fix", "manifests", Self.example, "--diff", "--workloads-only"])
        #expect(!workloads.stdout.contains("service.yaml"))
        // The workload fix only adds lines to the example, but for the privileged flag it takes out.
        let removed = workloads.stdout.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }
        #expect(removed.map { $0.trimmingCharacters(in: .whitespaces) } == ["-            privileged: true  # added while chasing a permissions error, never taken out".trimmingCharacters(in: .whitespaces)],
                "\(removed)")
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
        ["fix", "manifests", "examples", "--seal-scope", "strict"],
        ["fix", "manifests", "examples", "--seal-cert", "/nonexistent/cert.pem"],
        ["fix", "manifests", "examples", "--seal-cert", "Package.swift"],
    ])
    func badFlagsAreUsageErrors(_ arguments: [String]) async throws {
        #expect(await CLI.run(arguments).status == 2)
    }

    @Test func unparsableInputExitsWithTwoAndIsNotPrinted() throws {
        let result = try CommandRunner.run(["fix", "manifests", "-"], stdin: "kind: Pod\nspec: {containers: [\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }
}
