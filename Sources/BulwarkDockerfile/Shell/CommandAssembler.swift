import BulwarkCore

/// Builds simple commands from tokens, skipping compound-command keywords and `case` patterns.
struct CommandAssembler {
    let b: [UInt8]
    let mapping: any PositionMapping
    let depth: Int
    var commands: [SimpleCommand] = []
    var issues: [ShellIssue] = []

    private var words: [ShellWord] = []
    private var wordOffsets: [Range<Int>] = []
    private var assignments: [ShellAssignment] = []
    private var redirections: [ShellRedirection] = []
    private var commandStart = -1
    private var commandEnd = -1
    private var negated = false

    private enum CaseMode { case subject, pattern, body }
    private var caseStack: [CaseMode] = []

    init(bytes: [UInt8], mapping: any PositionMapping, depth: Int) {
        self.b = bytes
        self.mapping = mapping
        self.depth = depth
        commands.reserveCapacity(4)
    }

    private static let skippedKeywords: Set<String> = ["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "time", "function"]

    mutating func run(_ tokens: [ShellToken]) {
        for token in tokens {
            switch token.kind {
            case .word:
                if let mode = caseStack.last, mode != .body {
                    if mode == .subject {
                        if isWord(token, "in") { caseStack[caseStack.count - 1] = .pattern }
                    } else if isWord(token, "esac") {
                        caseStack.removeLast()
                    }
                    continue
                }
                if words.isEmpty && assignments.isEmpty && redirections.isEmpty {
                    if isWord(token, "!") {
                        negated = true
                        continue
                    }
                    if isWord(token, "case") {
                        caseStack.append(.subject)
                        continue
                    }
                    if isWord(token, "esac") {
                        if !caseStack.isEmpty { caseStack.removeLast() }
                        continue
                    }
                    if token.end - token.start <= 8, Self.skippedKeywords.contains(String(utf8Bytes: b[token.start..<token.end])) {
                        continue
                    }
                }
                if words.isEmpty, let assignment = assignment(token) {
                    assignments.append(assignment)
                    extend(token)
                    continue
                }
                if words.isEmpty { words.reserveCapacity(8) }
                words.append(word(token.start, token.end))
                wordOffsets.append(token.start..<token.end)
                extend(token)
            case .redirect:
                var target: ShellWord?
                if let range = token.target { target = word(range.lowerBound, range.upperBound) }
                let body = token.body.map { String(utf8Bytes: b[$0]) }
                redirections.append(
                    ShellRedirection(op: token.redirectOp, fileDescriptor: token.fileDescriptor, target: target, heredocBody: body,
                                     range: mapping.range(token.start, token.end)))
                extend(token)
            case .op(let op):
                if op == .caseBreak {
                    finish(.caseBreak)
                    if caseStack.last == .body { caseStack[caseStack.count - 1] = .pattern }
                    continue
                }
                if let mode = caseStack.last, mode != .body { continue }
                finish(op)
            case .open:
                if let mode = caseStack.last, mode != .body { continue }
                finish(nil)
            case .close:
                if caseStack.last == .pattern {
                    caseStack[caseStack.count - 1] = .body
                    continue
                }
                finish(nil)
            case .newline:
                if let mode = caseStack.last, mode != .body { continue }
                finish(.newline)
            }
        }
        finish(nil)
    }

    private func isWord(_ token: ShellToken, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard token.end - token.start == count else { return false }
        return text.withUTF8Buffer { buffer in
            var index = 0
            while index < count {
                if b[token.start + index] != buffer[index] { return false }
                index += 1
            }
            return true
        }
    }

    private mutating func extend(_ token: ShellToken) {
        if commandStart < 0 { commandStart = token.start }
        commandEnd = token.end
    }

    private func word(_ start: Int, _ end: Int) -> ShellWord {
        let raw = String(utf8Bytes: b[start..<end])
        let range = mapping.range(start, end)
        var plain = true
        let table = ShellLexer.wordClass
        for byte in b[start..<end] where table[Int(byte)] == 2 {
            plain = false
            break
        }
        if plain { return ShellWord(raw: raw, value: raw, range: range) }
        let unquoted = ShellParser.unquote(b, start, end, wantOffsets: false)
        return ShellWord(
            raw: raw, value: String(decoding: unquoted.bytes, as: UTF8.self), range: range, isQuoted: unquoted.quoted,
            hasExpansion: unquoted.expansion)
    }

    /// `NAME=value` / `NAME+=value` with an unquoted, valid name.
    private func assignment(_ token: ShellToken) -> ShellAssignment? {
        var k = token.start
        guard k < token.end, ASCII.isLetter(b[k]) || b[k] == ASCII.underscore else { return nil }
        while k < token.end && ASCII.isNameByte(b[k]) { k += 1 }
        var isAppend = false
        if k + 1 < token.end && b[k] == ASCII.plus && b[k + 1] == ASCII.equals {
            isAppend = true
        } else if k >= token.end || b[k] != ASCII.equals {
            return nil
        }
        let name = String(utf8Bytes: b[token.start..<k])
        let valueStart = k + (isAppend ? 2 : 1)
        return ShellAssignment(name: name, value: word(valueStart, token.end), isAppend: isAppend, range: mapping.range(token.start, token.end))
    }

    private mutating func finish(_ separator: ShellOperator?) {
        defer {
            words = []
            wordOffsets.removeAll(keepingCapacity: true)
            assignments = []
            redirections = []
            commandStart = -1
            commandEnd = -1
            negated = false
        }
        guard !words.isEmpty || !assignments.isEmpty || !redirections.isEmpty else {
            if let separator, let last = commands.indices.last, commands[last].separator == nil {
                commands[last].separator = separator
            }
            return
        }
        let (commandIndex, wrappers) = Self.unwrap(words)
        var command = SimpleCommand(
            assignments: assignments, words: words, redirections: redirections, separator: separator,
            range: mapping.range(commandStart, commandEnd), negated: negated, depth: depth, commandIndex: commandIndex,
            wrappers: wrappers)
        if depth < ShellParser.maxDepth, let scriptIndex = Self.scriptArgument(words, commandIndex: commandIndex) {
            let range = wordOffsets[scriptIndex]
            let decoded = ShellParser.unquote(b, range.lowerBound, range.upperBound, wantOffsets: true)
            let nestedMap = NestedMap(parent: mapping, offsets: decoded.offsets)
            command.nested = ShellParser.parse(bytes: decoded.bytes, range: 0..<decoded.bytes.count, mapping: nestedMap, depth: depth + 1)
        }
        commands.append(command)
    }

    static let shells: Set<String> = ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "yash"]

    /// First letters of `wrapperNames` (a cheap test before the set lookup).
    static let wrapperInitials: [UInt8] = Array("sdenbtci".utf8)

    static let wrapperNames: Set<String> = [
        "sudo", "doas", "env", "exec", "nohup", "builtin", "time", "busybox", "nice", "stdbuf", "setsid", "chronic", "ionice", "command",
        "timeout",
    ]

    /// The index of the word holding the script that `sh -c`, `su -c` or `eval` runs.
    static func scriptArgument(_ words: [ShellWord], commandIndex: Int) -> Int? {
        guard commandIndex < words.count else { return nil }
        let value = words[commandIndex].value.utf8
        // Every shell name ends in "sh"; the others are su, runuser and eval.
        guard let last = value.last, last == UInt8(ascii: "h") || last == UInt8(ascii: "u") || last == UInt8(ascii: "r") || last == UInt8(ascii: "l")
        else { return nil }
        let program = SimpleCommand.baseName(words[commandIndex].value)
        if shells.contains(program) {
            var sawC = false
            var j = commandIndex + 1
            while j < words.count {
                let value = words[j].value
                if value == "-c" {
                    sawC = true
                    j += 1
                    continue
                }
                if value == "--" {
                    j += 1
                    return sawC && j < words.count ? j : nil
                }
                if value.hasPrefix("--") {
                    j += value == "--rcfile" || value == "--init-file" ? 2 : 1
                    continue
                }
                if value.count > 1 && (value.hasPrefix("-") || value.hasPrefix("+")) {
                    let letters = value.dropFirst()
                    if value.hasPrefix("-") && letters.contains("c") { sawC = true }
                    j += letters.contains("o") || letters.contains("O") ? 2 : 1
                    continue
                }
                return sawC ? j : nil
            }
            return nil
        }
        if program == "su" || program == "runuser" {
            var j = commandIndex + 1
            while j < words.count {
                let value = words[j].value
                if value == "-c" || value == "--command" { return j + 1 < words.count ? j + 1 : nil }
                j += 1
            }
            return nil
        }
        if program == "eval" && words.count == commandIndex + 2 { return commandIndex + 1 }
        return nil
    }

    /// Skips `sudo [options]`, `env [options] [VAR=value…]`, `exec`, `nohup`, `nice`, `timeout`,
    /// `command`, `busybox`: the index of the program they run and the wrappers' names.
    static func unwrap(_ words: [ShellWord]) -> (Int, [String]) {
        var k = 0
        var wrappers: [String] = []
        var lastWrapper = 0
        func options(takingValue: Set<String>) {
            while k < words.count {
                let value = words[k].value
                guard value.hasPrefix("-"), value.count > 1 else { return }
                k += 1
                if value == "--" { return }
                if takingValue.contains(value) { k += 1 }
            }
        }
        loop: while k < words.count {
            let name = SimpleCommand.baseName(words[k].value)
            guard let initial = name.utf8.first, name.utf8.count <= 8, wrapperInitials.contains(initial), wrapperNames.contains(name) else {
                break loop
            }
            switch name {
            case "sudo", "doas":
                wrappers.append(name)
                lastWrapper = k
                k += 1
                options(takingValue: ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R", "--user", "--group"])
            case "env":
                wrappers.append(name)
                lastWrapper = k
                k += 1
                while k < words.count {
                    let value = words[k].value
                    if value == "--" {
                        k += 1
                        break
                    }
                    if ["-u", "-C", "-S", "--unset", "--chdir", "--split-string"].contains(value) {
                        k += 2
                    } else if value.hasPrefix("-") && value.count > 1 {
                        k += 1
                    } else if let equals = value.firstIndex(of: "="), equals != value.startIndex {
                        k += 1
                    } else {
                        break
                    }
                }
            case "exec", "nohup", "builtin", "time", "busybox", "nice", "stdbuf", "setsid", "chronic", "ionice":
                wrappers.append(name)
                lastWrapper = k
                k += 1
                options(takingValue: ["-a", "-n", "-c", "-i", "-o", "-e"])
            case "command":
                if k + 1 < words.count, words[k + 1].value == "-v" || words[k + 1].value == "-V" { break loop }
                wrappers.append(name)
                lastWrapper = k
                k += 1
                options(takingValue: [])
            case "timeout":
                wrappers.append(name)
                lastWrapper = k
                k += 1
                options(takingValue: ["-s", "-k", "--signal", "--kill-after"])
                k += 1  // the duration
            default:
                break loop
            }
        }
        if k >= words.count && !wrappers.isEmpty { return (lastWrapper, wrappers) }
        return (min(k, words.count), wrappers)
    }
}
