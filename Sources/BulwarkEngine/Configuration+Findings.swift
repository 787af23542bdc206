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
        // Nothing to exclude, disable, override or suppress: the findings stand as they are.
        if excludedPaths.isEmpty, excludedNamespaces.isEmpty, disabledRules.isEmpty, severityOverrides.isEmpty,
           suppressions.isEmpty {
            return findings
        }
        // In place: a large scan holds hundreds of thousands of findings, and one copy is enough.
        var findings = findings
        var kept = 0
        // Hundreds of thousands of findings come from a few hundred rules and files: decide each once.
        var rules: [String: (ids: [String], disabled: Bool, override: Severity?)] = [:]
        var excludedFiles: [String: Bool] = [:]
        // Each finding is read and edited where it lies and moved down by a swap: copying one
        // retains every string in it, and at this count that was a tenth of the scan.
        for position in findings.indices {
            let file = findings[position].location.file
            let excluded = excludedFiles[file] ?? {
                let excluded = isExcluded(path: file)
                excludedFiles[file] = excluded
                return excluded
            }()
            if excluded { continue }
            if let namespace = findings[position].object?.namespace, excludedNamespaces.contains(namespace) { continue }
            let ruleId = findings[position].ruleId
            let rule = rules[ruleId] ?? {
                let canonical = catalog.rule(ruleId)?.id ?? ruleId
                let ids = [canonical] + (catalog.rule(canonical)?.aliases ?? [])
                let value = (ids: ids, disabled: ids.contains(where: disabledRules.contains),
                             override: ids.lazy.compactMap({ severityOverrides[$0] }).first)
                rules[ruleId] = value
                return value
            }()
            if rule.disabled { continue }
            if let override = rule.override {
                findings[position].severity = override
            }
            if !suppressions.isEmpty, !findings[position].suppressed,
               let suppression = suppressions.first(where: { matches($0, findings[position], rule.ids) }) {
                findings[position].suppressed = true
                findings[position].suppressionReason = suppression.reason
                findings[position].suppressionKind = .external
            }
            if kept != position { findings.swapAt(kept, position) }
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
