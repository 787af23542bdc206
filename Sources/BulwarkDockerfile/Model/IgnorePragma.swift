import BulwarkCore

/// `# bulwark:ignore rule-id[,rule-id…] reason`: silences the rules on the next instruction (or
/// on the instruction whose continuation lines contain it).
public struct IgnorePragma: Sendable, Hashable {
    public var ruleIds: [String]
    public var reason: String
    public var line: Int
    public var column: Int
    /// Index in `Dockerfile.instructions` of the instruction it applies to; nil when no
    /// instruction follows.
    public var instructionIndex: Int?

    public init(ruleIds: [String], reason: String, line: Int, column: Int, instructionIndex: Int? = nil) {
        self.ruleIds = ruleIds
        self.reason = reason
        self.line = line
        self.column = column
        self.instructionIndex = instructionIndex
    }

    /// True when the pragma names the rule (or `all`).
    public func covers(_ ruleId: String) -> Bool {
        ruleIds.contains { $0 == ruleId || $0 == "all" }
    }

    static let prefix = "bulwark:ignore"

    /// Parses the text of a comment (after `#`), nil when it is not a pragma.
    static func parse(comment text: String, line: Int, column: Int) -> IgnorePragma? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        let idsEnd = trimmed.firstIndex { $0 == " " || $0 == "\t" } ?? trimmed.endIndex
        let ids = trimmed[..<idsEnd].split(separator: ",").map(String.init).filter { !$0.isEmpty }
        let reason = trimmed[idsEnd...].trimmingSet(" \t")
        return IgnorePragma(ruleIds: ids, reason: reason, line: line, column: column)
    }
}

extension StringProtocol {
    /// Trims the given ASCII characters from both ends (Foundation-free).
    func trimmingSet(_ set: String) -> String {
        let characters = Set(set)
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
