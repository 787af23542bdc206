import BulwarkCore

/// Turns an instruction's command into simple commands rules can read the same way whatever
/// the form: shell form and shell heredocs come from the parser; an exec form
/// (`["python", "-m", "vllm", …]`) becomes one command whose words are the JSON strings, and its
/// `sh -c` script (`["/bin/sh", "-c", "apt-get …"]`) is tokenized like a shell form.
enum CommandExtraction {
    static func commands(of instruction: Instruction) -> [SimpleCommand] {
        var commands = instruction.shellCommands
        guard case .exec(let words) = instruction.form, !words.isEmpty else { return commands }
        let shellWords = words.map { word in
            ShellWord(raw: word.raw, value: word.value, range: word.range, isQuoted: true, hasExpansion: false)
        }
        let (commandIndex, wrappers) = CommandAssembler.unwrap(shellWords)
        var command = SimpleCommand(
            words: shellWords, range: TextRange(start: words[0].range.start, end: words[words.count - 1].range.end),
            commandIndex: commandIndex, wrappers: wrappers)
        if let scriptIndex = CommandAssembler.scriptArgument(shellWords, commandIndex: commandIndex) {
            command.nested = script(of: words[scriptIndex])
        }
        commands.insert(command, at: 0)
        if let nested = command.nested { commands.insert(contentsOf: nested.allCommands, at: 1) }
        return commands
    }

    /// The script of a JSON string, positioned after the string's opening quote (exact unless the
    /// string holds escapes).
    static func script(of word: Word) -> ShellScript {
        let bytes = Array(word.value.utf8)
        let start = word.range.start
        let column = word.raw.hasPrefix("\"") ? start.column + 1 : start.column
        let map = SourceMap(bytes: bytes, segments: [SourceMap.Segment(offset: 0, line: start.line, column: column)], fallback: start)
        return ShellParser.parse(bytes: bytes, range: 0..<bytes.count, mapping: map, depth: 1)
    }
}
