import ArgumentParser
import BulwarkCore
import BulwarkEngine
import BulwarkReport

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rule catalogue with severities, control mappings and examples."
    )

    @Option(help: "Output format: table, json or markdown.")
    var format: RuleCatalogReporter.Format = .table

    @Option(help: "Only rules whose id starts with this prefix (e.g. serving/ or k8s/).")
    var domain: String?

    @Option(help: ArgumentHelp("List the controls of this framework that no rule fully checks (manual, out-of-scope or partly checked), with the reason: \(ControlCatalog.all.map(\.id).joined(separator: ", ")).",
                               valueName: "framework"))
    var gaps: String?

    func validate() throws {
        if let gaps, ControlCatalog.framework(gaps) == nil {
            throw ValidationError("--gaps must be one of \(ControlCatalog.all.map(\.id).joined(separator: ", ")) (got \"\(gaps)\")")
        }
    }

    func run() async throws {
        if let gaps, let framework = ControlCatalog.framework(gaps) {
            try Console.current.emit(ControlGapReporter(format: format).render(framework, rules: Engine.standard.catalog.rules))
            return
        }
        let rules = Engine.standard.catalog.rules.filter { domain.map($0.id.hasPrefix) ?? true }
        try Console.current.emit(RuleCatalogReporter(format: format, colour: Console.current.isTerminal).render(rules))
    }
}

extension RuleCatalogReporter.Format: ExpressibleByArgument {}
