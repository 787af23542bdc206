import BulwarkCore

/// A heredoc operator found on an instruction line; its body is read from the following lines.
struct HeredocSpec {
    var delimiter: [UInt8]
    var quoted: Bool
    var stripTabs: Bool
    var fileDescriptor: Int?
    var range: TextRange
}

/// Parses one logical instruction line (continuation lines joined) the way BuildKit's
/// `splitCommand`, `extractBuilderFlags` and line parsers do, keeping positions.
struct InstructionParser {
    let b: [UInt8]
    let map: SourceMap
    let escape: UInt8
    var errors: [DockerfileError] = []
    var warnings: [DockerfileError] = []

    init(bytes: [UInt8], map: SourceMap, escape: UInt8) {
        self.b = bytes
        self.map = map
        self.escape = escape
    }

    enum FlagKind { case bool, string, strings }

    static let networkModes: Set<String> = ["none", "host", "default"]
    static let securityModes: Set<String> = ["insecure", "sandbox"]
    static let bareMountKeys: Set<String> = ["readonly", "ro", "readwrite", "rw", "required"]
    static let mountKeys: Set<String> = [
        "type", "from", "source", "src", "target", "dst", "destination", "readonly", "ro", "readwrite", "rw", "required", "id", "sharing", "mode",
        "uid", "gid", "size", "env",
    ]

    static let allowedFlags: [Keyword: [String: FlagKind]] = [
        .from: ["platform": .string],
        .run: ["mount": .strings, "network": .string, "security": .string, "device": .strings],
        .copy: ["chown": .string, "chmod": .string, "from": .string, "link": .bool, "parents": .bool, "exclude": .strings],
        .add: ["chown": .string, "chmod": .string, "link": .bool, "keep-git-dir": .bool, "checksum": .string, "exclude": .strings, "unpack": .bool],
        .healthcheck: ["interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string, "retries": .string],
    ]

    // MARK: - Entry point

    /// Parses the whole line; returns the instruction, and in `specs` the heredocs whose bodies follow it.
    mutating func parseLine(heredocs specs: inout [HeredocSpec]) -> Instruction {
        let instruction = parse(from: 0, to: b.count, nested: false)
        // `canContainHeredoc`: RUN, COPY and ADD (also as ONBUILD triggers), not in JSON form.
        let canContainHeredoc =
            instruction.keyword == .onbuild
            ? instruction.onbuildTrigger.map(Self.canContainHeredoc) ?? false
            : Self.canContainHeredoc(instruction)
        if canContainHeredoc && containsHeredocOperator() { specs = heredocSpecs() }
        return instruction
    }

    private static func canContainHeredoc(_ instruction: Instruction) -> Bool {
        switch instruction.keyword {
        case .run: return instruction.form?.isExec != true
        case .copy, .add: return !(instruction.fileTransfer?.isJSONForm ?? false)
        default: return false
        }
    }

    private func containsHeredocOperator() -> Bool {
        var k = 0
        while k + 1 < b.count {
            if b[k] == ASCII.less && b[k + 1] == ASCII.less { return true }
            k += 1
        }
        return false
    }

    // MARK: - One instruction

    private mutating func parse(from lineStart: Int, to lineEnd: Int, nested: Bool) -> Instruction {
        var start = lineStart
        var end = lineEnd
        while start < end && ASCII.isSpace(b[start]) { start += 1 }
        while end > start && ASCII.isSpace(b[end - 1]) { end -= 1 }
        var keywordEnd = start
        while keywordEnd < end && !ASCII.isBlank(b[keywordEnd]) { keywordEnd += 1 }
        let rawKeyword = String(utf8Bytes: b[start..<keywordEnd])
        let keyword = Self.keyword(b[start..<keywordEnd])
        let keywordRange = map.range(start, keywordEnd)
        let (flagWords, afterFlags) = extractFlags(from: keywordEnd, to: end)
        var argsStart = afterFlags
        while argsStart < end && ASCII.isSpace(b[argsStart]) { argsStart += 1 }
        let argsEnd = max(argsStart, end)
        var instruction = Draft(
            keyword: keyword, keywordRange: keywordRange,
            arguments: TextSpan(text: String(utf8Bytes: b[argsStart..<argsEnd]), range: map.range(argsStart, argsEnd)))
        instruction.flags = parseFlags(flagWords, keyword: keyword)

        switch keyword {
        case .unknown:
            var message = "unknown instruction: \(rawKeyword)"
            if let suggestion = Self.suggestion(for: rawKeyword) { message += " (did you mean \(suggestion)?)" }
            error(keywordRange.start, message)
        case .from:
            parseFrom(&instruction, argsStart, argsEnd)
        case .run, .cmd, .entrypoint:
            let text = instruction.arguments.text
            instruction.form = commandForm(argsStart, argsEnd, keyword: keyword, text: text)
        case .shell:
            switch commandForm(argsStart, argsEnd, keyword: keyword) {
            case .exec(let words)?:
                if words.isEmpty { error(instruction.arguments.range.start, "SHELL requires at least one argument") }
                instruction.form = .exec(words)
            case .shell?, nil:
                error(argsStart < argsEnd ? instruction.arguments.range.start : keywordRange.start, "SHELL requires the arguments to be in JSON form")
            }
        case .copy, .add:
            parseFileTransfer(&instruction, argsStart, argsEnd)
        case .env, .label:
            parseKeyValues(&instruction, argsStart, argsEnd)
        case .arg:
            parseArg(&instruction, argsStart, argsEnd)
        case .expose:
            let words = whitespaceWords(argsStart, argsEnd).map { processedWord($0.0, $0.1) }
            if words.isEmpty { error(keywordRange.start, "EXPOSE requires at least one argument") }
            instruction.details = .expose(words.map(PortSpec.init(word:)))
        case .volume:
            parseVolume(&instruction, argsStart, argsEnd)
        case .user, .workdir, .maintainer, .stopsignal:
            if argsStart == argsEnd {
                error(keywordRange.start, "\(keyword.rawValue) requires exactly one argument")
            } else {
                let word = keyword == .maintainer ? plainWord(argsStart, argsEnd) : processedWord(argsStart, argsEnd)
                instruction.details = keyword == .user ? .user(UserSpec(word: word)) : .text(word)
            }
        case .healthcheck:
            parseHealthcheck(&instruction, argsStart, argsEnd)
        case .onbuild:
            parseOnbuild(&instruction, argsStart, argsEnd, nested: nested)
        }
        return Instruction(
            keyword: keyword, rawKeyword: rawKeyword, keywordRange: keywordRange, flags: instruction.flags, arguments: instruction.arguments,
            form: instruction.form, details: instruction.details, startLine: keywordRange.start.line, endLine: map.endPosition(at: end).line,
            column: keywordRange.start.column, original: String(utf8Bytes: b[start..<end]), trigger: instruction.trigger)
    }

    /// The parts of an instruction the per-keyword parsers fill in (a small struct, cheap to pass).
    struct Draft {
        var keyword: Keyword
        var keywordRange: TextRange
        var arguments: TextSpan
        var flags: [Flag] = []
        var form: CommandForm?
        var details: InstructionDetails = .none
        /// The ONBUILD trigger (zero or one).
        var trigger: [Instruction] = []
    }

    /// Case-insensitive keyword lookup on bytes (no string is built).
    static func keyword(_ bytes: ArraySlice<UInt8>) -> Keyword {
        guard bytes.count >= 3 && bytes.count <= 11, let first = bytes.first else { return .unknown }
        for keyword in keywordsByInitial[Int(ASCII.upper(first) & 0x1F)] where keyword.bytes.count == bytes.count {
            if zip(keyword.bytes, bytes).allSatisfy({ $0 == ASCII.upper($1) }) { return keyword.keyword }
        }
        return .unknown
    }

    /// Known keywords bucketed by their first letter (`A` & 0x1F == 1, …).
    private static let keywordsByInitial: [[(keyword: Keyword, bytes: [UInt8])]] = {
        var buckets = Array(repeating: [(keyword: Keyword, bytes: [UInt8])](), count: 32)
        for keyword in Keyword.known {
            let bytes = Array(keyword.rawValue.utf8)
            buckets[Int(bytes[0] & 0x1F)].append((keyword, bytes))
        }
        return buckets
    }()

    /// A close keyword for an unknown instruction (edit distance ≤ 2), as BuildKit suggests one.
    static func suggestion(for word: String) -> String? {
        let upper = Array(word.uppercased().utf8)
        guard !upper.isEmpty, upper.count <= 20 else { return nil }
        var best: (Keyword, Int)?
        for keyword in Keyword.known {
            let distance = editDistance(upper, Array(keyword.rawValue.utf8))
            if distance <= 2 && distance < (best?.1 ?? Int.max) { best = (keyword, distance) }
        }
        return best?.0.rawValue
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    // MARK: - Errors

    private mutating func error(_ position: TextPosition, _ message: String) {
        errors.append(DockerfileError(at: position, message))
    }

    private mutating func warning(_ position: TextPosition, _ message: String) {
        warnings.append(DockerfileError(at: position, message))
    }

    // MARK: - Flags

    /// `extractBuilderFlags`: leading `--name[=value]` words (quotes removed, backslash escapes
    /// applied); a bare `--` ends them. Returns the words and where the arguments start.
    private func extractFlags(from start: Int, to end: Int) -> ([(text: [UInt8], start: Int, end: Int)], Int) {
        var words: [(text: [UInt8], start: Int, end: Int)] = []
        var pos = start
        var inWord = false
        var inQuote = false
        var word: [UInt8] = []
        var wordStart = start
        var quote: UInt8 = 0
        var blankOK = false
        func isDashDash(_ word: [UInt8]) -> Bool { word.count == 2 && word[0] == ASCII.minus && word[1] == ASCII.minus }
        while pos <= end {
            if !inWord && !inQuote {
                if pos == end { break }
                let byte = b[pos]
                if ASCII.isSpace(byte) {
                    pos += 1
                    continue
                }
                if byte != ASCII.minus || pos + 1 == end || b[pos + 1] != ASCII.minus { return (words, pos) }
                inWord = true
                wordStart = pos
            }
            if pos == end {
                if !isDashDash(word) && (blankOK || !word.isEmpty) { words.append((word, wordStart, pos)) }
                break
            }
            var byte = b[pos]
            if inQuote {
                if byte == quote {
                    inQuote = false
                    inWord = true
                    pos += 1
                    continue
                }
                if byte == ASCII.backslash {
                    if pos + 1 == end {
                        inQuote = false
                        inWord = true
                        pos += 1
                        continue
                    }
                    pos += 1
                    byte = b[pos]
                }
                word.append(byte)
                pos += 1
                continue
            }
            // In a word.
            if ASCII.isSpace(byte) {
                inWord = false
                if isDashDash(word) { return (words, pos) }
                if blankOK || !word.isEmpty { words.append((word, wordStart, pos)) }
                word = []
                blankOK = false
                pos += 1
                continue
            }
            if byte == ASCII.singleQuote || byte == ASCII.doubleQuote {
                quote = byte
                blankOK = true
                inQuote = true
                inWord = false
                pos += 1
                continue
            }
            if byte == ASCII.backslash {
                if pos + 1 == end {
                    pos += 1
                    continue
                }
                pos += 1
                byte = b[pos]
            }
            word.append(byte)
            pos += 1
        }
        return (words, end)
    }

    private mutating func parseFlags(_ words: [(text: [UInt8], start: Int, end: Int)], keyword: Keyword) -> [Flag] {
        guard !words.isEmpty else { return [] }
        let allowed = Self.allowedFlags[keyword] ?? [:]
        var flags: [Flag] = []
        var used: [String] = []
        for word in words {
            let range = map.range(word.start, word.end)
            var body = word.text.dropFirst(2)
            var value: String?
            if let equals = body.firstIndex(of: ASCII.equals) {
                value = String(utf8Bytes: body[(equals + 1)...])
                body = body[..<equals]
            }
            let name = String(utf8Bytes: body)
            var flag = Flag(name: name, value: value, raw: String(utf8Bytes: b[word.start..<word.end]), range: range)
            defer { flags.append(flag) }
            guard keyword != .unknown else { continue }
            // HEALTHCHECK NONE parses no flags.
            guard let kind = allowed[name] else {
                var message = "unknown flag: \(name)"
                if let close = allowed.keys.sorted().first(where: { Self.editDistance(Array($0.utf8), Array(name.utf8)) <= 2 }) {
                    message += " (did you mean \(close)?)"
                }
                error(range.start, message)
                continue
            }
            if kind != .strings && used.contains(name) { error(range.start, "duplicate flag specified: \(name)") }
            used.append(name)
            switch kind {
            case .bool:
                if let value {
                    let lower = value.lowercased()
                    if value.isEmpty {
                        error(range.start, "missing a value on flag: \(name)")
                    } else if lower != "true" && lower != "false" {
                        error(range.start, "expecting boolean value for flag \(name), not: \(value)")
                    }
                }
            case .string, .strings:
                guard let value else {
                    error(range.start, "missing a value on flag: \(name)")
                    continue
                }
                if keyword == .run {
                    switch name {
                    case "network" where !Self.networkModes.contains(value):
                        error(range.start, "unsupported network mode \"\(value)\" (none, host or default)")
                    case "security" where !Self.securityModes.contains(value):
                        error(range.start, "unsupported security mode \"\(value)\" (insecure or sandbox)")
                    case "mount":
                        flag.mount = parseMount(value, at: range.start)
                    default:
                        break
                    }
                }
            }
        }
        return flags
    }

    /// `--mount=type=cache,target=/root/.cache,sharing=locked` (one CSV record).
    private mutating func parseMount(_ text: String, at position: TextPosition) -> Mount {
        var options: [Mount.Option] = []
        var typeName = "bind"
        for field in Self.csvFields(text) {
            let key: String
            var value: String?
            if let equals = field.utf8.firstIndex(of: ASCII.equals) {
                key = field[..<equals].lowercased()
                value = String(field[field.utf8.index(after: equals)...])
            } else {
                key = field.lowercased()
                guard Self.bareMountKeys.contains(key) else {
                    error(position, "invalid field '\(field)' must be a key=value pair")
                    continue
                }
            }
            switch key {
            case "type":
                let lowered = (value ?? "").lowercased()
                if Mount.MountType(rawValue: lowered) == nil {
                    error(position, "unsupported mount type \"\(value ?? "")\" (bind, cache, tmpfs, secret or ssh)")
                }
                typeName = lowered
            default:
                if !Self.mountKeys.contains(key) { error(position, "unexpected key '\(key)' in '\(field)'") }
            }
            options.append(Mount.Option(key: key, value: value))
        }
        let mount = Mount(typeName: typeName, options: options)
        if mount.type == .bind || mount.type == .cache || mount.type == .tmpfs, mount.value("target", "dst", "destination") == nil {
            error(position, "mount target is required for type=\(typeName)")
        }
        return mount
    }

    /// Splits one CSV record as Go's `encoding/csv` reads it (quoted fields, `""` escapes).
    static func csvFields(_ text: String) -> [String] {
        if !text.utf8.contains(ASCII.doubleQuote) {
            return text.utf8.split(separator: ASCII.comma, omittingEmptySubsequences: false).map { String($0) ?? "" }
        }
        var fields: [String] = []
        var field: [UInt8] = []
        let bytes = Array(text.utf8)
        var k = 0
        var quoted = false
        var atFieldStart = true
        while k < bytes.count {
            let byte = bytes[k]
            if quoted {
                if byte == ASCII.doubleQuote {
                    if k + 1 < bytes.count && bytes[k + 1] == ASCII.doubleQuote {
                        field.append(byte)
                        k += 2
                        continue
                    }
                    quoted = false
                } else {
                    field.append(byte)
                }
                k += 1
                continue
            }
            if byte == ASCII.comma {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
                atFieldStart = true
                k += 1
                continue
            }
            if byte == ASCII.doubleQuote && atFieldStart {
                quoted = true
            } else {
                field.append(byte)
            }
            atFieldStart = false
            k += 1
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }

    // MARK: - Words

    /// Splits `b[start..<end]` into words: runs of `isSeparator` bytes separate them, and
    /// `wordEnd` finds where the word that starts at an index ends.
    private func words(_ start: Int, _ end: Int, separator isSeparator: (UInt8) -> Bool, wordEnd: (Int) -> Int) -> [(Int, Int)] {
        var words: [(Int, Int)] = []
        var k = start
        while k < end {
            while k < end && isSeparator(b[k]) { k += 1 }
            guard k < end else { break }
            let wordStart = k
            k = min(wordEnd(k), end)
            words.append((wordStart, k))
        }
        return words
    }

    /// Splits on runs of `[\t\v\f\r ]` (no quote handling), as `parseStringsWhitespaceDelimited`.
    private func whitespaceWords(_ start: Int, _ end: Int) -> [(Int, Int)] {
        words(start, end, separator: ASCII.isBlank) { from in
            var k = from
            while k < end && !ASCII.isBlank(b[k]) { k += 1 }
            return k
        }
    }

    /// `parseWords`: splits on whitespace outside quotes, the escape character protecting the
    /// next character; quotes and escapes stay in the words.
    private func quotedWords(_ start: Int, _ end: Int) -> [(Int, Int)] {
        words(start, end, separator: ASCII.isSpace) { from in
            var k = from
            var quote: UInt8 = 0
            while k < end {
                let byte = b[k]
                if quote == 0 {
                    if ASCII.isSpace(byte) { break }
                    if byte == ASCII.singleQuote || byte == ASCII.doubleQuote {
                        quote = byte
                    } else if byte == escape {
                        k += 1
                    }
                } else if byte == quote {
                    quote = 0
                } else if byte == escape && quote != ASCII.singleQuote {
                    k += 1
                }
                k += 1
            }
            return k
        }
    }

    /// A word whose value has quotes and escapes processed (variables left as written).
    private mutating func processedWord(_ start: Int, _ end: Int) -> Word {
        let raw = String(utf8Bytes: b[start..<end])
        let range = map.range(start, end)
        guard WordProcessor.needsProcessing(b[start..<end], escape: escape) else {
            return Word(raw: raw, value: raw, range: range)
        }
        var processor = WordProcessor(escape: escape)
        let value = processor.process(b, start, end)
        for message in processor.errors { error(range.start, message) }
        return Word(raw: raw, value: value, range: range)
    }

    /// A word taken as written.
    private func plainWord(_ start: Int, _ end: Int) -> Word {
        let text = String(utf8Bytes: b[start..<end])
        return Word(raw: text, value: text, range: map.range(start, end))
    }

    private func jsonWord(_ element: JSONArray.Element) -> Word {
        Word(raw: String(utf8Bytes: b[element.start..<element.end]), value: element.value, range: map.range(element.start, element.end), isJSON: true)
    }

    // MARK: - Exec / shell form

    /// `parseMaybeJSON`: a JSON array of strings is the exec form; other JSON is an error; text
    /// that starts with `[` but is not valid JSON falls back to the shell form (with a warning).
    private mutating func commandForm(_ start: Int, _ end: Int, keyword: Keyword, text: String? = nil) -> CommandForm? {
        guard start < end else { return nil }
        if b[start] == ASCII.openBracket {
            switch JSONArray.parse(b, from: start, to: end) {
            case .strings(let elements, let arrayEnd):
                warnIfTrailingText(after: arrayEnd, end: end)
                return .exec(elements.map(jsonWord))
            case .notStrings:
                error(map.position(at: start), "when using JSON array syntax, arrays must be comprised of strings only")
                return nil
            case .invalid(let reason):
                warning(
                    map.position(at: start),
                    "\(keyword.rawValue) arguments look like a JSON array but are not valid JSON (\(reason)); they run as a shell command")
            }
        }
        let script = ShellParser.parse(bytes: b, range: start..<end, mapping: map, depth: 0)
        return .shell(ShellCommand(text: text ?? String(utf8Bytes: b[start..<end]), range: map.range(start, end), script: script))
    }

    private mutating func warnIfTrailingText(after arrayEnd: Int, end: Int) {
        var k = arrayEnd
        while k < end && ASCII.isSpace(b[k]) { k += 1 }
        if k < end { warning(map.position(at: k), "text after the JSON array is ignored") }
    }

    /// `parseMaybeJSONToList`: a JSON array of strings, or whitespace-separated words.
    private mutating func wordList(_ start: Int, _ end: Int) -> (words: [Word], isJSON: Bool)? {
        if start < end && b[start] == ASCII.openBracket {
            switch JSONArray.parse(b, from: start, to: end) {
            case .strings(let elements, let arrayEnd):
                warnIfTrailingText(after: arrayEnd, end: end)
                return (elements.map(jsonWord), true)
            case .notStrings:
                error(map.position(at: start), "when using JSON array syntax, arrays must be comprised of strings only")
                return nil
            case .invalid:
                break
            }
        }
        return (whitespaceWords(start, end).map { processedWord($0.0, $0.1) }, false)
    }

    // MARK: - Per-instruction arguments

    private mutating func parseFrom(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        let words = whitespaceWords(start, end)
        guard let first = words.first else {
            error(instruction.keywordRange.start, "FROM requires either one or three arguments")
            return
        }
        var details = FromDetails(image: processedWord(first.0, first.1))
        if words.count == 3, Self.equalsIgnoringCase(b[words[1].0..<words[1].1], "as") {
            let alias = processedWord(words[2].0, words[2].1)
            details.alias = alias
            if !Self.isValidStageName(alias.value.lowercased()) {
                error(alias.range.start, "invalid name for build stage: \"\(alias.value)\", name can't start with a number or contain symbols")
            }
        } else if words.count != 1 {
            error(map.position(at: words[1].0), "FROM requires either one or three arguments")
        }
        instruction.details = .from(details)
    }

    /// `^[a-z][a-z0-9-_.]*$`
    static func isValidStageName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 0x61 && first <= 0x7A else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) || $0 == ASCII.minus || $0 == ASCII.underscore || $0 == ASCII.dot }
    }

    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ text: String) -> Bool {
        bytes.count == text.utf8.count && zip(bytes, text.utf8).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }

    private mutating func parseFileTransfer(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        let name = instruction.keyword.rawValue
        guard let (words, isJSON) = wordList(start, end) else { return }
        guard words.count >= 2 else {
            error(
                words.first?.range.start ?? instruction.keywordRange.start,
                "\(name) requires at least two arguments, but only one was provided. Destination could not be determined.")
            instruction.details = .files(FileTransfer(sources: words, destination: nil, isJSONForm: isJSON))
            return
        }
        var sources: [Word] = []
        var heredocSources: [Word] = []
        for word in words.dropLast() {
            if !isJSON && HeredocSyntax.parse(Array(word.raw.utf8)) != nil {
                heredocSources.append(word)
            } else {
                sources.append(word)
            }
        }
        let destination = words[words.count - 1]
        if !isJSON && HeredocSyntax.parse(Array(destination.raw.utf8)) != nil {
            error(destination.range.start, "\(name) cannot accept a heredoc as a destination")
        }
        instruction.details = .files(FileTransfer(sources: sources, heredocSources: heredocSources, destination: destination, isJSONForm: isJSON))
    }

    private mutating func parseVolume(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        guard let (words, _) = wordList(start, end) else { return }
        if words.isEmpty { error(instruction.keywordRange.start, "VOLUME requires at least one argument") }
        for word in words where word.value.isEmpty {
            error(word.range.start, "VOLUME specified can not be an empty string")
        }
        instruction.details = .volume(words)
    }

    /// ENV and LABEL: `key=value …`, or the legacy `key value` when the first word has no `=`.
    private mutating func parseKeyValues(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        let name = instruction.keyword.rawValue
        let words = quotedWords(start, end)
        guard let first = words.first else {
            error(instruction.keywordRange.start, "\(name) requires at least one argument")
            return
        }
        var pairs: [KeyValue] = []
        if b[first.0..<first.1].firstIndex(of: ASCII.equals) == nil {
            var keyEnd = start
            while keyEnd < end && !ASCII.isBlank(b[keyEnd]) { keyEnd += 1 }
            var valueStart = keyEnd
            while valueStart < end && ASCII.isBlank(b[valueStart]) { valueStart += 1 }
            guard valueStart < end else {
                error(instruction.arguments.range.start, "\(name) must have two arguments")
                return
            }
            pairs.append(KeyValue(key: processedWord(start, keyEnd), value: processedWord(valueStart, end), isLegacyForm: true))
        } else {
            for (wordStart, wordEnd) in words {
                guard let equals = b[wordStart..<wordEnd].firstIndex(of: ASCII.equals) else {
                    error(
                        map.position(at: wordStart),
                        "Syntax error - can't find = in \"\(String(utf8Bytes: b[wordStart..<wordEnd]))\". Must be of the form: name=value")
                    continue
                }
                if equals == wordStart { error(map.position(at: wordStart), "\(name) names can not be blank") }
                pairs.append(KeyValue(key: processedWord(wordStart, equals), value: processedWord(equals + 1, wordEnd)))
            }
        }
        instruction.details = .keyValues(pairs)
    }

    private mutating func parseArg(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        let words = quotedWords(start, end)
        if words.isEmpty { error(instruction.keywordRange.start, "ARG requires at least one argument") }
        var declarations: [ArgDeclaration] = []
        for (wordStart, wordEnd) in words {
            if let equals = b[wordStart..<wordEnd].firstIndex(of: ASCII.equals) {
                if equals == wordStart { error(map.position(at: wordStart), "ARG names can not be blank") }
                declarations.append(ArgDeclaration(name: plainWord(wordStart, equals), defaultValue: processedWord(equals + 1, wordEnd)))
            } else {
                declarations.append(ArgDeclaration(name: plainWord(wordStart, wordEnd)))
            }
        }
        instruction.details = .arg(declarations)
    }

    private mutating func parseHealthcheck(_ instruction: inout Draft, _ start: Int, _ end: Int) {
        guard start < end else {
            error(instruction.keywordRange.start, "HEALTHCHECK requires at least one argument")
            return
        }
        var typeEnd = start
        while typeEnd < end && !ASCII.isSpace(b[typeEnd]) { typeEnd += 1 }
        var rest = typeEnd
        while rest < end && ASCII.isSpace(b[rest]) { rest += 1 }
        let typeWord = plainWord(start, typeEnd)
        let type = typeWord.value.uppercased()
        var check = Healthcheck(isNone: type == "NONE", type: typeWord)
        if type == "NONE" {
            if rest < end { error(map.position(at: rest), "HEALTHCHECK NONE takes no arguments") }
            instruction.details = .healthcheck(check)
            return
        }
        guard type == "CMD" else {
            error(typeWord.range.start, "Unknown type \"\(typeWord.value)\" in HEALTHCHECK (try CMD)")
            instruction.details = .healthcheck(check)
            return
        }
        let form = commandForm(rest, end, keyword: .healthcheck)
        switch form {
        case nil, .exec([])?: error(typeWord.range.start, "Missing command after HEALTHCHECK CMD")
        default: break
        }
        instruction.form = form
        for flag in instruction.flags {
            guard let value = flag.value, !value.isEmpty else { continue }
            switch flag.name {
            case "interval", "timeout", "start-period", "start-interval":
                guard let seconds = GoDuration.seconds(value) else {
                    error(flag.range.start, "time: invalid duration \"\(value)\"")
                    continue
                }
                if seconds < 0.001 { error(flag.range.start, "Interval \"\(flag.name)\" cannot be less than 1ms") }
                switch flag.name {
                case "interval": check.interval = seconds
                case "timeout": check.timeout = seconds
                case "start-period": check.startPeriod = seconds
                default: check.startInterval = seconds
                }
            case "retries":
                guard let retries = Int(value) else {
                    error(flag.range.start, "strconv.ParseInt: parsing \"\(value)\": invalid syntax")
                    continue
                }
                if retries < 1 { error(flag.range.start, "--retries must be at least 1 (not \(retries))") }
                check.retries = retries
            default:
                break
            }
        }
        instruction.details = .healthcheck(check)
    }

    private mutating func parseOnbuild(_ instruction: inout Draft, _ start: Int, _ end: Int, nested: Bool) {
        guard start < end else {
            error(instruction.keywordRange.start, "ONBUILD requires at least one argument")
            return
        }
        var keywordEnd = start
        while keywordEnd < end && !ASCII.isBlank(b[keywordEnd]) { keywordEnd += 1 }
        let trigger = Self.keyword(b[start..<keywordEnd])
        switch trigger {
        case .onbuild:
            error(map.position(at: start), "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
            return
        case .from, .maintainer:
            error(map.position(at: start), "\(trigger.rawValue) isn't allowed as an ONBUILD trigger")
        default:
            break
        }
        guard !nested else { return }
        instruction.trigger = [parse(from: start, to: end, nested: true)]
    }

    // MARK: - Heredocs

    /// Heredoc words on the line: split like BuildKit's lexer (whitespace outside quotes,
    /// backslash escapes), each checked against `^(\d*)<<(-?)([^<]*)$`.
    private func heredocSpecs() -> [HeredocSpec] {
        var specs: [HeredocSpec] = []
        var k = 0
        let end = b.count
        while k < end {
            while k < end && ASCII.isSpace(b[k]) { k += 1 }
            guard k < end else { break }
            let wordStart = k
            var quote: UInt8 = 0
            while k < end {
                let byte = b[k]
                if quote == 0 {
                    if ASCII.isSpace(byte) { break }
                    if byte == ASCII.singleQuote || byte == ASCII.doubleQuote {
                        quote = byte
                    } else if byte == ASCII.backslash {
                        k += 1
                    }
                } else if byte == quote {
                    quote = 0
                } else if byte == ASCII.backslash && quote == ASCII.doubleQuote {
                    k += 1
                }
                k += 1
            }
            k = min(k, end)
            if let heredoc = HeredocSyntax.parse(Array(b[wordStart..<k])) {
                specs.append(
                    HeredocSpec(
                        delimiter: heredoc.name, quoted: heredoc.quoted, stripTabs: heredoc.stripTabs,
                        fileDescriptor: heredoc.fileDescriptor, range: map.range(wordStart, k)))
            }
        }
        return specs
    }
}
