import BulwarkCore

/// Edits to a `HardenSource`, expressed in the parser's positions and applied all at once.
struct SourcePatch {
    /// Replaces the text from `range.start` up to (not including) `range.end`.
    struct Edit {
        var range: TextRange
        var replacement: String
    }

    /// Inserts whole lines before line `beforeLine` (`lineCount + 1`: at the end).
    struct Insertion {
        var beforeLine: Int
        var lines: [String]
    }

    private(set) var edits: [Edit] = []
    private(set) var insertions: [Insertion] = []

    var isEmpty: Bool { edits.isEmpty && insertions.isEmpty }

    mutating func replace(_ range: TextRange, with text: String) {
        edits.append(Edit(range: range, replacement: text))
    }

    mutating func insert(at position: TextPosition, _ text: String) {
        edits.append(Edit(range: TextRange(at: position), replacement: text))
    }

    /// Replaces the whole lines `first...last` with `lines`.
    mutating func replaceLines(_ first: Int, _ last: Int, with lines: [String], in source: HardenSource) {
        let end: TextPosition
        if last < source.lineCount {
            end = TextPosition(line: last + 1, column: 1)
        } else {
            end = TextPosition(line: last, column: (source.lines.last?.unicodeScalars.count ?? 0) + 1)
        }
        var text = lines.joined(separator: "\n")
        if last < source.lineCount && !lines.isEmpty { text += "\n" }
        if last >= source.lineCount && lines.isEmpty && first > 1 {
            // Removing the last lines: take the newline before them too.
            let previous = TextPosition(line: first - 1, column: source.line(first - 1).unicodeScalars.count + 1)
            edits.append(Edit(range: TextRange(start: previous, end: end), replacement: ""))
            return
        }
        edits.append(Edit(range: TextRange(start: TextPosition(line: first, column: 1), end: end), replacement: text))
    }

    mutating func insertLines(before line: Int, _ lines: [String]) {
        guard !lines.isEmpty else { return }
        insertions.append(Insertion(beforeLine: line, lines: lines))
    }

    /// Applies every edit and insertion; overlapping edits after the first are dropped.
    func apply(to source: HardenSource) -> String {
        let starts = source.lineStarts
        var scalars = Array(source.lines.joined(separator: "\n").unicodeScalars)
        let total = scalars.count
        // (start, end, text, kind order) — insertions sort before edits at the same offset.
        struct Operation {
            var start: Int
            var end: Int
            var text: String
            var isInsertion: Bool
            var sequence: Int
            /// Lines added at the end of the file go after edits that end there.
            var isAppend = false
        }
        var operations: [Operation] = []
        for (sequence, edit) in edits.enumerated() {
            let start = source.offset(of: edit.range.start, lineStarts: starts)
            let end = max(start, source.offset(of: edit.range.end, lineStarts: starts))
            operations.append(Operation(start: start, end: end, text: edit.replacement, isInsertion: false, sequence: sequence))
        }
        for (sequence, insertion) in insertions.enumerated() {
            if insertion.beforeLine > source.lineCount {
                let text = (total > 0 || !source.lines.isEmpty ? "\n" : "") + insertion.lines.joined(separator: "\n")
                operations.append(Operation(start: total, end: total, text: text, isInsertion: true, sequence: edits.count + sequence, isAppend: true))
            } else {
                let start = starts[max(insertion.beforeLine, 1) - 1]
                operations.append(Operation(start: start, end: start, text: insertion.lines.joined(separator: "\n") + "\n", isInsertion: true,
                                            sequence: edits.count + sequence))
            }
        }
        // Front to back; at one offset whole-line insertions come first and lines appended to the file
        // last, each group in the order given.
        operations.sort { lhs, rhs in
            if lhs.start != rhs.start { return lhs.start < rhs.start }
            if lhs.isAppend != rhs.isAppend { return rhs.isAppend }
            if lhs.isInsertion != rhs.isInsertion { return lhs.isInsertion }
            return lhs.sequence < rhs.sequence
        }
        var kept: [Operation] = []
        var reached = 0
        for operation in operations {
            if operation.start < reached { continue }
            kept.append(operation)
            reached = max(reached, operation.end)
        }
        for operation in kept.reversed() {
            scalars.replaceSubrange(operation.start..<operation.end, with: Array(operation.text.unicodeScalars))
        }
        var text = String(String.UnicodeScalarView(scalars))
        if source.lineEnding != "\n" { text = text.replacing("\n", with: source.lineEnding) }
        if source.endsWithNewline && !text.isEmpty { text += source.lineEnding }
        if source.hasByteOrderMark { text = "\u{FEFF}" + text }
        return text
    }
}
