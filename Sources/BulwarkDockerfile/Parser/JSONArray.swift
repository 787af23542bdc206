import BulwarkCore
/// The exec form's JSON array, parsed as BuildKit's `json.Decoder` reads it: the first JSON value
/// must be an array; text after it is ignored; valid JSON that is not an array of strings is an
/// error; anything else that is not valid JSON makes the instruction a shell-form command.
enum JSONArray {
    struct Element {
        var value: String
        var start: Int
        var end: Int
    }

    enum Result {
        case strings([Element], end: Int)
        case notStrings
        case invalid(String)
    }

    /// Nesting beyond this is treated as invalid JSON (no unbounded recursion).
    static let maxDepth = 512

    static func parse(_ b: [UInt8], from start: Int, to end: Int) -> Result {
        var parser = Parser(b: b, i: start, end: end)
        parser.skipSpace()
        guard parser.i < end, b[parser.i] == ASCII.openBracket else { return .invalid("not a JSON array") }
        parser.i += 1
        var elements: [Element] = []
        var allStrings = true
        parser.skipSpace()
        if parser.peek == ASCII.closeBracket {
            return .strings([], end: parser.i + 1)
        }
        while true {
            parser.skipSpace()
            guard parser.i < end else { return .invalid("unexpected end of JSON input") }
            if b[parser.i] == ASCII.doubleQuote {
                let elementStart = parser.i
                guard let value = parser.string() else { return .invalid(parser.error) }
                elements.append(Element(value: value, start: elementStart, end: parser.i))
            } else {
                allStrings = false
                guard parser.value(depth: 1) else { return .invalid(parser.error) }
            }
            parser.skipSpace()
            guard parser.i < end else { return .invalid("unexpected end of JSON input") }
            if b[parser.i] == ASCII.comma {
                parser.i += 1
                continue
            }
            if b[parser.i] == ASCII.closeBracket {
                parser.i += 1
                break
            }
            return .invalid("invalid character '\(Character(Unicode.Scalar(b[parser.i])))' after array element")
        }
        return allStrings ? .strings(elements, end: parser.i) : .notStrings
    }

    private struct Parser {
        let b: [UInt8]
        var i: Int
        let end: Int
        var error = "invalid JSON"

        var peek: UInt8? { i < end ? b[i] : nil }

        mutating func skipSpace() {
            while i < end, b[i] == ASCII.space || b[i] == ASCII.tab || b[i] == ASCII.newline || b[i] == ASCII.carriageReturn { i += 1 }
        }

        /// After an element of an array or object: true at the closing bracket, nil at a comma (more
        /// elements follow), false with `error` set otherwise.
        mutating func afterElement(closing: UInt8, _ message: String) -> Bool? {
            skipSpace()
            guard let next = peek else {
                error = "unexpected end of JSON input"
                return false
            }
            i += 1
            if next == closing { return true }
            guard next == ASCII.comma else {
                error = message
                return false
            }
            return nil
        }

        /// Parses any JSON value (for validation); false with `error` set when invalid.
        mutating func value(depth: Int) -> Bool {
            guard depth < JSONArray.maxDepth else {
                error = "exceeded max depth"
                return false
            }
            skipSpace()
            guard let byte = peek else {
                error = "unexpected end of JSON input"
                return false
            }
            switch byte {
            case ASCII.doubleQuote:
                return string() != nil
            case ASCII.openBracket:
                i += 1
                skipSpace()
                if peek == ASCII.closeBracket {
                    i += 1
                    return true
                }
                while true {
                    guard value(depth: depth + 1) else { return false }
                    if let done = afterElement(closing: ASCII.closeBracket, "invalid character after array element") { return done }
                }
            case ASCII.openBrace:
                i += 1
                skipSpace()
                if peek == ASCII.closeBrace {
                    i += 1
                    return true
                }
                while true {
                    skipSpace()
                    guard peek == ASCII.doubleQuote, string() != nil else {
                        error = "invalid object key"
                        return false
                    }
                    skipSpace()
                    guard peek == ASCII.colon else {
                        error = "invalid character after object key"
                        return false
                    }
                    i += 1
                    guard value(depth: depth + 1) else { return false }
                    if let done = afterElement(closing: ASCII.closeBrace, "invalid character after object key:value pair") { return done }
                }
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default:
                return number()
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= end else {
                error = "unexpected end of JSON input"
                return false
            }
            let matches = word.withUTF8Buffer { buffer in
                (0..<count).allSatisfy { b[i + $0] == buffer[$0] }
            }
            guard matches else {
                error = "invalid literal"
                return false
            }
            i += count
            return true
        }

        private mutating func number() -> Bool {
            let start = i
            if peek == ASCII.minus { i += 1 }
            guard let first = peek, ASCII.isDigit(first) else {
                error = i < end ? "invalid character '\(Character(Unicode.Scalar(b[i])))' looking for beginning of value" : "unexpected end of JSON input"
                return false
            }
            if first == ASCII.zero {
                i += 1
            } else {
                while let byte = peek, ASCII.isDigit(byte) { i += 1 }
            }
            if peek == ASCII.dot {
                i += 1
                guard let byte = peek, ASCII.isDigit(byte) else {
                    error = "invalid number"
                    return false
                }
                while let byte = peek, ASCII.isDigit(byte) { i += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == ASCII.plus || peek == ASCII.minus { i += 1 }
                guard let byte = peek, ASCII.isDigit(byte) else {
                    error = "invalid number"
                    return false
                }
                while let byte = peek, ASCII.isDigit(byte) { i += 1 }
            }
            return i > start
        }

        /// A JSON string at `i` (the opening quote), decoded; nil with `error` set when invalid.
        mutating func string() -> String? {
            i += 1
            var out: [UInt8] = []
            while i < end {
                let byte = b[i]
                if byte == ASCII.doubleQuote {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if byte < 0x20 {
                    error = "invalid character in string literal"
                    return nil
                }
                if byte != ASCII.backslash {
                    out.append(byte)
                    i += 1
                    continue
                }
                guard i + 1 < end else { break }
                let escaped = b[i + 1]
                i += 2
                switch escaped {
                case ASCII.doubleQuote, ASCII.backslash, ASCII.slash: out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(ASCII.formFeed)
                case UInt8(ascii: "n"): out.append(ASCII.newline)
                case UInt8(ascii: "r"): out.append(ASCII.carriageReturn)
                case UInt8(ascii: "t"): out.append(ASCII.tab)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else {
                        error = "invalid \\u escape"
                        return nil
                    }
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate needs a low one right after it, else U+FFFD.
                        let save = i
                        if i + 1 < end, b[i] == ASCII.backslash, b[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                i = save
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    out += Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default:
                    error = "invalid character '\(Character(Unicode.Scalar(escaped)))' in string escape code"
                    return nil
                }
            }
            error = "unexpected end of JSON input"
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard i + 4 <= end else { return nil }
            var value: UInt32 = 0
            for k in 0..<4 {
                let byte = b[i + k]
                let digit: UInt32
                switch byte {
                case ASCII.zero...ASCII.nine: digit = UInt32(byte - ASCII.zero)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            i += 4
            return value
        }
    }
}
