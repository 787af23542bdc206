import BulwarkCore

/// The POSIX shell tokenizer behind `ShellCommand.parse`: a single pass over bytes into tokens
/// (words, operators, redirections, here-document bodies), then simple commands.
enum ShellParser {
    /// How deep `sh -c "sh -c '…'"` scripts are parsed.
    static let maxDepth = 4

    static func parse(bytes: [UInt8], range: Range<Int>, mapping: any PositionMapping, depth: Int) -> ShellScript {
        var lexer = ShellLexer(bytes: bytes, start: range.lowerBound, end: range.upperBound)
        lexer.run()
        var assembler = CommandAssembler(bytes: bytes, mapping: mapping, depth: depth)
        assembler.run(lexer.tokens)
        let issues = lexer.issues.map { ShellIssue(message: $0.message, position: mapping.position(at: $0.offset)) } + assembler.issues
        return ShellScript(commands: assembler.commands, issues: issues)
    }

    // MARK: - Scanning helpers shared by the lexer and the unquoting

    enum Context {
        case doubleQuote
        case backtick
        /// `$(` (depth 1) or `$((` (depth 2); the depth counts open parentheses.
        case paren(Int)
        case brace
    }

    /// The end (exclusive) of the quoted string or substitution starting at `start` (`"`, `` ` ``,
    /// `$(`, `$((` or `${`), scanning nested contexts with an explicit stack (no recursion, so
    /// deep nesting cannot exhaust the stack). `unterminated` is set when `end` is reached first.
    static func endOfNested(_ b: [UInt8], from start: Int, end: Int) -> (end: Int, unterminated: String?) {
        var stack: [Context] = []
        var k = start
        func push(at index: Int) -> Int {
            // Pushes the context opening at `index`; returns the index after its opener.
            let byte = b[index]
            if byte == ASCII.doubleQuote {
                stack.append(.doubleQuote)
                return index + 1
            }
            if byte == ASCII.backtick {
                stack.append(.backtick)
                return index + 1
            }
            // `$(`, `$((` or `${`
            if index + 1 < end && b[index + 1] == ASCII.openBrace {
                stack.append(.brace)
                return index + 2
            }
            if index + 2 < end && b[index + 2] == ASCII.openParen {
                stack.append(.paren(2))
                return index + 3
            }
            stack.append(.paren(1))
            return index + 2
        }
        func opensSubstitution(_ index: Int) -> Bool {
            b[index] == ASCII.dollar && index + 1 < end && (b[index + 1] == ASCII.openParen || b[index + 1] == ASCII.openBrace)
        }
        guard start < end else { return (end, nil) }
        k = push(at: start)
        while k < end, let top = stack.last {
            let byte = b[k]
            switch top {
            case .doubleQuote:
                if byte == ASCII.doubleQuote {
                    stack.removeLast()
                    k += 1
                } else if byte == ASCII.backslash {
                    k += 2
                } else if byte == ASCII.backtick || opensSubstitution(k) {
                    k = push(at: k)
                } else {
                    k += 1
                }
            case .backtick:
                if byte == ASCII.backslash {
                    k += 2
                } else if byte == ASCII.backtick {
                    stack.removeLast()
                    k += 1
                } else {
                    k += 1
                }
            case .paren(let depth):
                if byte == ASCII.openParen {
                    stack[stack.count - 1] = .paren(depth + 1)
                    k += 1
                } else if byte == ASCII.closeParen {
                    if depth <= 1 { stack.removeLast() } else { stack[stack.count - 1] = .paren(depth - 1) }
                    k += 1
                } else if byte == ASCII.singleQuote {
                    var j = k + 1
                    while j < end && b[j] != ASCII.singleQuote { j += 1 }
                    k = j + 1
                } else if byte == ASCII.backslash {
                    k += 2
                } else if byte == ASCII.doubleQuote || byte == ASCII.backtick || opensSubstitution(k) {
                    k = push(at: k)
                } else if byte == ASCII.hash && (k == start || ASCII.isSpace(b[k - 1])) {
                    while k < end && b[k] != ASCII.newline { k += 1 }
                } else {
                    k += 1
                }
            case .brace:
                if byte == ASCII.closeBrace {
                    stack.removeLast()
                    k += 1
                } else if byte == ASCII.backslash {
                    k += 2
                } else if byte == ASCII.doubleQuote || byte == ASCII.backtick || opensSubstitution(k) {
                    k = push(at: k)
                } else {
                    k += 1
                }
            }
        }
        if let top = stack.last {
            let what: String
            switch top {
            case .doubleQuote: what = "unterminated double-quoted string"
            case .backtick: what = "unterminated backtick command substitution"
            case .paren(let depth): what = depth >= 2 && stack.count == 1 ? "unterminated $(( arithmetic" : "unterminated $( command substitution"
            case .brace: what = "unterminated ${ parameter expansion"
            }
            return (end, what)
        }
        return (min(k, end), nil)
    }

    /// The end of a single-quoted string starting at `start` (the quote); nil end when unterminated.
    static func endOfSingleQuote(_ b: [UInt8], from start: Int, end: Int) -> Int? {
        var k = start + 1
        while k < end {
            if b[k] == ASCII.singleQuote { return k + 1 }
            k += 1
        }
        return nil
    }

    /// The end of `$'…'` (ANSI-C quoting) whose quote is at `start`; nil when unterminated.
    static func endOfANSIQuote(_ b: [UInt8], from start: Int, end: Int) -> Int? {
        var k = start + 1
        while k < end {
            if b[k] == ASCII.backslash {
                k += 2
                continue
            }
            if b[k] == ASCII.singleQuote { return k + 1 }
            k += 1
        }
        return nil
    }

    struct Unquoted {
        var bytes: [UInt8]
        /// For each decoded byte, its offset in the source, plus one entry for the end (when requested).
        var offsets: [Int]
        var quoted: Bool
        var expansion: Bool
    }

    /// Removes quotes and applies escapes as the shell does; substitutions and `$VAR` stay as written.
    static func unquote(_ b: [UInt8], _ start: Int, _ end: Int, wantOffsets: Bool) -> Unquoted {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var offsets: [Int] = []
        if wantOffsets { offsets.reserveCapacity(end - start + 1) }
        var quoted = false
        var expansion = false
        @inline(__always) func emit(_ byte: UInt8, _ from: Int) {
            out.append(byte)
            if wantOffsets { offsets.append(from) }
        }
        func copy(_ from: Int, _ to: Int) {
            var index = from
            while index < to {
                emit(b[index], index)
                index += 1
            }
        }
        var k = start
        while k < end {
            let byte = b[k]
            switch byte {
            case ASCII.backslash:
                quoted = true
                if k + 1 < end {
                    if b[k + 1] != ASCII.newline { emit(b[k + 1], k + 1) }
                    k += 2
                } else {
                    emit(byte, k)
                    k += 1
                }
            case ASCII.singleQuote:
                quoted = true
                k += 1
                while k < end && b[k] != ASCII.singleQuote {
                    emit(b[k], k)
                    k += 1
                }
                k += 1
            case ASCII.doubleQuote:
                quoted = true
                k += 1
                while k < end && b[k] != ASCII.doubleQuote {
                    let inner = b[k]
                    if inner == ASCII.backslash && k + 1 < end {
                        let next = b[k + 1]
                        if next == ASCII.dollar || next == ASCII.backtick || next == ASCII.doubleQuote || next == ASCII.backslash {
                            emit(next, k + 1)
                            k += 2
                        } else if next == ASCII.newline {
                            k += 2
                        } else {
                            emit(inner, k)
                            k += 1
                        }
                    } else if inner == ASCII.backtick || (inner == ASCII.dollar && k + 1 < end && (b[k + 1] == ASCII.openParen || b[k + 1] == ASCII.openBrace)) {
                        expansion = true
                        let stop = min(endOfNested(b, from: k, end: end).end, end)
                        copy(k, stop)
                        k = stop
                    } else {
                        if inner == ASCII.dollar && k + 1 < end && isParameterStart(b[k + 1]) { expansion = true }
                        emit(inner, k)
                        k += 1
                    }
                }
                k += 1
            case ASCII.dollar:
                guard k + 1 < end else {
                    emit(byte, k)
                    k += 1
                    continue
                }
                let next = b[k + 1]
                if next == ASCII.openParen || next == ASCII.openBrace {
                    expansion = true
                    let stop = min(endOfNested(b, from: k, end: end).end, end)
                    copy(k, stop)
                    k = stop
                } else if next == ASCII.singleQuote {
                    quoted = true
                    k = decodeANSI(b, quoteAt: k + 1, end: end, emit: emit)
                } else if next == ASCII.doubleQuote {
                    k += 1  // $"…" (locale translation): the same as "…"
                } else {
                    if isParameterStart(next) { expansion = true }
                    emit(byte, k)
                    k += 1
                }
            case ASCII.backtick:
                expansion = true
                let stop = min(endOfNested(b, from: k, end: end).end, end)
                copy(k, stop)
                k = stop
            default:
                emit(byte, k)
                k += 1
            }
        }
        if wantOffsets { offsets.append(end) }
        return Unquoted(bytes: out, offsets: offsets, quoted: quoted, expansion: expansion)
    }

    /// `$'…'`: decodes the common C escapes; returns the index after the closing quote.
    private static func decodeANSI(_ b: [UInt8], quoteAt start: Int, end: Int, emit: (UInt8, Int) -> Void) -> Int {
        var k = start + 1
        while k < end {
            let byte = b[k]
            if byte == ASCII.singleQuote { return k + 1 }
            if byte == ASCII.backslash && k + 1 < end {
                let next = b[k + 1]
                let decoded: UInt8?
                switch next {
                case UInt8(ascii: "n"): decoded = ASCII.newline
                case UInt8(ascii: "t"): decoded = ASCII.tab
                case UInt8(ascii: "r"): decoded = ASCII.carriageReturn
                case UInt8(ascii: "a"): decoded = 0x07
                case UInt8(ascii: "b"): decoded = 0x08
                case UInt8(ascii: "e"), UInt8(ascii: "E"): decoded = 0x1B
                case UInt8(ascii: "f"): decoded = ASCII.formFeed
                case UInt8(ascii: "v"): decoded = ASCII.verticalTab
                case ASCII.backslash, ASCII.singleQuote, ASCII.doubleQuote, ASCII.question: decoded = next
                default: decoded = nil
                }
                if let decoded {
                    emit(decoded, k)
                } else {
                    emit(byte, k)
                    emit(next, k + 1)
                }
                k += 2
                continue
            }
            emit(byte, k)
            k += 1
        }
        return end
    }

    /// A byte that starts a parameter expansion after `$` (`$HOME`, `$1`, `$@`, `$?`).
    static func isParameterStart(_ byte: UInt8) -> Bool {
        ASCII.isNameByte(byte) || byte == ASCII.at || byte == ASCII.star || byte == ASCII.hash || byte == ASCII.question
            || byte == ASCII.minus || byte == ASCII.dollar || byte == ASCII.bang
    }
}

/// A token of a shell script; offsets index the parsed byte array.
struct ShellToken {
    enum Kind: Equatable {
        case word
        case op(ShellOperator)
        case open
        case close
        case redirect
        case newline
    }

    var kind: Kind
    var start: Int
    var end: Int
    var redirectOp = ""
    var fileDescriptor: Int?
    var target: Range<Int>?
    var body: Range<Int>?
}

struct ShellLexer {
    let b: [UInt8]
    let start: Int
    let end: Int
    var i: Int
    var tokens: [ShellToken] = []
    var issues: [(offset: Int, message: String)] = []
    private var pending: [(token: Int, delimiter: [UInt8], stripTabs: Bool)] = []

    init(bytes: [UInt8], start: Int, end: Int) {
        self.b = bytes
        self.start = max(0, start)
        self.end = min(end, bytes.count)
        self.i = self.start
        tokens.reserveCapacity(min((self.end - self.start) / 5 + 2, 1 << 16))
    }

    mutating func run() {
        while i < end {
            let byte = b[i]
            if ASCII.isBlank(byte) {
                i += 1
                continue
            }
            if byte == ASCII.backslash && i + 1 < end && b[i + 1] == ASCII.newline {
                i += 2
                continue
            }
            if byte == ASCII.newline {
                tokens.append(ShellToken(kind: .newline, start: i, end: i + 1))
                i += 1
                if !pending.isEmpty { readHeredocBodies() }
                continue
            }
            if byte == ASCII.hash {
                while i < end && b[i] != ASCII.newline { i += 1 }
                continue
            }
            if lexOperator() { continue }
            if ASCII.isDigit(byte) {
                var j = i
                while j < end && ASCII.isDigit(b[j]) { j += 1 }
                if j < end && (b[j] == ASCII.less || b[j] == ASCII.greater) {
                    lexRedirect(fdStart: i, opStart: j)
                    continue
                }
            }
            let wordEnd = scanWord(from: i)
            tokens.append(ShellToken(kind: .word, start: i, end: wordEnd))
            i = wordEnd
        }
        // Here-documents of an instruction line have their bodies outside the line.
        pending.removeAll()
    }

    private mutating func add(_ kind: ShellToken.Kind, length: Int) {
        tokens.append(ShellToken(kind: kind, start: i, end: i + length))
        i += length
    }

    private func at(_ offset: Int) -> UInt8 { i + offset < end ? b[i + offset] : 0 }

    private mutating func lexOperator() -> Bool {
        switch b[i] {
        case ASCII.ampersand:
            if at(1) == ASCII.ampersand {
                add(.op(.and), length: 2)
            } else if at(1) == ASCII.greater {
                lexRedirect(fdStart: nil, opStart: i)
            } else {
                add(.op(.background), length: 1)
            }
        case ASCII.pipe:
            if at(1) == ASCII.pipe {
                add(.op(.or), length: 2)
            } else if at(1) == ASCII.ampersand {
                add(.op(.pipeAll), length: 2)
            } else {
                add(.op(.pipe), length: 1)
            }
        case ASCII.semicolon:
            if at(1) == ASCII.semicolon {
                add(.op(.caseBreak), length: at(2) == ASCII.ampersand ? 3 : 2)
            } else if at(1) == ASCII.ampersand {
                add(.op(.caseBreak), length: 2)
            } else {
                add(.op(.semicolon), length: 1)
            }
        case ASCII.openParen:
            add(.open, length: 1)
        case ASCII.closeParen:
            add(.close, length: 1)
        case ASCII.less, ASCII.greater:
            if at(1) == ASCII.openParen {
                // Process substitution `<(cmd)` / `>(cmd)`: a word.
                let stop = scanBalanced(from: i + 1)
                tokens.append(ShellToken(kind: .word, start: i, end: stop))
                i = stop
            } else {
                lexRedirect(fdStart: nil, opStart: i)
            }
        default:
            return false
        }
        return true
    }

    private mutating func lexRedirect(fdStart: Int?, opStart: Int) {
        var k = opStart
        func byte(_ index: Int) -> UInt8 { index < end ? b[index] : 0 }
        var op: String
        switch b[k] {
        case ASCII.less:
            if byte(k + 1) == ASCII.less {
                if byte(k + 2) == ASCII.less {
                    op = "<<<"
                } else if byte(k + 2) == ASCII.minus {
                    op = "<<-"
                } else {
                    op = "<<"
                }
            } else if byte(k + 1) == ASCII.greater {
                op = "<>"
            } else if byte(k + 1) == ASCII.ampersand {
                op = "<&"
            } else {
                op = "<"
            }
        case ASCII.greater:
            if byte(k + 1) == ASCII.greater {
                op = ">>"
            } else if byte(k + 1) == ASCII.ampersand {
                op = ">&"
            } else if byte(k + 1) == ASCII.pipe {
                op = ">|"
            } else {
                op = ">"
            }
        default:  // &> or &>>
            op = byte(k + 2) == ASCII.greater ? "&>>" : "&>"
        }
        k += op.utf8.count
        var token = ShellToken(kind: .redirect, start: fdStart ?? opStart, end: k, redirectOp: op)
        if let fdStart, opStart - fdStart <= 9 {
            var value = 0
            for index in fdStart..<opStart { value = value * 10 + Int(b[index] - ASCII.zero) }
            token.fileDescriptor = value
        }
        i = k
        while i < end && (ASCII.isBlank(b[i]) || (b[i] == ASCII.backslash && i + 1 < end && b[i + 1] == ASCII.newline)) {
            i += b[i] == ASCII.backslash ? 2 : 1
        }
        let next = i < end ? b[i] : ASCII.newline
        let endsTarget = next == ASCII.newline || next == ASCII.semicolon || next == ASCII.ampersand || next == ASCII.pipe
            || next == ASCII.openParen || next == ASCII.closeParen || next == ASCII.less || next == ASCII.greater
        if endsTarget {
            issues.append((opStart, "redirection \(op) has no target"))
        } else {
            let stop = scanWord(from: i)
            token.target = i..<stop
            token.end = stop
            if op == "<<" || op == "<<-" {
                let delimiter = ShellParser.unquote(b, i, stop, wantOffsets: false).bytes
                pending.append((tokens.count, delimiter, op == "<<-"))
            }
            i = stop
        }
        tokens.append(token)
    }

    /// The end of a word starting at `from`.
    /// 0: a plain word byte; 1: ends a word (or `(`, which may not); 2: quoting or substitution.
    static let wordClass: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in [ASCII.space, ASCII.tab, ASCII.verticalTab, ASCII.formFeed, ASCII.carriageReturn, ASCII.newline, ASCII.semicolon,
                     ASCII.ampersand, ASCII.pipe, ASCII.less, ASCII.greater, ASCII.openParen, ASCII.closeParen] {
            table[Int(byte)] = 1
        }
        for byte in [ASCII.backslash, ASCII.singleQuote, ASCII.doubleQuote, ASCII.backtick, ASCII.dollar] { table[Int(byte)] = 2 }
        return table
    }()

    private mutating func scanWord(from wordStart: Int) -> Int {
        var k = wordStart
        let table = Self.wordClass
        while k < end {
            let byte = b[k]
            if table[Int(byte)] == 0 {
                k += 1
                continue
            }
            if ASCII.isBlank(byte) || byte == ASCII.newline || byte == ASCII.semicolon || byte == ASCII.ampersand
                || byte == ASCII.pipe || byte == ASCII.less || byte == ASCII.greater || byte == ASCII.closeParen
            {
                break
            }
            if byte == ASCII.openParen {
                // `arr=(a b)` and extended globs `@(a|b)` keep the parentheses in the word.
                if k > wordStart, [ASCII.equals, ASCII.at, ASCII.question, ASCII.star, ASCII.plus, ASCII.bang].contains(b[k - 1]) {
                    k = scanBalanced(from: k)
                    continue
                }
                break
            }
            switch byte {
            case ASCII.backslash:
                k = min(k + 2, end)
            case ASCII.singleQuote:
                if let stop = ShellParser.endOfSingleQuote(b, from: k, end: end) {
                    k = stop
                } else {
                    issues.append((k, "unterminated single-quoted string"))
                    k = end
                }
            case ASCII.doubleQuote, ASCII.backtick:
                k = nested(from: k)
            case ASCII.dollar:
                let next = k + 1 < end ? b[k + 1] : 0
                if next == ASCII.openParen || next == ASCII.openBrace {
                    k = nested(from: k)
                } else if next == ASCII.singleQuote {
                    if let stop = ShellParser.endOfANSIQuote(b, from: k + 1, end: end) {
                        k = stop
                    } else {
                        issues.append((k, "unterminated $'…' string"))
                        k = end
                    }
                } else {
                    k += 1
                }
            default:
                k += 1
            }
        }
        return k
    }

    private mutating func nested(from k: Int) -> Int {
        let (stop, unterminated) = ShellParser.endOfNested(b, from: k, end: end)
        if let unterminated { issues.append((k, unterminated)) }
        return stop
    }

    /// The end of a parenthesised group starting at `from` (an open parenthesis).
    private mutating func scanBalanced(from open: Int) -> Int {
        var depth = 0
        var k = open
        while k < end {
            let byte = b[k]
            if byte == ASCII.openParen {
                depth += 1
                k += 1
            } else if byte == ASCII.closeParen {
                depth -= 1
                k += 1
                if depth == 0 { return k }
            } else if byte == ASCII.backslash {
                k += 2
            } else if byte == ASCII.singleQuote {
                k = ShellParser.endOfSingleQuote(b, from: k, end: end) ?? end
            } else if byte == ASCII.doubleQuote || byte == ASCII.backtick
                || (byte == ASCII.dollar && k + 1 < end && (b[k + 1] == ASCII.openParen || b[k + 1] == ASCII.openBrace))
            {
                k = nested(from: k)
            } else {
                k += 1
            }
        }
        issues.append((open, "unterminated parenthesis"))
        return end
    }

    /// Reads the bodies of the here-documents opened on the line that just ended.
    private mutating func readHeredocBodies() {
        for heredoc in pending {
            let bodyStart = i
            var terminated = false
            while i < end {
                let lineStart = i
                var lineEnd = i
                while lineEnd < end && b[lineEnd] != ASCII.newline { lineEnd += 1 }
                var contentStart = lineStart
                if heredoc.stripTabs {
                    while contentStart < lineEnd && b[contentStart] == ASCII.tab { contentStart += 1 }
                }
                var contentEnd = lineEnd
                while contentEnd > contentStart && b[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
                let next = lineEnd < end ? lineEnd + 1 : end
                if contentEnd - contentStart == heredoc.delimiter.count && b[contentStart..<contentEnd].elementsEqual(heredoc.delimiter) {
                    tokens[heredoc.token].body = bodyStart..<lineStart
                    i = next
                    terminated = true
                    break
                }
                i = next
            }
            if !terminated {
                tokens[heredoc.token].body = bodyStart..<end
                let name = String(decoding: heredoc.delimiter, as: UTF8.self)
                issues.append((tokens[heredoc.token].start, "here-document \(name) is not terminated"))
            }
        }
        pending.removeAll()
    }
}

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
