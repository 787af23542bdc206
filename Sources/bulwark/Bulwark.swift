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
        2 = usage error, or an input that could not be read or parsed (the rest is still scanned and reported).
        """,
        version: BulwarkVersion.current,
        subcommands: [Scan.self, PSS.self, Rules.self, RBAC.self, Seal.self]
    )

    /// Like ArgumentParser's `main`, but usage errors exit with 2 (CONTRACT.md), not 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
