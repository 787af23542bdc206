import BulwarkCore

/// `--format html`: one self-contained, interactive page. Inline CSS, one inline script and inline
/// SVG; a Content-Security-Policy that allows no remote load and only that script (by its hash).
///
/// Sections, in order: summary cards; findings by lifecycle stage × severity (SVG bars drawn here,
/// readable without scripts); compliance per framework; the findings table (the findings embedded as
/// JSON, filtered, searched and paged by the script, its state in the URL hash); one section per
/// object with its findings, the source lines around each and the remediation; suppressed findings
/// with their reasons; inputs that could not be read, warnings, files not read.
///
/// Every value from the report is HTML-escaped in markup, and JSON-escaped with `<`, `>`, `&`,
/// U+2028 and U+2029 as `\uXXXX` in the embedded data, so no text can end the script element. The
/// output depends only on the report, the rules and the excerpts (golden file).
public struct HTMLReporter: Reporter {
    /// How much of a large report is spelled out in markup (the findings table holds every finding).
    public struct Limits: Sendable, Equatable {
        /// Rows per page of the findings table (the first page is also written as markup).
        public var pageSize: Int
        /// Objects that get their own section, the worst first.
        public var objectSections: Int
        /// Findings listed (with source lines) in one object's section.
        public var findingsPerObject: Int
        /// Rows of the suppressed-findings table.
        public var suppressedRows: Int

        public init(pageSize: Int = 100, objectSections: Int = 100, findingsPerObject: Int = 20, suppressedRows: Int = 500) {
            self.pageSize = pageSize
            self.objectSections = objectSections
            self.findingsPerObject = findingsPerObject
            self.suppressedRows = suppressedRows
        }

        public static let standard = Limits()
    }

    public var title: String
    /// The rule catalogue, for the compliance summaries.
    public var rules: [RuleDescriptor]
    /// Source lines around the findings of the object sections (`SourceExcerpts.collect`).
    public var sources: SourceExcerpts
    public var limits: Limits
    /// The scope the compliance bars are judged in (`Engine.complianceScope`): without it, controls
    /// of inputs that were not scanned count as passed.
    public var complianceScope: ComplianceScope?

    public init(title: String = "Bulwark report", rules: [RuleDescriptor] = [], sources: SourceExcerpts = .none,
                limits: Limits = .standard, complianceScope: ComplianceScope? = nil) {
        self.title = title
        self.rules = rules
        self.sources = sources
        self.limits = limits
        self.complianceScope = complianceScope
    }

    public func render(_ report: Report) -> [UInt8] {
        TextStream.render(reservingCapacity: 64 << 10 + report.findings.count * 260) { write(report, into: &$0) }
    }

    /// Streams the page to `sink` in chunks of about 1 MiB, the findings' data encoded on all cores.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        TextStream.stream(to: sink) { write(report, into: &$0) }
    }

    public func html(_ report: Report) -> String {
        renderString(report)
    }

    /// The places whose source lines the object sections show, in page order: what a command passes
    /// to `SourceExcerpts.collect` so the excerpts it reads are the ones the page uses.
    public static func excerptLocations(for report: Report, limits: Limits = .standard) -> [SourceLocation] {
        ObjectSection.sections(of: report.findings, limits: limits).shown.flatMap { section in
            section.listed.map { report.findings[$0].location }
        }
    }

    /// The Content-Security-Policy of the page: nothing remote, no other script than `script`.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src '\(scriptHash)'; style-src 'unsafe-inline'; img-src data:; "
        + "base-uri 'none'; form-action 'none'"

    private func write(_ report: Report, into page: inout TextStream) {
        let summary = report.summary
        let sections = ObjectSection.sections(of: report.findings, limits: limits)
        let suppressed = report.findings.indices.filter { report.findings[$0].suppressed }
        let hasProblems = !report.errors.isEmpty || !report.warnings.isEmpty || !report.skipped.isEmpty
        page += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(e(Self.contentSecurityPolicy))">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta name="generator" content="\(e(report.tool.name)) \(e(report.tool.version))">
        <title>\(e(title))</title>
        <style>
        \(Self.css)
        </style>
        </head>
        <body>
        <header>
        <h1>\(e(title))</h1>
        <p class="meta">\(e(report.tool.name)) \(e(report.tool.version)) · \(Self.count(summary.files, "file")) · \(Self.count(summary.objects, "object")) · \(Self.count(report.findings.count, "finding"))\
        \(summary.skippedDocuments > 0 ? " · " + Self.count(summary.skippedDocuments, "skipped document") : "")</p>
        <nav aria-label="Sections"><a href="#summary">Summary</a><a href="#compliance">Compliance</a>\
        <a href="#plan">Fix plan</a><a href="#findings">Findings</a><a href="#objects">Objects</a><a href="#suppressed">Suppressed</a>\
        \(hasProblems ? "<a href=\"#problems\">Inputs</a>" : "")</nav>
        </header>
        <main>

        """
        writeSummary(report, into: &page)
        writeCompliance(report, into: &page)
        writePlan(report, into: &page)
        writeFindings(report, into: &page)
        writeObjects(report, sections, into: &page)
        writeSuppressed(report, suppressed, into: &page)
        writeProblems(report, into: &page)
        page += "</main>\n"
        writeData(report, into: &page)
        page += "<script>\(Self.script)</script>\n</body>\n</html>\n"
    }

    // MARK: Summary

    private func writeSummary(_ report: Report, into page: inout TextStream) {
        let summary = report.summary
        page += "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<div class=\"cards\">\n"
        for severity in Severity.descending {
            page += "<a class=\"card sev-\(severity.rawValue)\" href=\"#severity=\(severity.rawValue)\"><span class=\"n\">\(summary.findings[severity])</span><span class=\"l\">\(severity.rawValue)</span></a>\n"
        }
        page += "<a class=\"card muted\" href=\"#suppressed=yes\"><span class=\"n\">\(summary.suppressed)</span><span class=\"l\">suppressed</span></a>\n"
        page += "<div class=\"card\(report.errors.isEmpty ? " muted" : " sev-critical")\"><span class=\"n\">\(report.errors.count)</span><span class=\"l\">errors</span></div>\n"
        page += "</div>\n"

        let counts = StageCounts(report.findings)
        page += "<h3>Findings by lifecycle stage</h3>\n<div class=\"chart\">\n"
        page += Chart.stages(counts)
        page += "</div>\n<table class=\"grid\">\n<thead><tr><th>Stage</th>"
        for severity in Severity.descending { page += "<th class=\"num\">\(severity.rawValue)</th>" }
        page += "<th class=\"num\">total</th><th class=\"num\">suppressed</th></tr></thead>\n<tbody>\n"
        for stage in LifecycleStage.allCases {
            page += "<tr><th scope=\"row\"><a href=\"#stage=\(stage.rawValue)\">\(e(stage.title))</a></th>"
            for severity in Severity.descending {
                let n = counts.unsuppressed[stage]?[severity] ?? 0
                page += n == 0 ? "<td class=\"num zero\">0</td>"
                    : "<td class=\"num\"><a href=\"#stage=\(stage.rawValue)&amp;severity=\(severity.rawValue)\">\(n)</a></td>"
            }
            page += "<td class=\"num\">\(counts.total(stage))</td><td class=\"num\">\(counts.suppressed[stage] ?? 0)</td></tr>\n"
        }
        page += "</tbody>\n</table>\n</section>\n"
    }

    // MARK: Compliance

    /// Every framework of the catalogue, summarised over the report's findings; the report's own
    /// summary for the framework it carries one for (`--compliance`).
    func complianceReports(_ report: Report) -> [ComplianceReport] {
        let summarizer = ComplianceSummarizer(rules: rules)
        return ControlCatalog.frameworks.keys.sorted().map { id in
            if let carried = report.compliance, carried.framework == id { return carried }
            return summarizer.summarize(report.findings, framework: id, scope: complianceScope)
        }
    }

    private func writeCompliance(_ report: Report, into page: inout TextStream) {
        let reports = complianceReports(report)
        page += "<section id=\"compliance\" aria-labelledby=\"compliance-h\">\n<h2 id=\"compliance-h\">Compliance</h2>\n"
        page += "<p class=\"meta\">Controls per framework: <span class=\"key st-pass\">pass</span> <span class=\"key st-fail\">fail</span> "
        page += "<span class=\"key st-not-applicable\">not applicable</span> <span class=\"key st-manual\">manual</span>. "
        page += "The score is the weighted share of automatically checked controls (pass and fail) that pass; n/a when none applies.</p>\n"
        page += "<table class=\"compliance\">\n<thead><tr><th>Framework</th><th class=\"num\">Score</th><th>Controls</th>"
        page += "<th class=\"num\">pass</th><th class=\"num\">fail</th><th class=\"num\">n/a</th><th class=\"num\">manual</th></tr></thead>\n<tbody>\n"
        for compliance in reports {
            let tally = ComplianceTally(compliance)
            let name = ControlCatalog.frameworks[compliance.framework] ?? compliance.framework
            page += "<tr><th scope=\"row\">\(e(name))<br><span class=\"sub\">\(e(compliance.framework))</span></th>"
            page += "<td class=\"num score\">\(compliance.score.map { ComplianceScore.text($0) + "%" } ?? "n/a")</td><td>\(Chart.compliance(tally))</td>"
            page += "<td class=\"num\">\(tally.pass)</td><td class=\"num\">\(tally.fail)</td><td class=\"num\">\(tally.notApplicable)</td><td class=\"num\">\(tally.manual)</td></tr>\n"
        }
        page += "</tbody>\n</table>\n"
        for compliance in reports where !compliance.controls.isEmpty {
            let name = ControlCatalog.frameworks[compliance.framework] ?? compliance.framework
            let failed = compliance.controls.count { $0.status == .fail }
            page += "<details class=\"controls\"\(report.compliance?.framework == compliance.framework ? " open" : "")>"
            page += "<summary>\(e(name)): \(Self.count(compliance.controls.count, "control")), \(failed) failed</summary>\n"
            page += "<table>\n<thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Rules</th></tr></thead>\n<tbody>\n"
            for control in compliance.controls {
                page += "<tr><td class=\"loc\">\(e(control.id))</td><td>\(e(control.title))</td>"
                page += "<td><span class=\"status st-\(e(control.status.rawValue))\">\(e(control.status.rawValue))</span></td><td>"
                page += control.findings.map { "<a href=\"#rule=\(e(Self.hashParameter($0)))\"><code>\(e($0))</code></a>" }.joined(separator: " ")
                page += "</td></tr>\n"
            }
            page += "</tbody>\n</table>\n</details>\n"
        }
        page += "</section>\n"
    }

    // MARK: Findings table

    private func writeFindings(_ report: Report, into page: inout TextStream) {
        let ruleIds = Set(report.findings.map(\.ruleId)).sorted()
        page += "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n"
        page += "<form id=\"filters\" class=\"filters\" role=\"search\" hidden>\n"
        page += "<label>Severity <select name=\"severity\"><option value=\"\">all</option>"
        for severity in Severity.descending { page += "<option value=\"\(severity.rawValue)\">\(severity.rawValue)</option>" }
        page += "</select></label>\n<label>Stage <select name=\"stage\"><option value=\"\">all</option>"
        for stage in LifecycleStage.allCases { page += "<option value=\"\(stage.rawValue)\">\(e(stage.title))</option>" }
        page += "</select></label>\n<label>Rule <select name=\"rule\"><option value=\"\">all</option>"
        for id in ruleIds { page += "<option value=\"\(e(id, attribute: true))\">\(e(id))</option>" }
        page += "</select></label>\n<label>Suppressed <select name=\"suppressed\"><option value=\"\">all</option>"
        page += "<option value=\"no\">no</option><option value=\"yes\">yes</option></select></label>\n"
        page += "<label class=\"grow\">Search <input type=\"search\" name=\"q\" placeholder=\"rule, message, file or object\" autocomplete=\"off\"></label>\n"
        page += "<button type=\"reset\" id=\"clear\">Clear</button>\n</form>\n"
        let shown = min(report.findings.count, limits.pageSize)
        let total = report.findings.count
        page += "<p id=\"count\" class=\"meta\" aria-live=\"polite\">"
        page += total == 0 ? "No findings." : "Showing 1–\(shown) of \(Self.count(total, "finding"))."
        page += "</p>\n"
        page += "<noscript><p class=\"note\">Scripts are off: the first \(shown) findings are listed; filters, search and paging need scripts.</p></noscript>\n"
        page += "<table id=\"findings-table\" class=\"findings\">\n<thead><tr><th>Severity</th><th>Rule</th><th>Object</th><th>Location</th><th>Message</th></tr></thead>\n<tbody>\n"
        for index in 0..<shown { page += row(for: report.findings[index]) }
        page += "</tbody>\n</table>\n"
        page += "<nav class=\"pager\" id=\"pager\" aria-label=\"Pages\" hidden><button type=\"button\" id=\"prev\">‹ Previous</button>"
        page += "<span id=\"pageinfo\"></span><button type=\"button\" id=\"next\">Next ›</button></nav>\n</section>\n"
    }

    /// The first page's rows as markup, the same cells the script draws.
    private func row(for finding: Finding) -> String {
        var object = ""
        if let reference = finding.object {
            object = e(reference.displayName)
            if let container = reference.container { object += "<br><span class=\"sub\">container \(e(container))</span>" }
        } else {
            object = e(ObjectSection.Subject(finding).display)
        }
        if let source = finding.templateSource { object += "<br><span class=\"sub\">helm: \(e(source))</span>" }
        var message = e(finding.message)
        if finding.suppressed {
            message += "<br><span class=\"sub\">suppressed (\(Self.kind(finding))): \(e(finding.suppressionReason ?? "no reason given"))</span>"
        }
        message += "<div class=\"fix\">\(e(finding.remediation))</div>"
        return "<tr\(finding.suppressed ? " class=\"suppressed\"" : "")><td><span class=\"badge sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span></td>"
            + "<td><code>\(e(finding.ruleId))</code><br><span class=\"sub\">\(e(finding.title))</span></td>"
            + "<td>\(object)</td><td class=\"loc\">\(e(finding.location.description))</td><td>\(message)</td></tr>\n"
    }

    // MARK: Objects

    private func writeObjects(_ report: Report, _ sections: ObjectSection.Plan, into page: inout TextStream) {
        page += "<section id=\"objects\" aria-labelledby=\"objects-h\">\n<h2 id=\"objects-h\">Objects</h2>\n"
        if sections.shown.isEmpty {
            page += "<p class=\"empty\">No object has an unsuppressed finding.</p>\n</section>\n"
            return
        }
        page += "<p class=\"meta\">Kubernetes objects, Dockerfiles, images and model files with unsuppressed findings, the most severe first: "
        page += "each finding with the source lines around it and how to fix it.</p>\n"
        for (number, section) in sections.shown.enumerated() {
            let findings = section.all.map { report.findings[$0] }
            page += "<details class=\"object\" id=\"object-\(number + 1)\"\(number < 5 ? " open" : "")>\n<summary>"
            page += "<span class=\"kind\">\(e(section.subject.kind))</span> <span class=\"name\">\(e(section.subject.name))</span>"
            for severity in Severity.descending {
                let n = findings.count { $0.severity == severity }
                if n > 0 { page += " <span class=\"badge sev-\(severity.rawValue)\">\(n) \(severity.rawValue)</span>" }
            }
            page += "</summary>\n"
            for index in section.listed { page += objectFinding(report.findings[index]) }
            let rest = section.all.count - section.listed.count
            if rest > 0 {
                page += "<p class=\"note\">\(Self.count(rest, "more finding")) of this object \(rest == 1 ? "is" : "are") in the findings table (limit \(limits.findingsPerObject) here).</p>\n"
            }
            page += "</details>\n"
        }
        if sections.objectsLeftOut > 0 {
            page += "<p class=\"note\">\(Self.count(sections.objectsLeftOut, "more object")) with \(Self.count(sections.findingsLeftOut, "finding")) "
            page += "\(sections.objectsLeftOut == 1 ? "has" : "have") no section here (limit \(limits.objectSections)); every finding is in the findings table.</p>\n"
        }
        if sources.linesLeftOut > 0 {
            page += "<p class=\"note\">Source lines of \(Self.count(sources.linesLeftOut, "finding")) were left out to keep the page small.</p>\n"
        }
        page += "</section>\n"
    }

    private func objectFinding(_ finding: Finding) -> String {
        var html = "<div class=\"finding\">\n<p class=\"fhead\"><span class=\"badge sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span> "
        html += "<code>\(e(finding.ruleId))</code> <span class=\"title\">\(e(finding.title))</span> <span class=\"loc\">\(e(finding.location.description))</span></p>\n"
        html += "<p class=\"msg\">\(e(finding.message))"
        if let container = finding.object?.container { html += " <span class=\"sub\">(container \(e(container)))</span>" }
        if let field = finding.field { html += " <span class=\"sub\">at <code>\(e(field))</code></span>" }
        if let source = finding.templateSource { html += " <span class=\"sub\">(helm: \(e(source)))</span>" }
        html += "</p>\n"
        let location = finding.location
        if let excerpt = sources.excerpt(file: location.file, line: location.line) {
            html += "<pre class=\"src\" aria-label=\"\(e(location.file, attribute: true)) lines \(excerpt.firstLine)–\(excerpt.lastLine)\">"
            for (offset, text) in excerpt.lines.enumerated() {
                let number = excerpt.firstLine + offset
                html += "<span class=\"l\(number == location.line ? " hit" : "")\"><span class=\"n\">\(number)</span>\(e(text))</span>"
            }
            html += "</pre>\n"
        } else if location.line == 0 || location.offset != nil {
            html += "<p class=\"sub\">A binary input: the place is \(e(location.position.isEmpty ? location.file : location.position)).</p>\n"
        } else {
            html += "<p class=\"sub\">Source lines not included.</p>\n"
        }
        html += "<p class=\"fix\"><strong>Fix:</strong> \(e(finding.remediation))</p>\n</div>\n"
        return html
    }

    // MARK: Suppressed

    private func writeSuppressed(_ report: Report, _ suppressed: [Int], into page: inout TextStream) {
        page += "<section id=\"suppressed\" aria-labelledby=\"suppressed-h\">\n<h2 id=\"suppressed-h\">Suppressed findings</h2>\n"
        guard !suppressed.isEmpty else {
            page += "<p class=\"empty\">No finding is suppressed.</p>\n</section>\n"
            return
        }
        page += "<p class=\"meta\">In source: a <code>bulwark.dev/ignore</code> annotation or a <code># bulwark:ignore</code> comment; "
        page += "external: the <code>ignore:</code> list of the configuration.</p>\n"
        page += "<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Object</th><th>Location</th><th>Kind</th><th>Reason</th></tr></thead>\n<tbody>\n"
        for index in suppressed.prefix(limits.suppressedRows) {
            let finding = report.findings[index]
            page += "<tr><td><span class=\"badge sev-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span></td>"
            page += "<td><code>\(e(finding.ruleId))</code></td><td>\(e(finding.object?.displayName ?? ObjectSection.Subject(finding).display))</td>"
            page += "<td class=\"loc\">\(e(finding.location.description))</td><td>\(Self.kind(finding))</td>"
            page += "<td>\(e(finding.suppressionReason ?? "no reason given"))</td></tr>\n"
        }
        page += "</tbody>\n</table>\n"
        if suppressed.count > limits.suppressedRows {
            page += "<p class=\"note\">\(Self.count(suppressed.count - limits.suppressedRows, "more suppressed finding")) "
            page += "\(suppressed.count - limits.suppressedRows == 1 ? "is" : "are") in the findings table "
            page += "(<a href=\"#suppressed=yes\">suppressed: yes</a>).</p>\n"
        }
        page += "</section>\n"
    }

    // MARK: Input problems

    private func writeProblems(_ report: Report, into page: inout TextStream) {
        guard !report.errors.isEmpty || !report.warnings.isEmpty || !report.skipped.isEmpty else { return }
        func place(_ file: String, _ line: Int?, _ column: Int?) -> String {
            file + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "")
        }
        page += "<section id=\"problems\" aria-labelledby=\"problems-h\">\n<h2 id=\"problems-h\">Inputs</h2>\n"
        func table(_ title: String, _ rows: [(place: String, message: String)]) {
            guard !rows.isEmpty else { return }
            page += "<h3>\(title)</h3>\n<table>\n<thead><tr><th>File</th><th>Message</th></tr></thead>\n<tbody>\n"
            for row in rows { page += "<tr><td class=\"loc\">\(e(row.place))</td><td>\(e(row.message))</td></tr>\n" }
            page += "</tbody>\n</table>\n"
        }
        table("Inputs that could not be read", report.errors.map { (place($0.file, $0.line, $0.column), $0.message) })
        table("Warnings", report.warnings.map { (place($0.file, $0.line, $0.column), $0.message) })
        table("Not read", report.skipped.map { ($0.path, $0.reason) })
        page += "</section>\n"
    }

    // MARK: Helpers

    private func e(_ text: String, attribute: Bool = false) -> String { XMLText.escape(text, attribute: attribute) }

    static func kind(_ finding: Finding) -> String {
        (finding.suppressionKind ?? .inSource) == .external ? "external" : "in source"
    }

    /// A value as written in the URL hash (`rule=k8s%2Fprivileged`), as `URLSearchParams` reads it.
    static func hashParameter(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return encoded
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

}

/// Unsuppressed findings per stage and severity, and suppressed ones per stage.
struct StageCounts {
    var unsuppressed: [LifecycleStage: [Severity: Int]] = [:]
    var suppressed: [LifecycleStage: Int] = [:]

    init(_ findings: [Finding]) {
        var stages: [String: LifecycleStage] = [:]
        for finding in findings {
            let stage = stages[finding.ruleId] ?? LifecycleStage(ruleId: finding.ruleId)
            stages[finding.ruleId] = stage
            if finding.suppressed {
                suppressed[stage, default: 0] += 1
            } else {
                unsuppressed[stage, default: [:]][finding.severity, default: 0] += 1
            }
        }
    }

    func total(_ stage: LifecycleStage) -> Int {
        unsuppressed[stage]?.values.reduce(0, +) ?? 0
    }
}

/// Controls of one framework per status (a status added later counts in none of these).
struct ComplianceTally {
    var pass: Int
    var fail: Int
    var notApplicable: Int
    var manual: Int

    init(_ compliance: ComplianceReport) {
        let statuses = compliance.controls.map(\.status)
        pass = statuses.count { $0 == .pass }
        fail = statuses.count { $0 == .fail }
        notApplicable = statuses.count { $0 == .notApplicable }
        manual = statuses.count { $0 == .manual }
    }

    var total: Int { pass + fail + notApplicable + manual }
}
