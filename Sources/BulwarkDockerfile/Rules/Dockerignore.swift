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
        /// The pattern in the path dialect of `Glob` (patternmatcher's: `*`, `?` and `[…]` within a
        /// segment, `**` across segments).
        fileprivate var glob: Glob
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
            patterns.append(Pattern(text: pattern, isExclusion: exclusion, line: lineNumber, glob: Glob(pattern, dialect: .path)))
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
            var match = pattern.glob.matches(whole)
            if !match {
                for parent in parents where pattern.glob.matches(parent) {
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
