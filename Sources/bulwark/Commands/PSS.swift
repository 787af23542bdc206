import ArgumentParser
import BulwarkCore
import BulwarkKubernetes

struct PSS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pss",
        abstract: "Pod Security Standards verdicts, decided exactly as the pod-security-admission reference implementation does."
    )

    @OptionGroup var input: InputOptions

    func run() async throws {
        throw ExitCode(2)
    }
}
