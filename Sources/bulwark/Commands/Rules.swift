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

    func run() async throws {
        let rules = Engine.standard.catalog.rules.filter { domain.map($0.id.hasPrefix) ?? true }
        try Console.current.emit(RuleCatalogReporter(format: format, colour: Console.current.isTerminal).render(rules))
    }
}

extension RuleCatalogReporter.Format: ExpressibleByArgument {}
