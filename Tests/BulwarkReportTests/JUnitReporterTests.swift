import BulwarkCore
import BulwarkReport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct JUnitReporterTests {
    @Test func matchesTheGoldenFile() {
        Golden.check(JUnitReporter().render(ReportFixture.report), against: "report.junit.xml")
    }

    func parse(_ bytes: [UInt8]) throws -> XMLElement {
        let document = try XMLDocument(data: Data(bytes), options: [])
        return try #require(document.rootElement())
    }

    func testCases(_ root: XMLElement) -> [XMLElement] {
        root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
    }

    /// The fixture without its scorecard: the suites of files alone.
    static let findingsOnly: Report = {
        var report = ReportFixture.report
        report.compliance = nil
        return report
    }()

    @Test func isWellFormedXMLWithOneSuitePerFile() throws {
        let root = try parse(JUnitReporter().render(Self.findingsOnly))
        #expect(root.name == "testsuites")
        let suites = root.elements(forName: "testsuite").compactMap { $0.attribute(forName: "name")?.stringValue }
        let files = Set(ReportFixture.findings.map(\.location.file) + ReportFixture.errors.map(\.file))
        #expect(suites == files.sorted())
        #expect(root.attribute(forName: "tests")?.stringValue == "\(ReportFixture.findings.count + ReportFixture.errors.count)")
        #expect(root.attribute(forName: "failures")?.stringValue == "7")
        #expect(root.attribute(forName: "skipped")?.stringValue == "2")
        #expect(root.attribute(forName: "errors")?.stringValue == "2")
    }

    @Test func attributesAndTextSurviveEscaping() throws {
        let root = try parse(JUnitReporter().render(ReportFixture.report))
        let cases = testCases(root)
        let privileged = try #require(cases.first { $0.attribute(forName: "name")?.stringValue?.hasPrefix("k8s/privileged:") == true })
        #expect(privileged.attribute(forName: "name")?.stringValue == "k8s/privileged: Deployment ml/model-server (container sidecar<&>)")
        #expect(privileged.attribute(forName: "classname")?.stringValue == "k8s/deploy.yaml")
        let failure = try #require(privileged.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "critical")
        #expect(failure.attribute(forName: "message")?.stringValue == ReportFixture.findings[1].message)
        #expect(failure.stringValue?.contains("remediation: Remove securityContext.privileged") == true)
    }

    @Test func invalidXMLCharactersAreDropped() throws {
        let root = try parse(JUnitReporter().render(ReportFixture.report))
        let latest = try #require(testCases(root).first { $0.attribute(forName: "name")?.stringValue?.hasPrefix("k8s/latest-tag") == true })
        let message = try #require(latest.elements(forName: "failure").first?.attribute(forName: "message")?.stringValue)
        #expect(message == "image \"ghcr.io/ml/模型:latest\" of container \"server\" uses the tag latest 🚀\tand\u{2028}moves")
    }

    @Test func suppressedFindingsAreSkippedAndErrorsAreErrors() throws {
        let root = try parse(JUnitReporter().render(Self.findingsOnly))
        let cases = testCases(root)
        let skipped = cases.filter { !$0.elements(forName: "skipped").isEmpty }
        #expect(skipped.count == 2)
        #expect(skipped.contains { $0.elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue == "needed by the CNI daemon; approved in SEC-123" })
        let errors = cases.filter { !$0.elements(forName: "error").isEmpty }
        #expect(errors.map { $0.attribute(forName: "classname")?.stringValue } == ["k8s/broken.yaml", "secrets/unreadable.yaml"])
        #expect(errors.first?.elements(forName: "error").first?.stringValue == "k8s/broken.yaml:3:1: mapping values are not allowed in this context (\"key: value: x\")")
    }

    @Test("findings below the threshold pass", arguments: [
        (FailThreshold.severity(.info), 7), (.severity(.low), 6), (.severity(.medium), 5), (.severity(.high), 3),
        (.severity(.critical), 2), (.none, 0),
    ])
    func threshold(_ failOn: FailThreshold, _ failures: Int) throws {
        let root = try parse(JUnitReporter(failOn: failOn).render(Self.findingsOnly))
        #expect(root.attribute(forName: "failures")?.stringValue == "\(failures)")
        #expect(testCases(root).count { !$0.elements(forName: "failure").isEmpty } == failures)
    }

    /// With `--compliance`: one more suite, a test case per control in catalogue order, its outcome the
    /// control's status whatever `--fail-on` says, the score as the scorecard's.
    @Test func theScorecardIsOneMoreSuite() throws {
        let compliance = try #require(ReportFixture.report.compliance)
        let root = try parse(JUnitReporter(failOn: .none).render(ReportFixture.report))
        let suite = try #require(root.elements(forName: "testsuite").last)
        #expect(suite.attribute(forName: "name")?.stringValue == "compliance: NIST SP 800-190 2017-09")
        let properties = (suite.elements(forName: "properties").first?.elements(forName: "property") ?? []).map {
            ($0.attribute(forName: "name")?.stringValue ?? "", $0.attribute(forName: "value")?.stringValue ?? "")
        }
        #expect(properties.map(\.0) == ["framework", "score"])
        #expect(properties.last?.1 == compliance.score.map(ComplianceScore.text))
        let cases = suite.elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue ?? "" } == compliance.controls.map { $0.id + ": " + $0.title })
        for (element, control) in zip(cases, compliance.controls) {
            #expect(!element.elements(forName: "failure").isEmpty == (control.status == .fail), "\(control.id)")
            #expect(!element.elements(forName: "skipped").isEmpty == [.manual, .notApplicable].contains(control.status), "\(control.id)")
        }
        #expect(suite.attribute(forName: "failures")?.stringValue == "\(compliance.counts.fail)")
        #expect(root.attribute(forName: "failures")?.stringValue == "\(compliance.counts.fail)", "--fail-on none: only the controls fail")
        let failed = try #require(cases.first { !$0.elements(forName: "failure").isEmpty }?.elements(forName: "failure").first)
        #expect(failed.stringValue?.contains("k8s/deploy.yaml:") == true)
    }

    @Test func aCleanScanIsOnePassingTest() throws {
        let root = try parse(JUnitReporter().render(ReportFixture.empty))
        #expect(root.attribute(forName: "tests")?.stringValue == "1")
        #expect(root.attribute(forName: "failures")?.stringValue == "0")
        #expect(testCases(root).count == 1)
    }
}
