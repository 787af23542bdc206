/// Shell patterns (`*`, `?`, `[…]`, backslash escapes) for `${VAR#pat}` and friends. Work is
/// bounded: each operation gets a number of comparisons (`steps`, at most `budget` per operation,
/// fewer when the file's allowance is nearly used up) and returns nil when it needs more.
enum Glob {
    static let budget = 1_000_000

    /// nil when the steps ran out.
    static func matches(_ pattern: [UInt8], _ text: ArraySlice<UInt8>, steps: inout Int) -> Bool? {
        var p = 0
        var t = text.startIndex
        var starP = -1
        var starT = 0
        while t < text.endIndex {
            steps -= 1
            if steps < 0 { return nil }
            if p < pattern.count {
                let byte = pattern[p]
                if byte == ASCII.star {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if let consumed = matchOne(pattern, at: p, text[t]) {
                    p += consumed
                    t += 1
                    continue
                }
            }
            if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
                continue
            }
            return false
        }
        while p < pattern.count && pattern[p] == ASCII.star { p += 1 }
        return p == pattern.count
    }

    /// If the pattern element at `p` matches `byte`, the number of pattern bytes it used.
    private static func matchOne(_ pattern: [UInt8], at p: Int, _ byte: UInt8) -> Int? {
        let element = pattern[p]
        switch element {
        case ASCII.question:
            return 1
        case ASCII.backslash where p + 1 < pattern.count:
            return pattern[p + 1] == byte ? 2 : nil
        case ASCII.openBracket:
            var k = p + 1
            var negate = false
            if k < pattern.count && (pattern[k] == ASCII.bang || pattern[k] == 0x5E) {
                negate = true
                k += 1
            }
            var matched = false
            var first = true
            while k < pattern.count && (pattern[k] != ASCII.closeBracket || first) {
                first = false
                if k + 2 < pattern.count && pattern[k + 1] == ASCII.minus && pattern[k + 2] != ASCII.closeBracket {
                    if pattern[k] <= byte && byte <= pattern[k + 2] { matched = true }
                    k += 3
                } else {
                    if pattern[k] == byte { matched = true }
                    k += 1
                }
            }
            guard k < pattern.count else { return element == byte ? 1 : nil }  // no closing bracket: literal
            return matched != negate ? k + 1 - p : nil
        default:
            return element == byte ? 1 : nil
        }
    }

    /// `${VAR#pat}` / `${VAR##pat}`; nil when the steps ran out.
    static func trimPrefix(_ value: [UInt8], pattern: [UInt8], longest: Bool, steps: inout Int) -> [UInt8]? {
        for index in 0...value.count {
            let length = longest ? value.count - index : index
            guard let matched = matches(pattern, value[0..<length], steps: &steps) else { return nil }
            if matched { return Array(value[length...]) }
        }
        return value
    }

    /// `${VAR%pat}` / `${VAR%%pat}`; nil when the steps ran out.
    static func trimSuffix(_ value: [UInt8], pattern: [UInt8], longest: Bool, steps: inout Int) -> [UInt8]? {
        for index in 0...value.count {
            let start = longest ? index : value.count - index
            guard let matched = matches(pattern, value[start...], steps: &steps) else { return nil }
            if matched { return Array(value[..<start]) }
        }
        return value
    }

    enum ReplaceFailure: Error {
        /// The comparisons ran out.
        case steps
        /// The result would be longer than the limit (`${V//?/$V}` squares the length of V).
        case length
    }

    /// `${VAR/pat/repl}` / `${VAR//pat/repl}`, at most `maxLength` bytes long.
    static func replace(in value: [UInt8], pattern: [UInt8], with replacement: [UInt8], all: Bool, steps: inout Int,
                        maxLength: Int = .max) -> Result<[UInt8], ReplaceFailure> {
        guard !pattern.isEmpty else { return .success(value) }
        var out: [UInt8] = []
        var start = 0
        while start < value.count {
            var matchedLength = 0
            for length in stride(from: value.count - start, through: 1, by: -1) {
                guard let matched = matches(pattern, value[start..<(start + length)], steps: &steps) else { return .failure(.steps) }
                if matched {
                    matchedLength = length
                    break
                }
            }
            if matchedLength > 0 {
                start += matchedLength
                guard out.count + replacement.count + (all ? 0 : value.count - start) <= maxLength else { return .failure(.length) }
                out += replacement
                if !all {
                    out += value[start...]
                    return .success(out)
                }
            } else {
                guard out.count < maxLength else { return .failure(.length) }
                out.append(value[start])
                start += 1
            }
        }
        return .success(out)
    }
}
