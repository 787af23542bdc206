/// One 512-byte tar header block: ustar (POSIX.1-1988), with GNU's variant of the magic and its
/// old-style sparse fields. PAX and GNU long-name records are entries of their own, read by the
/// walker; this type reads one block only.
struct TarHeader {
    static let blockSize = 512

    var name: String
    var mode: UInt32
    /// The stored data's size (for GNU sparse files: the stored fragments, not the file).
    var size: Int
    var typeflag: UInt8
    var linkName: String
    /// GNU old-style sparse ('S'): the file's logical size, and whether extension blocks follow.
    var sparseRealSize: Int?
    var sparseExtended: Bool

    /// Entries whose size field means no data follows (POSIX: links, devices, directories, FIFOs),
    /// as GNU tar and Go's archive/tar read them.
    var hasData: Bool {
        switch typeflag {
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "6"): false
        default: true
        }
    }

    static func isZero(_ block: [UInt8]) -> Bool { block.allSatisfy { $0 == 0 } }

    /// The header in `block`, or why it is not one (a bad checksum: garbage, or a tar cut off mid-way).
    static func parse(_ block: [UInt8]) -> Result<TarHeader, TarFormatError> {
        guard block.count == blockSize else { return .failure(TarFormatError("a header block of \(block.count) bytes")) }
        guard let stored = number(block[148..<156]) else { return .failure(TarFormatError("the header checksum is not a number")) }
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        // Old tars summed signed chars; both are accepted, as GNU tar does.
        guard stored == unsigned || stored == signed else { return .failure(TarFormatError("the header checksum does not match")) }
        guard let size = number(block[124..<136]) else { return .failure(TarFormatError("the size field is not a number")) }
        let mode = number(block[100..<108]) ?? 0
        let typeflag = block[156]
        // "ustar\0" + "00" is POSIX (with a name prefix); "ustar  \0" is GNU (no prefix: those bytes
        // hold GNU's own fields).
        let posix = block[257..<263].elementsEqual([0x75, 0x73, 0x74, 0x61, 0x72, 0x00])
        var name = text(block[0..<100])
        if posix {
            let prefix = text(block[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        var header = TarHeader(name: name, mode: UInt32(truncatingIfNeeded: mode & 0o7777), size: size, typeflag: typeflag,
                               linkName: text(block[157..<257]), sparseRealSize: nil, sparseExtended: false)
        if typeflag == UInt8(ascii: "S") {
            header.sparseRealSize = number(block[483..<495])
            header.sparseExtended = block[482] != 0
        }
        return .success(header)
    }

    /// A NUL-terminated (or full-width) field as text.
    static func text(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// An octal field (spaces and NULs around it), or GNU's base-256 form (high bit of the first
    /// byte set); nil when it is neither, negative or too large for a size.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first == 0x80 else { return nil }  // 0xFF: negative
            var value = 0
            for byte in field.dropFirst() {
                guard value < (Int.max >> 9) else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var seenDigit = false
        var index = field.startIndex
        while index < field.endIndex && (field[index] == 0x20 || field[index] == 0) && !seenDigit { index += 1 }
        while index < field.endIndex {
            let byte = field[index]
            if byte >= 0x30 && byte <= 0x37 {
                guard value < (Int.max >> 4) else { return nil }
                value = value * 8 + Int(byte - 0x30)
                seenDigit = true
            } else if byte == 0x20 || byte == 0 {
                break
            } else {
                return nil
            }
            index += 1
        }
        return value
    }

    /// PAX extended header records (`"%d %s=%s\n"`, POSIX.1-2001 pax "extended header"), or why not.
    static func paxRecords(_ bytes: [UInt8]) -> Result<[String: String], TarFormatError> {
        var records: [String: String] = [:]
        var position = 0
        while position < bytes.count {
            if bytes[position] == 0 { break }  // NUL padding after the records
            var length = 0
            var cursor = position
            while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, length < bytes.count {
                length = length * 10 + Int(bytes[cursor] - 0x30)
                cursor += 1
            }
            guard cursor < bytes.count, bytes[cursor] == 0x20, length > cursor - position + 1, position + length <= bytes.count,
                  bytes[position + length - 1] == 0x0A else {
                return .failure(TarFormatError("a PAX record at byte \(position) is malformed"))
            }
            let record = bytes[(cursor + 1)..<(position + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                return .failure(TarFormatError("a PAX record at byte \(position) has no '='"))
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            records[key] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            position += length
        }
        return .success(records)
    }
}

/// Why bytes are not a tar.
struct TarFormatError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
