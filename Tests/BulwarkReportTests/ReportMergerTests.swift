import BulwarkCore
import BulwarkReport
import Foundation
import Testing

/// `JSONReportReader` (what `report merge` and `--baseline` read), `ReportMerger` and `Baseline`.
@Suite struct ReportMergerTests {
    let merger = ReportMerger(catalog: RuleCatalog(ReportFixture.rules))

    /// A second run: the Dockerfile finding again, one new finding, its own counts.
    static let second: Report = {
        let dockerfile = ReportFixture.findings.last!
        var moved = ReportFixture.findings[0]
        moved.location.file = "other/deploy.yaml"
        var inputs = InputSummary(files: 2, objects: 3, skippedDocuments: 2,
                                  skipped: [SkippedInput(path: "other/.git", reason: "version-control folder")],
                                  filesByDomain: ["kubernetes": 1, "dockerfile": 1])
        inputs.excludedFiles = 1
        return Report(findings: [dockerfile, moved], errors: [], warnings: [InputWarning(file: ".bulwark.yaml", line: 2, message: "unknown rule id")],
                      inputs: inputs, tool: ReportFixture.tool)
    }()

    // MARK: Reading

    @Test func readsWhatTheJSONReporterWrites() throws {
        for report in [ReportFixture.report, ReportFixture.empty, Self.second] {
            let read = try JSONReportReader.decode(JSONReporter().render(report)).get()
            #expect(read.findings == report.findings)
            #expect(read.errors == report.errors)
            #expect(read.warnings == report.warnings)
            #expect(read.skipped == report.skipped)
            #expect(read.summary == report.summary)
            #expect(read.compliance == report.compliance)
        }
        // Members a subcommand adds are ignored.
        let extra = JSONReporter(extra: [("matrix", .array([]))]).render(ReportFixture.report)
        #expect(try JSONReportReader.decode(extra).get().findings == ReportFixture.report.findings)
    }

    @Test("refuses what is not a Bulwark JSON report", arguments: [
        ("", "not JSON"),
        ("[1, 2]", "not a Bulwark JSON report"),
        ("<sarif/>", "not JSON"),
        ("{\"schemaVersion\": \"1\", \"tool\": {\"name\": \"bulwark\", \"version\": \"0.1.0\"}}", "schemaVersion: expected Int"),
        ("{\"version\": \"2.1.0\", \"runs\": []}", "not a Bulwark JSON report"),
        ("{\"schemaVersion\": 1, \"tool\": {\"name\": \"trivy\", \"version\": \"1\"}}", "a report of \"trivy\""),
        ("{\"schemaVersion\": 2, \"tool\": {\"name\": \"bulwark\", \"version\": \"9\"}}", "schemaVersion 2 is not supported"),
        ("{\"schemaVersion\": 1, \"tool\": {\"name\": \"bulwark\", \"version\": \"0.1.0\"}}", "findings: missing"),
    ])
    func refuses(_ text: String, _ reason: String) {
        switch JSONReportReader.decode(Array(text.utf8)) {
        case .success: Issue.record("accepted \(text)")
        case .failure(let failure): #expect(failure.reason.contains(reason), "\(failure.reason)")
        }
    }

    @Test func aWrongTypeNamesItsPath() throws {
        let text = JSONReporter().renderString(ReportFixture.report).replacingOccurrences(of: "\"severity\": \"high\"", with: "\"severity\": \"severe\"")
        guard case .failure(let failure) = JSONReportReader.decode(Array(text.utf8)) else {
            Issue.record("accepted an unknown severity")
            return
        }
        #expect(failure.reason.contains("findings[") && failure.reason.contains("severity"), "\(failure.reason)")
    }

    // MARK: Merging

    @Test func mergesFindingsOnceAndSumsTheSummaries() {
        let merged = merger.merge([ReportFixture.report, Self.second])
        #expect(merged.findings.count == ReportFixture.findings.count + 1, "the Dockerfile finding is in both")
        #expect(merged.findings.contains { $0.location.file == "other/deploy.yaml" })
        #expect(merged.findings == merged.findings.sorted(by: Finding.reportOrder))
        #expect(merged.errors == ReportFixture.report.errors)
        #expect(merged.warnings == Self.second.warnings)
        #expect(merged.skipped == Self.second.skipped)
        let summary = merged.summary
        #expect(summary.files == ReportFixture.report.summary.files + 2)
        #expect(summary.objects == ReportFixture.report.summary.objects + 3)
        #expect(summary.skippedDocuments == ReportFixture.report.summary.skippedDocuments + 2)
        #expect(summary.excludedFiles == 1)
        #expect(summary.skippedFiles == 1)
        #expect(summary.filesByDomain == ["kubernetes": 1, "dockerfile": 1])
        #expect(summary.findings == SeverityCounts(merged.findings))
        #expect(summary.suppressed == merged.findings.count { $0.suppressed })
    }

    @Test func recomputesTheComplianceSummary() throws {
        // The reports share nist-800-190 only through the first; asked for, it is recomputed over both.
        let merged = merger.merge([ReportFixture.report, Self.second], framework: "cis-k8s")
        let compliance = try #require(merged.compliance)
        #expect(compliance.framework == "cis-k8s")
        #expect(compliance == ComplianceSummarizer(rules: ReportFixture.rules).summarize(merged.findings, framework: "cis-k8s"))
        // Without --compliance, the one framework the reports name is kept (recomputed).
        #expect(merger.merge([ReportFixture.report, Self.second]).compliance?.framework == "nist-800-190")
        var other = Self.second
        other.compliance = ComplianceSummarizer(rules: ReportFixture.rules).summarize(other.findings, framework: "cis-k8s")
        #expect(merger.merge([ReportFixture.report, other]).compliance == nil, "two frameworks: neither is chosen")
    }

    @Test func mergingOneReportGivesItBack() {
        let merged = merger.merge([ReportFixture.report])
        #expect(merged.findings == ReportFixture.report.findings)
        #expect(merged.summary == ReportFixture.report.summary)
        #expect(merged.compliance == ReportFixture.report.compliance)
    }

    // MARK: Baseline

    @Test func theBaselineLeavesOutOldFindingsEvenWhenTheirLinesMoved() {
        var shifted = ReportFixture.findings.map { finding -> Finding in
            var finding = finding
            finding.location.line += 7
            return finding
        }
        var new = ReportFixture.findings[0]
        new.object?.container = "new-container"
        new.message = "container \"new-container\" of Deployment ml/model-server sets no runAsNonRoot and no non-zero runAsUser"
        shifted.append(new)
        let current = Report(findings: shifted, errors: [], files: 6, objects: 9, tool: ReportFixture.tool)
        let result = Baseline(ReportFixture.report).apply(to: current)
        let unsuppressed = ReportFixture.findings.count { !$0.suppressed }
        #expect(result.findings.filter { !$0.suppressed } == [new])
        #expect(result.findings.count { $0.suppressed } == ReportFixture.findings.count - unsuppressed, "suppressed findings stay listed")
        #expect(result.summary.baselined == unsuppressed)
        #expect(result.summary.findings == SeverityCounts([new]))
        #expect(result.exitCode(failOn: .severity(.high)) == 1)
        #expect(Baseline(current).apply(to: current).exitCode(failOn: .severity(.info)) == 0)
    }

    @Test func eachBaselineFindingAbsorbsOneFinding() {
        let finding = ReportFixture.findings[0]
        var again = finding
        again.location.line = 90
        let current = Report(findings: [finding, again], errors: [], files: 1, objects: 1)
        let result = Baseline(findings: [finding]).apply(to: current)
        #expect(result.findings.count == 1)
        #expect(result.summary.baselined == 1)
    }

    @Test func theFingerprintIgnoresLinesButNotTheField() {
        let finding = ReportFixture.findings[0]
        var moved = finding
        moved.location.line += 40
        moved.location.column = 3
        moved.severity = .critical
        #expect(moved.fingerprint() == finding.fingerprint())
        var otherField = finding
        otherField.field = "spec.template.spec.containers[1].securityContext"
        #expect(otherField.fingerprint() != finding.fingerprint())
        #expect(SARIFReporter.fingerprint(finding) == finding.fingerprint())
    }

    @Test func theBaselineCountIsInTheJSONAndTheTable() throws {
        let result = Baseline(ReportFixture.report).apply(to: ReportFixture.report)
        let json = try JSONSerialization.jsonObject(with: Data(JSONReporter().render(result))) as? [String: Any]
        #expect((json?["summary"] as? [String: Any])?["baselined"] as? Int == result.summary.baselined)
        #expect(TableReporter().summaryLine(result).contains("\(result.summary.baselined ?? -1) in the baseline, not listed"))
        // Without a baseline neither mentions it.
        #expect(!JSONReporter().renderString(ReportFixture.report).contains("baselined"))
        #expect(!TableReporter().summaryLine(ReportFixture.report).contains("baseline"))
    }
}
