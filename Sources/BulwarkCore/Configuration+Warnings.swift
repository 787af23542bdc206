extension Configuration {
    /// Warnings about this configuration, in file order: the harmless mistakes found while parsing
    /// (`parseWarnings`) and every rule id that names no rule of the catalogue.
    ///
    /// Core does not know the catalogue, so the caller passes it:
    /// - `knownRuleIds`: whether an id names a rule (its id or one of its aliases), e.g.
    ///   `{ catalog.rule($0) != nil }`;
    /// - `allIds`: every id and alias of the catalogue, to match the globs of `ignore[].rules` and
    ///   to suggest the id that was probably meant.
    ///
    /// Under `rules.disable`, `rules.enable` and `rules.severity` an id must be exact; under
    /// `ignore[].rules` it is matched as `Configuration.apply` matches it (a glob such as `k8s/*`, or an id
    /// without its domain), and a pattern that matches no rule is a warning too.
    public func warnings(knownRuleIds: (String) -> Bool, allIds: [String]) -> [InputWarning] {
        var warnings = parseWarnings
        var patternResults: [String: Bool] = [:]
        for reference in ruleReferences {
            let id = reference.id
            let hasWildcard = id.contains("*") || id.contains("?")
            let message: String
            if reference.isPattern {
                let matches = patternResults[id] ?? (knownRuleIds(id) || allIds.contains { $0 == id || PathGlob.matches(id, $0) })
                patternResults[id] = matches
                if matches { continue }
                message = hasWildcard
                    ? "the pattern \"\(id)\" under \(reference.setting) matches no rule"
                    : "unknown rule id \"\(id)\" under \(reference.setting)" + Self.suggestion(for: id, among: allIds)
            } else {
                if knownRuleIds(id) { continue }
                message = hasWildcard
                    ? "\(reference.setting) takes exact rule ids; \"\(id)\" names no rule (patterns work only under ignore[].rules)"
                    : "unknown rule id \"\(id)\" under \(reference.setting)" + Self.suggestion(for: id, among: allIds)
            }
            warnings.append(InputWarning(file: reference.file, line: reference.line, column: reference.column, message: message))
        }
        return warnings.sorted(by: InputWarning.inputOrder)
    }

    private static func suggestion(for id: String, among ids: [String]) -> String {
        let candidates = SpellingSuggestion.candidates(for: id, among: ids)
        guard let last = candidates.last else { return "" }
        let list = candidates.count == 1 ? last : candidates.dropLast().joined(separator: ", ") + " or " + last
        return "; did you mean \(list)?"
    }
}
