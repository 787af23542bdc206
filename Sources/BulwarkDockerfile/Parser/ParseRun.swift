import BulwarkCore

struct ParseRun {
    let bytes: [UInt8]
    let file: String
    let options: Options
    typealias Options = DockerfileParser.Options

    private var escape: UInt8 = ASCII.backslash
    private var directives = Directives()
    private var instructions: [Instruction] = []
    private var errors: [DockerfileError] = []
    private var warnings: [DockerfileError] = []
    private var comments: [Comment] = []
    private var pragmas: [IgnorePragma] = []
    private var pendingComments: [Comment] = []
    private var pendingPragmas: [Int] = []
    private var errorsDropped = 0
    private var logicalBuffer: [UInt8] = []
    private var segmentBuffer: [SourceMap.Segment] = []

    init(bytes: [UInt8], file: String, options: Options) {
        self.bytes = bytes
        self.file = file
        self.options = options
    }

    mutating func run() -> Dockerfile {
        instructions.reserveCapacity(min(bytes.count / 48 + 4, 1 << 16))
        var cursor = LineCursor(bytes: bytes)
        var directivesDone = false
        var lastLine = 0
        while let line = cursor.next() {
            lastLine = line.number
            let first = skipSpace(line.start, line.contentEnd)
            if !directivesDone {
                if directive(line, first) { continue }
                directivesDone = true
            }
            if first == line.contentEnd { continue }
            if bytes[first] == ASCII.hash {
                comment(line, first, inside: false)
                continue
            }
            instruction(line, first, &cursor)
            lastLine = cursor.lineNumber
        }
        lastLine = max(lastLine, cursor.lineNumber)
        if instructions.isEmpty {
            addError(DockerfileError(line: max(lastLine, 1), column: 1, message: "file with no instructions"))
        }
        var resolver = StageResolver(escape: escape, options: options, fileSize: bytes.count)
        let (stages, globals) = resolver.resolve(&instructions)
        for error in resolver.errors { addError(error) }
        if stages.isEmpty && !instructions.isEmpty {
            addError(DockerfileError(at: instructions[0].position, "dockerfile contains no stages to build (no FROM instruction)"))
        }
        if errorsDropped > 0 {
            errors.append(DockerfileError(line: errors.last?.line ?? 1, column: 1, message: "\(errorsDropped) more errors not shown"))
        }
        for index in pendingPragmas { pragmas[index].instructionIndex = nil }
        return Dockerfile(
            file: file, directives: directives, instructions: instructions, stages: stages, globalArguments: globals,
            errors: errors, warnings: warnings, comments: comments, ignorePragmas: pragmas, lineCount: lastLine)
    }

    private mutating func addError(_ error: DockerfileError) {
        if errors.count < options.maxErrors { errors.append(error) } else { errorsDropped += 1 }
    }

    private func skipSpace(_ start: Int, _ end: Int) -> Int {
        var k = start
        while k < end && ASCII.isSpace(bytes[k]) { k += 1 }
        return k
    }

    /// The column of `offset` on a line (1-based, Unicode scalars).
    private func column(_ line: PhysicalLine, _ offset: Int) -> Int {
        var column = 1
        var k = line.start
        while k < offset {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return column
    }

    // MARK: - Directives and comments

    /// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with a known name; false ends the directives.
    private mutating func directive(_ line: PhysicalLine, _ first: Int) -> Bool {
        let end = line.contentEnd
        func isRegexSpace(_ byte: UInt8) -> Bool {
            byte == ASCII.space || byte == ASCII.tab || byte == ASCII.formFeed || byte == ASCII.carriageReturn || byte == ASCII.newline
        }
        var k = first
        guard k < end, bytes[k] == ASCII.hash else { return false }
        k += 1
        while k < end && isRegexSpace(bytes[k]) { k += 1 }
        let nameStart = k
        guard k < end, ASCII.isLetter(bytes[k]) else { return false }
        while k < end && (ASCII.isLetter(bytes[k]) || ASCII.isDigit(bytes[k])) { k += 1 }
        let name = String(utf8Bytes: bytes[nameStart..<k]).lowercased()
        while k < end && isRegexSpace(bytes[k]) { k += 1 }
        guard k < end, bytes[k] == ASCII.equals else { return false }
        k += 1
        while k < end && isRegexSpace(bytes[k]) { k += 1 }
        var valueEnd = end
        while valueEnd > k && isRegexSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        guard valueEnd > k, ["syntax", "escape", "check"].contains(name) else { return false }
        let value = String(utf8Bytes: bytes[k..<valueEnd])
        let start = TextPosition(line: line.number, column: column(line, k))
        let range = TextRange(start: start, end: TextPosition(line: line.number, column: column(line, valueEnd)))
        if directives.all.contains(where: { $0.name == name }) {
            addError(DockerfileError(at: TextPosition(line: line.number, column: column(line, first)), "only one \(name) parser directive can be used"))
            return true
        }
        directives.all.append(ParserDirective(name: name, value: value, line: line.number, valueRange: range))
        switch name {
        case "escape":
            if value == "\\" || value == "`" {
                escape = value.utf8.first ?? ASCII.backslash
                directives.escape = Character(value)
            } else {
                addError(DockerfileError(at: start, "invalid escape token '\(value)' does not match ` or \\"))
            }
        case "syntax":
            directives.syntax = value
        default:
            directives.check = CheckDirective(raw: value)
        }
        return true
    }

    private mutating func comment(_ line: PhysicalLine, _ hash: Int, inside: Bool) {
        var textStart = hash + 1
        var textEnd = line.contentEnd
        while textStart < textEnd && ASCII.isSpace(bytes[textStart]) { textStart += 1 }
        while textEnd > textStart && ASCII.isSpace(bytes[textEnd - 1]) { textEnd -= 1 }
        let text = String(utf8Bytes: bytes[textStart..<textEnd])
        let column = column(line, hash)
        let comment = Comment(text: text, line: line.number, column: column, insideInstruction: inside)
        comments.append(comment)
        if !inside { pendingComments.append(comment) }
        if var pragma = IgnorePragma.parse(comment: text, line: line.number, column: column) {
            if pragma.ruleIds.isEmpty {
                warnings.append(DockerfileError(line: line.number, column: column, message: "bulwark:ignore names no rule id, so it silences nothing"))
            }
            pragma.instructionIndex = nil
            pragmas.append(pragma)
            pendingPragmas.append(pragmas.count - 1)
        }
    }

    // MARK: - Instructions

    private mutating func instruction(_ firstLine: PhysicalLine, _ first: Int, _ cursor: inout LineCursor) {
        // The logical-line buffers are reused from one instruction to the next (no allocation
        // once they are large enough; nothing keeps them after the instruction is parsed).
        var logical = logicalBuffer
        var segments = segmentBuffer
        logicalBuffer = []
        segmentBuffer = []
        logical.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        defer {
            logicalBuffer = logical
            segmentBuffer = segments
        }
        func append(_ start: Int, _ end: Int, line: PhysicalLine, column: Int) {
            guard end > start else { return }
            segments.append(SourceMap.Segment(offset: logical.count, line: line.number, column: column))
            logical.append(contentsOf: bytes[start..<end])
        }
        var (contentEnd, continues) = trimContinuation(first, firstLine.contentEnd)
        append(first, contentEnd, line: firstLine, column: column(firstLine, first))
        var lastLine = firstLine
        var emptyContinuationLine: Int?
        while continues, let next = cursor.next() {
            lastLine = next
            let nonSpace = skipSpace(next.start, next.contentEnd)
            if nonSpace < next.contentEnd && bytes[nonSpace] == ASCII.hash {
                comment(next, nonSpace, inside: true)
                continue
            }
            if nonSpace == next.contentEnd {
                emptyContinuationLine = emptyContinuationLine ?? next.number
                continue
            }
            (contentEnd, continues) = trimContinuation(next.start, next.contentEnd)
            append(next.start, contentEnd, line: next, column: 1)
        }
        guard logical.contains(where: { !ASCII.isSpace($0) }) else { return }
        if let emptyContinuationLine {
            warnings.append(
                DockerfileError(
                    line: emptyContinuationLine, column: 1,
                    message: "empty continuation line (BuildKit warns; it will become an error in a future release)"))
        }
        let start = TextPosition(line: firstLine.number, column: column(firstLine, first))
        let map = SourceMap(bytes: logical, segments: segments, fallback: start)
        var parser = InstructionParser(bytes: logical, map: map, escape: escape)
        var specs: [HeredocSpec] = []
        // Appended at once and completed in place (an Instruction is large; no copies).
        let index = instructions.count
        instructions.append(parser.parseLine(heredocs: &specs))
        for error in parser.errors { addError(error) }
        warnings += parser.warnings
        warnAboutUnreadHeredocs(instructions[index], specs)

        if !specs.isEmpty {
            var heredocs: [Heredoc] = []
            var bodies: [HeredocBody] = []
            for spec in specs {
                let (heredoc, body, last) = readHeredoc(spec, &cursor)
                heredocs.append(heredoc)
                bodies.append(body)
                if let last { lastLine = last }
            }
            if instructions[index].keyword == .onbuild {
                if var trigger = instructions[index].onbuildTrigger {
                    if trigger.keyword == .run, case .shell(let command)? = trigger.form {
                        interpretHeredocs(&heredocs, bodies, script: command.script, arguments: trigger.arguments.text)
                    }
                    trigger.heredocs = heredocs
                    trigger.endLine = lastLine.number
                    instructions[index].onbuildTrigger = trigger
                }
            } else {
                if instructions[index].keyword == .run, case .shell(let command)? = instructions[index].form {
                    interpretHeredocs(&heredocs, bodies, script: command.script, arguments: instructions[index].arguments.text)
                }
                instructions[index].heredocs = heredocs
            }
        }
        instructions[index].startLine = firstLine.number
        instructions[index].endLine = lastLine.number
        let sourceEnd = max(first, lastLine.contentEnd)
        instructions[index].byteRange = first..<sourceEnd
        // A one-line instruction's source is its logical line: share the string.
        let original = instructions[index].original
        instructions[index].sourceText =
            original.utf8.count == sourceEnd - first && lastLine.number == firstLine.number
            ? original : String(utf8Bytes: bytes[first..<sourceEnd])
        if !pendingComments.isEmpty {
            instructions[index].comments = pendingComments
            pendingComments = []
        }
        for pragma in pendingPragmas { pragmas[pragma].instructionIndex = index }
        pendingPragmas = []
    }

    /// A shell heredoc (`cat<<EOF`) that BuildKit does not read because `<<` does not start a
    /// word: its body lines become instructions, a confusing failure worth a warning.
    private mutating func warnAboutUnreadHeredocs(_ instruction: Instruction, _ specs: [HeredocSpec]) {
        guard instruction.keyword == .run, case .shell(let command)? = instruction.form else { return }
        for shellCommand in command.script.commands {
            for redirection in shellCommand.redirections where redirection.isHeredoc {
                guard let target = redirection.target else { continue }
                let delimiter = Array(target.value.utf8)
                if !specs.contains(where: { $0.delimiter == delimiter }) {
                    warnings.append(
                        DockerfileError(
                            at: redirection.range.start,
                            "BuildKit does not read this heredoc: \(redirection.op)\(target.raw) must start a word (put a space before it); the lines below become instructions"))
                }
            }
        }
    }

    /// BuildKit's continuation test: the escape character last on the line (trailing spaces and
    /// tabs allowed), not itself escaped. Returns the content without it.
    private func trimContinuation(_ start: Int, _ end: Int) -> (Int, Bool) {
        var last = end
        while last > start && (bytes[last - 1] == ASCII.space || bytes[last - 1] == ASCII.tab) { last -= 1 }
        guard last > start, bytes[last - 1] == escape else { return (end, false) }
        let escapeAt = last - 1
        if escapeAt > start && bytes[escapeAt - 1] == escape { return (end, false) }
        return (escapeAt, true)
    }

    /// Reads a heredoc body up to the terminator line. Returns the last line consumed.
    private mutating func readHeredoc(_ spec: HeredocSpec, _ cursor: inout LineCursor) -> (Heredoc, HeredocBody, PhysicalLine?) {
        var body: [UInt8] = []
        var segments: [SourceMap.Segment] = []
        var firstBodyLine: Int?
        var last: PhysicalLine?
        var terminated = false
        var trailingSpaceHint: Int?
        while let line = cursor.next() {
            last = line
            var contentStart = line.start
            if spec.stripTabs {
                while contentStart < line.contentEnd && bytes[contentStart] == ASCII.tab { contentStart += 1 }
            }
            let content = bytes[contentStart..<line.contentEnd]
            if content.elementsEqual(spec.delimiter) {
                terminated = true
                break
            }
            if trailingSpaceHint == nil {
                var trimmedStart = contentStart
                while trimmedStart < line.contentEnd && ASCII.isBlank(bytes[trimmedStart]) { trimmedStart += 1 }
                var trimmedEnd = line.contentEnd
                while trimmedEnd > trimmedStart && ASCII.isBlank(bytes[trimmedEnd - 1]) { trimmedEnd -= 1 }
                if bytes[trimmedStart..<trimmedEnd].elementsEqual(spec.delimiter) { trailingSpaceHint = line.number }
            }
            firstBodyLine = firstBodyLine ?? line.number
            segments.append(SourceMap.Segment(offset: body.count, line: line.number, column: contentStart - line.start + 1))
            body.append(contentsOf: bytes[contentStart..<line.next])
        }
        let name = String(decoding: spec.delimiter, as: UTF8.self)
        if !terminated {
            var message = "unterminated heredoc: no line \"\(name)\" ends the heredoc started here"
            if let trailingSpaceHint {
                message += " (line \(trailingSpaceHint) has spaces or tabs around \(name); the terminator must match exactly)"
            }
            addError(DockerfileError(at: spec.range.start, message))
        }
        let endLine = last?.number ?? spec.range.start.line
        let heredoc = Heredoc(
            delimiter: name, quoted: spec.quoted, stripTabs: spec.stripTabs, fileDescriptor: spec.fileDescriptor,
            body: String(decoding: body, as: UTF8.self), operatorRange: spec.range,
            startLine: firstBodyLine ?? endLine, endLine: endLine, isTerminated: terminated)
        return (heredoc, HeredocBody(bytes: body, segments: segments), last)
    }

    struct HeredocBody {
        var bytes: [UInt8]
        var segments: [SourceMap.Segment]
    }

    /// Decides which program reads each heredoc of a RUN, and parses the shell scripts.
    private func interpretHeredocs(_ heredocs: inout [Heredoc], _ bodies: [HeredocBody], script: ShellScript, arguments: String) {
        // `RUN <<EOF` alone: BuildKit runs the body itself (a shebang picks the interpreter).
        let argumentWords = arguments.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let pureHeredoc = heredocs.count == 1 && argumentWords.count == 1 && HeredocSyntax.parse(Array(argumentWords[0].utf8)) != nil
        var used: Set<Int> = []
        for index in heredocs.indices {
            var heredoc = heredocs[index]
            var interpreter: String?
            var isShellScript = false
            if pureHeredoc {
                if let shebang = Self.shebangInterpreter(heredoc.body) {
                    interpreter = shebang
                    isShellScript = CommandAssembler.shells.contains(shebang)
                } else {
                    interpreter = "sh"
                    isShellScript = true
                }
            } else if let commandIndex = script.commands.indices.first(where: { index in
                !used.contains(index) && script.commands[index].redirections.contains { $0.isHeredoc && $0.target?.value == heredoc.delimiter }
            }) {
                used.insert(commandIndex)
                let command = script.commands[commandIndex]
                interpreter = command.program
                if let program = command.program, CommandAssembler.shells.contains(program),
                    CommandAssembler.scriptArgument(command.words, commandIndex: command.commandIndex) == nil
                {
                    isShellScript = true
                }
            }
            heredoc.interpreter = interpreter
            if isShellScript {
                let body = bodies[index]
                let map = SourceMap(bytes: body.bytes, segments: body.segments, fallback: heredoc.operatorRange.start)
                heredoc.script = ShellParser.parse(bytes: body.bytes, range: 0..<body.bytes.count, mapping: map, depth: 0)
            }
            heredocs[index] = heredoc
        }
    }

    /// `#!/bin/bash` → `bash`; `#!/usr/bin/env python3` → `python3`.
    static func shebangInterpreter(_ body: String) -> String? {
        guard body.hasPrefix("#!") else { return nil }
        let line = body.dropFirst(2).prefix { $0 != "\n" && $0 != "\r" }
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        var program = SimpleCommand.baseName(first)
        if program == "env" {
            words.removeFirst()
            while let next = words.first, next.hasPrefix("-") { words.removeFirst() }
            guard let target = words.first else { return nil }
            program = SimpleCommand.baseName(target)
        }
        return program
    }
}
