import BulwarkCore
import BulwarkReport

/// Picks the reporter for a format.
enum Renderer {
    /// Streams the report to `--output` or standard output.
    static func emit(_ report: Report, options: ReportingOptions, failOn: FailThreshold, extra: [(String, JSONValue)] = []) throws {
        let format = ReportFormat(rawValue: options.format.rawValue) ?? .table
        let output = try OutputStream(path: options.output)
        format.write(report, options: ReportFormat.Options(
            colour: options.useColour, showSuppressed: options.showSuppressed, failOn: failOn,
            rules: Catalog.all.rules, extra: extra
        ), to: output.write)
        try output.close()
    }

    /// The rendered report as bytes (for subcommands that add their own table or JSON around it).
    static func render(_ report: Report, options: ReportingOptions, failOn: FailThreshold = .severity(.high)) -> [UInt8] {
        let format = ReportFormat(rawValue: options.format.rawValue) ?? .table
        return format.render(report, options: ReportFormat.Options(
            colour: options.useColour, showSuppressed: options.showSuppressed, failOn: failOn, rules: Catalog.all.rules
        ))
    }

    static func compliance(findings: [Finding], framework: String) -> ComplianceReport {
        ComplianceSummarizer(catalog: Catalog.all).summarize(findings, framework: framework)
    }

    static func catalog(_ rules: [RuleDescriptor], format: Rules.Format, colour: Bool) -> [UInt8] {
        RuleCatalogReporter(format: RuleCatalogReporter.Format(rawValue: format.rawValue) ?? .table, colour: colour).render(rules)
    }
}
