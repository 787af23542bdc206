/// Strict JSON (RFC 8259) read straight into `YAMLNode` trees, for the admission webhook's
/// AdmissionReviews: the rules already walk `YAMLNode`, so the object the API server sends goes to
/// them without a second conversion, and with positions (line and column of every value).
///
/// Written by hand because no mirrored library produces our node type: Foundation's
/// `JSONSerialization` builds `Any` trees that would have to be converted again (and lose key order
/// and repeated keys), and libyaml through Yams accepts far more than JSON and is slower on the
/// one-line documents the API server sends.
///
/// Strings become double-quoted scalars (so `"true"` stays a string and never reads as a boolean);
/// numbers, `true`, `false` and `null` become plain scalars as written. A repeated key in an object
/// is an error: JSON decoders disagree on which value wins (Go's takes the last, most others the
/// first), and a webhook must never judge a different object than the one the API server stores.
public enum JSONNodeReader {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public let position: TextPosition
        /// Byte offset of the problem.
        public let offset: Int

        public var description: String { "line \(position.line), column \(position.column): \(message)" }
    }

    /// The default nesting limit: Kubernetes objects are shallow (a pod spec in a CronJob is ~12
    /// levels); thousands of nested brackets are an attack on the stack, not an object.
    public static let defaultMaxDepth = 128

    /// Reads one JSON value filling `bytes` (whitespace around it allowed).
    public static func read(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) -> Result<YAMLNode, Failure> {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer, maxDepth: maxDepth)
            do {
                parser.skipWhitespace()
                let node = try parser.value(depth: 0)
                parser.skipWhitespace()
                if parser.index < buffer.count { throw parser.failure("unexpected content after the JSON value") }
                return .success(node)
            } catch let failure as Failure {
                return .failure(failure)
            } catch {
                return .failure(parser.failure("unreadable JSON"))
            }
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0
        var line = 1
        /// Offset of the first byte of the current line.
        var lineStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        var position: TextPosition { TextPosition(line: line, column: index - lineStart + 1) }

        func failure(_ message: String) -> Failure {
            Failure(message: message, position: position, offset: index)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A:
                    index += 1
                    line += 1
                    lineStart = index
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> YAMLNode {
            guard index < bytes.count else { throw failure("unexpected end of JSON") }
            let start = position
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return try object(depth: depth + 1, start: start)
            case UInt8(ascii: "["):
                return try array(depth: depth + 1, start: start)
            case UInt8(ascii: "\""):
                let text = try string()
                return YAMLNode(.scalar(text, .doubleQuoted), position: start, endPosition: position)
            case UInt8(ascii: "t"):
                try literal("true")
                return YAMLNode(.scalar("true", .plain), position: start, endPosition: position)
            case UInt8(ascii: "f"):
                try literal("false")
                return YAMLNode(.scalar("false", .plain), position: start, endPosition: position)
            case UInt8(ascii: "n"):
                try literal("null")
                return YAMLNode(.scalar("null", .plain), position: start, endPosition: position)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let text = try number()
                return YAMLNode(.scalar(text, .plain), position: start, endPosition: position)
            default:
                throw failure("unexpected character \(Self.describe(bytes[index]))")
            }
        }

        mutating func object(depth: Int, start: TextPosition) throws -> YAMLNode {
            guard depth <= maxDepth else { throw failure("nested deeper than \(maxDepth) levels") }
            index += 1
            var pairs: [YAMLNode.Pair] = []
            var keys: Set<String> = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return YAMLNode(.mapping(pairs), position: start, endPosition: position)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                let keyPosition = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw Failure(message: "the key \"\(key)\" appears twice in one object", position: keyPosition, offset: index)
                }
                let keyNode = YAMLNode(.scalar(key, .doubleQuoted), position: keyPosition, endPosition: position)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after a key") }
                index += 1
                skipWhitespace()
                pairs.append(YAMLNode.Pair(key: keyNode, value: try value(depth: depth)))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of JSON in an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object") }
                index += 1
                return YAMLNode(.mapping(pairs), position: start, endPosition: position)
            }
        }

        mutating func array(depth: Int, start: TextPosition) throws -> YAMLNode {
            guard depth <= maxDepth else { throw failure("nested deeper than \(maxDepth) levels") }
            index += 1
            var items: [YAMLNode] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return YAMLNode(.sequence(items), position: start, endPosition: position)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of JSON in an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array") }
                index += 1
                return YAMLNode(.sequence(items), position: start, endPosition: position)
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            let count = expected.count
            guard bytes.count - index >= count else { throw failure("unexpected end of JSON") }
            for offset in 0..<count where bytes[index + offset] != expected[offset] {
                throw failure("unexpected character \(Self.describe(bytes[index + offset]))")
            }
            index += count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written. A number beyond
        /// Double's range (`1e999`, 400 digits) is refused, as the API server's decoder and Foundation
        /// refuse it: a webhook must not judge a value the API server could not have stored (found by
        /// FuzzAdmission's agreement-with-Foundation check). Underflow (`1e-999`) reads as written.
        mutating func number() throws -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw failure("a number needs digits") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, Self.isDigit(bytes[index]) { throw failure("a number may not start with 0") }
            } else {
                while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, Self.isDigit(bytes[index]) else { throw failure("a fraction needs digits") }
                while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            }
            var exponent = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, Self.isDigit(bytes[index]) else { throw failure("an exponent needs digits") }
                while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
                exponent = true
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            // Up to 308 digits without an exponent stay below 1e309, so only longer ones and exponents are parsed.
            if exponent || index - start > 308, !(Double(text)?.isFinite ?? false) {
                index = start
                throw failure("a number out of range (beyond ±1.8e308)")
            }
            return text
        }

        /// A string at `index` (on its opening quote): escapes decoded, UTF-8 validated, control
        /// characters refused.
        mutating func string() throws -> String {
            index += 1
            let start = index
            // Fast path: no escapes, ASCII or valid UTF-8 up to the closing quote.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return try Self.validated(slice, at: self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw failure("a control character inside a string") }
                index += 1
            }
            var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return try scratch.withUnsafeBufferPointer { try Self.validated($0, at: self) }
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw failure("unexpected end of JSON in a string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scratch.append(0x22)
                    case UInt8(ascii: "\\"): scratch.append(0x5C)
                    case UInt8(ascii: "/"): scratch.append(0x2F)
                    case UInt8(ascii: "b"): scratch.append(0x08)
                    case UInt8(ascii: "f"): scratch.append(0x0C)
                    case UInt8(ascii: "n"): scratch.append(0x0A)
                    case UInt8(ascii: "r"): scratch.append(0x0D)
                    case UInt8(ascii: "t"): scratch.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            // A high surrogate must be followed by an escaped low surrogate.
                            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw failure("a lone UTF-16 surrogate in a string")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone UTF-16 surrogate in a string") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw failure("a lone UTF-16 surrogate in a string")
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape") }
                        scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default:
                        index -= 1
                        throw failure("an invalid escape \\\(Self.describe(escape))")
                    }
                default:
                    if byte < 0x20 { throw failure("a control character inside a string") }
                    scratch.append(byte)
                    index += 1
                }
            }
            throw failure("unexpected end of JSON in a string")
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - index >= 4 else { throw failure("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw failure("a \\u escape needs four hex digits")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        static func validated(_ bytes: UnsafeBufferPointer<UInt8>, at parser: Parser) throws -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw parser.failure("a string that is not valid UTF-8")
            }
            return text
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static func describe(_ byte: UInt8) -> String {
            byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
        }
    }
}
