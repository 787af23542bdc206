import BulwarkCore
import BulwarkKubernetes

/// `bulwark rbac` output: one subject's bindings, effective permissions and findings, or every
/// subject with a risky permission; as a table for people or as JSON.
public struct RBACReporter: Sendable {
    public let analyzer: RBACAnalyzer
    public let report: Report
    public var showSuppressed: Bool

    public init(analyzer: RBACAnalyzer, report: Report, showSuppressed: Bool = false) {
        self.analyzer = analyzer
        self.report = report
        self.showSuppressed = showSuppressed
    }

    // MARK: - One subject

    struct BindingEntry: Codable {
        var binding: String
        var role: String
        var via: String
        var namespace: String?
    }

    struct SubjectReport: Codable {
        var schemaVersion = 1
        var tool = ToolInfo()
        var subject: RBACSubject
        var workloads: [String]
        var bindings: [BindingEntry]
        var permissions: [RBACPermission]
        var findings: [Finding]
        var errors: [InputError]
        var warnings: [InputWarning]
        var skipped: [SkippedInput]
        var summary: ReportSummary
    }

    func bindingEntries(_ subject: RBACSubject) -> [BindingEntry] {
        var entries = analyzer.bindings(for: subject).map { binding, entry in
            BindingEntry(binding: binding.displayName,
                         role: analyzer.role(of: binding)?.displayName ?? "\(binding.roleKind.rawValue) \(binding.roleName) (not in the input)",
                         via: entry.subject.description, namespace: binding.namespace)
        }
        if subject.groups.contains(RBACSubject.mastersGroup) {
            entries.insert(BindingEntry(binding: "(none: system:masters passes every authorization check)",
                                        role: "built-in ClusterRole cluster-admin", via: "Group system:masters", namespace: nil), at: 0)
        }
        return entries
    }

    func workloadNames(_ subject: RBACSubject) -> [String] {
        analyzer.workloads.workloads(for: subject).map { $0.displayName + ($0.mountsToken ? "" : " (token not mounted)") }
    }

    public func subjectJSON(_ subject: RBACSubject) throws -> [UInt8] {
        try AnalysisJSON.encode(SubjectReport(
            subject: subject, workloads: workloadNames(subject), bindings: bindingEntries(subject),
            permissions: analyzer.permissions(for: subject), findings: report.findings, errors: report.errors,
            warnings: report.warnings, skipped: report.skipped, summary: report.summary))
    }

    public func subjectTable(_ subject: RBACSubject) -> String {
        var text = errorLines()
        text += "\(subject)".terminalSafe + "\n"
        let workloads = workloadNames(subject)
        text += workloads.isEmpty ? "  no workload of the input runs as it\n" : workloads.map { "  used by \($0.terminalSafe)\n" }.joined()
        let bindings = bindingEntries(subject)
        text += "\nBindings:\n"
        text += bindings.isEmpty ? "  none\n"
            : bindings.map { "  \($0.binding.terminalSafe) → \($0.role.terminalSafe) (via \($0.via.terminalSafe))\n" }.joined()
        let permissions = analyzer.permissions(for: subject)
        text += "\nPermissions:\n"
        let resources = permissions.filter { $0.nonResourceURL == nil }.map { permission in
            [permission.namespace, Self.kubectlName(permission),
             permission.resourceNames.isEmpty ? "[]" : "[\(permission.resourceNames.joined(separator: " "))]",
             "[\(permission.verbs.joined(separator: " "))]"]
        }
        let urls = permissions.compactMap { permission in
            permission.nonResourceURL.map { [$0, "[\(permission.verbs.joined(separator: " "))]"] }
        }
        if resources.isEmpty && urls.isEmpty {
            text += "  none\n"
        } else {
            text += Self.columns([["NAMESPACE", "RESOURCE", "RESOURCE NAMES", "VERBS"]] + resources)
            if !urls.isEmpty { text += "\n" + Self.columns([["NON-RESOURCE URL", "VERBS"]] + urls) }
        }
        text += "\nFindings:\n" + findingLines()
        return text
    }

    // MARK: - Every subject

    struct SubjectSummary: Codable {
        var subject: RBACSubject
        var severity: Severity
        var risks: [String]
        var workloads: [String]
    }

    struct SummaryReport: Codable {
        var schemaVersion = 1
        var tool = ToolInfo()
        var subjects: [SubjectSummary]
        var findings: [Finding]
        var errors: [InputError]
        var warnings: [InputWarning]
        var skipped: [SkippedInput]
        var summary: ReportSummary
    }

    /// Every subject with an unsuppressed risk, the most severe first.
    func subjectSummaries() -> [SubjectSummary] {
        let suppressed = Set(report.findings.filter(\.suppressed).map { "\($0.ruleId)|\($0.location.description)" })
        let risks = RBACAssessment(analyzer: analyzer, reportsWorkloadClusterAdmin: true).allRisks().filter { risk in
            !suppressed.contains("\(risk.ruleId)|\(risk.object.location(of: risk.node).description)")
        }
        var order: [RBACSubject] = []
        var summaries: [RBACSubject: SubjectSummary] = [:]
        for risk in risks {
            guard let subject = risk.subject else { continue }
            if var summary = summaries[subject] {
                summary.severity = max(summary.severity, risk.severity)
                if !summary.risks.contains(risk.ruleId) { summary.risks.append(risk.ruleId) }
                summaries[subject] = summary
            } else {
                order.append(subject)
                summaries[subject] = SubjectSummary(subject: subject, severity: risk.severity, risks: [risk.ruleId],
                                                    workloads: workloadNames(subject))
            }
        }
        return order.compactMap { summaries[$0] }.sorted { ($1.severity, $0.subject) < ($0.severity, $1.subject) }
    }

    public func summaryJSON() throws -> [UInt8] {
        try AnalysisJSON.encode(SummaryReport(subjects: subjectSummaries(), findings: report.findings, errors: report.errors,
                                              warnings: report.warnings, skipped: report.skipped, summary: report.summary))
    }

    public func summaryTable() -> String {
        var text = errorLines()
        let summaries = subjectSummaries()
        if summaries.isEmpty {
            text += "No subject holds a risky permission.\n"
        } else {
            text += Self.columns([["SUBJECT", "SEVERITY", "RISKS", "WORKLOADS"]] + summaries.map { summary in
                ["\(summary.subject)", summary.severity.rawValue,
                 summary.risks.map { String($0.dropFirst("rbac/".count)) }.joined(separator: ", "),
                 summary.workloads.isEmpty ? "-" : summary.workloads.joined(separator: ", ")]
            })
        }
        text += "\nFindings:\n" + findingLines()
        return text
    }

    // MARK: - Rendering helpers

    func errorLines() -> String {
        report.errors.map { "error: \($0)".terminalSafe + "\n" }.joined()
    }

    func findingLines() -> String {
        var text = ""
        for finding in report.findings where !finding.suppressed || showSuppressed {
            text += "  \(finding.location.description.terminalSafe)  \(finding.severity.rawValue.uppercased())  \(finding.ruleId)  \(finding.message.terminalSafe)\n"
        }
        return text + "\(report.summary.findings.total) findings in \(report.summary.files) files, \(report.summary.objects) objects\n"
    }

    /// `deployments.apps/scale`, as `kubectl auth can-i --list` writes resources.
    static func kubectlName(_ permission: RBACPermission) -> String {
        guard !permission.apiGroup.isEmpty else { return permission.resource }
        let parts = permission.resource.split(separator: "/", maxSplits: 1)
        let base = "\(parts.first ?? "").\(permission.apiGroup)"
        return parts.count > 1 ? "\(base)/\(parts[1])" : base
    }

    /// Left-aligned columns separated by two spaces, indented by two; cells sanitised.
    static func columns(_ rows: [[String]]) -> String {
        let rows = rows.map { $0.map(TerminalText.sanitized) }
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: width)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
