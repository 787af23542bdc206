import BulwarkCore

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
