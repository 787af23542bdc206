import BulwarkCore

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
