import BulwarkCore

/// Shell-form CMD and ENTRYPOINT turned into exec form, so the server runs as PID 1 and gets the
/// SIGTERM that `docker stop` and the kubelet send.
enum ExecForm {
    /// The exec-form arguments that run the same command as the shell form. A single simple command
    /// without expansions, globs or redirections becomes its words; anything else keeps its shell,
    /// `["/bin/sh", "-c", "exec …"]`, with `exec` before the last command when that keeps the
    /// meaning, so the shell is replaced by the server.
    static func arguments(for command: ShellCommand, shell: [String]) -> [String] {
        let script = ShellCommand.parse(command.text)
        if script.issues.isEmpty, script.commands.count == 1, let only = script.commands.first, isPlain(only) {
            var words = only.words.map(\.value)
            if words.first == "exec" && words.count > 1 { words.removeFirst() }
            return words
        }
        let shell = shell.isEmpty ? Stage.defaultShell : shell
        return shell + [withExec(command.text, script: script)]
    }

    /// True when the command means the same without a shell.
    private static func isPlain(_ command: SimpleCommand) -> Bool {
        guard command.assignments.isEmpty, command.redirections.isEmpty, !command.negated, command.nested == nil,
            command.separator == nil || command.separator == .semicolon || command.separator == .newline,
            let first = command.words.first
        else { return false }
        if shellBuiltins.contains(first.value) { return false }
        for word in command.words {
            if word.hasExpansion { return false }
            if !word.isQuoted, word.raw.contains(where: { "*?[~{".contains($0) }) { return false }
            if word.raw.contains("$") || word.raw.contains("`") { return false }
        }
        return true
    }

    private static let shellBuiltins: Set<String> = ["cd", "export", "source", ".", "set", "ulimit", "umask", "trap", "eval", "if", "for", "while"]

    /// The script with `exec ` before its last command, when the last command is a plain program
    /// run after `&&`, `;` or a newline (not in a pipeline, a background job or a compound command).
    static func withExec(_ text: String, script: ShellScript) -> String {
        guard script.issues.isEmpty, let last = script.commands.last, let program = last.words.first?.value,
            last.separator == nil || last.separator == .semicolon || last.separator == .newline,
            !["exec", "cd", "export", "if", "for", "while", "case", "{", "(", "fi", "done", "esac", "}", ")"].contains(program),
            !program.hasPrefix("(")
        else { return text }
        if script.commands.count > 1 {
            let previous = script.commands[script.commands.count - 2].separator
            guard previous == .and || previous == .semicolon || previous == .newline else { return text }
        }
        let offset = scalarOffset(of: last.range.start, in: text)
        var scalars = Array(text.unicodeScalars)
        guard offset <= scalars.count else { return text }
        scalars.insert(contentsOf: "exec ".unicodeScalars, at: offset)
        return String(String.UnicodeScalarView(scalars))
    }

    /// The offset in Unicode scalars of a 1-based line and column of `text`.
    static func scalarOffset(of position: TextPosition, in text: String) -> Int {
        var line = 1
        var offset = 0
        var scalars = text.unicodeScalars.makeIterator()
        while line < position.line, let scalar = scalars.next() {
            offset += 1
            if scalar == "\n" { line += 1 }
        }
        return offset + position.column - 1
    }

    /// `["a", "b"]` as the JSON array BuildKit reads.
    static func json(_ words: [String]) -> String {
        "[" + words.map { QuotedString.quoted($0) }.joined(separator: ", ") + "]"
    }
}
