import BulwarkCore

/// `--format table` (the default): a listing for people at a terminal.
///
/// ```
/// Errors:
///   k8s/broken.yaml:3:1  mapping values are not allowed here
///
/// k8s/deploy.yaml
///   Deployment ml/model-server
///     27:9   HIGH      k8s/run-as-non-root  container "server" of Deployment ml/model-server sets no runAsNonRoot
///            fix: Set securityContext.runAsNonRoot: true.
///
/// 3 findings (1 critical, 2 high) in 2 files, 4 objects; 1 suppressed; 1 error
/// ```
/// Findings are grouped by file, then by object (with the Helm template it came from), in report
/// order. Suppressed findings are listed only with `showSuppressed`. ANSI colour only with `colour`.
public struct TableReporter: Reporter {
    public var colour: Bool
    public var showSuppressed: Bool

    public init(colour: Bool = false, showSuppressed: Bool = false) {
        self.colour = colour
        self.showSuppressed = showSuppressed
    }

    public func render(_ report: Report) -> [UInt8] {
        TextStream.render(reservingCapacity: 4096 + report.findings.count * 200) { write(report, into: &$0) }
    }

    /// Streams the listing to `sink` in chunks of about 1 MiB, the findings' lines encoded on all cores.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        TextStream.stream(to: sink) { write(report, into: &$0) }
    }

    public func text(_ report: Report) -> String {
        renderString(report)
    }

    private func write(_ report: Report, into out: inout TextStream) {
        if !report.errors.isEmpty {
            out += paint("Errors:", .bold) + "\n"
            for error in report.errors {
                out += "  " + paint(Self.place(error.file, error.line, error.column), .bold) + "  " + paint(Self.singleLine(error.message), .red) + "\n"
            }
            out += "\n"
        }
        if !report.warnings.isEmpty {
            out += paint("Warnings:", .bold) + "\n"
            for warning in report.warnings {
                out += "  " + paint(Self.place(warning.file, warning.line, warning.column), .bold) + "  "
                    + paint(Self.singleLine(warning.message), .yellow) + "\n"
            }
            out += "\n"
        }
        if !report.skipped.isEmpty {
            out += paint("Not read:", .bold) + "\n"
            for skipped in report.skipped {
                out += "  " + Self.singleLine(skipped.path) + "  " + paint(Self.singleLine(skipped.reason), .dim) + "\n"
            }
            out += "\n"
        }

        // Indices, not copies, of the findings shown.
        let findings = report.findings
        let shown = findings.indices.filter { showSuppressed || !findings[$0].suppressed }
        var index = 0
        while index < shown.count {
            let file = findings[shown[index]].location.file
            var end = index
            while end < shown.count && findings[shown[end]].location.file == file { end += 1 }
            writeFile(file, shown[index..<end], of: findings, into: &out)
            out += "\n"
            index = end
        }
        if let compliance = report.compliance { writeScorecard(compliance, findings: findings, into: &out) }
        out += summaryLine(report) + "\n"
    }

    private func writeFile(_ file: String, _ indices: ArraySlice<Int>, of all: [Finding], into out: inout TextStream) {
        // Objects in the order of their first finding; object-less findings first.
        struct Group {
            var header: String?
            var findings: [Int] = []
        }
        var groups: [Group] = []
        var groupIndex: [String: Int] = [:]
        for findingIndex in indices {
            let finding = all[findingIndex]
            let key: String
            var header: String?
            if let object = finding.object {
                key = [object.apiVersion, object.kind, object.namespace ?? "", object.name, finding.templateSource ?? ""].joined(separator: "\u{1F}")
                header = Self.singleLine(object.displayName)
                if let source = finding.templateSource { header! += "  " + paint("(helm: \(Self.singleLine(source)))", .dim) }
            } else {
                key = ""
            }
            if let existing = groupIndex[key] {
                groups[existing].findings.append(findingIndex)
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(header: header, findings: [findingIndex]))
            }
        }
        groups = groups.filter { $0.header == nil } + groups.filter { $0.header != nil }

        let positionWidth = indices.map { Self.singleLine(all[$0].location.position).count }.max() ?? 0
        let ruleWidth = indices.map { all[$0].ruleId.count }.max() ?? 0
        out += paint(Self.singleLine(file), .bold) + "\n"
        for group in groups {
            if let header = group.header { out += "  " + header + "\n" }
            out.rows(group.findings) { index in self.line(for: all[index], positionWidth: positionWidth, ruleWidth: ruleWidth) }
        }
    }

    /// A finding's two lines: position, severity, rule and message, then the remediation.
    private func line(for finding: Finding, positionWidth: Int, ruleWidth: Int) -> String {
        let severityWidth = 8  // CRITICAL
        let position = Self.singleLine(finding.location.position)
        let severity = finding.severity.rawValue.uppercased()
        var line = "    " + Self.pad(position, positionWidth) + "  "
        line += paint(Self.pad(severity, severityWidth), Self.style(for: finding.severity)) + "  "
        line += Self.pad(finding.ruleId, ruleWidth) + "  " + Self.singleLine(finding.message)
        if let object = finding.object, let container = object.container, !finding.message.contains("\"\(container)\"") {
            line += " (container \(container))"
        }
        if finding.suppressed {
            line += "  " + paint("[suppressed: \(Self.singleLine(finding.suppressionReason ?? "no reason given"))]", .dim)
        }
        let indent = String(repeating: " ", count: 4 + positionWidth + 2)
        return line + "\n" + indent + paint("fix:", .dim) + " " + Self.singleLine(finding.remediation) + "\n"
    }

    /// `12 findings (1 critical, 4 high, 7 medium) in 3 files, 40 objects; 2 suppressed; 1 error`.
    public func summaryLine(_ report: Report) -> String {
        let summary = report.summary
        let counts = Severity.descending.compactMap { severity in
            summary.findings[severity] > 0 ? "\(summary.findings[severity]) \(severity.rawValue)" : nil
        }
        var line = Self.count(summary.findings.total, "finding")
        if !counts.isEmpty { line += " (" + counts.joined(separator: ", ") + ")" }
        line += " in " + Self.count(summary.files, "file") + ", " + Self.count(summary.objects, "object")
        if summary.suppressed > 0 { line += "; \(summary.suppressed) suppressed" }
        if let baselined = summary.baselined { line += "; \(baselined) in the baseline, not listed" }
        if summary.skippedFiles > 0 { line += "; \(summary.skippedFiles) not read" }
        if summary.excludedFiles > 0 { line += "; \(summary.excludedFiles) excluded" }
        if !report.errors.isEmpty { line += "; " + Self.count(report.errors.count, "error") }
        if !report.warnings.isEmpty { line += "; " + Self.count(report.warnings.count, "warning") }
        let style: Style = summary.findings.critical + summary.findings.high > 0 || !report.errors.isEmpty ? .red
            : summary.findings.total > 0 ? .yellow : .green
        return paint(line, style)
    }

    // MARK: Helpers

    enum Style: String {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case boldRed = "1;31"
        case yellow = "33"
        case blue = "34"
        case cyan = "36"
        case green = "32"
    }

    static func style(for severity: Severity) -> Style {
        switch severity {
        case .critical: .boldRed
        case .high: .red
        case .medium: .yellow
        case .low: .cyan
        case .info: .dim
        }
    }

    func paint(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// Input values (file names, object names, messages quoting them) as one run of printable text
    /// (`TerminalText`): an escape sequence or a line break in a name is shown, never obeyed.
    static func singleLine(_ text: String) -> String {
        TerminalText.sanitized(text)
    }

    /// `file:line:column`, sanitised.
    static func place(_ file: String, _ line: Int?, _ column: Int?) -> String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return singleLine(place)
    }
}
