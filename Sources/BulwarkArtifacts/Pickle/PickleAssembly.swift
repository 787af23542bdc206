/// A text form of pickle programs, one opcode a line, for rule examples and tests: what
/// `pickletools.dis` prints, minus the offsets.
///
///     PROTO 2
///     GLOBAL "posix" "system"
///     SHORT_BINUNICODE "id"
///     TUPLE1
///     REDUCE
///     STOP
///
/// Arguments: a decimal integer (`PROTO 2`, `BINPUT 3`, `BININT -1`), a string in double quotes
/// with `\n`, `\t`, `\\`, `\"` and `\xHH` escapes (text opcodes, `GLOBAL`/`INST` take two), or
/// `x"…"` hex for bytes. The length prefix of a counted argument is written for you. Blank lines
/// and lines starting with `#` are ignored.
public enum PickleAssembly {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The bytes, and for each line that holds an instruction, the offset of its opcode.
    public static func assemble(_ text: String) throws(Failure) -> (bytes: [UInt8], offsets: [Int: Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int: Int] = [:]
        let byName = Dictionary(uniqueKeysWithValues: PickleOpcode.allCases.map { ($0.name, $0) })
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\r" }.reversed()
            let body = String(line)
            if body.isEmpty || body.hasPrefix("#") { continue }
            let name = String(body.prefix { $0 != " " })
            guard let opcode = byName[name] else { throw Failure(line: number, message: "unknown opcode \(name)") }
            let arguments = try parseArguments(String(body.dropFirst(name.count)), line: number)
            offsets[number] = bytes.count
            bytes.append(opcode.rawValue)
            bytes += try encode(opcode, arguments, line: number)
        }
        return (bytes, offsets)
    }

    enum Value {
        case integer(Int)
        case text([UInt8])
        case bytes([UInt8])
    }

    static func encode(_ opcode: PickleOpcode, _ arguments: [Value], line: Int) throws(Failure) -> [UInt8] {
        func one() throws(Failure) -> Value {
            guard arguments.count == 1 else { throw Failure(line: line, message: "\(opcode.name) takes one argument") }
            return arguments[0]
        }
        func integer() throws(Failure) -> Int {
            guard case .integer(let value) = try one() else { throw Failure(line: line, message: "\(opcode.name) takes a number") }
            return value
        }
        func payload() throws(Failure) -> [UInt8] {
            switch try one() {
            case .text(let bytes), .bytes(let bytes): return bytes
            case .integer(let value): return Array(String(value).utf8)
            }
        }
        func little(_ value: Int, _ width: Int) -> [UInt8] {
            (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        switch opcode.argument {
        case .none:
            guard arguments.isEmpty else { throw Failure(line: line, message: "\(opcode.name) takes no argument") }
            return []
        case .uint1: return little(try integer(), 1)
        case .uint2: return little(try integer(), 2)
        case .int4, .uint4: return little(try integer(), 4)
        case .uint8: return little(try integer(), 8)
        case .float8: return little(try integer(), 8)
        case .decimalLine, .longLine, .floatLine:
            return try payload() + [0x0A]
        case .quotedLine:
            return [UInt8(ascii: "'")] + (try payload()) + [UInt8(ascii: "'"), 0x0A]
        case .unicodeLine, .line:
            return try payload() + [0x0A]
        case .linePair:
            guard arguments.count == 2, case .text(let module) = arguments[0], case .text(let name) = arguments[1] else {
                throw Failure(line: line, message: "\(opcode.name) takes a module and a name")
            }
            return module + [0x0A] + name + [0x0A]
        case .counted(let prefix, _):
            let data = try payload()
            return little(data.count, prefix) + data
        }
    }

    static func parseArguments(_ text: String, line: Int) throws(Failure) -> [Value] {
        var values: [Value] = []
        var characters = Array(text.utf8)[...]
        while true {
            while characters.first == UInt8(ascii: " ") { characters = characters.dropFirst() }
            guard let first = characters.first else { return values }
            if first == UInt8(ascii: "\"") || (first == UInt8(ascii: "x") && characters.dropFirst().first == UInt8(ascii: "\"")) {
                let hex = first == UInt8(ascii: "x")
                characters = characters.dropFirst(hex ? 2 : 1)
                var bytes: [UInt8] = []
                var closed = false
                while let byte = characters.first {
                    characters = characters.dropFirst()
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\"), let next = characters.first {
                        characters = characters.dropFirst()
                        switch next {
                        case UInt8(ascii: "n"): bytes.append(0x0A)
                        case UInt8(ascii: "t"): bytes.append(0x09)
                        case UInt8(ascii: "x"):
                            guard characters.count >= 2, let value = UInt8(String(decoding: characters.prefix(2), as: UTF8.self), radix: 16) else {
                                throw Failure(line: line, message: "\\x needs two hex digits")
                            }
                            bytes.append(value)
                            characters = characters.dropFirst(2)
                        default: bytes.append(next)
                        }
                    } else {
                        bytes.append(byte)
                    }
                }
                guard closed else { throw Failure(line: line, message: "unterminated string") }
                if hex {
                    let digits = bytes.filter { $0 != UInt8(ascii: " ") }
                    guard digits.count % 2 == 0 else { throw Failure(line: line, message: "odd number of hex digits") }
                    var decoded: [UInt8] = []
                    var index = 0
                    while index < digits.count {
                        guard let value = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                            throw Failure(line: line, message: "not hex")
                        }
                        decoded.append(value)
                        index += 2
                    }
                    values.append(.bytes(decoded))
                } else {
                    values.append(.text(bytes))
                }
            } else {
                let token = characters.prefix { $0 != UInt8(ascii: " ") }
                characters = characters.dropFirst(token.count)
                guard let value = Int(String(decoding: token, as: UTF8.self)) else {
                    throw Failure(line: line, message: "not a number or a quoted string: \(String(decoding: token, as: UTF8.self))")
                }
                values.append(.integer(value))
            }
        }
    }
}
