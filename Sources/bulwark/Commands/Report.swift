import ArgumentParser
import BulwarkCore
import BulwarkEngine
import BulwarkReport

/// `bulwark report …`: work on reports written earlier with `--format json`.
struct ReportGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with Bulwark JSON reports (--format json): merge them and render them in any format.",
        subcommands: [Merge.self]
    )
}

extension ReportGroup {
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge Bulwark JSON reports (of scan, image, model scan …) into one report, in any format.",
            discussion: """
            Findings that are equal in every member are listed once; errors, warnings and inputs not read are \
            kept; the summary's counts are summed (a file scanned by two runs counts twice) and its finding counts \
            recounted. --compliance recomputes the compliance summary over the merged findings (without it, the \
            framework the reports share, if they share one). A file that cannot be read or is not a Bulwark JSON \
            report is listed as an input error (exit 2) and the others are still merged.
            """
        )

        @Argument(help: ArgumentHelp("Reports written by bulwark with --format json.", valueName: "report.json"))
        var reports: [String] = []

        @OptionGroup var reporting: ReportingOptions

        func validate() throws {
            if reports.isEmpty { throw ValidationError("give at least one JSON report to merge") }
            try reporting.rejectInventoryFormat("bulwark report merge")
        }

        func run() async throws {
            let configuration = try reporting.loadConfiguration()
            let baseline = try reporting.loadBaseline()
            var read: [Report] = []
            var unreadable: [InputError] = []
            for path in reports {
                switch JSONReportReader.read(path) {
                case .failure(let error): unreadable.append(error)
                case .success(let report): read.append(report)
                }
            }
            var report = ReportMerger(catalog: Engine.standard.catalog).merge(read, framework: reporting.compliance)
            report.errors = (report.errors + unreadable).sorted(by: InputError.inputOrder)
            if let baseline { report = baseline.apply(to: report) }
            let threshold = reporting.threshold(configuration)
            try reporting.emit(report, configuration: configuration, failOn: threshold)
            let code = report.exitCode(failOn: threshold)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
