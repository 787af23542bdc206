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

/// The simple commands of a shell script, in order.
public struct ShellScript: Sendable, Hashable {
    /// The top-level commands; a command's `nested` holds the commands of its `sh -c` script.
    public var commands: [SimpleCommand]
    /// Unterminated quotes, substitutions and here-documents, redirections without a target.
    public var issues: [ShellIssue]

    public init(commands: [SimpleCommand] = [], issues: [ShellIssue] = []) {
        self.commands = commands
        self.issues = issues
    }

    public var isEmpty: Bool { commands.isEmpty }

    /// Every command, those of nested `sh -c` / `bash -c` / `eval` scripts included (depth-first,
    /// each nested script right after the command that runs it).
    public var allCommands: [SimpleCommand] {
        var result: [SimpleCommand] = []
        func visit(_ commands: [SimpleCommand]) {
            for command in commands {
                result.append(command)
                if let nested = command.nested { visit(nested.commands) }
            }
        }
        visit(commands)
        return result
    }

    /// The top-level commands grouped into pipelines (`curl … | sh` is one pipeline of two).
    public var pipelines: [[SimpleCommand]] {
        var result: [[SimpleCommand]] = []
        var current: [SimpleCommand] = []
        for command in commands {
            current.append(command)
            if command.separator != .pipe && command.separator != .pipeAll {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Every pipeline, those of nested scripts included.
    public var allPipelines: [[SimpleCommand]] {
        var result = pipelines
        for command in commands {
            if let nested = command.nested { result += nested.allPipelines }
        }
        return result
    }
}

/// What connects a command to the next one.
public enum ShellOperator: String, Sendable, Hashable {
    case and = "&&"
    case or = "||"
    case pipe = "|"
    case pipeAll = "|&"
    case semicolon = ";"
    case background = "&"
    case newline = "\n"
    /// `;;`, `;&` or `;;&` ending a `case` branch.
    case caseBreak = ";;"
}

/// A problem in a shell script (the script still parses as far as possible).
public struct ShellIssue: Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var position: TextPosition

    public init(message: String, position: TextPosition) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(position.line):\(position.column): \(message)" }
}

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

/// A simple command: assignments, words and redirections, and the operator to the next command.
public struct SimpleCommand: Sendable, Hashable, CustomStringConvertible {
    public var assignments: [ShellAssignment]
    /// The words (program and arguments), redirections and assignments left out.
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]
    /// The operator after this command; nil for the last one.
    public var separator: ShellOperator?
    public var range: TextRange
    /// `! cmd`
    public var negated: Bool
    /// 0 for commands of the instruction itself, 1 inside its `sh -c '…'`, and so on.
    public var depth: Int
    /// Index in `words` of the program after wrappers (`sudo`, `env VAR=x`, `nohup`, `exec`, …).
    public var commandIndex: Int
    /// The wrappers before the program, by base name (`["sudo"]`).
    public var wrappers: [String]
    /// The script that `sh -c`, `bash -c`, `su -c` or `eval` runs.
    public var nested: ShellScript?

    public init(
        assignments: [ShellAssignment] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = [],
        separator: ShellOperator? = nil, range: TextRange, negated: Bool = false, depth: Int = 0, commandIndex: Int = 0,
        wrappers: [String] = [], nested: ShellScript? = nil
    ) {
        self.assignments = assignments
        self.words = words
        self.redirections = redirections
        self.separator = separator
        self.range = range
        self.negated = negated
        self.depth = depth
        self.commandIndex = commandIndex
        self.wrappers = wrappers
        self.nested = nested
    }

    /// The first word as written (`sudo` in `sudo apt-get install`).
    public var name: String? { words.first?.value }

    /// The program after wrappers, by base name (`apt-get` for `sudo /usr/bin/apt-get install`).
    public var program: String? {
        guard words.indices.contains(commandIndex) else { return nil }
        return Self.baseName(words[commandIndex].value)
    }

    /// The arguments of `program`.
    public var arguments: ArraySlice<ShellWord> {
        guard commandIndex < words.count else { return [] }
        return words[(commandIndex + 1)...]
    }

    /// The arguments' values.
    public var argumentValues: [String] { arguments.map(\.value) }

    /// True when an argument is one of the options: a long option also matches `--name=value`;
    /// a one-letter option also matches inside a cluster (`-k` in `-fsSLk`).
    public func hasOption(_ names: String...) -> Bool { hasOption(names) }

    public func hasOption(_ names: [String]) -> Bool {
        for word in arguments {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name { return true }
                if name.hasPrefix("--") {
                    if value.hasPrefix(name + "=") { return true }
                } else if name.count == 2, name.hasPrefix("-"), value.count > 2, value.hasPrefix("-"), !value.hasPrefix("--"),
                    value.utf8.dropFirst().allSatisfy({ Self.isASCIILetter($0) }),
                    let letter = name.last, value.dropFirst().contains(letter)
                {
                    return true
                }
            }
        }
        return false
    }

    /// The value of an option (`--index-url URL`, `--index-url=URL`, `-i URL`, `-iURL`).
    public func optionValue(_ names: String...) -> String? {
        let values = Array(arguments)
        for (index, word) in values.enumerated() {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name { return index + 1 < values.count ? values[index + 1].value : nil }
                if name.hasPrefix("--"), value.hasPrefix(name + "=") { return String(value.dropFirst(name.count + 1)) }
                if !name.hasPrefix("--"), name.count == 2, value.hasPrefix(name), value.count > 2 { return String(value.dropFirst(2)) }
            }
        }
        return nil
    }

    /// The arguments that are not options (`install`, `curl` in `apt-get -y install curl`);
    /// option values written as separate words are not recognised and stay in the list.
    public var operands: [ShellWord] {
        var result: [ShellWord] = []
        var afterDashDash = false
        for word in arguments {
            if afterDashDash { result.append(word); continue }
            if word.value == "--" { afterDashDash = true; continue }
            if word.value.hasPrefix("-") && word.value.count > 1 { continue }
            result.append(word)
        }
        return result
    }

    /// The first operand (the subcommand of `apt-get install`, `pip install`, `git clone`).
    public var subcommand: String? { operands.first?.value }

    public var description: String {
        (assignments.map { "\($0.name)=\($0.value.value)" } + words.map(\.value)).joined(separator: " ")
    }

    static func baseName(_ path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: ASCII.slash) else { return path }
        return String(path[utf8.index(after: slash)...])
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
