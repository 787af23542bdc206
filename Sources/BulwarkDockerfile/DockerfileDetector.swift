import BulwarkCore
/// Recognises Dockerfiles by name (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`,
/// `Containerfile`, `Containerfile.*`, `*.containerfile`) and, for other names, by content: the
/// first instruction after comments and parser directives is FROM, or ARGs followed by FROM.
public enum DockerfileDetector {
    public enum Match: Sendable, Hashable {
        case name
        case content
    }

    /// Extensions that mark a `Dockerfile.*` name as something else (docs, ignore files, data).
    static let nonDockerfileExtensions: Set<String> = [
        "dockerignore", "md", "markdown", "rst", "txt", "json", "yaml", "yml", "toml", "sh", "bash", "py", "go", "rs", "swift",
        "js", "ts", "html", "xml", "orig", "rej", "bak", "swp", "lock", "sum", "diff", "patch", "png", "jpg", "svg", "gz", "zip", "tar",
    ]

    /// True when the file is a Dockerfile by name or, when `firstBytes` are given, by content.
    public static func isDockerfile(path: String, firstBytes: [UInt8]? = nil) -> Bool {
        match(path: path, firstBytes: firstBytes) != nil
    }

    public static func match(path: String, firstBytes: [UInt8]? = nil) -> Match? {
        if matchesName(path) { return .name }
        if let firstBytes, looksLikeDockerfile(firstBytes) { return .content }
        return nil
    }

    /// The name test alone.
    public static func matchesName(_ path: String) -> Bool {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let lower = name.lowercased()
        for base in ["dockerfile", "containerfile"] {
            if lower == base { return true }
            if lower.hasPrefix(base + ".") {
                let rest = lower.dropFirst(base.count + 1)
                guard !rest.isEmpty else { return false }
                let last = rest.split(separator: ".").last.map(String.init) ?? String(rest)
                return !nonDockerfileExtensions.contains(last)
            }
            if lower.hasSuffix("." + base) && lower.count > base.count + 1 { return true }
        }
        return false
    }

    /// The content test: skips a byte-order mark, blank lines, comments and directives (and
    /// continuation lines of ARGs); the first instruction must be a well-formed FROM
    /// (`FROM [--flags] image [AS name]`), or ARGs followed by one. Binary data never matches.
    public static func looksLikeDockerfile(_ bytes: [UInt8]) -> Bool {
        let window = bytes.prefix(16 * 1024)
        if window.contains(0) { return false }
        var lines = LineCursor(bytes: Array(window))
        var inArgContinuation = false
        while let line = lines.next() {
            var start = line.start
            while start < line.contentEnd && ASCII.isSpace(window[start]) { start += 1 }
            if inArgContinuation {
                inArgContinuation = endsWithEscape(window, start, line.contentEnd)
                continue
            }
            if start == line.contentEnd || window[start] == ASCII.hash { continue }
            var keywordEnd = start
            while keywordEnd < line.contentEnd && !ASCII.isBlank(window[keywordEnd]) { keywordEnd += 1 }
            let keyword = InstructionParser.keyword(window[start..<keywordEnd])
            switch keyword {
            case .arg:
                guard keywordEnd < line.contentEnd else { return false }
                inArgContinuation = endsWithEscape(window, keywordEnd, line.contentEnd)
            case .from:
                return isFromLine(window, keywordEnd, line.contentEnd)
            default:
                return false
            }
        }
        return false
    }

    private static func endsWithEscape(_ bytes: ArraySlice<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var last = end
        while last > start && ASCII.isBlank(bytes[last - 1]) { last -= 1 }
        return last > start && (bytes[last - 1] == ASCII.backslash || bytes[last - 1] == ASCII.backtick)
    }

    /// `[--flag…] image [AS name]` on the rest of the line (a continuation is accepted too).
    private static func isFromLine(_ bytes: ArraySlice<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var words: [ArraySlice<UInt8>] = []
        var k = start
        while k < end {
            while k < end && ASCII.isBlank(bytes[k]) { k += 1 }
            guard k < end else { break }
            let wordStart = k
            while k < end && !ASCII.isBlank(bytes[k]) { k += 1 }
            words.append(bytes[wordStart..<k])
        }
        if let last = words.last, last.count == 1, last.first == ASCII.backslash || last.first == ASCII.backtick { words.removeLast() }
        while let first = words.first, first.starts(with: [ASCII.minus, ASCII.minus]) { words.removeFirst() }
        switch words.count {
        case 1: return words[0].last != ASCII.colon && words[0].first != ASCII.colon
        case 3: return InstructionParser.equalsIgnoringCase(words[1], "as")
        default: return false
        }
    }
}
