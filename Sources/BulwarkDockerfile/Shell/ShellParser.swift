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
