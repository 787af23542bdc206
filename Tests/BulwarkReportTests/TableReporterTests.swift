import BulwarkCore
import BulwarkReport
import Testing

@Suite struct TableReporterTests {
    @Test func matchesTheGoldenFile() {
        Golden.check(TableReporter().render(ReportFixture.report), against: "report.txt")
    }

    @Test func showsSuppressedFindingsOnlyOnRequest() {
        let hidden = TableReporter().text(ReportFixture.report)
        #expect(!hidden.contains("k8s/host-network"))
        #expect(!hidden.contains("suppressed:"))
        let shown = TableReporter(showSuppressed: true).text(ReportFixture.report)
        #expect(shown.contains("k8s/host-network"))
        #expect(shown.contains("[suppressed: needed by the CNI daemon; approved in SEC-123]"))
    }

    @Test func listsErrorsFirst() {
        let lines = TableReporter().text(ReportFixture.report).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Errors:")
        #expect(lines[1] == "  k8s/broken.yaml:3:1  mapping values are not allowed in this context (\"key: value: x\")")
        #expect(lines[2] == "  secrets/unreadable.yaml  permission denied")
    }

    @Test func endsWithASummaryLine() {
        let text = TableReporter().text(ReportFixture.report)
        #expect(text.hasSuffix("7 findings (2 critical, 1 high, 2 medium, 1 low, 1 info) in 6 files, 9 objects; 2 suppressed; 2 errors\n"))
        #expect(TableReporter().text(ReportFixture.empty) == "0 findings in 0 files, 0 objects\n")
        let one = Report(findings: [ReportFixture.findings[0]], errors: [ReportFixture.errors[1]], files: 1, objects: 1, tool: ReportFixture.tool)
        #expect(TableReporter().summaryLine(one) == "1 finding (1 high) in 1 file, 1 object; 1 error")
    }

    @Test func groupsByFileThenObject() {
        let text = TableReporter().text(ReportFixture.report)
        #expect(text.contains("""
        charts/ml/rendered.yaml
          Deployment ml/triton  (helm: ml-platform/templates/triton.yaml)
            31:13  MEDIUM    serving/unauthenticated-endpoint  container "triton" of Deployment ml/triton serves HTTP on port 8000 without authentication
                   fix: Put the model server behind an authenticating proxy.
        """))
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!TableReporter().text(ReportFixture.report).contains("\u{1B}"))
        let coloured = TableReporter(colour: true).text(ReportFixture.report)
        #expect(coloured.contains("\u{1B}[1;31mCRITICAL\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[0m"))
    }

    @Test func controlCharactersCannotReachTheTerminal() {
        var finding = ReportFixture.findings[0]
        finding.message = "evil \u{1B}[2Jclear\nnext line"
        finding.location.file = "odd\u{7}name.yaml"
        let report = Report(findings: [finding], errors: [], files: 1, objects: 1, tool: ReportFixture.tool)
        let text = TableReporter().text(report)
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\u{7}"))
        #expect(text.contains("evil \\u{1b}[2Jclear\\nnext line"))
        #expect(text.contains("odd\\u{7}name.yaml"))
    }
}
