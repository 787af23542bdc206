/// One glob matcher behind the three pattern languages Bulwark reads, each with its own name:
///
/// - `PathGlob`: the paths, rule ids and object names of `.bulwark.yaml` (`vendor/**`,
///   `k8s/*`, `Deployment/legacy/*`);
/// - `DockerignorePattern`: the lines of a `.dockerignore`, as BuildKit's patternmatcher reads them;
/// - `ShellPattern`: the patterns of `${VAR#pattern}` and friends in a Dockerfile.
///
/// A pattern is compiled once into tokens and matched by simulating the automaton they form (a set
/// of active positions per character), so a match costs at most pattern × text steps and never
/// backtracks exponentially (`a*a*a*a*b` against a long run of `a`s is linear). Every match also
/// runs against a step budget: an operation that needs more steps than the budget allows is
/// reported as `nil` (no decision) rather than spending unbounded time on hostile input.
public struct Glob: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        /// `?`: one character (other than `/` in path dialects).
        case one(crossesSlash: Bool)
        /// `[…]`: ranges, negated with `!` or `^` (never `/` in path dialects).
        case set([ClosedRange<UInt32>], negated: Bool, crossesSlash: Bool)
        /// `*`: any run of characters (other than `/` in path dialects).
        case star(crossesSlash: Bool)
        /// `**/`, or `**` inside a path pattern: `(.*/)?`, any number of whole directories.
        case anyDirectories
    }

    public enum Dialect: Sendable {
        /// `*`, `?` and `[…]` stay inside one path segment; `**` spans segments; `\` escapes.
        case path
        /// `*`, `?` and `[…]` match any character, `/` included; `\` escapes.
        case shell
    }

    /// The steps one match may take by default: far beyond any real pattern and path.
    public static let defaultBudget = 1_000_000

    let tokens: [Token]

    public init(_ pattern: String, dialect: Dialect) {
        tokens = Self.compile(Array(pattern.unicodeScalars), dialect: dialect)
    }

    /// Whether the whole of `text` matches; nil when the budget ran out first.
    public func matches(_ text: some StringProtocol, budget: inout Int) -> Bool? {
        matches(Array(text.unicodeScalars)[...], budget: &budget)
    }

    /// Whether the whole of `text` matches (with the default budget; out of budget is no match).
    public func matches(_ text: some StringProtocol) -> Bool {
        var budget = Self.defaultBudget
        return matches(text, budget: &budget) ?? false
    }

    /// The automaton: `active[i]` says the pattern has matched up to token `i`; `tokens.count` is
    /// the accepting position. `inside[i]` says a `**/` at `i` has read characters but not yet the
    /// `/` that ends it.
    public func matches(_ text: ArraySlice<Unicode.Scalar>, budget: inout Int) -> Bool? {
        let count = tokens.count
        var active = [Bool](repeating: false, count: count + 1)
        var inside = active
        var next = active
        var nextInside = active
        active[0] = true
        close(&active)
        for scalar in text {
            budget -= count + 1
            if budget < 0 { return nil }
            for index in 0...count {
                next[index] = false
                nextInside[index] = false
            }
            var any = false
            for index in 0..<count where active[index] || inside[index] {
                switch tokens[index] {
                case .anyDirectories:
                    nextInside[index] = true
                    any = true
                    if scalar == "/" { next[index + 1] = true }
                case _ where !active[index]:
                    continue
                case .literal(let expected):
                    if scalar == expected { next[index + 1] = true; any = true }
                case .one(let crossesSlash):
                    if crossesSlash || scalar != "/" { next[index + 1] = true; any = true }
                case .set(let ranges, let negated, let crossesSlash):
                    if crossesSlash || scalar != "/" {
                        let inside = ranges.contains { $0.contains(scalar.value) }
                        if inside != negated { next[index + 1] = true; any = true }
                    }
                case .star(let crossesSlash):
                    if crossesSlash || scalar != "/" { next[index] = true; any = true }
                }
            }
            guard any else { return false }
            close(&next)
            swap(&active, &next)
            swap(&inside, &nextInside)
        }
        return active[count]
    }

    /// Adds the positions reachable without reading a character (past `*` and `**/`).
    private func close(_ active: inout [Bool]) {
        for index in 0..<tokens.count where active[index] {
            switch tokens[index] {
            case .star, .anyDirectories: active[index + 1] = true
            default: break
            }
        }
    }

    private static func compile(_ scalars: [Unicode.Scalar], dialect: Dialect) -> [Token] {
        let crosses = dialect == .shell
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "*":
                if dialect == .path, index < scalars.count, scalars[index] == "*" {
                    index += 1
                    if index < scalars.count, scalars[index] == "/" { index += 1 }
                    // `**` at the end matches everything below; elsewhere whole directories.
                    tokens.append(index >= scalars.count ? .star(crossesSlash: true) : .anyDirectories)
                } else {
                    tokens.append(.star(crossesSlash: crosses))
                }
            case "?":
                tokens.append(.one(crossesSlash: crosses))
            case "\\":
                tokens.append(.literal(index < scalars.count ? scalars[index] : "\\"))
                if index < scalars.count { index += 1 }
            case "[":
                if let (set, end) = characterSet(scalars, from: index, crossesSlash: crosses) {
                    tokens.append(set)
                    index = end
                } else {
                    tokens.append(.literal("["))
                }
            default:
                tokens.append(.literal(scalar))
            }
        }
        return tokens
    }

    /// `[…]` after its opening bracket: the set and the index after `]`, or nil when unclosed
    /// (then `[` is a literal).
    private static func characterSet(_ scalars: [Unicode.Scalar], from start: Int, crossesSlash: Bool) -> (Token, Int)? {
        var cursor = start
        var negated = false
        if cursor < scalars.count && (scalars[cursor] == "^" || scalars[cursor] == "!") {
            negated = true
            cursor += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while cursor < scalars.count {
            var low = scalars[cursor]
            if low == "]" && !first {
                return (.set(ranges, negated: negated, crossesSlash: crossesSlash), cursor + 1)
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
        return nil
    }
}

/// The globs of `.bulwark.yaml` (paths, rule ids, object names): the path dialect of `Glob`, where
/// a pattern without `/` also matches the last path component (`*.generated.yaml` matches
/// `k8s/app.generated.yaml`), and a leading `./` of the path is ignored.
public enum PathGlob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let normalised = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        let glob = Glob(pattern, dialect: .path)
        if glob.matches(normalised) { return true }
        guard !pattern.contains("/"), let last = normalised.split(separator: "/").last else { return false }
        return glob.matches(last)
    }
}

/// The patterns of shell parameter expansion (`${VAR#pattern}`, `${VAR%%pattern}`,
/// `${VAR/pattern/replacement}`): the shell dialect of `Glob`. Each operation draws on a step
/// budget the caller passes (the Dockerfile parser gives each operation at most `Glob.defaultBudget`
/// steps, fewer when the file's allowance is nearly used) and reports running out as nil (or
/// `.budget`), so the caller can leave the value unchanged and say so.
public struct ShellPattern: Sendable {
    public let glob: Glob

    public init(_ pattern: String) {
        glob = Glob(pattern, dialect: .shell)
    }

    /// `${VAR#pattern}` (shortest) and `${VAR##pattern}` (longest); nil when the budget ran out.
    public func trimPrefix(_ value: String, longest: Bool, budget: inout Int) -> String? {
        let scalars = Array(value.unicodeScalars)
        for index in 0...scalars.count {
            let length = longest ? scalars.count - index : index
            guard let matched = glob.matches(scalars[0..<length], budget: &budget) else { return nil }
            if matched { return String(String.UnicodeScalarView(scalars[length...])) }
        }
        return value
    }

    /// `${VAR%pattern}` (shortest) and `${VAR%%pattern}` (longest); nil when the budget ran out.
    public func trimSuffix(_ value: String, longest: Bool, budget: inout Int) -> String? {
        let scalars = Array(value.unicodeScalars)
        for index in 0...scalars.count {
            let start = longest ? index : scalars.count - index
            guard let matched = glob.matches(scalars[start...], budget: &budget) else { return nil }
            if matched { return String(String.UnicodeScalarView(scalars[..<start])) }
        }
        return value
    }

    public enum ReplaceFailure: Error, Sendable {
        /// The budget ran out.
        case budget
        /// The result would be longer than the limit (`${V//?/$V}` squares the length of V).
        case length
    }

    /// `${VAR/pattern/replacement}` (first match) and `${VAR//pattern/replacement}` (every match):
    /// the longest match at the leftmost position; the result at most `maxLength` UTF-8 bytes.
    public func replace(in value: String, with replacement: String, all: Bool, budget: inout Int,
                        maxLength: Int = .max) -> Result<String, ReplaceFailure> {
        guard !glob.tokens.isEmpty else { return .success(value) }
        let scalars = Array(value.unicodeScalars)
        let replacementLength = replacement.utf8.count
        var length = 0
        var out = String.UnicodeScalarView()
        var start = 0
        while start < scalars.count {
            var matchedLength = 0
            for candidate in stride(from: scalars.count - start, through: 1, by: -1) {
                guard let matched = glob.matches(scalars[start..<(start + candidate)], budget: &budget) else { return .failure(.budget) }
                if matched {
                    matchedLength = candidate
                    break
                }
            }
            if matchedLength > 0 {
                length += replacementLength
                guard length <= maxLength else { return .failure(.length) }
                out.append(contentsOf: replacement.unicodeScalars)
                start += matchedLength
                if !all {
                    let rest = scalars[start...]
                    guard length + String(String.UnicodeScalarView(rest)).utf8.count <= maxLength else { return .failure(.length) }
                    out.append(contentsOf: rest)
                    return .success(String(out))
                }
            } else {
                length += String(scalars[start]).utf8.count
                guard length <= maxLength else { return .failure(.length) }
                out.append(scalars[start])
                start += 1
            }
        }
        return .success(String(out))
    }
}
