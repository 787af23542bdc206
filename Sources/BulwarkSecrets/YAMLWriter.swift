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
        isPlainSafe(string) ? string : doubleQuoted(string)
    }

    static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.utf8.first else { return false }
        // A letter, `_` or `/` first: never a number, an indicator, `.inf`, `~` or a timestamp.
        guard ASCII.isLetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: "/") else { return false }
        let allowed: Set<UInt8> = Set("._/+=-".utf8)
        guard string.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || allowed.contains($0) }) else { return false }
        return !reservedWords.contains(string.lowercased())
    }

    static func doubleQuoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\0": text += "\\0"
            case "\u{07}": text += "\\a"
            case "\u{08}": text += "\\b"
            case "\t": text += "\\t"
            case "\n": text += "\\n"
            case "\u{0B}": text += "\\v"
            case "\u{0C}": text += "\\f"
            case "\r": text += "\\r"
            case "\u{1B}": text += "\\e"
            case "\u{85}": text += "\\N"
            case "\u{2028}": text += "\\L"
            case "\u{2029}": text += "\\P"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0) {
                    text += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value == 0xFEFF || (scalar.value >= 0xFFFE && scalar.value <= 0xFFFF) {
                    text += "\\u" + hex(scalar.value, width: 4)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
