/// How an input file's bytes are encoded, read from its byte-order mark, and the one place that
/// turns them into the UTF-8 the parsers read.
///
/// - UTF-8, with or without a BOM: read as it is (invalid sequences are the parser's to report).
/// - UTF-16 with a BOM (little or big endian): what kubectl's YAML decoder also accepts. Transcoded
///   to UTF-8 without the BOM; lines and columns stay those of the original text, since YAML
///   positions count characters and libyaml does not count a BOM.
/// - UTF-32 with a BOM: refused with a clear message (kubectl does not read it either).
/// - A NUL byte in the first 8 KiB and no BOM: a binary file, as `InputDiscovery.binaryOffset` says.
///   (UTF-16 without a BOM looks the same; kubectl does not read it.)
public enum TextEncoding: Sendable, Hashable, CustomStringConvertible {
    case utf8(byteOrderMark: Bool)
    case utf16(bigEndian: Bool)
    case utf32(bigEndian: Bool)
    case binary(nulOffset: Int)

    /// A text that cannot be read, with the 1-based position where reading stopped.
    public typealias DecodingError = TextError

    /// The encoding the bytes declare (BOM first; UTF-32 before UTF-16, whose BOM starts it).
    public static func detect(_ bytes: [UInt8]) -> TextEncoding {
        func starts(with prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix) }
        if starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8(byteOrderMark: true) }
        if starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return .utf32(bigEndian: true) }
        if starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return .utf32(bigEndian: false) }
        if starts(with: [0xFE, 0xFF]) { return .utf16(bigEndian: true) }
        if starts(with: [0xFF, 0xFE]) { return .utf16(bigEndian: false) }
        if let offset = InputDiscovery.binaryOffset(bytes) { return .binary(nulOffset: offset) }
        return .utf8(byteOrderMark: false)
    }

    public var description: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16(let bigEndian): bigEndian ? "UTF-16BE" : "UTF-16LE"
        case .utf32(let bigEndian): bigEndian ? "UTF-32BE" : "UTF-32LE"
        case .binary: "binary"
        }
    }

    /// The bytes as UTF-8, read the way kubectl reads a manifest: UTF-8 as it is (the same
    /// array), UTF-16 with a BOM transcoded. `fileKind` completes the binary message ("binary
    /// file (NUL byte at offset 12); not a Kubernetes manifest").
    public static func utf8(_ bytes: [UInt8], fileKind: String) -> Result<[UInt8], DecodingError> {
        switch detect(bytes) {
        case .utf8:
            return .success(bytes)
        case .utf16(let bigEndian):
            return transcodeUTF16(bytes, bigEndian: bigEndian)
        case .utf32:
            return .failure(DecodingError(line: 1, column: 1, message: "UTF-32 text is not supported; save the file as UTF-8"))
        case .binary(let offset):
            return .failure(binaryError(bytes, offset: offset, fileKind: fileKind))
        }
    }

    /// The error for a NUL byte at `offset`, at its line.
    public static func binaryError(_ bytes: [UInt8], offset: Int, fileKind: String) -> DecodingError {
        let line = bytes.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        return DecodingError(line: line, column: 1, message: "binary file (NUL byte at offset \(offset)); not a \(fileKind)")
    }

    /// The first invalid UTF-8 sequence, with its byte offset and its 1-based line and column
    /// (columns count characters; LF, CR and CRLF end lines); nil for valid UTF-8.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, line: Int, column: Int)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        var previous: UInt8 = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .emptyInput:
                return nil
            case .error:
                return (offset, line, column)
            case .valid(let encoded):
                let first = encoded.first ?? 0
                if first == UInt8(ascii: "\n") {
                    if previous != UInt8(ascii: "\r") { line += 1 }
                    column = 1
                } else if first == UInt8(ascii: "\r") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                previous = first
                offset += encoded.count
            }
        }
    }

    /// UTF-16 (after its two-byte BOM) to UTF-8. Unpaired surrogates and a trailing odd byte are
    /// errors at their line and column (lines end as in YAML: LF, CR, CRLF, NEL, LS, PS).
    static func transcodeUTF16(_ bytes: [UInt8], bigEndian: Bool) -> Result<[UInt8], DecodingError> {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var line = 1
        var column = 1
        var previousWasCR = false
        var index = 2
        func unit(at position: Int) -> UInt32 {
            bigEndian ? UInt32(bytes[position]) << 8 | UInt32(bytes[position + 1]) : UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position])
        }
        func failure(_ message: String) -> Result<[UInt8], DecodingError> {
            .failure(DecodingError(line: line, column: column, message: "invalid UTF-16 text: \(message); save the file as UTF-8"))
        }
        while index + 1 < bytes.count {
            var scalar = unit(at: index)
            index += 2
            if (0xD800..<0xDC00).contains(scalar) {
                guard index + 1 < bytes.count, case let low = unit(at: index), (0xDC00..<0xE000).contains(low) else {
                    return failure("unpaired surrogate 0x\(String(scalar, radix: 16, uppercase: true))")
                }
                index += 2
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                return failure("unpaired surrogate 0x\(String(scalar, radix: 16, uppercase: true))")
            }
            appendUTF8(scalar, to: &output)
            switch scalar {
            case 0x0A:
                if !previousWasCR { line += 1 }
                column = 1
            case 0x0D, 0x85, 0x2028, 0x2029:
                line += 1
                column = 1
            default:
                column += 1
            }
            previousWasCR = scalar == 0x0D
        }
        if index < bytes.count {
            return failure("the file ends in the middle of a character (an odd number of bytes)")
        }
        return .success(output)
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            output.append(UInt8(scalar))
        case ..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
