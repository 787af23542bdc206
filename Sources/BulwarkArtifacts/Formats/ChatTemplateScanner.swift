/// Finds code in a Jinja chat template: what a chat template never needs but a server-side
/// template injection does (Python object graph walking through dunder attributes, the globals that
/// reach them, template imports, names built from pieces).
///
/// The template is tokenised the way Jinja reads it (text, `{{ … }}`, `{% … %}`, `{# … #}`,
/// `{% raw %}`, strings with their escapes) rather than matched with patterns over the whole text:
/// a `__class__` in the prompt text or in a comment is not code, and `'__cla' + 'ss__'` or
/// `'\x5f\x5fclass\x5f\x5f'` is, though neither contains the word. Ordinary templates (loops,
/// `namespace()` counters, `raise_exception`, string tests) pass.
public enum ChatTemplateScanner {
    /// One tag with code in it.
    public struct Finding: Sendable, Hashable {
        /// The tag as written (shortened when long).
        public let expression: String
        /// The byte offset (UTF-8) in the template of the first suspicious token.
        public let offset: Int
        public let reasons: [String]
    }

    /// Attributes of Python frames, functions and generators used to climb to globals without dunders.
    static let internalAttributes: Set<String> = [
        "mro", "func_globals", "func_code", "f_globals", "f_locals", "f_builtins", "f_back", "gi_frame", "gi_code",
        "cr_frame", "ag_frame", "tb_frame", "tb_next", "im_func", "co_code",
    ]
    /// Globals of Jinja (and of Flask) whose only use in a chat template is to reach Python objects.
    static let injectionGlobals: Set<String> = ["cycler", "joiner", "lipsum", "self", "config", "request", "url_for", "get_flashed_messages"]
    /// Statements that load other templates.
    static let loadingStatements: Set<String> = ["import", "from", "include", "extends"]
    /// `range` beyond this many items is a denial of service, not a chat format.
    static let rangeLimit = 1_000_000

    enum Kind: Equatable {
        case name(String)
        case string(String)
        case number(String)
        case symbol(String)
    }

    struct Token {
        let kind: Kind
        let offset: Int
    }

    public static func scan(_ template: String) -> [Finding] {
        let bytes = Array(template.utf8)
        var findings: [Finding] = []
        var position = 0
        while let open = nextTag(bytes, from: position) {
            let opener = bytes[open + 1]
            if opener == UInt8(ascii: "#") {
                position = find(bytes, "#}", from: open + 2).map { $0 + 2 } ?? bytes.count
                continue
            }
            let closer: UInt8 = opener == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "%")
            let (tokens, end) = tokenize(bytes, from: open + 2, closer: closer)
            position = end
            if opener == UInt8(ascii: "%"), case .name("raw")? = tokens.first?.kind {
                // Everything up to {% endraw %} is text.
                position = find(bytes, "endraw", from: end).flatMap { find(bytes, "%}", from: $0) }.map { $0 + 2 } ?? bytes.count
                continue
            }
            let (offset, reasons) = judge(tokens, statement: opener == UInt8(ascii: "%"))
            guard let offset, !reasons.isEmpty else { continue }
            var text = String(decoding: bytes[open..<min(end, bytes.count)], as: UTF8.self)
            if text.count > 160 { text = String(text.prefix(157)) + "…" }
            findings.append(Finding(expression: text, offset: offset, reasons: reasons))
        }
        return findings
    }

    /// The reasons a tag's tokens are code, and the offset of the first one.
    static func judge(_ tokens: [Token], statement: Bool) -> (Int?, [String]) {
        var reasons: [String] = []
        var first: Int?
        func flag(_ reason: String, _ offset: Int) {
            if !reasons.contains(reason) { reasons.append(reason) }
            first = min(first ?? offset, offset)
        }
        if statement, case .name(let keyword)? = tokens.first?.kind, loadingStatements.contains(keyword), let token = tokens.first {
            flag("`\(keyword)` loads another template", token.offset)
        }
        // The last `format` filter or `%` operator: a `%c` string before it builds characters.
        let lastFormat = tokens.lastIndex { $0.kind == .name("format") || $0.kind == .symbol("%") } ?? -1
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let previous = index > 0 ? tokens[index - 1].kind : nil
            let next = index + 1 < tokens.count ? tokens[index + 1].kind : nil
            switch token.kind {
            case .name(let name):
                if isDunder(name) {
                    flag("accesses `\(name)`", token.offset)
                } else if previous == .symbol("."), internalAttributes.contains(name) {
                    flag("accesses the Python internal `\(name)`", token.offset)
                } else if previous != .symbol("."), injectionGlobals.contains(name) {
                    flag("uses the global `\(name)`, a way to Python objects in template injections", token.offset)
                } else if previous == .symbol("|"), name == "attr", next == .symbol("("),
                          index + 2 < tokens.count, !isPlainString(tokens[index + 2].kind) {
                    flag("looks up an attribute with `attr()` by a computed name", token.offset)
                } else if name == "range", previous != .symbol("."), next == .symbol("(") {
                    var inner = index + 2
                    while inner < tokens.count, tokens[inner].kind != .symbol(")") {
                        if case .number(let digits) = tokens[inner].kind, let value = Double(digits), value >= Double(rangeLimit) {
                            flag("counts `range` to \(digits)", token.offset)
                        }
                        inner += 1
                    }
                }
            case .string:
                // A run of strings joined by `+`, `~` or nothing (Jinja joins adjacent literals).
                var value = ""
                var parts = 0
                var last = index
                var cursor = index
                while cursor < tokens.count {
                    guard case .string(let part) = tokens[cursor].kind else { break }
                    value += part
                    parts += 1
                    last = cursor
                    if cursor + 1 < tokens.count, tokens[cursor + 1].kind == .symbol("+") || tokens[cursor + 1].kind == .symbol("~") {
                        cursor += 2
                    } else {
                        cursor += 1
                    }
                }
                if let dunder = dunderName(in: value) {
                    flag(parts > 1 ? "builds the name `\(dunder)` from strings" : "names `\(dunder)` in a string", token.offset)
                } else if value.contains("%c"), lastFormat > last {
                    flag("builds characters from numbers with `%c`", token.offset)
                }
                index = last + 1
                continue
            default:
                break
            }
            index += 1
        }
        return (first, reasons)
    }

    static func isPlainString(_ kind: Kind) -> Bool {
        if case .string(let value) = kind { return dunderName(in: value) == nil }
        return false
    }

    /// `__x…` names: Python's special attributes and name-mangled privates.
    static func isDunder(_ name: String) -> Bool {
        name.hasPrefix("__") && name.count > 2
    }

    /// The first `__name__` in `text`, if any.
    static func dunderName(in text: String) -> String? {
        let characters = Array(text)
        var index = 0
        while index + 1 < characters.count {
            guard characters[index] == "_", characters[index + 1] == "_" else { index += 1; continue }
            var end = index + 2
            while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
            let candidate = String(characters[index..<end])
            if candidate.count > 4, candidate.hasSuffix("__"), candidate.dropFirst(2).dropLast(2).contains(where: { $0 != "_" }) {
                return candidate
            }
            index = end
        }
        return nil
    }

    /// The next `{{`, `{%` or `{#` at or after `start`.
    static func nextTag(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), [UInt8(ascii: "{"), UInt8(ascii: "%"), UInt8(ascii: "#")].contains(bytes[index + 1]) {
                return index
            }
            index += 1
        }
        return nil
    }

    static func find(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        let pattern = Array(text.utf8)
        guard start >= 0, pattern.count <= bytes.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    /// The tokens of a tag's code from `start` up to the `closer` + `}` that ends it (strings
    /// respected), and the offset after the tag.
    static func tokenize(_ bytes: [UInt8], from start: Int, closer: UInt8) -> ([Token], Int) {
        var tokens: [Token] = []
        var index = start
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == closer, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "}") { return (tokens, index + 2) }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let (value, end) = string(bytes, from: index)
                tokens.append(Token(kind: .string(value), offset: index))
                index = end
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let begin = index
                while index < bytes.count, isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") && index + 1 < bytes.count
                        && bytes[index + 1] >= 0x30 && bytes[index + 1] <= 0x39 { index += 1 }
                tokens.append(Token(kind: .number(String(String(decoding: bytes[begin..<index], as: UTF8.self).filter { $0 != "_" })),
                                    offset: begin))
            case _ where isNameByte(byte):
                let begin = index
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
                tokens.append(Token(kind: .name(String(decoding: bytes[begin..<index], as: UTF8.self)), offset: begin))
            default:
                tokens.append(Token(kind: .symbol(String(UnicodeScalar(byte))), offset: index))
                index += 1
            }
        }
        return (tokens, bytes.count)
    }

    /// A string literal at `start` (its quote) with Python's escapes decoded, and the offset after it.
    static func string(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        let quote = bytes[start]
        var index = start + 1
        var scalars = String.UnicodeScalarView()
        var pending: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
            pending.removeAll()
        }
        func hex(_ count: Int) -> UInt32? {
            guard index + count <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16)
            else { return nil }
            index += count
            return value
        }
        while index < bytes.count, bytes[index] != quote {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                pending.append(bytes[index])
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            var code: UInt32?
            switch escape {
            case UInt8(ascii: "x"): code = hex(2)
            case UInt8(ascii: "u"): code = hex(4)
            case UInt8(ascii: "U"): code = hex(8)
            case UInt8(ascii: "n"): code = 0x0A
            case UInt8(ascii: "t"): code = 0x09
            case UInt8(ascii: "r"): code = 0x0D
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(escape - 0x30)
                var digits = 1
                while digits < 3, index < bytes.count, (0x30...0x37).contains(bytes[index]) {
                    value = value * 8 + UInt32(bytes[index] - 0x30)
                    index += 1
                    digits += 1
                }
                code = value
            default: code = UInt32(escape)
            }
            flush()
            if let code, let scalar = Unicode.Scalar(code) { scalars.append(scalar) }
        }
        flush()
        return (String(scalars), min(index + 1, bytes.count))
    }
}
