import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import Foundation

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

    @Option(name: .shortAndLong, help: "Write the result to this file instead of standard output.")
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
        reporting.output = output
        let configuration = try reporting.loadConfiguration()
        var inventory = KubernetesLoader.load(paths: input.paths, options: LoadOptions(maxFileSize: input.maxFileSize << 20))
        inventory.objects.removeAll { configuration.isExcluded(path: $0.file) }
        let results = PodSecurityReport.evaluate(
            inventory: inventory, level: level.flatMap(PSSLevel.init(parsing:)), version: version.flatMap(PSSVersion.init(parsing:)),
            configuration: configuration
        )
        for error in inventory.errors { Terminal.error("\(error)") }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try reporting.emit(Array(try encoder.encode(results)) + [10])
        case .table:
            try reporting.emit(Array(Self.table(results).utf8))
        }
        if !inventory.errors.isEmpty { throw ExitCode(2) }
        if results.contains(where: { !$0.allowed }) { throw ExitCode(1) }
    }

    static func table(_ results: [PSSObjectResult]) -> String {
        var text = ""
        for result in results {
            let verdict = result.exempt == true ? "EXEMPT" : (result.allowed ? "ALLOWED" : "FORBIDDEN")
            var object = "\(result.kind) \(result.namespace)/\(result.name)"
            if let role = result.role { object += " (\(role))" }
            text += "\(result.file):\(result.line)  \(object)  \(result.level.rawValue):\(result.version)  \(verdict)\n"
            for violation in result.violations {
                text += "    \(violation.check): \(violation.reason) (\(violation.detail))\n"
            }
            if let reason = result.exemptReason { text += "    \(reason)\n" }
            for error in result.labelErrors ?? [] { text += "    label: \(error)\n" }
        }
        let forbidden = results.count { !$0.allowed }
        text += "\(results.count) pod specs: \(results.count - forbidden) allowed, \(forbidden) forbidden\n"
        return text
    }
}
