import BulwarkCore

/// The text of a Dockerfile as lines, so that instructions can be copied byte for byte and edited
/// at the positions the parser reports.
struct HardenSource {
    /// Physical lines without their line terminators (and without a byte-order mark).
    var lines: [String]
    /// `\r\n` when the file uses CRLF line ends, else `\n`.
    var lineEnding: String
    var endsWithNewline: Bool
    var hasByteOrderMark: Bool

    init(text: String) {
        var scalars = Substring(text).unicodeScalars
        hasByteOrderMark = scalars.first == "\u{FEFF}"
        if hasByteOrderMark { scalars = scalars.dropFirst() }
        endsWithNewline = scalars.last == "\n"
        var lines: [String] = []
        var sawCRLF = false
        // Split on U+000A only, as the parser does ("\r\n" is one Character, so Character splits miss it).
        for slice in scalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = slice
            while line.last == "\r" {
                line = line.dropLast()
                sawCRLF = true
            }
            lines.append(String(String.UnicodeScalarView(line)))
        }
        if endsWithNewline { lines.removeLast() }
        lineEnding = sawCRLF ? "\r\n" : "\n"
        self.lines = lines
    }

    /// Line `number` (1-based); empty outside the file.
    func line(_ number: Int) -> String {
        lines.indices.contains(number - 1) ? lines[number - 1] : ""
    }

    /// Rebuilds the text from the model when the original bytes are not at hand: instructions
    /// from their source text, comments and directives at their lines, blank lines elsewhere.
    init(reconstructing dockerfile: Dockerfile) {
        var lines = [String](repeating: "", count: max(dockerfile.lineCount, 0))
        func put(_ line: Int, _ text: String) {
            guard line >= 1 else { return }
            while lines.count < line { lines.append("") }
            lines[line - 1] = text
        }
        for directive in dockerfile.directives.all { put(directive.line, "# \(directive.name)=\(directive.value)") }
        for comment in dockerfile.comments where !comment.insideInstruction {
            let indent = String(repeating: " ", count: max(comment.column - 1, 0))
            put(comment.line, indent + (comment.text.isEmpty ? "#" : "# " + comment.text))
        }
        for instruction in dockerfile.instructions {
            let indent = String(repeating: " ", count: max(instruction.column - 1, 0))
            let parts = instruction.sourceText.split(separator: "\n", omittingEmptySubsequences: false)
            for (offset, part) in parts.enumerated() {
                put(instruction.startLine + offset, (offset == 0 ? indent : "") + String(part))
            }
        }
        self.lines = lines
        lineEnding = "\n"
        endsWithNewline = true
        hasByteOrderMark = false
    }

    var lineCount: Int { lines.count }

    /// The text of lines `first...last` (1-based, clamped), joined with `\n`.
    func text(lines first: Int, _ last: Int) -> [String] {
        let low = max(first, 1)
        let high = min(last, lines.count)
        guard low <= high else { return [] }
        return Array(lines[(low - 1)...(high - 1)])
    }

    /// The physical lines of an instruction, its indentation included.
    func lines(of instruction: Instruction) -> [String] {
        text(lines: instruction.startLine, instruction.endLine)
    }

    /// Renders lines with the file's line ends, byte-order mark and final newline.
    func render(_ lines: [String]) -> String {
        var text = lines.joined(separator: lineEnding)
        if endsWithNewline && !lines.isEmpty { text += lineEnding }
        if hasByteOrderMark { text = "\u{FEFF}" + text }
        return text
    }

    /// The offset (in Unicode scalars of the `\n`-joined lines) of a position.
    func offset(of position: TextPosition, lineStarts: [Int]) -> Int {
        let line = min(max(position.line, 1), max(lines.count, 1))
        guard !lines.isEmpty else { return 0 }
        let length = lines[line - 1].unicodeScalars.count
        return lineStarts[line - 1] + min(max(position.column - 1, 0), length)
    }

    var lineStarts: [Int] {
        var starts: [Int] = []
        starts.reserveCapacity(lines.count)
        var offset = 0
        for line in lines {
            starts.append(offset)
            offset += line.unicodeScalars.count + 1
        }
        return starts
    }
}
