import BulwarkCore

/// A `.dockerignore` file, read and matched as BuildKit does (`frontend/dockerfile/dockerignore`
/// and `moby/patternmatcher`): `#` comment lines, surrounding whitespace trimmed, `!` re-includes,
/// patterns cleaned like `filepath.Clean` and anchored at the context root (`/x` = `x`), `*` and
/// `?` stay inside one path segment, `**` spans any number of segments, `[…]` classes, `\`
/// escapes. A path is excluded when the last pattern matching it, or one of its parent
/// directories, is not a `!` pattern.
public struct Dockerignore: Sendable, Hashable {
    public struct Pattern: Sendable, Hashable {
        /// The cleaned pattern, without `!`.
        public var text: String
        /// A `!` pattern: re-includes what earlier patterns excluded.
        public var isExclusion: Bool
        /// 1-based line in the file.
        public var line: Int
        fileprivate var tokens: [GlobToken]
    }

    public var patterns: [Pattern]

    public init(contents: String) {
        var patterns: [Pattern] = []
        var lineNumber = 0
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.hasPrefix("#") { continue }
            var pattern = line.trimmingSet(" \t\r\n\u{0B}\u{0C}")
            guard !pattern.isEmpty else { continue }
            let exclusion = pattern.hasPrefix("!")
            if exclusion { pattern = String(pattern.dropFirst()).trimmingSet(" \t\r\n\u{0B}\u{0C}") }
            if !pattern.isEmpty {
                pattern = Self.clean(pattern)
                if pattern.count > 1 && pattern.hasPrefix("/") { pattern.removeFirst() }
            }
            guard !pattern.isEmpty else { continue }
            patterns.append(Pattern(text: pattern, isExclusion: exclusion, line: lineNumber, tokens: GlobToken.compile(pattern)))
        }
        self.patterns = patterns
    }

    /// True when the build context leaves out `path` (relative to the context root, `/`-separated).
    public func excludes(_ path: String) -> Bool {
        let file = Self.clean(path).drop { $0 == "/" }
        let components = file.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return false }
        var parents: [String] = []
        for index in 0..<(components.count - 1) { parents.append(components[0...index].joined(separator: "/")) }
        let whole = components.joined(separator: "/")
        var matched = false
        for pattern in patterns where pattern.isExclusion == matched {
            var match = GlobToken.matches(pattern.tokens, Array(whole.unicodeScalars))
            if !match {
                for parent in parents where GlobToken.matches(pattern.tokens, Array(parent.unicodeScalars)) {
                    match = true
                    break
                }
            }
            if match { matched = !pattern.isExclusion }
        }
        return matched
    }

    /// `filepath.Clean` for `/`-separated paths.
    static func clean(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}

/// A compiled glob in patternmatcher's dialect.
fileprivate enum GlobToken: Sendable, Hashable {
    case literal(Unicode.Scalar)
    /// `*`: any run of characters other than `/`.
    case star
    /// `?`: one character other than `/`.
    case one
    /// `[…]`: ranges, negated with `^` or `!`.
    case set([ClosedRange<UInt32>], negated: Bool)
    /// `**/` (or `**` inside a pattern): `(.*/)?`.
    case anyDirectories
    /// `**` at the end: anything.
    case anything

    static func compile(_ pattern: String) -> [GlobToken] {
        let scalars = Array(pattern.unicodeScalars)
        var tokens: [GlobToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "*":
                if index < scalars.count && scalars[index] == "*" {
                    index += 1
                    if index < scalars.count && scalars[index] == "/" { index += 1 }
                    tokens.append(index >= scalars.count ? .anything : .anyDirectories)
                } else {
                    tokens.append(.star)
                }
            case "?":
                tokens.append(.one)
            case "\\":
                if index < scalars.count {
                    tokens.append(.literal(scalars[index]))
                    index += 1
                } else {
                    tokens.append(.literal("\\"))
                }
            case "[":
                var cursor = index
                var negated = false
                if cursor < scalars.count && (scalars[cursor] == "^" || scalars[cursor] == "!") {
                    negated = true
                    cursor += 1
                }
                var ranges: [ClosedRange<UInt32>] = []
                var closed = false
                var first = true
                while cursor < scalars.count {
                    var low = scalars[cursor]
                    if low == "]" && !first {
                        closed = true
                        cursor += 1
                        break
                    }
                    first = false
                    if low == "\\" && cursor + 1 < scalars.count {
                        cursor += 1
                        low = scalars[cursor]
                    }
                    cursor += 1
                    var high = low
                    if cursor + 1 < scalars.count && scalars[cursor] == "-" && scalars[cursor + 1] != "]" {
                        high = scalars[cursor + 1]
                        if high == "\\" && cursor + 2 < scalars.count {
                            high = scalars[cursor + 2]
                            cursor += 1
                        }
                        cursor += 2
                    }
                    if low.value <= high.value { ranges.append(low.value...high.value) }
                }
                if closed {
                    tokens.append(.set(ranges, negated: negated))
                    index = cursor
                } else {
                    tokens.append(.literal("["))
                }
            default:
                tokens.append(.literal(scalar))
            }
        }
        return tokens
    }

    /// Whole-string match by backtracking (patterns and paths are short).
    static func matches(_ tokens: [GlobToken], _ text: [Unicode.Scalar]) -> Bool {
        var memo: Set<Int> = []
        func match(_ t: Int, _ s: Int) -> Bool {
            if t == tokens.count { return s == text.count }
            let key = t &* (text.count + 1) &+ s
            if memo.contains(key) { return false }
            defer { memo.insert(key) }
            switch tokens[t] {
            case .literal(let scalar):
                return s < text.count && text[s] == scalar && match(t + 1, s + 1)
            case .one:
                return s < text.count && text[s] != "/" && match(t + 1, s + 1)
            case .set(let ranges, let negated):
                guard s < text.count, text[s] != "/" else { return false }
                let inside = ranges.contains { $0.contains(text[s].value) }
                return inside != negated && match(t + 1, s + 1)
            case .star:
                var end = s
                while true {
                    if match(t + 1, end) { return true }
                    if end >= text.count || text[end] == "/" { return false }
                    end += 1
                }
            case .anything:
                return true
            case .anyDirectories:
                if match(t + 1, s) { return true }
                var end = s
                while end < text.count {
                    if text[end] == "/" && match(t + 1, end + 1) { return true }
                    end += 1
                }
                return false
            }
        }
        return match(0, 0)
    }
}
