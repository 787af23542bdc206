import BulwarkCore

/// One line of the file: `[start, contentEnd)` without the newline and trailing `\r`s.
struct PhysicalLine {
    var number: Int
    var start: Int
    var contentEnd: Int
    /// Start of the next line.
    var next: Int
}

struct LineCursor {
    let bytes: [UInt8]
    private(set) var offset: Int
    private(set) var lineNumber = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte-order mark on the first line is not part of the text.
        offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    mutating func next() -> PhysicalLine? {
        guard offset < bytes.count else { return nil }
        let start = offset
        var end = start
        while end < bytes.count && bytes[end] != ASCII.newline { end += 1 }
        var contentEnd = end
        while contentEnd > start && bytes[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
        offset = end < bytes.count ? end + 1 : end
        lineNumber += 1
        return PhysicalLine(number: lineNumber, start: start, contentEnd: contentEnd, next: offset)
    }
}
