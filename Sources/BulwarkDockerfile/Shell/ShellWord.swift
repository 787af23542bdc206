import BulwarkCore

/// A shell word.
public struct ShellWord: Sendable, Hashable, CustomStringConvertible {
    /// As written: quotes, escapes and substitutions kept.
    public var raw: String
    /// Quotes removed and escapes applied; `$VAR`, `${…}`, `$(…)` and backticks left as written.
    public var value: String
    public var range: TextRange
    /// True when any part was quoted or escaped.
    public var isQuoted: Bool
    /// True when the word holds a parameter expansion or command substitution, so its runtime
    /// value may differ from `value`.
    public var hasExpansion: Bool

    public init(raw: String, value: String, range: TextRange, isQuoted: Bool = false, hasExpansion: Bool = false) {
        self.raw = raw
        self.value = value
        self.range = range
        self.isQuoted = isQuoted
        self.hasExpansion = hasExpansion
    }

    public var description: String { value }
}

/// `NAME=value` before a command (or alone).
public struct ShellAssignment: Sendable, Hashable {
    public var name: String
    /// The part after `=` (`+=` appends).
    public var value: ShellWord
    public var isAppend: Bool
    public var range: TextRange

    public init(name: String, value: ShellWord, isAppend: Bool = false, range: TextRange) {
        self.name = name
        self.value = value
        self.isAppend = isAppend
        self.range = range
    }
}

/// `>file`, `2>&1`, `<<EOF`, …
public struct ShellRedirection: Sendable, Hashable {
    /// `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`, `<<`, `<<-`, `<<<`.
    public var op: String
    /// The file descriptor written before the operator (`2>`), nil when none.
    public var fileDescriptor: Int?
    /// The file, descriptor or here-document delimiter; nil when missing (an issue is recorded).
    public var target: ShellWord?
    /// For `<<`/`<<-` inside a script: the here-document's body (nil on an instruction's line,
    /// whose bodies are in `Instruction.heredocs`).
    public var heredocBody: String?
    public var range: TextRange

    public init(op: String, fileDescriptor: Int? = nil, target: ShellWord?, heredocBody: String? = nil, range: TextRange) {
        self.op = op
        self.fileDescriptor = fileDescriptor
        self.target = target
        self.heredocBody = heredocBody
        self.range = range
    }

    public var isHeredoc: Bool { op == "<<" || op == "<<-" }
}
