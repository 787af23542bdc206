import BulwarkCore
import BulwarkReport
import Testing

@Suite struct ReportFormatTests {
    @Test("each format renders with its reporter", arguments: ReportFormat.allCases)
    func rendersWithItsReporter(_ format: ReportFormat) {
        let options = ReportFormat.Options(showSuppressed: true, failOn: .severity(.high), rules: ReportFixture.rules,
                                           models: CycloneDXFixture.models, bom: CycloneDXFixture.identity)
        let expected: [UInt8] = switch format {
        case .table: TableReporter(showSuppressed: true).render(ReportFixture.report)
        case .json: JSONReporter().render(ReportFixture.report)
        case .sarif: SARIFReporter(rules: ReportFixture.rules).render(ReportFixture.report)
        case .junit: JUnitReporter(failOn: .severity(.high)).render(ReportFixture.report)
        case .html: HTMLReporter(rules: ReportFixture.rules).render(ReportFixture.report)
        case .cyclonedx: CycloneDXReporter(models: CycloneDXFixture.models, identity: CycloneDXFixture.identity).render(ReportFixture.report)
        case .spdx: SPDXReporter(images: [], models: CycloneDXFixture.models, identity: CycloneDXFixture.identity).render(ReportFixture.report)
        case .plan: PlanReporter().render(ReportFixture.report)
        case .oscal: OSCALReporter(rules: ReportFixture.rules, timestamp: CycloneDXFixture.identity.timestamp).render(ReportFixture.report)
        }
        #expect(format.render(ReportFixture.report, options: options) == expected)
    }

    @Test func everyReporterEndsWithANewlineAndIsUTF8() {
        for format in ReportFormat.allCases {
            let bytes = format.render(ReportFixture.report, options: ReportFormat.Options(rules: ReportFixture.rules))
            #expect(bytes.last == UInt8(ascii: "\n"), "\(format)")
            #expect(String(validating: bytes, as: UTF8.self) != nil, "\(format)")
        }
    }
}
