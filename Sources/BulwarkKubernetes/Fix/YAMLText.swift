import BulwarkCore

/// How the fixer spells the scalars and keys it writes.
enum YAMLText {
    /// A string as a plain scalar when that reads back as the same string, else double-quoted.
    static func string(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    static func scalar(_ value: NewScalar) -> String {
        switch value {
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .string(let value): string(value)
        }
    }

    static func jsonScalar(_ value: NewScalar) -> String {
        switch value {
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .string(let value): quoted(value)
        }
    }

    /// A double-quoted string with the one escape set of `QuotedString` (JSON, and valid YAML).
    static func quoted(_ text: String) -> String {
        QuotedString.quoted(text)
    }

    static let reserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ]

    /// Conservative: letters, digits and `. _ / -`, not starting with `-`, not a YAML 1.1
    /// boolean, null, number or date.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        guard text.unicodeScalars.allSatisfy({ scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/-".unicodeScalars.contains(scalar))
        }) else { return false }
        if reserved.contains(text.lowercased()) { return false }
        if Double(text) != nil || Int(text) != nil { return false }
        let digits = text.filter { $0 != "_" }
        if Double(digits) != nil { return false }
        let lower = text.lowercased()
        if lower.hasPrefix("0x") || lower.hasPrefix("0o") || lower.hasPrefix("0b") || lower.hasPrefix(".inf") || lower == ".nan" {
            return false
        }
        // YAML 1.1 timestamps such as 2024-01-01.
        let scalars = Array(text.unicodeScalars)
        if scalars.count >= 8, scalars[0..<4].allSatisfy({ ("0"..."9").contains($0) }), scalars[4] == "-" { return false }
        return true
    }

    /// Whether a plain scalar's source text is also a JSON number.
    static func isJSONNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let first = scalars.first, ("0"..."9").contains(first) {
                scalars.removeFirst()
                count += 1
            }
            return count
        }
        if scalars.first == "-" { scalars.removeFirst() }
        guard let first = scalars.first else { return false }
        if first == "0" {
            scalars.removeFirst()
        } else if digits() == 0 {
            return false
        }
        if scalars.first == "." {
            scalars.removeFirst()
            if digits() == 0 { return false }
        }
        if scalars.first == "e" || scalars.first == "E" {
            scalars.removeFirst()
            if scalars.first == "+" || scalars.first == "-" { scalars.removeFirst() }
            if digits() == 0 { return false }
        }
        return scalars.isEmpty
    }
}
