import BulwarkCore

/// A here-document: `<<EOF` (expanded), `<<"EOF"`/`<<'EOF'` (not expanded), `<<-EOF` (leading tabs
/// stripped from the body and the terminator).
public struct Heredoc: Sendable, Hashable {
    public var delimiter: String
    /// True when the delimiter was quoted: the body is used as written, without expansion.
    public var quoted: Bool
    /// `<<-`: leading tabs are removed from each body line and from the terminator line.
    public var stripTabs: Bool
    /// The file descriptor written before `<<` (`3<<EOF`), nil when none.
    public var fileDescriptor: Int?
    /// The body as the build sees it (leading tabs stripped for `<<-`), each line with its newline.
    public var body: String
    /// Line of the `<<EOF` word.
    public var operatorRange: TextRange
    /// First body line (equals `endLine` for an empty body).
    public var startLine: Int
    /// The terminator line; for an unterminated heredoc, the last line of the file.
    public var endLine: Int
    public var isTerminated: Bool
    /// For RUN: the program that reads the body (`sh` for `RUN <<EOF`, `bash` for `RUN bash <<EOF`,
    /// `python3` for `RUN python3 <<PY` or a `#!/usr/bin/env python3` body, `cat` for
    /// `cat <<EOF > file`); nil for COPY and ADD, whose heredocs are file contents.
    public var interpreter: String?
    /// The body parsed as a shell script when a POSIX shell reads it.
    public var script: ShellScript?

    public init(
        delimiter: String, quoted: Bool, stripTabs: Bool, fileDescriptor: Int? = nil, body: String = "",
        operatorRange: TextRange, startLine: Int, endLine: Int, isTerminated: Bool = true,
        interpreter: String? = nil, script: ShellScript? = nil
    ) {
        self.delimiter = delimiter
        self.quoted = quoted
        self.stripTabs = stripTabs
        self.fileDescriptor = fileDescriptor
        self.body = body
        self.operatorRange = operatorRange
        self.startLine = startLine
        self.endLine = endLine
        self.isTerminated = isTerminated
        self.interpreter = interpreter
        self.script = script
    }
}
