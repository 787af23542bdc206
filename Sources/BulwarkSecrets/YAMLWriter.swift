import BulwarkCore
/// A tiny block-style YAML emitter for the documents `bulwark seal` writes. Keys keep the order
/// they are given in; strings are written plain only when every YAML 1.1 and 1.2 reader
/// (go-yaml v2 in kubectl included) reads them back as the same string, otherwise double-quoted.
enum YAMLWriter {
    indirect enum Value {
        case string(String)
        case bool(Bool)
        case mapping([(String, Value)])
    }

    /// A mapping's lines at the given indentation, each ending with a newline.
    static func render(_ pairs: [(String, Value)], indent: Int = 0) -> String {
        var text = ""
        let prefix = String(repeating: " ", count: indent)
        for (key, value) in pairs {
            text += prefix + scalar(key) + ":"
            switch value {
            case .string(let string):
                text += " " + scalar(string) + "\n"
            case .bool(let bool):
                text += bool ? " true\n" : " false\n"
            case .mapping(let nested) where nested.isEmpty:
                text += " {}\n"
            case .mapping(let nested):
                text += "\n" + render(nested, indent: indent + 2)
            }
        }
        return text
    }

    /// Words that YAML 1.1 resolves to booleans or null (compared case-insensitively).
    private static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// The string as a YAML scalar: plain when unambiguous, else double-quoted with escapes.
    static func scalar(_ string: String) -> String {
        isPlainSafe(string) ? string : QuotedString.quoted(string)
    }

    static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.utf8.first else { return false }
        // A letter, `_` or `/` first: never a number, an indicator, `.inf`, `~` or a timestamp.
        guard ASCII.isLetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: "/") else { return false }
        let allowed: Set<UInt8> = Set("._/+=-".utf8)
        guard string.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || allowed.contains($0) }) else { return false }
        return !reservedWords.contains(string.lowercased())
    }
}
