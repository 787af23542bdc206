import BulwarkCore

/// Block-style YAML for what `bulwark admission` prints (the deployment manifests and the in-tree
/// policies), from `JSONValue` (ordered keys), so that the output reads like hand-written
/// Kubernetes YAML with keys in the conventional order and long scalars (CEL expressions) are never
/// folded across lines.
///
/// Written by hand because Yams' emitter would put its `Node` type into our model and the two
/// small emitters elsewhere (`BulwarkSecrets.YAMLWriter`, `FlowEmitter`) know only mappings of
/// strings or rewrite source nodes. Strings are plain only when every YAML 1.1 and 1.2 reader
/// (go-yaml in kubectl included) reads them back as the same string, else double-quoted with
/// `QuotedString`; text with line breaks is a literal block.
enum BlockYAML {
    /// Documents separated by `---`, each optionally preceded by comment lines.
    static func stream(_ documents: [(comment: [String], value: JSONValue)]) -> String {
        var text = ""
        for (index, document) in documents.enumerated() {
            if index > 0 { text += "---\n" }
            for line in document.comment { text += line.isEmpty ? "#\n" : "# \(line)\n" }
            text += render(document.value, indent: 0)
        }
        return text
    }

    /// A mapping or sequence as block lines at `indent`, each ending with a newline.
    static func render(_ value: JSONValue, indent: Int) -> String {
        let prefix = String(repeating: " ", count: indent)
        switch value {
        case .object(let pairs):
            if pairs.isEmpty { return prefix + "{}\n" }
            var text = ""
            for (key, value) in pairs { text += prefix + scalar(key) + ":" + afterKey(value, indent: indent) }
            return text
        case .array(let items):
            if items.isEmpty { return prefix + "[]\n" }
            var text = ""
            for item in items {
                switch item {
                case .object(let pairs) where !pairs.isEmpty:
                    // `- first: …` then the other keys aligned under `first`.
                    let nested = render(item, indent: indent + 2)
                    text += prefix + "- " + nested.dropFirst(indent + 2)
                case .array(let inner) where !inner.isEmpty:
                    text += prefix + "-\n" + render(item, indent: indent + 2)
                default:
                    text += prefix + "- " + inline(item, indent: indent + 2) + "\n"
                }
            }
            return text
        default:
            return prefix + inline(value, indent: indent) + "\n"
        }
    }

    /// What follows `key:`: ` scalar\n`, or a newline and the nested block.
    private static func afterKey(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .object(let pairs) where !pairs.isEmpty:
            return "\n" + render(value, indent: indent + 2)
        case .array(let items) where !items.isEmpty:
            // Sequences under a key are indented too, as kubectl writes them.
            return "\n" + render(value, indent: indent + 2)
        default:
            return " " + inline(value, indent: indent + 2) + "\n"
        }
    }

    /// A scalar, an empty collection, or a literal block for multi-line text.
    private static func inline(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .string(let string):
            if string.contains("\n"), !string.unicodeScalars.contains(where: { $0 != "\n" && QuotedString.isEscaped($0) }),
               !string.hasPrefix(" "), !string.hasSuffix("\n\n"), string.hasSuffix("\n") {
                let prefix = String(repeating: " ", count: indent)
                let lines = string.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
                return "|\n" + lines.map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: "\n")
            }
            return scalar(string)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    /// Words YAML 1.1 resolves to booleans or null (compared case-insensitively).
    private static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// `string` plain when unambiguous, else double-quoted.
    static func scalar(_ string: String) -> String {
        guard let first = string.utf8.first,
              // A letter or `/` first: never a number, an indicator, `.inf`, `~` or a timestamp.
              ASCII.isLetter(first) || first == UInt8(ascii: "/"),
              string.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || "._/+=-".utf8.contains($0) }),
              !reservedWords.contains(string.lowercased())
        else { return QuotedString.quoted(string) }
        return string
    }
}
