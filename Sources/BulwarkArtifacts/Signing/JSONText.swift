/// JSON written the way the reference writes it, so Bulwark's files read like the reference's:
/// the statement as Python's `json.dumps(indent=2)` lays it out (protobuf's `MessageToJson`), the
/// bundle compact (`to_json()`). Object keys keep the order given. Non-ASCII text is written as
/// UTF-8, control characters escaped.
indirect enum JSONText {
    case string(String)
    case bool(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    /// Two spaces per level, `": "` between key and value, `[]`/`{}` when empty.
    func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        let close = String(repeating: " ", count: indent)
        switch self {
        case .string(let text): return Self.quoted(text)
        case .bool(let value): return value ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.pretty(indent: indent + 2) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { pad + Self.quoted($0.0) + ": " + $0.1.pretty(indent: indent + 2) }.joined(separator: ",\n")
                + "\n" + close + "}"
        }
    }

    /// No spaces at all.
    var compact: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .bool(let value): value ? "true" : "false"
        case .array(let items): "[" + items.map(\.compact).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { Self.quoted($0.0) + ":" + $0.1.compact }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
