/// A JSON value read from a model header, with the byte offset where it starts.
///
/// Model headers (safetensors) and Keras configs are read with this small parser rather than Foundation's
/// `JSONSerialization` because the reader needs what that API hides: the offset of every key (a
/// finding names the byte of the tensor entry), the order of keys, and repeated keys. A repeated key
/// is the parser differential that matters here: Python's `json` keeps the last value, other readers
/// the first or fail, and `JSONSerialization` silently keeps one, so two loaders (or a scanner and a
/// loader) may see different tensors in the same file.
struct HeaderJSON: Sendable {
    indirect enum Value: Sendable {
        case object([Member])
        case array([HeaderJSON])
        case string(String)
        /// The number as written (`12`, `-1`, `1.5e3`); `integer` reads it.
        case number(String)
        case bool(Bool)
        case null
    }

    struct Member: Sendable {
        let key: String
        /// Where the key's opening quote is, in the parsed bytes.
        let offset: Int
        let value: HeaderJSON
    }

    let value: Value
    let offset: Int

    /// The value as a non-negative integer that fits in `Int`, or nil (a fraction, an exponent, a
    /// sign, or too large: the loaders read these fields as `usize` and refuse anything else).
    var unsignedInteger: Int? {
        guard case .number(let text) = value, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// A short name of the value's kind, for messages.
    var kind: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number(let text): "the number \(text)"
        case .bool(let flag): "\(flag)"
        case .null: "null"
        }
    }

    /// Why the bytes are not JSON, and where.
    struct Failure: Error, Sendable {
        let message: String
        let offset: Int
    }

    /// A key that occurs twice in one object, at its second occurrence.
    struct Duplicate: Sendable {
        let key: String
        let offset: Int
        let firstOffset: Int
    }

    /// Parses `bytes` as one JSON value followed only by whitespace; keys repeated within an object
    /// are listed in `duplicates` (all members are kept, in order).
    static func parse(_ bytes: [UInt8], depthLimit: Int = HeaderJSON.depthLimit) -> (value: Result<HeaderJSON, Failure>, duplicates: [Duplicate]) {
        var parser = Parser(bytes: bytes, depthLimit: depthLimit)
        do throws(Failure) {
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.position == bytes.count else { throw Failure(message: "text after the JSON value", offset: parser.position) }
            return (.success(value), parser.duplicates)
        } catch {
            return (.failure(error), parser.duplicates)
        }
    }

    /// Nesting deeper than this is refused (a safetensors header needs three levels; Keras configs
    /// of nested models are given 128), so recursion is bounded.
    static let depthLimit = 64

    private struct Parser {
        let bytes: [UInt8]
        let depthLimit: Int
        var position = 0
        var duplicates: [Duplicate] = []

        init(bytes: [UInt8], depthLimit: Int) {
            self.bytes = bytes
            self.depthLimit = depthLimit
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        func fail(_ message: String) -> Failure { Failure(message: message, offset: position) }

        mutating func value(depth: Int) throws(Failure) -> HeaderJSON {
            guard depth < depthLimit else { throw fail("nested deeper than \(depthLimit) levels") }
            guard position < bytes.count else { throw fail("the JSON ends early") }
            let start = position
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var members: [Member] = []
                var seen: [String: Int] = [:]
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return HeaderJSON(value: .object([]), offset: start)
                }
                while true {
                    skipWhitespace()
                    let keyOffset = position
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                    position += 1
                    skipWhitespace()
                    let member = Member(key: key, offset: keyOffset, value: try value(depth: depth + 1))
                    if let first = seen[key] {
                        duplicates.append(Duplicate(key: key, offset: keyOffset, firstOffset: first))
                    } else {
                        seen[key] = keyOffset
                    }
                    members.append(member)
                    skipWhitespace()
                    guard position < bytes.count else { throw fail("the JSON ends inside an object") }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
                    position += 1
                    return HeaderJSON(value: .object(members), offset: start)
                }
            case UInt8(ascii: "["):
                position += 1
                var items: [HeaderJSON] = []
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return HeaderJSON(value: .array([]), offset: start)
                }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard position < bytes.count else { throw fail("the JSON ends inside an array") }
                    if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                    guard bytes[position] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                    position += 1
                    return HeaderJSON(value: .array(items), offset: start)
                }
            case UInt8(ascii: "\""):
                return HeaderJSON(value: .string(try string()), offset: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return HeaderJSON(value: .number(try number()), offset: start)
            default:
                for (word, value) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .null)]
                where bytes[position...].starts(with: word.utf8) {
                    position += word.utf8.count
                    return HeaderJSON(value: value, offset: start)
                }
                throw fail("unexpected byte 0x\(String(bytes[position], radix: 16)) in JSON")
            }
        }

        /// A string at `position` (its opening quote), escapes decoded, UTF-8 checked.
        mutating func string() throws(Failure) -> String {
            position += 1
            var scalars: [UInt8] = []
            while true {
                guard position < bytes.count else { throw fail("the JSON ends inside a string") }
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw fail("the JSON ends inside an escape") }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            guard bytes[position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else { throw fail("a lone surrogate in a string") }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate in a string") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw fail("a lone surrogate in a string") }
                        scalars += Array(String(Character(scalar)).utf8)
                    default: throw fail("invalid escape in a string")
                    }
                case 0x00..<0x20: throw fail("a control character inside a string")
                default: scalars.append(byte)
                }
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail("the JSON ends inside an escape") }
            guard let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\u escape")
            }
            position += 4
            return code
        }

        mutating func number() throws(Failure) -> String {
            let start = position
            func digits() -> Int {
                let first = position
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                return position - first
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integerStart = position
            guard digits() > 0 else { throw fail("invalid number") }
            if bytes[integerStart] == UInt8(ascii: "0"), position - integerStart > 1 { throw Failure(message: "a number with a leading zero", offset: start) }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw fail("invalid number") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw fail("invalid number") }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
    }
}
