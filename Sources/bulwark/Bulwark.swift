import ArgumentParser
import BulwarkCore
import Foundation

@main
struct Bulwark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark",
        abstract: "Harden and guard the containers and Kubernetes manifests that serve machine-learning models.",
        discussion: """
        Exit codes: 0 = nothing at or above --fail-on and every input read; 1 = findings at or above --fail-on;
        2 = usage error, or an input that could not be read or parsed, or output that could not be written (the rest
        is still scanned and reported).
        """,
        version: BulwarkVersion.description,
        subcommands: [Scan.self, PSS.self, Rules.self, Fix.self, RBAC.self, NetPol.self, Seal.self, Model.self, Image.self, SBOM.self, Database.self, Runtime.self, Admission.self, ReportGroup.self]
    )

    /// Like ArgumentParser's `main`, but usage errors exit with 2 (docs/cli.md), not 64.
    static func main() async {
        // A closed pipe (`bulwark rules | head -1`) must be a write error with exit 2, as for
        // every other failed write, not a silent death by SIGPIPE (exit 141).
        signal(SIGPIPE, SIG_IGN)
        let status = await run(CommandLine.arguments.dropFirst().map { $0 })
        Foundation.exit(status)
    }

    /// Parses and runs one command line, returning its exit status: what `main` does, and what the
    /// in-process CLI tests call (with `Console.$current` bound to buffers).
    static func run(_ arguments: [String]) async -> Int32 {
        let console = Console.current
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try console.commit(console.output)
            return 0
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                console.usage(fullMessage(for: error))
                return 2
            }
            if code == .success || code.rawValue == 0 {
                // --help, --version: printed to standard output.
                console.output.write(Array((fullMessage(for: error) + "\n").utf8))
                return (try? console.commit(console.output)) == nil ? 2 : 0
            }
            if error is ExitCode { return code.rawValue }
            console.usage(fullMessage(for: error))
            return code.rawValue
        }
    }
}

extension BulwarkVersion {
    /// `0.1.0 (commit 1a2b3c4d5e6f, sources 0a1b2c3d4e5f)`: what `bulwark --version` prints (the
    /// sources fingerprint lets the tests refuse a stale binary).
    static var description: String { "\(current) (commit \(BuildInfo.commit), sources \(BuildInfo.sources))" }
}
