import ArgumentParser
import BulwarkCore
import BulwarkEngine
import BulwarkReport
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// Flags every reporting command shares: format, output, threshold, configuration, compliance.
struct ReportingOptions: ParsableArguments {
    @Option(help: "Output format: table, json, sarif, junit, html, oscal (OSCAL 1.1.3 assessment results), cyclonedx, spdx (scan and model scan: a CycloneDX 1.6 ML-BOM or an SPDX 2.3 document of the model files) or plan (the findings grouped by the change that resolves them).")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output (replaced atomically).")
    var output: String?

    @Option(name: .customLong("fail-on"),
            help: "Exit 1 when an unsuppressed finding has at least this severity: critical, high, medium, low, info or none (default: high, or failOn in the configuration).")
    var failOn: String?

    @Option(help: "Configuration file (default: .bulwark.yaml in the current directory, if present).")
    var config: String?

    @Flag(help: "Also list suppressed findings in the table output.")
    var showSuppressed = false

    @Option(help: "Add a compliance scorecard for one framework: \(ControlCatalog.frameworks.keys.sorted().joined(separator: ", ")).")
    var compliance: String?

    @Option(help: ArgumentHelp("Leave out the findings listed in this earlier report (written with --format json): only new findings are listed and trip --fail-on. Findings match by rule, file, object, field and message, not by line.",
                               valueName: "report.json"))
    var baseline: String?

    func validate() throws {
        if let failOn, FailThreshold(argument: failOn) == nil {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, none (got \"\(failOn)\")")
        }
        if let compliance, ControlCatalog.frameworks[compliance] == nil {
            throw ValidationError("--compliance must be one of \(ControlCatalog.frameworks.keys.sorted().joined(separator: ", "))")
        }
    }

    /// The configuration file to read: `--config`, else `.bulwark.yaml` when present.
    var configurationFile: String? {
        config ?? (FileManager.default.fileExists(atPath: ".bulwark.yaml") ? ".bulwark.yaml" : nil)
    }

    /// The configuration to use; a broken configuration file is a usage error (exit 2).
    func loadConfiguration() throws -> Configuration {
        guard let path = configurationFile else { return Configuration() }
        do {
            return try Configuration.load(file: path)
        } catch {
            Console.current.error("\(error)")
            throw ExitCode(2)
        }
    }

    func threshold(_ configuration: Configuration) -> FailThreshold {
        failOn.flatMap(FailThreshold.init(argument:)) ?? configuration.failOn ?? .severity(.high)
    }

    /// `--baseline`: the earlier report, read before anything is scanned; a file that cannot be read
    /// or is not a Bulwark JSON report is a usage error (exit 2).
    func loadBaseline() throws -> Baseline? {
        guard let baseline else { return nil }
        switch JSONReportReader.read(baseline) {
        case .failure(let error):
            Console.current.error("--baseline: \(error)")
            throw ExitCode(2)
        case .success(let report):
            return Baseline(report)
        }
    }

    /// For commands that do not list findings of their own: `--baseline` is a usage error.
    func rejectBaseline(_ command: String) throws {
        if baseline != nil { throw ValidationError("--baseline applies to bulwark scan, image, model scan and report merge, not \(command)") }
    }

    /// Colour only for the table on a terminal (and never with NO_COLOR).
    var useColour: Bool {
        output == nil && Console.current.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func formatOptions(failOn: FailThreshold, extra: [(String, JSONValue)] = [], models: [ScannedModel] = [],
                       images: [ScannedImage] = [], sources: SourceExcerpts = .none) -> ReportFormat.Options {
        ReportFormat.Options(colour: useColour, showSuppressed: showSuppressed, failOn: failOn,
                             rules: Engine.standard.catalog.rules, extra: extra, models: models, images: images, sources: sources)
    }

    /// `--format html`: the source lines the page shows around findings, read again from the
    /// scanned files. Only regular files (standard input and pipes were consumed by the scan),
    /// within `SourceExcerpts.Limits`; anything unreadable is shown without its lines.
    static func sourceExcerpts(for report: Report) -> SourceExcerpts {
        let limits = SourceExcerpts.Limits.standard
        return SourceExcerpts.collect(around: HTMLReporter.excerptLocations(for: report), limits: limits) { path in
            guard path != "-", case .success(let file) = InputFile.open(path, named: false) else { return nil }
            guard case .success(let bytes) = file.readAll(limit: ByteLimit(bytes: limits.fileBytes)) else { return nil }
            return bytes
        }
    }

    /// For commands whose output is not an inventory of files: `--format cyclonedx` is a usage error.
    func rejectInventoryFormat(_ command: String) throws {
        if format == .cyclonedx || format == .spdx {
            throw ValidationError("--format \(format.rawValue) lists model files: use it with bulwark scan or bulwark model scan, not \(command)")
        }
    }

    /// Streams the report to `--output` or standard output, after what `before` writes; a failed
    /// write exits 2. `configuration`: the one the command loaded (`loadConfiguration`) and scanned
    /// with, which decides the HTML report's compliance scope.
    func emit(_ report: Report, configuration: Configuration, failOn: FailThreshold, extra: [(String, JSONValue)] = [], models: [ScannedModel] = [],
              images: [ScannedImage] = [],
              before: (any OutputSink) -> Void = { _ in }) throws {
        let console = Console.current
        let sink = try console.destination(output)
        before(sink)
        var options = formatOptions(failOn: failOn, extra: extra, models: models, images: images)
        if format == .html {
            options.sources = Self.sourceExcerpts(for: report)
            options.complianceScope = Engine.standard.complianceScope(scanned: report.summary.filesByDomain, configuration: configuration)
        }
        format.write(report, options: options, to: sink.write)
        try console.commit(sink)
    }
}

/// The paths and input limits of commands that read manifests or Dockerfiles.
struct InputOptions: ParsableArguments {
    @Argument(help: "Files or directories to scan; - reads standard input.")
    var paths: [String] = []

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
    }
}

/// `--max-file-size`.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest input file to read, in MiB (1–\(ByteLimit.maximumMebibytes)); larger files are reported as errors.")
    var maxFileSize: Int = 32

    func validate() throws {
        if ByteLimit(mebibytes: maxFileSize) == nil {
            throw ValidationError("--max-file-size must be between 1 and \(ByteLimit.maximumMebibytes) MiB (got \(maxFileSize))")
        }
    }

    var limit: ByteLimit { ByteLimit(mebibytes: maxFileSize) ?? .standard }
}

/// `--as-of DATE`: the day end-of-life decisions are made for.
struct DateOptions: ParsableArguments {
    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("Judge end-of-life as on this day (YYYY-MM-DD), for reproducible CI runs (default: today).",
                               valueName: "date"))
    var asOf: String?

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date written YYYY-MM-DD (got \"\(asOf)\")") }
    }

    var date: CalendarDate { asOf.flatMap(CalendarDate.init) ?? .today() }
}
