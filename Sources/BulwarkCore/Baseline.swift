/// `--baseline old.json`: the findings of an earlier report, to leave out of a new one so that only
/// new findings are listed and trip `--fail-on`.
///
/// Findings are matched by `Finding.fingerprint` (rule id, file, object, field, message: not the
/// line, so a finding that moved is still the old one). Each baseline finding absorbs at most one
/// finding of the new report, so a problem that now occurs twice where it occurred once shows up
/// once. Only unsuppressed findings of the new report are left out (suppressed ones are listed as
/// before and never trip the threshold); baseline findings count whether or not they were
/// suppressed then. The number left out is `summary.baselined`; errors, warnings and the compliance
/// summary (which describes the inputs as they are) are kept as they were.
public struct Baseline: Sendable, Equatable {
    /// How many findings of the baseline have each fingerprint.
    public private(set) var fingerprints: [String: Int] = [:]

    public init(_ report: Report) {
        self.init(findings: report.findings)
    }

    public init(findings: [Finding]) {
        for finding in findings { fingerprints[finding.fingerprint(), default: 0] += 1 }
    }

    /// The report without the findings the baseline lists; `summary.findings`, `summary.suppressed`
    /// and `summary.baselined` recounted.
    public func apply(to report: Report) -> Report {
        var remaining = fingerprints
        var kept: [Finding] = []
        kept.reserveCapacity(report.findings.count)
        var removed = 0
        for finding in report.findings {
            if !finding.suppressed, let count = remaining[finding.fingerprint()], count > 0 {
                remaining[finding.fingerprint()] = count - 1
                removed += 1
            } else {
                kept.append(finding)
            }
        }
        var report = report
        report.findings = kept
        report.summary.findings = SeverityCounts(kept)
        report.summary.suppressed = kept.count { $0.suppressed }
        report.summary.baselined = (report.summary.baselined ?? 0) + removed
        return report
    }
}
