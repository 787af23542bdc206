import BulwarkCore

/// `--format html`: one self-contained page (inline CSS, no scripts, no external resources) with the
/// summary counts, the inputs that could not be read, a table of findings, and the compliance
/// summary when present. Every value from the report is HTML-escaped.
public struct HTMLReporter: Reporter {
    public var title: String

    public init(title: String = "Bulwark report") {
        self.title = title
    }

    public func render(_ report: Report) -> [UInt8] {
        var page = TextStream(reservingCapacity: 16 << 10 + report.findings.count * 1200)
        write(report, into: &page)
        return page.finish()
    }

    /// Streams the page to `sink` in chunks of about 1 MiB, the findings' rows encoded on all cores.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var page = TextStream(sink: sink)
        write(report, into: &page)
        _ = page.finish()
    }

    public func html(_ report: Report) -> String {
        String(decoding: render(report), as: UTF8.self)
    }

    private func write(_ report: Report, into page: inout TextStream) {
        let summary = report.summary
        page += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="\(e(report.tool.name)) \(e(report.tool.version))">
        <title>\(e(title))</title>
        <style>
        \(Self.css)
        </style>
        </head>
        <body>
        <header>
        <h1>\(e(title))</h1>
        <p class="meta">\(e(report.tool.name)) \(e(report.tool.version)) · \(Self.count(summary.files, "file")) · \(Self.count(summary.objects, "object"))\
        \(summary.skippedDocuments > 0 ? " · " + Self.count(summary.skippedDocuments, "skipped document") : "")</p>
        </header>
        <main>
        <section class="cards" aria-label="Summary">

        """
        for severity in Severity.descending {
            page += "<div class=\"card sev-\(severity.rawValue)\"><span class=\"n\">\(summary.findings[severity])</span><span class=\"l\">\(severity.rawValue)</span></div>\n"
        }
        page += "<div class=\"card muted\"><span class=\"n\">\(summary.suppressed)</span><span class=\"l\">suppressed</span></div>\n"
        page += "<div class=\"card\(report.errors.isEmpty ? " muted" : " sev-critical")\"><span class=\"n\">\(report.errors.count)</span><span class=\"l\">errors</span></div>\n"
        page += "</section>\n"

        func problems(_ title: String, _ rows: [(place: String, message: String)]) {
            guard !rows.isEmpty else { return }
            page += "<section>\n<h2>\(title)</h2>\n<table>\n<thead><tr><th>File</th><th>Message</th></tr></thead>\n<tbody>\n"
            for row in rows { page += "<tr><td class=\"loc\">\(e(row.place))</td><td>\(e(row.message))</td></tr>\n" }
            page += "</tbody>\n</table>\n</section>\n"
        }
        func place(_ file: String, _ line: Int?, _ column: Int?) -> String {
            file + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "")
        }
        problems("Inputs that could not be read", report.errors.map { (place($0.file, $0.line, $0.column), $0.message) })
        problems("Warnings", report.warnings.map { (place($0.file, $0.line, $0.column), $0.message) })
        problems("Not read", report.skipped.map { ($0.path, $0.reason) })

        page += "<section>\n<h2>Findings</h2>\n"
        if report.findings.isEmpty {
            page += "<p class=\"empty\">No findings.</p>\n"
        } else {
            page += "<table class=\"findings\">\n<thead><tr><th>Severity</th><th>Rule</th><th>Object</th><th>Location</th><th>Message</th><th>Remediation</th></tr></thead>\n<tbody>\n"
            page.rows(report.findings) { finding in self.row(for: finding) }
            page += "</tbody>\n</table>\n"
        }
        page += "</section>\n"
        if let compliance = report.compliance {
            let name = ControlCatalog.frameworks[compliance.framework] ?? compliance.framework
            page += "<section>\n<h2>Compliance: \(e(name)) — \(e(compliance.score.map { Self.score($0) + "%" } ?? "no automated control applies"))</h2>\n<table>\n"
            page += "<thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Rules</th></tr></thead>\n<tbody>\n"
            for control in compliance.controls {
                page += "<tr><td class=\"loc\">\(e(control.id))</td><td>\(e(control.title))</td>"
                page += "<td><span class=\"status st-\(e(control.status.rawValue))\">\(e(control.status.rawValue))</span></td>"
                page += "<td>\(control.findings.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td></tr>\n"
            }
            page += "</tbody>\n</table>\n</section>\n"
        }

        page += "</main>\n</body>\n</html>\n"
    }

    private func row(for finding: Finding) -> String {
        var object = ""
        if let reference = finding.object {
            object = e(reference.displayName)
            if let container = reference.container { object += "<br><span class=\"sub\">container \(e(container))</span>" }
        }
        if let source = finding.templateSource { object += "<br><span class=\"sub\">helm: \(e(source))</span>" }
        var message = e(finding.message)
        if finding.suppressed {
            message += "<br><span class=\"sub\">suppressed: \(e(finding.suppressionReason ?? "no reason given"))</span>"
        }
        if !finding.controls.isEmpty {
            message += "<br><span class=\"sub\">\(finding.controls.map { e($0.description) }.joined(separator: ", "))</span>"
        }
        let rowClass = finding.suppressed ? " class=\"suppressed\"" : ""
        return "<tr\(rowClass)><td><span class=\"badge sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span></td>"
            + "<td><code>\(e(finding.ruleId))</code><br><span class=\"sub\">\(e(finding.title))</span></td>"
            + "<td>\(object)</td>"
            + "<td class=\"loc\">\(e(finding.location.description))</td>"
            + "<td>\(message)</td><td>\(e(finding.remediation))</td></tr>\n"
    }

    private func e(_ text: String) -> String { XMLText.escape(text) }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    static func score(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static let css = """
    :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--head:#f6f8fa;\
    --critical:#8b0000;--high:#cf222e;--medium:#bc4c00;--low:#0969da;--info:#57606a}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    header,main{max-width:1400px;margin:0 auto;padding:0 24px}
    h1{font-size:24px;margin:24px 0 4px}
    h2{font-size:18px;margin:28px 0 8px}
    .meta,.empty,.sub{color:var(--muted)}
    .sub{font-size:12px}
    .cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
    .card{min-width:110px;padding:10px 14px;border:1px solid var(--line);border-left-width:6px;border-radius:6px}
    .card .n{display:block;font-size:24px;font-weight:600}
    .card .l{color:var(--muted);text-transform:uppercase;font-size:12px;letter-spacing:.04em}
    .card.muted{border-left-color:var(--line)}
    .card.sev-critical{border-left-color:var(--critical)}.card.sev-high{border-left-color:var(--high)}
    .card.sev-medium{border-left-color:var(--medium)}.card.sev-low{border-left-color:var(--low)}.card.sev-info{border-left-color:var(--info)}
    table{border-collapse:collapse;width:100%}
    th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
    th{background:var(--head)}
    td{overflow-wrap:anywhere}
    .loc,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
    .badge,.status{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
    .badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}
    .badge.sev-low{background:var(--low)}.badge.sev-info{background:var(--info)}
    .status{color:var(--fg);background:var(--head);border:1px solid var(--line)}
    .status.st-fail{background:var(--high);color:#fff;border-color:var(--high)}.status.st-pass{background:#1a7f37;color:#fff;border-color:#1a7f37}
    tr.suppressed td{opacity:.55}
    """
}
