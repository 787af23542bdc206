import BulwarkCore

/// The inline SVG charts of the HTML report, drawn here so they show without scripts. Colours come
/// from the page's CSS classes; each segment has a `<title>` (its tooltip) and links to the
/// findings table filtered to it.
enum Chart {
    /// One horizontal bar per lifecycle stage, stacked by severity, scaled to the largest stage.
    static func stages(_ counts: StageCounts) -> String {
        let label = 150, width = 520, rowHeight = 34, barHeight = 22
        let stages = LifecycleStage.allCases
        let largest = max(1, stages.map { counts.total($0) }.max() ?? 0)
        let height = stages.count * rowHeight + 8
        var svg = "<svg class=\"bars\" viewBox=\"0 0 \(label + width + 90) \(height)\" width=\"\(label + width + 90)\" height=\"\(height)\" "
        svg += "role=\"img\" aria-labelledby=\"stage-chart-title\"><title id=\"stage-chart-title\">Unsuppressed findings per lifecycle stage and severity</title>\n"
        for (row, stage) in stages.enumerated() {
            let y = row * rowHeight + 4
            svg += "<text class=\"label\" x=\"0\" y=\"\(y + barHeight / 2 + 5)\">\(XMLText.escape(stage.title))</text>\n"
            svg += "<rect class=\"track\" x=\"\(label)\" y=\"\(y)\" width=\"\(width)\" height=\"\(barHeight)\" rx=\"3\"/>\n"
            var x10 = label * 10
            for severity in Severity.descending {
                let n = counts.unsuppressed[stage]?[severity] ?? 0
                guard n > 0 else { continue }
                let w10 = max(10, n * width * 10 / largest)
                svg += "<a href=\"#stage=\(stage.rawValue)&amp;severity=\(severity.rawValue)\"><rect class=\"seg sev-\(severity.rawValue)\" "
                svg += "x=\"\(tenths(x10))\" y=\"\(y)\" width=\"\(tenths(w10))\" height=\"\(barHeight)\">"
                svg += "<title>\(XMLText.escape(stage.title)) · \(severity.rawValue): \(n)</title></rect></a>\n"
                x10 += w10
            }
            svg += "<text class=\"value\" x=\"\(tenths(x10 + 80))\" y=\"\(y + barHeight / 2 + 5)\">\(counts.total(stage))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// One thin bar of a framework's controls: pass, fail, not applicable, manual.
    static func compliance(_ tally: ComplianceTally) -> String {
        let width = 260, height = 14
        var svg = "<svg class=\"bars\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" "
        svg += "aria-label=\"\(tally.pass) pass, \(tally.fail) fail, \(tally.notApplicable) not applicable, \(tally.manual) manual\">"
        svg += "<rect class=\"track\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" rx=\"3\"/>"
        let total = max(1, tally.total)
        var x10 = 0
        for (status, n) in [("pass", tally.pass), ("fail", tally.fail), ("not-applicable", tally.notApplicable), ("manual", tally.manual)] where n > 0 {
            let w10 = n * width * 10 / total
            svg += "<rect class=\"seg st-\(status)\" x=\"\(tenths(x10))\" y=\"0\" width=\"\(tenths(w10))\" height=\"\(height)\"><title>\(status): \(n)</title></rect>"
            x10 += w10
        }
        svg += "</svg>"
        return svg
    }

    /// `1234` → `123.4`: SVG coordinates in tenths of a pixel, without Foundation's formatting.
    static func tenths(_ value: Int) -> String {
        value % 10 == 0 ? "\(value / 10)" : "\(value / 10).\(value % 10)"
    }
}
