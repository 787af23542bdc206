import BulwarkCore

/// A comment line (`# …`), outside or inside an instruction's continuation lines.
public struct Comment: Sendable, Hashable {
    /// The text after `#`, trimmed.
    public var text: String
    public var line: Int
    /// Column of the `#`.
    public var column: Int
    /// True for a comment between the continuation lines of an instruction (BuildKit drops it).
    public var insideInstruction: Bool

    public init(text: String, line: Int, column: Int, insideInstruction: Bool) {
        self.text = text
        self.line = line
        self.column = column
        self.insideInstruction = insideInstruction
    }

    /// The `# bulwark:ignore …` pragma this comment holds, if any (its `instructionIndex` is set
    /// only in `Dockerfile.ignorePragmas`).
    public var ignorePragma: IgnorePragma? { IgnorePragma.parse(comment: text, line: line, column: column) }
}
