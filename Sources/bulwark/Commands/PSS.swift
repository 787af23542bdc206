import ArgumentParser
import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes
import BulwarkReport

struct PSS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pss",
        abstract: "Pod Security Standards verdicts, decided exactly as the pod-security-admission reference implementation does.",
        discussion: """
        Without --level, each pod's namespace decides: the pod-security.kubernetes.io/enforce and enforce-version labels
        of its Namespace object in the input (an invalid level means restricted, an invalid version means latest), else
        the defaults in .bulwark.yaml (pss.defaults; privileged/latest unless configured). Pods in namespaces or with
        RuntimeClasses listed under pss.exemptions are allowed as exempt. Exit 1 when any pod is not allowed.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var input: InputOptions

    @Option(help: "Policy level: privileged, baseline or restricted (default: from namespace labels).")
    var level: String?

    @Option(help: "Policy version: v1.N or latest (default: latest, or the namespace's enforce-version).")
    var version: String?

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    @Option(name: .shortAndLong, help: "Write the result to this file instead of standard output (replaced atomically).")
    var output: String?

    @Option(help: "Configuration file (default: .bulwark.yaml in the current directory, if present).")
    var config: String?

    func validate() throws {
        if let level, PSSLevel(parsing: level) == nil {
            throw ValidationError("--level must be privileged, baseline or restricted (got \"\(level)\")")
        }
        if let version, PSSVersion(parsing: version) == nil {
            throw ValidationError("--version must be v1.N or latest (got \"\(version)\")")
        }
    }

    func run() async throws {
        var reporting = try ReportingOptions.parse([])
        reporting.config = config
        let configuration = try reporting.loadConfiguration()
        let request = ScanRequest(paths: input.paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                  maxFileSize: input.limits.limit)
        let outcome = Engine.standard.podSecurity(request, level: level.flatMap(PSSLevel.init(parsing:)),
                                                  version: version.flatMap(PSSVersion.init(parsing:)))
        let console = Console.current
        for error in outcome.errors { console.error("\(error)") }
        for warning in outcome.warnings { console.error("\(warning)") }
        switch format {
        case .json: try console.emit(try PodSecurityReporter.json(outcome.results), to: output)
        case .table: try console.emit(PodSecurityReporter.table(outcome.results), to: output)
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
