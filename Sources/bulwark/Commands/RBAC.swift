import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import Foundation

struct RBAC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbac",
        abstract: "Effective RBAC permissions and privilege-escalation paths.",
        discussion: """
        Joins RoleBindings and ClusterRoleBindings to their roles (aggregated ClusterRoles and the built-in
        cluster-admin, admin, edit and view included) with the RBAC authorizer's exact matching rules. With
        --subject, prints the subject's effective permissions (like kubectl auth can-i --list, wildcards expanded)
        and the findings that concern it; a ServiceAccount also holds what its groups system:serviceaccounts,
        system:serviceaccounts:NAMESPACE and system:authenticated are granted. Without --subject, lists every
        subject with a risky permission, and the workloads that run as it.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var reporting: ReportingOptions

    @Option(help: "serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME.")
    var subject: String?

    func validate() throws {
        if let subject, RBACSubject(argument: subject) == nil {
            throw ValidationError("--subject must be serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME (got \"\(subject)\")")
        }
    }

    func run() async throws {
        let configuration = try reporting.loadConfiguration()
        let policy = Policy(configuration: configuration)
        let inventory = KubernetesLoader.load(paths: input.paths, options: LoadOptions(maxFileSize: input.maxFileSize << 20))
        if let contradiction = InventoryPartition.contradiction(in: inventory.objects) {
            Terminal.error("\(contradiction); effective permissions are a question about one cluster, so give the paths of one of them")
            throw ExitCode(2)
        }
        let index = InventoryIndex(inventory.objects)
        let analyzer = RBACAnalyzer(index: index)
        let target = subject.flatMap(RBACSubject.init(argument:))

        // The RBAC rules for the subject, plus any other rbac/ rule of the registry (reported when
        // it is about a binding that applies to the subject). Without rbac/workload-cluster-admin
        // in the registry, rbac/cluster-admin-equivalent covers its case too.
        let clusterRuleRegistered = KubernetesRules.all.contains { $0.id == "rbac/workload-cluster-admin" }
        let own = RBACRules.rules(for: target, reportsWorkloadClusterAdmin: !clusterRuleRegistered)
        let ownIds = Set(own.map(\.id))
        let others = KubernetesRules.all.filter { $0.id.hasPrefix("rbac/") && !ownIds.contains($0.id) }
        let rules = (own + others).filter { policy.isEnabled($0.descriptor) }
        let catalog = RuleCatalog(Self.unique((KubernetesRules.all + own).map(\.descriptor)))
        var findings = policy.apply(KubernetesScanner(rules: rules).scan(index), catalog: catalog)
        if let target {
            let bindings = Set(analyzer.bindings(for: target).map { $0.binding.object.reference() })
            findings = findings.filter { ownIds.contains($0.ruleId) || $0.object.map(bindings.contains) ?? false }
        }
        let report = Report(findings: findings, errors: inventory.errors, files: inventory.files, objects: inventory.objects.count,
                            skippedDocuments: inventory.skippedDocuments)

        let output: [UInt8]
        switch reporting.format {
        case .table:
            output = Array((target.map { subjectTable($0, analyzer, report) } ?? summaryTable(analyzer, report)).utf8)
        case .json:
            output = try target.map { try subjectJSON($0, analyzer, report) } ?? summaryJSON(analyzer, report)
        case .sarif, .junit, .html:
            output = Renderer.render(report, options: reporting)
        }
        try reporting.emit(output)
        let code = report.exitCode(failOn: reporting.threshold(configuration))
        if code != 0 { throw ExitCode(code) }
    }

    static func unique(_ descriptors: [RuleDescriptor]) -> [RuleDescriptor] {
        var seen: Set<String> = []
        return descriptors.filter { seen.insert($0.id).inserted }
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
        var summary: ReportSummary
    }

    func bindingEntries(_ subject: RBACSubject, _ analyzer: RBACAnalyzer) -> [BindingEntry] {
        var entries = analyzer.bindings(for: subject).map { binding, entry in
            BindingEntry(binding: binding.displayName, role: analyzer.role(of: binding)?.displayName ?? "\(binding.roleKind.rawValue) \(binding.roleName) (not in the input)",
                         via: entry.subject.description, namespace: binding.namespace)
        }
        if subject.groups.contains(RBACSubject.mastersGroup) {
            entries.insert(BindingEntry(binding: "(none: system:masters passes every authorization check)", role: "built-in ClusterRole cluster-admin",
                                        via: "Group system:masters", namespace: nil), at: 0)
        }
        return entries
    }

    func workloadNames(_ subject: RBACSubject, _ analyzer: RBACAnalyzer) -> [String] {
        analyzer.workloads.workloads(for: subject).map { $0.displayName + ($0.mountsToken ? "" : " (token not mounted)") }
    }

    func subjectJSON(_ subject: RBACSubject, _ analyzer: RBACAnalyzer, _ report: Report) throws -> [UInt8] {
        let document = SubjectReport(subject: subject, workloads: workloadNames(subject, analyzer), bindings: bindingEntries(subject, analyzer),
                                     permissions: analyzer.permissions(for: subject), findings: report.findings, errors: report.errors,
                                     summary: report.summary)
        return try Self.encode(document)
    }

    func subjectTable(_ subject: RBACSubject, _ analyzer: RBACAnalyzer, _ report: Report) -> String {
        var text = ""
        for error in report.errors { text += "error: \(error)\n" }
        text += "\(subject)\n"
        let workloads = workloadNames(subject, analyzer)
        text += workloads.isEmpty ? "  no workload of the input runs as it\n" : workloads.map { "  used by \($0)\n" }.joined()
        let bindings = bindingEntries(subject, analyzer)
        text += "\nBindings:\n"
        text += bindings.isEmpty ? "  none\n" : bindings.map { "  \($0.binding) → \($0.role) (via \($0.via))\n" }.joined()
        let permissions = analyzer.permissions(for: subject)
        text += "\nPermissions:\n"
        let resources = permissions.filter { $0.nonResourceURL == nil }.map { permission in
            [permission.namespace, Self.kubectlName(permission),
             permission.resourceNames.isEmpty ? "[]" : "[\(permission.resourceNames.joined(separator: " "))]",
             "[\(permission.verbs.joined(separator: " "))]"]
        }
        let urls = permissions.compactMap { permission in
            permission.nonResourceURL.map { ["*", "", "[]", "[\(permission.verbs.joined(separator: " "))]", $0] }
        }
        if resources.isEmpty && urls.isEmpty {
            text += "  none\n"
        } else {
            text += Self.columns([["NAMESPACE", "RESOURCE", "RESOURCE NAMES", "VERBS"]] + resources)
            if !urls.isEmpty {
                text += "\n" + Self.columns([["NON-RESOURCE URL", "VERBS"]] + urls.map { [$0[4], $0[3]] })
            }
        }
        text += "\nFindings:\n" + findingLines(report)
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
        var summary: ReportSummary
    }

    /// Every subject with an unsuppressed risk, the most severe first.
    func subjectSummaries(_ analyzer: RBACAnalyzer, _ report: Report) -> [SubjectSummary] {
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
                                                    workloads: workloadNames(subject, analyzer))
            }
        }
        return order.compactMap { summaries[$0] }.sorted { ($1.severity, $0.subject) < ($0.severity, $1.subject) }
    }

    func summaryJSON(_ analyzer: RBACAnalyzer, _ report: Report) throws -> [UInt8] {
        try Self.encode(SummaryReport(subjects: subjectSummaries(analyzer, report), findings: report.findings,
                                      errors: report.errors, summary: report.summary))
    }

    func summaryTable(_ analyzer: RBACAnalyzer, _ report: Report) -> String {
        var text = ""
        for error in report.errors { text += "error: \(error)\n" }
        let summaries = subjectSummaries(analyzer, report)
        if summaries.isEmpty {
            text += "No subject holds a risky permission.\n"
        } else {
            text += Self.columns([["SUBJECT", "SEVERITY", "RISKS", "WORKLOADS"]] + summaries.map { summary in
                [summary.subject.description, summary.severity.rawValue,
                 summary.risks.map { String($0.dropFirst("rbac/".count)) }.joined(separator: ", "),
                 summary.workloads.isEmpty ? "-" : summary.workloads.joined(separator: ", ")]
            })
        }
        text += "\nFindings:\n" + findingLines(report)
        return text
    }

    // MARK: - Rendering helpers

    func findingLines(_ report: Report) -> String {
        var text = ""
        for finding in report.findings where !finding.suppressed || reporting.showSuppressed {
            text += "  \(finding.location.description)  \(finding.severity.rawValue.uppercased())  \(finding.ruleId)  \(finding.message)\n"
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

    /// Left-aligned columns separated by two spaces, indented by two.
    static func columns(_ rows: [[String]]) -> String {
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

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [10]
    }
}
