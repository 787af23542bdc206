import ArgumentParser
import BulwarkCore
import BulwarkRuntime
import BulwarkTestSupport
import Foundation
import Testing
@testable import bulwark

/// `bulwark runtime policy --from DIR` end to end on the hardened example.
@Suite struct RuntimePolicyCommandTests {
    static let example = "examples/inference-stack/hardened/k8s"

    /// Runs `bulwark runtime policy ARGS` through `CLI.run` once `runtime` is a subcommand of `bulwark`; until
    /// then the command is parsed on its own with the same captured console (what `Bulwark.run` does).
    static func run(_ arguments: [String]) async -> CommandResult {
        if Bulwark.configuration.subcommands.contains(where: { $0.configuration.commandName == "runtime" }) {
            return await CLI.run(["runtime", "policy"] + arguments)
        }
        let stdout = MemorySink()
        let stderr = MemorySink()
        let console = Console(output: stdout, errors: stderr, isTerminal: false)
        let resolved = arguments.map { $0.hasPrefix("examples/") ? CLI.repo($0) : $0 }
        let status = Console.$current.withValue(console) { () -> Int32 in
            do {
                let command = try RuntimePolicyCommand.parse(resolved)
                try command.run()
                try console.commit(console.output)
                return 0
            } catch {
                let code = RuntimePolicyCommand.exitCode(for: error)
                if code == .validationFailure {
                    console.usage(RuntimePolicyCommand.fullMessage(for: error))
                    return 2
                }
                return code.rawValue
            }
        }
        return CommandResult(status: status, stdoutData: Data(stdout.bytes), stderrData: Data(stderr.bytes))
    }

    @Test func writesOnePolicyPerWorkloadThatReadsBack() async throws {
        let result = await Self.run(["--from", Self.example])
        #expect(result.status == 0, "\(result.stderr)")
        let read = RuntimePolicyReader.read(text: result.stdout, file: "stdout")
        #expect(read.errors.isEmpty, "\(read.errors)\n\(result.stdout)")
        #expect(read.policies.map(\.name) == ["ml-inference-model-server"])
        #expect(result.stdout.contains("# runs gunicorn --chdir app"))
        #expect(result.stdout.contains("cidrs: [10.96.0.10/32], ports: [53], protocols: [TCP, UDP]"))
    }

    @Test func optionsReachTheDerivation() async throws {
        let result = await Self.run(["--from", Self.example, "--workload", "model-server", "--cluster-dns", "10.0.0.10",
                                     "--pod-cidr", "10.244.0.0/16"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cidrs: [10.0.0.10/32]"))
    }

    @Test func writesToAFileAndAFailedWriteIsAnError() async throws {
        let path = NSTemporaryDirectory() + "/bulwark-test-runtime-policy-\(getpid()).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = await Self.run(["--from", Self.example, "--output", path])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(RuntimePolicyReader.read(text: text, file: path).policies.count == 1)
        let failed = await Self.run(["--from", Self.example, "--output", "/nonexistent-dir/x/policy.yaml"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("nonexistent-dir"))
    }

    @Test(arguments: [
        (["--from", "/nonexistent-manifests"], "no such file"),
        (["--from", "examples/inference-stack/hardened/k8s", "--workload", "nope"], "no workload named nope"),
        (["--from", "examples/inference-stack/hardened/k8s", "--pod-cidr", "10.0.0.0/33"], "--pod-cidr"),
        (["--from", "examples/inference-stack/hardened/k8s", "--cluster-dns", "dns"], "--cluster-dns"),
    ])
    func inputErrorsExitTwo(_ arguments: [String], _ phrase: String) async {
        let result = await Self.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(phrase), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aManifestWithAnErrorNamesFileAndLine() async throws {
        let directory = NSTemporaryDirectory() + "/bulwark-test-runtime-policy-bad-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x, command: [x]}]}\n---\na: b: c\n"
            .write(toFile: directory + "/m.yaml", atomically: true, encoding: .utf8)
        let result = await Self.run(["--from", directory])
        #expect(result.status == 2)
        #expect(result.stderr.contains("m.yaml:6"), "\(result.stderr)")
    }
}
