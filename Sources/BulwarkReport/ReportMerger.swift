import BulwarkCore

/// `bulwark report merge`: several Bulwark reports as one.
///
/// - findings: all of them, exact duplicates (equal in every member) once, in report order;
/// - errors, warnings and inputs not read: all of them, duplicates once;
/// - summary: files, objects, skipped documents, excluded and unrecognised files summed (a file
///   scanned by two of the runs counts twice), `filesByDomain` summed per domain, finding and
///   suppression counts recounted from the merged findings, `baselined` summed when any report has it;
/// - compliance: recomputed over the merged findings for `framework` when given, else for the one
///   framework every report with a compliance summary names (none when they name different ones);
/// - tool: this bulwark.
public struct ReportMerger: Sendable {
    public var catalog: RuleCatalog

    public init(catalog: RuleCatalog) {
        self.catalog = catalog
    }

    public func merge(_ reports: [Report], framework: String? = nil) -> Report {
        var findings: [Finding] = []
        var seenFindings: Set<Finding> = []
        var errors: [InputError] = []
        var warnings: [InputWarning] = []
        var inputs = InputSummary()
        var skipped: Set<SkippedInput> = []
        var baselined: Int?
        for report in reports {
            for finding in report.findings where seenFindings.insert(finding).inserted { findings.append(finding) }
            errors += report.errors
            warnings += report.warnings
            skipped.formUnion(report.skipped)
            let summary = report.summary
            inputs.files += summary.files
            inputs.objects += summary.objects
            inputs.skippedDocuments += summary.skippedDocuments
            inputs.excludedFiles += summary.excludedFiles
            inputs.unrecognizedFiles += summary.unrecognizedFiles
            inputs.filesByDomain.merge(summary.filesByDomain, uniquingKeysWith: +)
            if let count = summary.baselined { baselined = (baselined ?? 0) + count }
        }
        inputs.skipped = Array(skipped)
        let frameworks = Set(reports.compactMap { $0.compliance?.framework })
        let compliance = (framework ?? (frameworks.count == 1 ? frameworks.first : nil)).map {
            ComplianceSummarizer(catalog: catalog).summarize(findings, framework: $0)
        }
        var merged = Report(findings: findings, errors: Array(Set(errors)), warnings: Array(Set(warnings)), inputs: inputs,
                            compliance: compliance)
        merged.summary.baselined = baselined
        return merged
    }
}
