import BulwarkCore

/// The programs the commands of a Dockerfile run, read through the shell tokenizer: the simple
/// commands of shell forms and shell heredocs, `&&`/`||`/`;` chains and pipelines, `sh -c` and
/// `eval` scripts, exec forms (and their `sh -c` scripts), wrappers (`sudo`, `env`, `nohup`,
/// `timeout` … as `CommandAssembler.unwrap` skips them), the programs `xargs` and `find -exec`
/// run, and the commands of `$(…)` and backtick substitutions.
///
/// When a command's program is a variable (`"$DOWNLOADER" …`), what it runs is unknown:
/// `hasUnknownProgram` is set and callers must not assume any program unused.
struct CommandUsage: Sendable, Hashable {
    private(set) var programs: Set<String> = []
    /// Where each program is first run (the instruction's line), for messages.
    private(set) var lines: [String: Int] = [:]
    /// The line of a command whose program is a variable (nil when there is none).
    private(set) var unknownProgramLine: Int?

    var hasUnknownProgram: Bool { unknownProgramLine != nil }

    /// Nesting limit for substitutions inside substitutions (bounded cost on hostile input).
    static let maxDepth = 4

    /// Adds the programs of an instruction (RUN, CMD, ENTRYPOINT, HEALTHCHECK).
    mutating func add(_ instruction: Instruction) {
        add(CommandExtraction.commands(of: instruction), line: instruction.startLine)
    }

    /// Adds the programs of commands (nested `sh -c` scripts are visited too).
    mutating func add(_ commands: [SimpleCommand], line: Int, depth: Int = 0) {
        for command in commands {
            add(command, line: line, depth: depth)
            if let nested = command.nested { add(nested.commands, line: line, depth: depth) }
        }
    }

    private mutating func add(_ command: SimpleCommand, line: Int, depth: Int) {
        if command.words.indices.contains(command.commandIndex) {
            let word = command.words[command.commandIndex]
            if word.hasExpansion {
                if unknownProgramLine == nil { unknownProgramLine = line }
            } else if let program = command.program {
                insert(program, line: line)
            }
            // `xargs [options] program …`, `find … -exec program …`, wrappers `unwrap` does not know.
            let words = command.words.map(\.value)
            if let program = command.program {
                for target in Self.programsRunBy(program, words: words, from: command.commandIndex + 1) {
                    insert(target, line: line)
                }
            }
        }
        guard depth < Self.maxDepth else { return }
        // `$(wget -qO- …)`, `` `curl …` `` inside any word or assignment.
        let texts = command.words.map(\.value) + command.assignments.map(\.value.value) + command.redirections.compactMap { $0.target?.value }
        for text in texts where text.contains("$(") || text.contains("`") {
            for inner in Self.substitutions(in: text) {
                add(ShellCommand.parse(inner).commands, line: line, depth: depth + 1)
            }
        }
    }

    private mutating func insert(_ program: String, line: Int) {
        let name = SimpleCommand.baseName(program)
        guard !name.isEmpty else { return }
        if programs.insert(name).inserted { lines[name] = line }
    }

    /// xargs options that take the next word as their value.
    static let xargsOptionsWithValue: Set<String> = ["-n", "-I", "-i", "-L", "-l", "-P", "-d", "-E", "-e", "-s", "-a", "--max-args",
                                                     "--max-procs", "--delimiter", "--arg-file", "--max-lines", "--max-chars", "--eof"]

    /// The programs that `xargs`, `find -exec`, `parallel` and `watch` run.
    static func programsRunBy(_ program: String, words: [String], from start: Int) -> [String] {
        var index = start
        switch program {
        case "xargs", "parallel", "watch":
            while index < words.count, words[index].hasPrefix("-"), words[index].count > 1 {
                if words[index] == "--" { index += 1; break }
                index += xargsOptionsWithValue.contains(words[index]) ? 2 : 1
            }
            guard index < words.count else { return [] }
            let (inner, _) = CommandAssembler.unwrap(words[index...].map { ShellWord(raw: $0, value: $0, range: TextRange(start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)), isQuoted: false, hasExpansion: false) })
            let target = index + inner
            return target < words.count ? [words[target]] : []
        case "find":
            var result: [String] = []
            while index < words.count {
                if ["-exec", "-execdir", "-ok", "-okdir"].contains(words[index]), index + 1 < words.count { result.append(words[index + 1]) }
                index += 1
            }
            return result
        default:
            return []
        }
    }

    /// The scripts of the `$(…)` and backtick substitutions of a word, outermost first
    /// (arithmetic `$((…))` left out).
    static func substitutions(in text: String) -> [String] {
        var result: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if characters[index] == "$", index + 1 < characters.count, characters[index + 1] == "(" {
                if index + 2 < characters.count, characters[index + 2] == "(" { index += 3; continue }
                var depth = 1
                var end = index + 2
                while end < characters.count {
                    if characters[end] == "(" { depth += 1 }
                    if characters[end] == ")" { depth -= 1; if depth == 0 { break } }
                    end += 1
                }
                result.append(String(characters[(index + 2)..<min(end, characters.count)]))
                index = end + 1
            } else if characters[index] == "`" {
                var end = index + 1
                while end < characters.count, characters[end] != "`" { end += 1 }
                result.append(String(characters[(index + 1)..<min(end, characters.count)]))
                index = end + 1
            } else {
                index += 1
            }
        }
        return result
    }
}
