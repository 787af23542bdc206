import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark admission certs` and `bulwark admission manifests` end to end, and the acceptance
/// check of the deployment: `bulwark scan` finds nothing at low or above in the printed manifests
/// (every flag variant) or in the repository's Dockerfile, and the pods pass Pod Security
/// `restricted`.
@Suite struct AdmissionDeployCommandTests {
    func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-admission-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes certificates for the default Service into `directory`/certs.
    func certificates(in directory: String) async throws -> String {
        let certs = directory + "/certs"
        let result = await CLI.run(["admission", "certs", "--service", "bulwark-admission", "--namespace", "bulwark-system", "--out", certs])
        try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        return certs
    }

    /// The flag variants the acceptance check covers (the --certs variant is added with a directory).
    static let variants: [[String]] = [
        [],
        ["--mode", "enforce"],
        ["--mode", "audit", "--level", "baseline", "--replicas", "3", "--max-replicas", "12"],
        ["--namespace", "security", "--name", "guard", "--admin-group", "platform-admins", "--admin-group", "system:masters",
         "--exempt-namespace", "monitoring", "--no-mutate", "--timeout", "2", "--priority-class", "webhook-critical"],
        ["--image", "ghcr.io/example/bulwark:1.2.3@sha256:0000000000000000000000000000000000000000000000000000000000000000"],
    ]

    @Test func theManifestsOfEveryVariantScanCleanAtLowAndPassRestricted() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try await certificates(in: directory)
        var variants = Self.variants
        variants.append(["--certs", certs])
        variants.append(["--ca-bundle", certs + "/ca.pem", "--mode", "enforce"])
        for (index, arguments) in variants.enumerated() {
            let path = "\(directory)/manifests-\(index).yaml"
            let printed = await CLI.run(["admission", "manifests", "--output", path] + arguments)
            try #require(printed.status == 0, "\(arguments): \(printed.stderr)")
            let scan = await CLI.run(["scan", path, "--fail-on", "low"])
            #expect(scan.status == 0, "\(arguments):\n\(scan.stdout)\n\(scan.stderr)")
            let pss = await CLI.run(["pss", "--level", "restricted", path, "--format", "json"])
            #expect(pss.status == 0, "\(arguments):\n\(pss.stdout)\n\(pss.stderr)")
            let entries = try JSONSerialization.jsonObject(with: pss.stdoutData) as? [[String: Any]] ?? []
            #expect(!entries.isEmpty && entries.allSatisfy { $0["allowed"] as? Bool == true }, "\(arguments)")
        }
    }

    @Test func theDockerfileScansCleanAtLow() async throws {
        let scan = await CLI.run(["scan", CLI.repo("Dockerfile"), CLI.repo(".dockerignore"), "--fail-on", "low"])
        #expect(scan.status == 0, "\(scan.stdout)\n\(scan.stderr)")
        let dockerfile = try String(contentsOfFile: CommandRunner.packageRoot.appendingPathComponent("Dockerfile").path, encoding: .utf8)
        let froms = dockerfile.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2)
        #expect(froms.allSatisfy { $0.contains("@sha256:") })
        #expect(dockerfile.contains("--static-swift-stdlib"))
        #expect(dockerfile.contains("\nUSER 65532:65532\n"))
    }

    @Test func certsWritesTheFilesAndRefusesToOverwriteThem() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try await certificates(in: directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: certs).sorted() == ["ca-key.pem", "ca.pem", "tls.crt", "tls.key"])
        let before = try String(contentsOfFile: certs + "/tls.key", encoding: .utf8)
        let again = await CLI.run(["admission", "certs", "--service", "bulwark-admission", "--namespace", "bulwark-system", "--out", certs])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
        #expect(try String(contentsOfFile: certs + "/tls.key", encoding: .utf8) == before)
        let forced = await CLI.run(["admission", "certs", "--service", "bulwark-admission", "--namespace", "bulwark-system", "--out", certs,
                                    "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: certs + "/tls.key", encoding: .utf8) != before)
    }

    @Test func certsSignsWithAGivenCA() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try await certificates(in: directory)
        let second = directory + "/second"
        let result = await CLI.run(["admission", "certs", "--service", "other", "--namespace", "ns", "--out", second, "--days", "30",
                                    "--ca-cert", certs + "/ca.pem", "--ca-key", certs + "/ca-key.pem"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: second).sorted() == ["ca.pem", "tls.crt", "tls.key"])
        #expect(try String(contentsOfFile: second + "/ca.pem", encoding: .utf8) == String(contentsOfFile: certs + "/ca.pem", encoding: .utf8))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            print("openssl is not installed: the chain is not checked with it")
            if ProcessInfo.processInfo.environment["CI"] != nil { print("SKIPPED-IN-CI") }
            return
        }
        let verify = try CommandRunner.runTool("/usr/bin/openssl", ["verify", "-CAfile", certs + "/ca.pem", second + "/tls.crt"])
        #expect(verify.status == 0, "\(verify.stdout)\n\(verify.stderr)")
    }

    @Test(arguments: [
        ["admission", "certs", "--service", "s"],                                             // no --namespace
        ["admission", "certs", "--service", "S_1", "--namespace", "ns", "--out", "/nonexistent/a/b"],
        ["admission", "certs", "--service", "s", "--namespace", "ns", "--ca-cert", "/nonexistent.pem"],
        ["admission", "certs", "--service", "s", "--namespace", "ns", "--ca-cert", "/nonexistent.pem", "--ca-key", "/nonexistent.pem"],
        ["admission", "certs", "--service", "s", "--namespace", "ns", "--days", "0"],
        ["admission", "manifests", "--replicas", "1"],
        ["admission", "manifests", "--mode", "deny"],
        ["admission", "manifests", "--level", "privileged"],
        ["admission", "manifests", "--timeout", "10"],
        ["admission", "manifests", "--ca-bundle", "/nonexistent.pem"],
        ["admission", "manifests", "--certs", "/nonexistent"],
        ["admission", "manifests", "--ca-bundle", "a.pem", "--certs", "dir"],
        ["admission", "manifests", "--namespace", "Not A Label"],
    ])
    func badInputIsAnErrorWithExitCode2(_ arguments: [String]) async throws {
        let result = await CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func aCABundleThatIsNotACertificateIsRefused() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try await certificates(in: directory)
        let result = await CLI.run(["admission", "manifests", "--ca-bundle", certs + "/tls.key"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
    }

    @Test func certsFillTheCABundleAndTheSecret() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = try await certificates(in: directory)
        let result = await CLI.run(["admission", "manifests", "--certs", certs])
        #expect(result.status == 0, "\(result.stderr)")
        let ca = try String(contentsOfFile: certs + "/ca.pem", encoding: .utf8)
        #expect(result.stdout.contains("caBundle: " + Data(ca.utf8).base64EncodedString()))
        #expect(result.stdout.contains("type: kubernetes.io/tls"))
        #expect(!result.stdout.contains("create secret tls"))
        let without = await CLI.run(["admission", "manifests"])
        #expect(without.stdout.contains("kubectl -n bulwark-system create secret tls bulwark-admission-tls"))
        #expect(!without.stdout.contains("\n      caBundle: "))
        #expect(!without.stdout.contains("kind: Secret"))
    }
}
