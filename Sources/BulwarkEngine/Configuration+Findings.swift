import BulwarkCore

/// What `.bulwark.yaml` does to rules and findings: which rules run, their severities, which
/// findings are dropped (excluded paths and namespaces) and which are suppressed.
extension Configuration {
    /// Whether a rule runs: on by default unless disabled; opt-in rules only when enabled.
    public func enables(_ rule: RuleDescriptor) -> Bool {
        let ids = [rule.id] + rule.aliases
        if ids.contains(where: disabledRules.contains) { return false }
        if rule.enabledByDefault { return true }
        return ids.contains(where: enabledRules.contains)
    }

    /// Drops excluded findings, applies severity overrides and marks configured suppressions.
    public func apply(to findings: consuming [Finding], catalog: RuleCatalog) -> [Finding] {
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
                let excluded = isExcluded(path: file)
                excludedFiles[file] = excluded
                return excluded
            }()
            if excluded { continue }
            if let namespace = finding.object?.namespace, excludedNamespaces.contains(namespace) { continue }
            let rule = rules[finding.ruleId] ?? {
                let canonical = catalog.rule(finding.ruleId)?.id ?? finding.ruleId
                let ids = [canonical] + (catalog.rule(canonical)?.aliases ?? [])
                let value = (ids: ids, disabled: ids.contains(where: disabledRules.contains),
                             override: ids.lazy.compactMap({ severityOverrides[$0] }).first)
                rules[finding.ruleId] = value
                return value
            }()
            let ids = rule.ids
            if rule.disabled { continue }
            if let override = rule.override {
                finding.severity = override
            }
            if !finding.suppressed, let suppression = suppressions.first(where: { matches($0, finding, ids) }) {
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

    private func matches(_ suppression: Suppression, _ finding: Finding, _ ids: [String]) -> Bool {
        if !suppression.rules.isEmpty,
           !suppression.rules.contains(where: { rule in ids.contains { PathGlob.matches(rule, $0) || $0 == rule } }) {
            return false
        }
        if !suppression.paths.isEmpty, !suppression.paths.contains(where: { PathGlob.matches($0, finding.location.file) }) {
            return false
        }
        if !suppression.namespaces.isEmpty, !suppression.namespaces.contains(finding.object?.namespace ?? "") {
            return false
        }
        if !suppression.objects.isEmpty {
            guard let object = finding.object else { return false }
            let key = [object.kind, object.namespace, object.name].compactMap { $0 }.joined(separator: "/")
            if !suppression.objects.contains(where: { PathGlob.matches($0, key) || $0 == key }) { return false }
        }
        return true
    }
}
