import BulwarkCore

/// A command read as a call of one tool: `pip` for `pip3.12 install …` and `python -m pip install
/// …`, `apt-get`, `curl`, … with the words after the tool's name.
struct ToolInvocation {
    let command: SimpleCommand
    /// The normalised tool name: `pip` for pip3/pip3.12/`python -m pip`, `python` for python3.12,
    /// otherwise the program's base name.
    let tool: String
    /// The word naming the tool (`pip` in `python -m pip`).
    let toolWord: ShellWord
    let arguments: [ShellWord]

    init?(_ command: SimpleCommand) {
        guard let program = command.program, command.words.indices.contains(command.commandIndex) else { return nil }
        self.command = command
        let words = Array(command.arguments)
        let normalized = Self.normalize(program)
        if normalized == "python", let module = words.firstIndex(where: { !$0.value.hasPrefix("-") || $0.value == "-m" || $0.value.hasPrefix("-m") }) {
            // `python -m pip install …`, `python3 -mpip …`
            let word = words[module]
            var name: String?
            var rest = module + 1
            if word.value == "-m", module + 1 < words.count {
                name = words[module + 1].value
                rest = module + 2
            } else if word.value.hasPrefix("-m") {
                name = String(word.value.dropFirst(2))
            }
            if let name, name == "pip" || name == "pip3" {
                tool = "pip"
                toolWord = word.value == "-m" ? words[module + 1] : word
                arguments = Array(words[min(rest, words.count)...])
                return
            }
        }
        tool = normalized
        toolWord = command.words[command.commandIndex]
        arguments = words
    }

    /// `pip3.12` → `pip`, `python3.11` → `python`, `/usr/bin/apt-get` → `apt-get`.
    static func normalize(_ program: String) -> String {
        for family in ["pip", "python", "pypy"] where program.hasPrefix(family) {
            let rest = program.dropFirst(family.count)
            if rest.allSatisfy({ $0.isNumber || $0 == "." }) { return family == "pypy" ? "python" : family }
        }
        return program
    }

    /// An argument is one of the options: a long option also matches `--name=value`; a one-letter
    /// option also matches inside a cluster of letters (`-k` in `-fsSLk`). Stops at `--`.
    func has(_ names: String...) -> Bool { has(names) }

    func has(_ names: [String]) -> Bool { firstWord(names) != nil }

    /// The first argument matching one of the options (see `has`).
    func firstWord(_ names: [String]) -> ShellWord? {
        for word in arguments {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name { return word }
                if name.hasPrefix("--") {
                    if value.hasPrefix(name + "=") { return word }
                } else if name.count == 2, name.hasPrefix("-"), value.count > 2, value.hasPrefix("-"), !value.hasPrefix("--"),
                          value.dropFirst().allSatisfy({ $0.isASCII && $0.isLetter }), let letter = name.last, value.dropFirst().contains(letter) {
                    return word
                }
            }
        }
        return nil
    }

    /// The values of an option, every time it is given: `--name value`, `--name=value`, `-n value`, `-nvalue`.
    func values(_ names: String...) -> [String] {
        var result: [String] = []
        for (index, word) in arguments.enumerated() {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name {
                    if index + 1 < arguments.count { result.append(arguments[index + 1].value) }
                } else if name.hasPrefix("--"), value.hasPrefix(name + "=") {
                    result.append(String(value.dropFirst(name.count + 1)))
                } else if !name.hasPrefix("--"), name.count == 2, value.hasPrefix(name), value.count > 2 {
                    result.append(String(value.dropFirst(2)))
                }
            }
        }
        return result
    }

    /// The arguments that are not options nor values of the listed value-taking options.
    func operands(valueOptions: Set<String> = []) -> [ShellWord] {
        var result: [ShellWord] = []
        var skipNext = false
        var afterDashDash = false
        for word in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            let value = word.value
            if afterDashDash {
                result.append(word)
                continue
            }
            if value == "--" {
                afterDashDash = true
                continue
            }
            if value.hasPrefix("-") && value.count > 1 {
                if valueOptions.contains(value) { skipNext = true }
                continue
            }
            result.append(word)
        }
        return result
    }

    /// The first operand and the operands after it (`install` and the packages).
    func subcommand(valueOptions: Set<String> = []) -> (word: ShellWord, rest: [ShellWord])? {
        let operands = operands(valueOptions: valueOptions)
        guard let first = operands.first else { return nil }
        return (first, Array(operands.dropFirst()))
    }
}

extension SimpleCommand {
    /// `sudo`/`doas` before the program (or as the program with nothing after it).
    var usesSudo: Bool {
        wrappers.contains("sudo") || wrappers.contains("doas") || program == "sudo" || program == "doas"
    }

    /// A short text of the command for messages: its words, at most `limit` characters.
    func excerpt(limit: Int = 80) -> String {
        Text.excerpt(words.map(\.value).joined(separator: " "), limit: limit)
    }
}

enum Text {
    /// The text on one line, cut at `limit` characters with an ellipsis.
    static func excerpt(_ text: String, limit: Int = 80) -> String {
        var single = ""
        var lastWasSpace = false
        for character in text {
            if character.isWhitespace || character.isNewline {
                if !lastWasSpace && !single.isEmpty { single.append(" ") }
                lastWasSpace = true
            } else {
                single.append(character)
                lastWasSpace = false
            }
        }
        if single.hasSuffix(" ") { single.removeLast() }
        return single.count > limit ? String(single.prefix(limit - 1)) + "…" : single
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }
}
