/// Applies `.bulwark.yaml` to findings: rule selection, severity overrides, exclusions, suppressions.
public struct Policy: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether a rule runs: on by default unless disabled; opt-in rules only when enabled.
    public func isEnabled(_ rule: RuleDescriptor) -> Bool {
        let ids = [rule.id] + rule.aliases
        if ids.contains(where: configuration.disabledRules.contains) { return false }
        if rule.enabledByDefault { return true }
        return ids.contains(where: configuration.enabledRules.contains)
    }

    /// Drops excluded findings, applies severity overrides and marks configured suppressions.
    public func apply(_ findings: consuming [Finding], catalog: RuleCatalog) -> [Finding] {
        // In place: a large scan holds hundreds of thousands of findings, and one copy is enough.
        var findings = findings
        var kept = 0
        // Hundreds of thousands of findings come from a few hundred rules and files: decide each once.
        var rules: [String: (ids: [String], disabled: Bool, override: Severity?)] = [:]
        var excludedFiles: [String: Bool] = [:]
        for position in findings.indices {
            var finding = findings[position]
            let file = finding.location.file
            let excluded = excludedFiles[file] ?? {
                let excluded = configuration.isExcluded(path: file)
                excludedFiles[file] = excluded
                return excluded
            }()
            if excluded { continue }
            if let namespace = finding.object?.namespace, configuration.excludedNamespaces.contains(namespace) { continue }
            let rule = rules[finding.ruleId] ?? {
                let canonical = catalog.rule(finding.ruleId)?.id ?? finding.ruleId
                let ids = [canonical] + (catalog.rule(canonical)?.aliases ?? [])
                let value = (ids: ids, disabled: ids.contains(where: configuration.disabledRules.contains),
                             override: ids.lazy.compactMap({ configuration.severityOverrides[$0] }).first)
                rules[finding.ruleId] = value
                return value
            }()
            let ids = rule.ids
            if rule.disabled { continue }
            if let override = rule.override {
                finding.severity = override
            }
            if !finding.suppressed, let suppression = configuration.suppressions.first(where: { matches($0, finding, ids) }) {
                finding.suppressed = true
                finding.suppressionReason = suppression.reason
                finding.suppressionKind = .external
            }
            findings[kept] = finding
            kept += 1
        }
        findings.removeLast(findings.count - kept)
        return findings
    }

    private func matches(_ suppression: Configuration.Suppression, _ finding: Finding, _ ids: [String]) -> Bool {
        if !suppression.rules.isEmpty,
           !suppression.rules.contains(where: { rule in ids.contains { Glob.matches(rule, $0) || $0 == rule } }) {
            return false
        }
        if !suppression.paths.isEmpty, !suppression.paths.contains(where: { Glob.matches($0, finding.location.file) }) {
            return false
        }
        if !suppression.namespaces.isEmpty, !suppression.namespaces.contains(finding.object?.namespace ?? "") {
            return false
        }
        if !suppression.objects.isEmpty {
            guard let object = finding.object else { return false }
            let key = [object.kind, object.namespace, object.name].compactMap { $0 }.joined(separator: "/")
            if !suppression.objects.contains(where: { Glob.matches($0, key) || $0 == key }) { return false }
        }
        return true
    }
}
