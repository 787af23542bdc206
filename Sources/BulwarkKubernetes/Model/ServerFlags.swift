import BulwarkCore
import Foundation

/// One word of a container's command line, with the YAML scalar it was read from.
public struct CommandWord: Sendable {
    public let text: String
    /// The `command`/`args` item (or env value) the word was read from: where a finding about it lands.
    public let node: YAMLNode
    /// True when the word is a whole exec-form item; false when it was split out of a shell script
    /// (then `node` is the script, since the word's own column inside it is not known).
    public let isWholeScalar: Bool

    public init(text: String, node: YAMLNode, isWholeScalar: Bool) {
        self.text = text
        self.node = node
        self.isWholeScalar = isWholeScalar
    }

    /// The last path component: `python3` for `/usr/bin/python3`.
    public var basename: String {
        guard let slash = text.lastIndex(of: "/") else { return text }
        return String(text[text.index(after: slash)...])
    }
}

/// Splits a shell script into commands and words as `sh -c` would for the simple cases: blanks,
/// single and double quotes, backslash escapes and line continuations, `#` comments, and the
/// separators `;`, `&&`, `||`, `|`, `&`, `(`, `)` and newlines. Nothing is expanded.
public enum ShellWords {
    /// The commands of the script, each as its words.
    public static func commands(in script: String) -> [[String]] {
        let characters = Array(script)
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var index = 0

        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty { commands.append(words) }
            words = []
        }
        func isNewline(_ character: Character) -> Bool { character == "\n" || character == "\r\n" || character == "\r" }

        while index < characters.count {
            let character = characters[index]
            switch character {
            case " ", "\t":
                endWord()
            case _ where isNewline(character):
                endCommand()
            case "\\":
                if index + 1 < characters.count {
                    let next = characters[index + 1]
                    if !isNewline(next) {
                        word.append(next)
                        inWord = true
                    }
                    index += 1
                }
            case "'":
                inWord = true
                index += 1
                while index < characters.count, characters[index] != "'" {
                    word.append(characters[index])
                    index += 1
                }
            case "\"":
                inWord = true
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count,
                       ["\"", "\\", "$", "`"].contains(characters[index + 1]) || isNewline(characters[index + 1]) {
                        if !isNewline(characters[index + 1]) { word.append(characters[index + 1]) }
                        index += 2
                        continue
                    }
                    word.append(characters[index])
                    index += 1
                }
            case "#" where !inWord:
                while index + 1 < characters.count, !isNewline(characters[index + 1]) { index += 1 }
            case ";":
                endCommand()
            case "&":
                if inWord, word.hasSuffix(">") || word.hasSuffix("<") {
                    word.append(character)
                } else {
                    endCommand()
                }
            case "|":
                endCommand()
            case "(", ")":
                if inWord {
                    word.append(character)
                } else {
                    endCommand()
                }
            default:
                word.append(character)
                inWord = true
            }
            index += 1
        }
        endCommand()
        return commands
    }

    /// All words of the script, commands concatenated.
    public static func split(_ script: String) -> [String] { commands(in: script).flatMap { $0 } }
}

/// How a flag was found on a command line.
public struct FlagMatch: Sendable {
    /// The flag as written, without `=value` (`--trust-remote-code`, `--NotebookApp.token`).
    public let name: String
    /// The value (`--flag=value` or `--flag value`); nil for a bare switch.
    public let value: String?
    public let flagWord: CommandWord
    /// The separate word holding the value (`--flag value`), if any.
    public let valueWord: CommandWord?

    /// Where a finding about the flag lands: the value's own item when it is one, else the flag's.
    public var node: YAMLNode {
        if let valueWord, valueWord.isWholeScalar { return valueWord.node }
        return flagWord.node
    }

    /// `--flag=value` / `--flag value` / `--flag` as it reads on the command line.
    public var display: String {
        guard let value else { return name }
        return "\(name)=\(value.isEmpty ? "''" : value)"
    }

    /// For a switch: on when bare or set to a true-like value (`true`, `1`, `yes`, `on`).
    public var isOn: Bool {
        guard let value else { return true }
        return ServerFlags.isTrue(value)
    }
}

/// The arguments of one server invocation (after the program and its sub-command), with lookups
/// that understand `--flag=value`, `--flag value`, boolean switches and `--no-flag`. Flag names
/// compare with `_` and `-` treated alike after the leading dashes (`--trust_remote_code` is
/// `--trust-remote-code`, as vLLM's and KServe's parsers accept both).
public struct ServerFlags: Sendable {
    public let words: [CommandWord]

    public init(words: [CommandWord]) {
        self.words = words
    }

    /// The flags of every command the container runs (`ContainerCommandLine.invocations`), once per container.
    public static func of(_ container: ContainerView) -> ServerFlags {
        container.memo.value(.custom("serverFlags")) {
            ServerFlags(words: ContainerCommandLine.invocations(of: container).flatMap { $0 })
        }
    }

    /// Flags read from plain strings, all pointing at one node (for tests and env-held arguments).
    public init(_ arguments: [String], node: YAMLNode) {
        words = arguments.map { CommandWord(text: $0, node: node, isWholeScalar: false) }
    }

    public static func + (lhs: ServerFlags, rhs: ServerFlags) -> ServerFlags { ServerFlags(words: lhs.words + rhs.words) }

    /// Every occurrence of a value-taking option, in order (`--http-restricted-api` may repeat).
    public func options(_ names: [String]) -> [FlagMatch] {
        let wanted = Set(names.map(Self.normalized))
        var matches: [FlagMatch] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.text.utf8.first == UInt8(ascii: "-") else {
                index += 1
                continue
            }
            let (name, inlineValue) = Self.splitFlag(word.text)
            if wanted.contains(Self.normalized(name)) {
                if let inlineValue {
                    matches.append(FlagMatch(name: name, value: inlineValue, flagWord: word, valueWord: nil))
                } else if index + 1 < words.count, !words[index + 1].text.hasPrefix("--") {
                    let valueWord = words[index + 1]
                    matches.append(FlagMatch(name: name, value: valueWord.text, flagWord: word, valueWord: valueWord))
                    index += 1
                } else {
                    matches.append(FlagMatch(name: name, value: nil, flagWord: word, valueWord: nil))
                }
            }
            index += 1
        }
        return matches
    }

    /// The effective value-taking option (the last occurrence wins, as in argparse and click).
    public func option(_ names: String...) -> FlagMatch? { options(names).last }

    /// A boolean switch: `--name`, `--name=true|false`, or its negation `--no-name` (which yields a
    /// match whose `isOn` is false). The last occurrence wins.
    public func `switch`(_ names: String...) -> FlagMatch? {
        var wanted: [String: Bool] = [:]
        for name in names {
            wanted[Self.normalized(name)] = true
            if name.hasPrefix("--") { wanted[Self.normalized("--no-" + name.dropFirst(2))] = false }
        }
        var result: FlagMatch?
        for word in words where word.text.utf8.first == UInt8(ascii: "-") {
            let (name, inlineValue) = Self.splitFlag(word.text)
            guard let positive = wanted[Self.normalized(name)] else { continue }
            if positive {
                result = FlagMatch(name: name, value: inlineValue, flagWord: word, valueWord: nil)
            } else {
                result = FlagMatch(name: name, value: "false", flagWord: word, valueWord: nil)
            }
        }
        return result
    }

    /// Whether a word appears verbatim (for positional sub-commands such as `--head`).
    public func contains(_ text: String) -> Bool { words.contains { $0.text == text } }

    // MARK: - Helpers

    /// `--name=value` → (`--name`, `value`); anything else → (word, nil).
    static func splitFlag(_ text: String) -> (String, String?) {
        guard text.hasPrefix("-"), let equals = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Dashes kept, the rest with `_` as `-`.
    static func normalized(_ name: String) -> String {
        if !name.utf8.contains(UInt8(ascii: "_")) { return name }
        let dashes = name.prefix { $0 == "-" }
        return dashes + name.dropFirst(dashes.count).replacingOccurrences(of: "_", with: "-")
    }

    /// `true`, `1`, `yes`, `on`, `y` in any case.
    public static func isTrue(_ value: String) -> Bool {
        ["true", "1", "yes", "on", "y"].contains(unquoted(value).lowercased())
    }

    /// A value with one pair of surrounding quotes removed (`''` → empty): how traitlets and a
    /// shell read `--NotebookApp.token=''` written as an exec-form item.
    public static func unquoted(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count >= 2, let first = trimmed.first, first == trimmed.last, first == "'" || first == "\"" {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}

/// The command lines a container runs, shell wrappers opened.
public enum ContainerCommandLine {
    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh"]
    static let wrappers: Set<String> = ["tini", "dumb-init", "env", "exec", "nohup", "time", "stdbuf", "catatonit", "setsid"]
    static let userSwitchers: Set<String> = ["gosu", "su-exec"]

    /// Whether the container sets `command` (replacing the image's entrypoint).
    public static func setsCommand(_ container: ContainerView) -> Bool { !(container.node["command"]?.items.isEmpty ?? true) }

    /// The invocations of a container: `command` + `args` as one exec-form invocation, or, when
    /// that runs a shell with `-c SCRIPT`, each command of the script (nested `sh -c` opened too).
    /// Without `command`, `args` alone (the image's entrypoint, unknown here, gets them).
    public static func invocations(of container: ContainerView) -> [[CommandWord]] {
        container.memo.value(.custom("invocations")) { computeInvocations(container) }
    }

    private static func computeInvocations(_ container: ContainerView) -> [[CommandWord]] {
        let nodes = (container.node["command"]?.items ?? []) + (container.node["args"]?.items ?? [])
        let words = nodes.compactMap { node in node.scalar.map { CommandWord(text: $0, node: node, isWholeScalar: true) } }
        guard !words.isEmpty else { return [] }
        return unwrap(words, depth: 0)
    }

    /// Opens `sh -c SCRIPT` (after wrappers such as `tini --`) into the script's commands.
    public static func unwrap(_ words: [CommandWord], depth: Int) -> [[CommandWord]] {
        let start = programIndex(words)
        guard depth < 4, start < words.count, shells.contains(words[start].basename) else { return [words] }
        var index = start + 1
        while index < words.count, words[index].text.hasPrefix("-") || words[index].text.hasPrefix("+") {
            let option = words[index].text
            if option == "-o" || option == "+o" || option == "-O" || option == "+O" {
                index += 2  // `-o pipefail`: an option name follows
                continue
            }
            if option.hasPrefix("-"), !option.hasPrefix("--"), option.dropFirst().contains("c") {
                guard index + 1 < words.count else { return [words] }
                let script = words[index + 1]
                return ShellWords.commands(in: script.text).flatMap { command in
                    unwrap(command.map { CommandWord(text: $0, node: script.node, isWholeScalar: false) }, depth: depth + 1)
                }
            }
            index += 1
        }
        return [words]
    }

    /// The index of the first word that is not a wrapper (`tini -g --`, `exec`, `env A=b`,
    /// `gosu user`, `/opt/nvidia/nvidia_entrypoint.sh`) or a variable assignment.
    public static func programIndex(_ words: [CommandWord]) -> Int {
        var index = 0
        var afterWrapper = false
        while index < words.count {
            let word = words[index]
            let name = word.basename
            if wrappers.contains(name) || name.hasSuffix("entrypoint.sh") || name.hasSuffix("_entrypoint") {
                afterWrapper = true
            } else if userSwitchers.contains(name) {
                afterWrapper = true
                index += 1
            } else if afterWrapper, word.text.hasPrefix("-") {
                // options of the wrapper (`tini -g --`, `env -i`)
            } else if isAssignment(word.text) {
                afterWrapper = true
            } else {
                return index
            }
            index += 1
        }
        return index
    }

    static func isAssignment(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return false }
        let name = text[..<equals]
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
