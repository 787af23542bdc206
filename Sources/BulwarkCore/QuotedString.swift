/// The one escape set for the double-quoted strings Bulwark writes: JSON reports, YAML scalars of
/// rewritten manifests and SealedSecrets, JSON exec-form arrays in Dockerfiles. A string quoted
/// here is valid JSON (RFC 8259), a valid YAML 1.1 and 1.2 double-quoted scalar that every reader
/// (go-yaml in kubectl included) reads back as the same string, and valid JavaScript.
///
/// Escaped: `"` and `\`; `\n`, `\r`, `\t`, `\b`, `\f`; every other C0 control, DEL and every C1
/// control (U+0080–U+009F, NEL included) as `\u00XX`; U+2028 and U+2029 (line breaks to YAML and
/// JavaScript); U+FEFF (a byte-order mark inside a value) and the non-characters U+FFFE and
/// U+FFFF. Everything else is written as UTF-8. Hex digits are lower-case.
public enum QuotedString {
    /// Whether `scalar` is written as an escape.
    @inline(__always) public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x22, 0x5C, 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// Whether `text` contains anything `isEscaped` (so it could not be written plain).
    public static func needsEscaping(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isEscaped)
    }

    /// `text` in double quotes with the escapes above.
    public static func quoted(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        append(String(text), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text`, quoted, to `bytes`. Runs of bytes that need no escape are copied at once,
    /// so a report of hundreds of megabytes is written at memory speed.
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            var runStart = 0
            let count = utf8.count
            while index < count {
                let byte = utf8[index]
                // Plain ASCII, and the lead bytes of multi-byte characters that never need escaping.
                if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
                    || byte >= 0x80 && byte != 0xC2 && byte != 0xE2 && byte != 0xEF {
                    index += 1
                    continue
                }
                var length = 1
                var escape: UInt32?
                switch byte {
                case 0x00..<0x20, 0x22, 0x5C, 0x7F:
                    escape = UInt32(byte)
                case 0xC2 where index + 1 < count && utf8[index + 1] < 0xA0:
                    escape = UInt32(utf8[index + 1])  // U+0080…U+009F
                    length = 2
                case 0xE2 where index + 2 < count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    escape = utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029
                    length = 3
                case 0xEF where index + 2 < count && utf8[index + 1] == 0xBB && utf8[index + 2] == 0xBF:
                    escape = 0xFEFF
                    length = 3
                case 0xEF where index + 2 < count && utf8[index + 1] == 0xBF && (utf8[index + 2] == 0xBE || utf8[index + 2] == 0xBF):
                    escape = utf8[index + 2] == 0xBE ? 0xFFFE : 0xFFFF
                    length = 3
                default:
                    break
                }
                guard let escape else {
                    index += 1
                    continue
                }
                if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                appendEscape(escape, to: &bytes)
                index += length
                runStart = index
            }
            if count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// JSON written by another encoder (Foundation's `JSONEncoder`, which escapes only `"`, `\`
    /// and C0 controls) with every character this escape set escapes and it leaves raw (DEL, C1
    /// controls, U+2028/U+2029, U+FEFF, U+FFFE/U+FFFF) escaped: the same bytes `append` writes.
    /// Correct on any JSON document, since those characters can only stand inside its strings.
    public static func escapingRawCharacters(inJSON bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var length = 0
            var escape: UInt32 = 0
            switch byte {
            case 0x7F:
                (escape, length) = (0x7F, 1)
            case 0xC2 where index + 1 < bytes.count && (0x80..<0xA0).contains(bytes[index + 1]):
                (escape, length) = (UInt32(bytes[index + 1]), 2)
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                (escape, length) = (bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, 3)
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
                (escape, length) = (0xFEFF, 3)
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                (escape, length) = (bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF, 3)
            default:
                output.append(byte)
                index += 1
                continue
            }
            appendEscape(escape, to: &output)
            index += length
        }
        return output
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always) private static func appendEscape(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch value {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            bytes.append(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                bytes.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
            }
        }
    }
}
