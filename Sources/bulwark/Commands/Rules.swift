import ArgumentParser
import BulwarkCore

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rule catalogue with severities, control mappings and examples."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, markdown }

    @Option(help: "Output format: table, json or markdown.")
    var format: Format = .table

    @Option(help: "Only rules whose id starts with this prefix (e.g. serving/ or k8s/).")
    var domain: String?

    func run() async throws {
        let rules = Catalog.all.rules.filter { domain.map($0.id.hasPrefix) ?? true }
        Terminal.write(Renderer.catalog(rules, format: format, colour: Terminal.isTerminal))
    }
}
