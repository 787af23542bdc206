import BulwarkCore

/// One file's text as Unicode scalars, addressed by the 1-based (line, column) marks libyaml puts
/// on `YAMLNode`s: columns count characters (Unicode scalars), and `\n`, `\r\n`, `\r`, NEL, LS
/// and PS all end a line, as in libyaml. A leading byte-order mark is kept apart, because libyaml
/// does not count it in columns.
struct SourceText {
    let scalars: [Unicode.Scalar]
    /// Index in `scalars` of the first character of each line.
    let lineStarts: [Int]
    /// Index just past the content of each line (before its terminator).
    let lineEnds: [Int]
    /// The file's line ending, used for inserted lines.
    let lineEnding: String
    /// Whether the text started with a byte-order mark (removed from `scalars`).
    let byteOrderMark: Bool

    init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        byteOrderMark = scalars.first == "\u{FEFF}"
        if byteOrderMark { scalars.removeFirst() }
        self.scalars = scalars
        var starts = [0]
        var ends: [Int] = []
        var crlf = 0
        var lf = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\r":
                ends.append(index)
                if index + 1 < scalars.count, scalars[index + 1] == "\n" {
                    index += 1
                    crlf += 1
                }
                starts.append(index + 1)
            case "\n", "\u{85}", "\u{2028}", "\u{2029}":
                if scalar == "\n" { lf += 1 }
                ends.append(index)
                starts.append(index + 1)
            default:
                break
            }
            index += 1
        }
        ends.append(scalars.count)
        lineStarts = starts
        lineEnds = ends
        lineEnding = crlf > lf ? "\r\n" : "\n"
    }

    var lineCount: Int { lineStarts.count }

    /// Whether the text ends with a line break (so that a line can be appended after the last one).
    var endsWithLineBreak: Bool { lineEnds.count > 1 && lineEnds[lineEnds.count - 1] == scalars.count && lineStarts[lineStarts.count - 1] == scalars.count }

    /// Index of the first character of a line; past the end for lines after the last.
    func startOfLine(_ line: Int) -> Int {
        guard line >= 1 else { return 0 }
        return line <= lineCount ? lineStarts[line - 1] : scalars.count
    }

    func endOfLine(_ line: Int) -> Int {
        guard line >= 1 else { return 0 }
        return line <= lineCount ? lineEnds[line - 1] : scalars.count
    }

    /// The (line, column) mark of an index.
    func position(ofOffset offset: Int) -> TextPosition {
        var low = 0
        var high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        let line = max(low, 1)
        return TextPosition(line: line, column: offset - lineStarts[line - 1] + 1)
    }

    /// Index of a (line, column) mark, clamped to the line's content.
    func offset(_ position: TextPosition) -> Int {
        let start = startOfLine(position.line)
        return min(start + max(position.column - 1, 0), endOfLine(position.line))
    }

    func string(_ range: Range<Int>) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[max(range.lowerBound, 0)..<min(range.upperBound, scalars.count)])
        return String(text)
    }

    /// The content of a line without its terminator.
    func line(_ line: Int) -> String { string(startOfLine(line)..<endOfLine(line)) }

    /// Number of leading spaces of a line.
    func indentation(ofLine line: Int) -> Int {
        var index = startOfLine(line)
        let end = endOfLine(line)
        while index < end, scalars[index] == " " { index += 1 }
        return index - startOfLine(line)
    }

    /// Whether the characters in the range are all spaces or tabs.
    func isBlank(_ range: Range<Int>) -> Bool {
        guard range.lowerBound < range.upperBound else { return true }
        return scalars[range].allSatisfy { $0 == " " || $0 == "\t" }
    }

    func character(at index: Int) -> Unicode.Scalar? {
        index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    /// Whether the rest of the line after `index` holds only blanks or a comment.
    func onlyCommentFollows(_ index: Int, line: Int) -> Bool {
        var cursor = index
        let end = endOfLine(line)
        while cursor < end, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
        return cursor == end || scalars[cursor] == "#"
    }

    /// The last line holding a character of the node that ends at `end` (exclusive) and starts on
    /// `startLine`: libyaml's end mark of a block scalar lies after its trailing line breaks.
    func lastLine(endingAt end: TextPosition, startLine: Int) -> Int {
        var line = end.line
        if line > lineCount { line = lineCount }
        while line > startLine {
            let lineStart = startOfLine(line)
            let limit = line == end.line ? min(offset(end), endOfLine(line)) : endOfLine(line)
            if !isBlank(lineStart..<limit) { break }
            line -= 1
        }
        return max(line, startLine)
    }

    /// Applies non-overlapping edits; edits at the same start are joined in `rank` order.
    func applying(_ edits: [TextEdit]) -> (text: String, conflicts: [TextEdit]) {
        let sorted = edits.enumerated().sorted { lhs, rhs in
            (lhs.element.start, lhs.element.rank, lhs.offset) < (rhs.element.start, rhs.element.rank, rhs.offset)
        }.map(\.element)
        var output = String.UnicodeScalarView()
        if byteOrderMark { output.append("\u{FEFF}") }
        var cursor = 0
        var conflicts: [TextEdit] = []
        for edit in sorted {
            guard edit.start >= cursor else {
                conflicts.append(edit)
                continue
            }
            output.append(contentsOf: scalars[cursor..<edit.start])
            output.append(contentsOf: edit.text.unicodeScalars)
            cursor = max(edit.start, edit.end)
        }
        output.append(contentsOf: scalars[cursor...])
        return (String(output), conflicts)
    }
}

/// Replace `start..<end` (scalar indices of `SourceText`) with `text`. Insertions at the same
/// index are ordered by `rank` (lower first); a replacement there comes after them.
struct TextEdit {
    var start: Int
    var end: Int
    var text: String
    var rank: Int

    init(replacing range: Range<Int>, with text: String, rank: Int = Int.max) {
        start = range.lowerBound
        end = range.upperBound
        self.text = text
        self.rank = range.isEmpty ? rank : Int.max
    }

    init(inserting text: String, at index: Int, rank: Int) {
        start = index
        end = index
        self.text = text
        self.rank = rank
    }
}
