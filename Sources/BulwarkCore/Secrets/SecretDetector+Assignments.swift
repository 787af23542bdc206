/// Embedded files: the `key = value` lines of a configuration text.
extension SecretDetector {
    /// One `key = value` / `key: value` / `"key": "value"` line of a configuration text.
    public struct Assignment: Sendable, Hashable {
        public let key: String
        public let value: String
        /// 0-based line index inside the text.
        public let line: Int

        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// The assignments of a configuration text (properties, .env, INI, YAML, JSON lines): one per
    /// line at most, comments skipped, quotes and trailing commas removed, `export ` dropped.
    /// Lines whose value opens a nested block (`key:` alone, `{`, `[`, `|`, `>`) are skipped.
    public static func assignments(in text: String) -> [Assignment] {
        var result: [Assignment] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { lineNumber += 1 }
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.last == "\r" { line = line.dropLast() }
            guard let first = line.first, first != "#", first != ";", !line.hasPrefix("//") else { continue }
            if line.hasPrefix("- ") { line = line.dropFirst(2) }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            var key = line[..<separator].trimmingSpaces
            key = key.drop { $0 == "{" || $0 == "[" || $0 == " " }.unquoted
            guard !key.isEmpty, key.count <= 128, !key.contains(where: { $0 == " " || $0 == "\t" }) else { continue }
            var value = line[line.index(after: separator)...].trimmingSpaces
            if value.hasPrefix("=") { value = value.dropFirst().trimmingSpaces }  // `key := value`, `key == value`
            if let hash = value.indices.first(where: { value[$0] == "#" && $0 > value.startIndex && value[value.index(before: $0)] == " " }) {
                value = value[..<hash].trimmingSpaces
            }
            if value.last == "," { value = value.dropLast().trimmingSpaces }
            value = value.unquoted
            guard let head = value.first, !["{", "[", "|", ">"].contains(head) else { continue }
            result.append(Assignment(key: String(key), value: String(value), line: lineNumber))
        }
        return result
    }
}

fileprivate extension Substring {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\n" || first == "\r\n" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r\n" || last == "\r" { text = text.dropLast() }
        return text
    }

    /// Without one pair of matching surrounding quotes.
    var unquoted: Substring {
        if count >= 2, let first, let last, first == last, first == "\"" || first == "'" {
            return dropFirst().dropLast()
        }
        return self
    }
}
