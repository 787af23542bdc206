import BulwarkCore

extension HTMLReporter {
    /// Changes shown in the plan section; the rest are counted (the JSON report and `--format plan`
    /// list every one).
    static let planRows = 200

    /// The fix plan (`FixPlanner`): the changes that resolve the findings, by the risk they remove,
    /// each with its command or advice. Drawn without scripts.
    func writePlan(_ report: Report, into page: inout TextStream) {
        let plan = FixPlanner.plan(report.findings)
        page += "<section id=\"plan\" aria-labelledby=\"plan-h\">\n<h2 id=\"plan-h\">Fix plan</h2>\n"
        page += "<p class=\"meta\">\(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s") resolve \(plan.findingCount) "
            + "unsuppressed finding\(plan.findingCount == 1 ? "" : "s"), ordered by the risk they remove "
            + "(the sum of their findings' severity weights: critical 10, high 5, medium 2, low 1).</p>\n"
        guard !plan.changes.isEmpty else {
            page += "</section>\n"
            return
        }
        page += "<table class=\"plan\">\n<thead><tr><th class=\"num\">#</th><th>Change</th><th class=\"num\">Risk</th>"
            + "<th class=\"num\">Findings</th><th>Highest</th><th>How</th></tr></thead>\n<tbody>\n"
        for (number, change) in plan.changes.prefix(Self.planRows).enumerated() {
            let rules = change.ruleCounts(in: report.findings).map { XMLText.escape($0.rule) + ($0.count > 1 ? " ×\($0.count)" : "") }
            page += "<tr><td class=\"num\">\(number + 1)</td><td><strong>\(XMLText.escape(change.title))</strong>"
            page += "<br><span class=\"meta\">\(rules.joined(separator: ", "))</span></td>"
            page += "<td class=\"num\">\(change.risk)</td><td class=\"num\">\(change.findings.count)</td>"
            page += "<td><span class=\"badge sev-\(change.highestSeverity.rawValue)\">\(change.highestSeverity.rawValue)</span></td><td>"
            if let command = change.command { page += "<code>\(XMLText.escape(command))</code><br>" }
            page += "\(XMLText.escape(change.advice))</td></tr>\n"
        }
        page += "</tbody>\n</table>\n"
        if plan.changes.count > Self.planRows {
            page += "<p class=\"meta\">\(plan.changes.count - Self.planRows) more changes are not shown here; "
                + "<code>--format plan</code> and the JSON report's <code>plan</code> list every one.</p>\n"
        }
        page += "</section>\n"
    }
}
