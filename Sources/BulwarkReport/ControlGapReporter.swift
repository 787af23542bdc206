import BulwarkCore
import Foundation

/// `bulwark rules --gaps FRAMEWORK`: the controls of a framework no rule checks (coverage manual or
/// out-of-scope), each with the reason, and the ones rules check only in part.
///
/// - table: `ID  COVERAGE  TITLE` then the reason indented, and a count line.
/// - json: `{"framework", "title", "version", "controls": N, "gaps": [{"id", "title", "section",
///   "coverage", "reason", "rules": [...]}]}`; `rules` lists the rules of a partial control.
/// - markdown: a table.
public struct ControlGapReporter: Sendable {
    public var format: RuleCatalogReporter.Format

    public init(format: RuleCatalogReporter.Format) {
        self.format = format
    }

    public func render(_ framework: ComplianceFramework, rules: [RuleDescriptor]) -> [UInt8] {
        let gaps = framework.controls.filter { $0.coverage != .automated }
        var citing: [String: [String]] = [:]
        for rule in rules.sorted(by: { $0.id < $1.id }) {
            for control in rule.controls where control.framework == framework.id { citing[control.control, default: []].append(rule.id) }
        }
        switch format {
        case .table:
            var out = "\(framework.title) \(framework.version): \(gaps.count) of \(framework.controls.count) controls are not fully checked by a rule\n"
            let idWidth = gaps.map(\.id.count).max() ?? 0
            for control in gaps {
                out += control.id.padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  "
                    + control.coverage.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + control.title + "\n"
                out += String(repeating: " ", count: idWidth + 2) + control.reason
                if control.coverage == .partial, let rules = citing[control.id] { out += " (rules: " + rules.joined(separator: ", ") + ")" }
                out += "\n"
            }
            return Array(out.utf8)
        case .json:
            var writer = JSONWriter(reservingCapacity: 4096 + gaps.count * 256)
            writer.beginObject()
            writer.field("framework", framework.id)
            writer.field("title", framework.title)
            writer.field("version", framework.version)
            writer.field("controls", framework.controls.count)
            writer.key("gaps")
            writer.beginArray()
            for control in gaps {
                writer.beginObject()
                writer.field("id", control.id)
                writer.field("title", control.title)
                writer.field("section", control.section)
                writer.field("coverage", control.coverage.rawValue)
                writer.field("reason", control.reason)
                writer.stringArray("rules", citing[control.id] ?? [])
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return writer.finish()
        case .markdown:
            var out = "# \(framework.title) \(framework.version): controls not fully checked\n\n"
            out += "\(gaps.count) of \(framework.controls.count) controls.\n\n| Control | Coverage | Title | Why |\n|---|---|---|---|\n"
            for control in gaps {
                out += "| \(Self.cell(control.id)) | \(control.coverage.rawValue) | \(Self.cell(control.title)) | \(Self.cell(control.reason)) |\n"
            }
            return Array(out.utf8)
        }
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
