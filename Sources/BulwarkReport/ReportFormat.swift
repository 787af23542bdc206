import BulwarkCore

/// The `--format` values of reporting commands (docs/cli.md), and the reporter for each.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, sarif, junit, html, cyclonedx, spdx, oscal, plan

    /// What the reporters need beyond the report itself; each format reads only its part.
    public struct Options: Sendable {
        /// table: ANSI colour (pass `isatty(stdout)` and no `NO_COLOR`).
        public var colour: Bool
        /// table: list suppressed findings too.
        public var showSuppressed: Bool
        /// junit: findings at or above this fail (pass the `--fail-on` threshold).
        public var failOn: FailThreshold
        /// sarif: the rule catalogue, for rule metadata.
        public var rules: [RuleDescriptor]
        /// json: extra top-level members of a subcommand (e.g. `matrix`), after the standard ones.
        public var extra: [(String, JSONValue)]
        /// cyclonedx, spdx: the model files the scan read (`ScanOutcome.models`).
        public var models: [ScannedModel]
        /// cyclonedx, spdx: the images the scan read (`ScanOutcome.images`), with their packages.
        public var images: [ScannedImage]
        /// cyclonedx: the serial number and timestamp; spdx, oscal: the timestamp (fresh unless given).
        public var bom: BOMIdentity
        /// html: the source lines around the findings the page shows (`HTMLReporter.excerptLocations`,
        /// read by the command with `SourceExcerpts.collect`).
        public var sources: SourceExcerpts
        /// html: the scope the compliance bars of frameworks other than `--compliance`'s are judged in
        /// (`Engine.complianceScope`), so they say not-applicable where `--compliance` would.
        public var complianceScope: ComplianceScope?

        public init(
            colour: Bool = false, showSuppressed: Bool = false, failOn: FailThreshold = .severity(.info),
            rules: [RuleDescriptor] = [], extra: [(String, JSONValue)] = [], models: [ScannedModel] = [],
            images: [ScannedImage] = [], bom: BOMIdentity = .fresh(), sources: SourceExcerpts = .none,
            complianceScope: ComplianceScope? = nil
        ) {
            self.colour = colour
            self.showSuppressed = showSuppressed
            self.failOn = failOn
            self.rules = rules
            self.extra = extra
            self.models = models
            self.images = images
            self.bom = bom
            self.sources = sources
            self.complianceScope = complianceScope
        }
    }

    public func reporter(_ options: Options = Options()) -> any Reporter {
        switch self {
        case .table: TableReporter(colour: options.colour, showSuppressed: options.showSuppressed)
        case .json: JSONReporter(extra: options.extra)
        case .sarif: SARIFReporter(rules: options.rules)
        case .junit: JUnitReporter(failOn: options.failOn)
        case .html: HTMLReporter(rules: options.rules, sources: options.sources, complianceScope: options.complianceScope)
        case .cyclonedx: CycloneDXReporter(models: options.models, images: options.images, identity: options.bom)
        case .spdx: SPDXReporter(images: options.images, models: options.models, identity: options.bom)
        case .plan: PlanReporter()
        case .oscal: OSCALReporter(rules: options.rules, timestamp: options.bom.timestamp)
        }
    }

    /// Renders a report in this format.
    public func render(_ report: Report, options: Options = Options()) -> [UInt8] {
        reporter(options).render(report)
    }

    /// Renders a report in this format, in chunks handed to `sink`.
    public func write(_ report: Report, options: Options = Options(), to sink: @escaping @Sendable ([UInt8]) -> Void) {
        reporter(options).write(report, to: sink)
    }
}
