import BulwarkCore

/// A shell-form command of an instruction: its text (continuation lines joined) and the simple
/// commands in it.
public struct ShellCommand: Sendable, Hashable {
    /// The text the shell receives.
    public var text: String
    public var range: TextRange
    public var script: ShellScript

    public init(text: String, range: TextRange, script: ShellScript) {
        self.text = text
        self.range = range
        self.script = script
    }

    /// Tokenizes a POSIX shell script: simple commands split on `&&`, `||`, `;`, `|`, `&` and
    /// newlines, with quoting, escapes, `$(…)`/backticks kept inside words, redirections and
    /// here-documents recognised, and `sh -c '…'` scripts parsed recursively. Positions are
    /// 1-based lines and columns of `text`. Never fails: problems are listed in `issues`.
    public static func parse(_ text: String) -> ShellScript {
        let bytes = Array(text.utf8)
        return ShellParser.parse(bytes: bytes, range: 0..<bytes.count, mapping: SourceMap(text: bytes), depth: 0)
    }
}
