import BulwarkCore
import Foundation

/// Picks the reporter for a format. (Temporary encoders until BulwarkReport lands.)
enum Renderer {
    static func render(_ report: Report, options: ReportingOptions) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        switch options.format {
        case .json, .sarif, .junit, .html:
            return Array((try? encoder.encode(report)) ?? Data()) + [10]
        case .table:
            var text = ""
            for error in report.errors { text += "error: \(error)\n" }
            for finding in report.findings where !finding.suppressed || options.showSuppressed {
                text += "\(finding.location.description)  \(finding.severity.rawValue.uppercased())  \(finding.ruleId)  \(finding.message)\n"
            }
            text += "\(report.summary.findings.total) findings in \(report.summary.files) files, \(report.summary.objects) objects\n"
            return Array(text.utf8)
        }
    }

    static func compliance(findings: [Finding], framework: String) -> ComplianceReport {
        ComplianceReport(framework: framework, score: 0, controls: [])
    }

    static func catalog(_ rules: [RuleDescriptor], format: Rules.Format) -> [UInt8] {
        Array(rules.map { "\($0.id)  \($0.severity.rawValue)  \($0.title)\n" }.joined().utf8)
    }
}
