import BulwarkCore

/// Maps offsets in a text assembled from pieces of a file (a logical instruction line made of
/// continuation lines, a heredoc body with its tabs stripped) to positions in that file.
protocol PositionMapping: AnyObject {
    func position(at offset: Int) -> TextPosition
    /// The position just after the byte before `offset` (so a range ending at the end of a
    /// continuation line ends on that line, not at the start of the next one).
    func endPosition(at offset: Int) -> TextPosition
}

extension PositionMapping {
    func range(_ start: Int, _ end: Int) -> TextRange {
        end <= start ? TextRange(at: position(at: start)) : TextRange(start: position(at: start), end: endPosition(at: end))
    }
}

/// The usual mapping: the text is a list of segments, each a slice of one file line.
final class SourceMap: PositionMapping {
    struct Segment {
        /// Offset of the segment's first byte in the assembled text.
        let offset: Int
        let line: Int
        /// Column of the segment's first byte in its file line.
        let column: Int
    }

    let bytes: [UInt8]
    let segments: [Segment]
    private let fallback: TextPosition
    private let isASCII: Bool
    private var cacheSegment = -1
    private var cacheOffset = 0
    private var cacheColumn = 0

    init(bytes: [UInt8], segments: [Segment], fallback: TextPosition) {
        self.bytes = bytes
        self.segments = segments
        self.fallback = fallback
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        self.isASCII = ascii
    }

    /// A map for a standalone text: every line starts a segment at column 1.
    convenience init(text bytes: [UInt8], firstLine: Int = 1) {
        var segments = [Segment(offset: 0, line: firstLine, column: 1)]
        var line = firstLine
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            segments.append(Segment(offset: index + 1, line: line, column: 1))
        }
        self.init(bytes: bytes, segments: segments, fallback: TextPosition(line: firstLine, column: 1))
    }

    func position(at offset: Int) -> TextPosition { locate(offset, endBiased: false) }
    func endPosition(at offset: Int) -> TextPosition { locate(offset, endBiased: true) }

    private func locate(_ rawOffset: Int, endBiased: Bool) -> TextPosition {
        guard !segments.isEmpty else { return fallback }
        let offset = min(max(rawOffset, 0), bytes.count)
        // The last segment starting at or before the offset (strictly before it when end-biased).
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            let start = segments[mid].offset
            if start < offset || (!endBiased && start == offset) { low = mid } else { high = mid - 1 }
        }
        let segment = segments[low]
        return TextPosition(line: segment.line, column: column(segmentIndex: low, offset: max(offset, segment.offset)))
    }

    private func column(segmentIndex: Int, offset: Int) -> Int {
        let segment = segments[segmentIndex]
        if isASCII { return segment.column + (offset - segment.offset) }
        var column = segment.column
        if cacheSegment == segmentIndex && cacheOffset <= offset {
            // Forward from the last answer (queries mostly move forward).
            column = cacheColumn
            var index = cacheOffset
            while index < offset {
                if bytes[index] & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
        } else if cacheSegment == segmentIndex && cacheOffset - offset < offset - segment.offset {
            // A little backward (a command's start after its last word): count back.
            column = cacheColumn
            var index = offset
            while index < cacheOffset {
                if bytes[index] & 0xC0 != 0x80 { column -= 1 }
                index += 1
            }
        } else {
            var index = segment.offset
            while index < offset {
                if bytes[index] & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
        }
        cacheSegment = segmentIndex
        cacheOffset = offset
        cacheColumn = column
        return column
    }
}

/// A mapping for text decoded from a quoted word (the script of `sh -c "…"`): each decoded byte
/// knows the offset of the byte it came from in the enclosing text.
final class NestedMap: PositionMapping {
    private let parent: any PositionMapping
    private let offsets: [Int]

    /// `offsets` has one entry per decoded byte plus one for the end.
    init(parent: any PositionMapping, offsets: [Int]) {
        self.parent = parent
        self.offsets = offsets
    }

    func position(at offset: Int) -> TextPosition {
        guard !offsets.isEmpty else { return parent.position(at: 0) }
        return parent.position(at: offsets[min(max(offset, 0), offsets.count - 1)])
    }

    func endPosition(at offset: Int) -> TextPosition {
        guard !offsets.isEmpty else { return parent.position(at: 0) }
        let clamped = min(max(offset, 0), offsets.count - 1)
        // The end of the byte before `offset` in the parent text, so a closing quote is not included.
        if clamped > 0 { return parent.endPosition(at: offsets[clamped - 1] + 1) }
        return parent.position(at: offsets[0])
    }
}
