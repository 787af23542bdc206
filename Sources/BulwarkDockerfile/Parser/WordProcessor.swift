import BulwarkCore
/// BuildKit's word processing (`frontend/dockerfile/shell`): quotes, the Dockerfile's escape
/// character, and `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}`, `${VAR:?x}`,
/// `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/pat/repl}`, `${VAR//pat/repl}`.
///
/// Without a lookup (literal mode) variable references are copied as written, so the result is
/// the word with quotes and escapes processed only.
///
/// Substitution is bounded: the values substituted into one word may add up to `limit` bytes
/// (`ENV V1=${V0}${V0}` thirty times over would otherwise double a value thirty times), and
/// pattern operations share `globSteps` comparisons. Past the limit nothing more is substituted
/// and `overflow` names the variable that crossed it; the caller must not use the result.
struct WordProcessor {
    let escape: UInt8
    let lookup: ((String) -> String?)?
    private(set) var unresolved: [String] = []
    private(set) var errors: [String] = []
    /// Bytes the substituted values may add up to.
    let limit: Int
    /// Comparisons left for `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}` (a file's words share them).
    private(set) var globSteps: Int
    /// Bytes substituted so far.
    private(set) var substituted = 0
    /// The variable whose substitution went past `limit`.
    private(set) var overflow: String?
    /// The variable of the first pattern operation that ran out of `globSteps` (its value was
    /// used unchanged).
    private(set) var patternGaveUp: String?
    private var b: [UInt8] = []
    private var i = 0
    private var end = 0
    private var depth = 0

    /// Nesting of `${…}` beyond this is copied as written (no recursion without bound).
    static let maxDepth = 32

    init(escape: UInt8, lookup: ((String) -> String?)? = nil, limit: Int = .max, globSteps: Int = .max) {
        self.escape = escape
        self.lookup = lookup
        self.limit = limit
        self.globSteps = globSteps
    }

    /// False when the text has no quote, escape character or `$`: processing would not change it.
    @inline(__always) static func needsProcessing<Bytes: Sequence<UInt8>>(_ bytes: Bytes, escape: UInt8) -> Bool {
        for byte in bytes where byte == ASCII.dollar || byte == ASCII.singleQuote || byte == ASCII.doubleQuote || byte == escape {
            return true
        }
        return false
    }

    /// Processes `bytes[start..<end]` into a string.
    mutating func process(_ bytes: [UInt8], _ start: Int, _ stop: Int) -> String {
        b = bytes
        i = max(0, start)
        end = min(stop, bytes.count)
        depth = 0
        let (out, _) = processStopOn(nil, rawEscapes: false)
        b = []
        return String(decoding: out, as: UTF8.self)
    }

    mutating func process(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return process(bytes, 0, bytes.count)
    }

    private mutating func processStopOn(_ stop: UInt8?, rawEscapes: Bool) -> ([UInt8], Bool) {
        var out: [UInt8] = []
        scan: while i < end {
            let byte = b[i]
            if let stop, byte == stop {
                i += 1
                return (out, true)
            }
            switch byte {
            case ASCII.singleQuote:
                out += processSingleQuote()
            case ASCII.doubleQuote:
                out += processDoubleQuote()
            case ASCII.dollar:
                out += processDollar()
            default:
                i += 1
                if byte == escape {
                    if rawEscapes { out.append(byte) }
                    if i >= end { break scan }
                    out.append(b[i])
                    i += 1
                } else {
                    out.append(byte)
                }
            }
        }
        if let stop {
            errors.append("unexpected end of statement while looking for matching \(Character(Unicode.Scalar(stop)))")
            return (out, false)
        }
        return (out, true)
    }

    private mutating func processSingleQuote() -> [UInt8] {
        i += 1
        let start = i
        while i < end {
            if b[i] == ASCII.singleQuote {
                let value = Array(b[start..<i])
                i += 1
                return value
            }
            i += 1
        }
        errors.append("unexpected end of statement while looking for matching single-quote")
        return Array(b[start..<end])
    }

    private mutating func processDoubleQuote() -> [UInt8] {
        i += 1
        var out: [UInt8] = []
        while i < end {
            var byte = b[i]
            if byte == ASCII.doubleQuote {
                i += 1
                return out
            }
            if byte == ASCII.dollar {
                out += processDollar()
                continue
            }
            i += 1
            if byte == escape {
                if i >= end { continue }
                let next = b[i]
                if next == ASCII.doubleQuote || next == ASCII.dollar || next == escape {
                    byte = next
                    i += 1
                }
            }
            out.append(byte)
        }
        errors.append("unexpected end of statement while looking for matching double-quote")
        return out
    }

    private mutating func processDollar() -> [UInt8] {
        let start = i
        let literal = lookup == nil
        i += 1
        guard i < end else { return [ASCII.dollar] }
        if b[i] != ASCII.openBrace {
            let name = processName()
            if name.isEmpty { return [ASCII.dollar] }
            if literal { return Array(b[start..<i]) }
            return substitute(value(of: name), of: name)
        }
        i += 1
        guard i < end else {
            errors.append("syntax error: missing '}'")
            return Array(b[start..<end])
        }
        if b[i] == ASCII.openBrace || b[i] == ASCII.closeBrace || b[i] == ASCII.colon {
            errors.append("syntax error: bad substitution")
            return skipToBrace(from: start)
        }
        let name = processName()
        guard i < end else {
            errors.append("syntax error: missing '}'")
            return Array(b[start..<end])
        }
        var modifier = b[i]
        i += 1
        var nullIsUnset = false
        switch modifier {
        case ASCII.closeBrace:
            if literal { return Array(b[start..<i]) }
            return substitute(value(of: name), of: name)
        case ASCII.colon:
            nullIsUnset = true
            guard i < end else {
                errors.append("syntax error: missing '}'")
                return Array(b[start..<end])
            }
            modifier = b[i]
            i += 1
            guard modifier == ASCII.minus || modifier == ASCII.plus || modifier == ASCII.question else {
                errors.append("unsupported modifier (:\(Character(Unicode.Scalar(modifier)))) in substitution")
                return skipToBrace(from: start)
            }
        case ASCII.minus, ASCII.plus, ASCII.question, ASCII.hash, ASCII.percent, ASCII.slash:
            break
        default:
            errors.append("unsupported modifier (\(Character(Unicode.Scalar(modifier)))) in substitution")
            return skipToBrace(from: start)
        }
        guard depth < Self.maxDepth else {
            errors.append("variable substitutions nested too deeply")
            return skipToBrace(from: start)
        }
        depth += 1
        defer { depth -= 1 }
        if modifier == ASCII.slash {
            var replaceAll = false
            if i < end && b[i] == ASCII.slash {
                replaceAll = true
                i += 1
            }
            let (pattern, patternDone) = processStopOn(ASCII.slash, rawEscapes: true)
            var replacement: [UInt8] = []
            if patternDone {
                let (text, done) = processStopOn(ASCII.closeBrace, rawEscapes: true)
                replacement = text
                if !done { errors.append("syntax error: missing '}'") }
            } else {
                errors.append("syntax error: missing '/' in ${\(name)/…}")
            }
            if literal { return Array(b[start..<i]) }
            guard overflow == nil, let current = lookupValue(name) else { return [] }
            var steps = patternSteps()
            let result = ShellPattern(String(decoding: pattern, as: UTF8.self))
                .replace(in: current, with: String(decoding: replacement, as: UTF8.self), all: replaceAll, budget: &steps,
                         maxLength: max(0, limit - substituted))
            usePatternSteps(steps)
            switch result {
            case .success(let replaced):
                return substitute(replaced, of: name)
            case .failure(.length):
                overflow = name
                return []
            case .failure(.budget):
                patternGaveUp = patternGaveUp ?? name
                return substitute(current, of: name)
            }
        }
        let rawEscapes = modifier == ASCII.hash || modifier == ASCII.percent
        let (word, terminated) = processStopOn(ASCII.closeBrace, rawEscapes: rawEscapes)
        if !terminated { errors.append("syntax error: missing '}'") }
        if literal { return Array(b[start..<i]) }
        let current = lookupValue(name)
        let isUnset = current == nil || (nullIsUnset && current == "")
        switch modifier {
        case ASCII.minus:
            return isUnset ? word : substitute(current ?? "", of: name)
        case ASCII.plus:
            return isUnset ? [] : word
        case ASCII.question:
            if isUnset {
                let message = word.isEmpty ? (current == nil ? "is not allowed to be unset" : "is not allowed to be empty") : String(decoding: word, as: UTF8.self)
                errors.append("\(name): \(message)")
                if current == nil { unresolved.append(name) }
            }
            return substitute(current ?? "", of: name)
        default:  // # ## % %%
            guard let current else {
                unresolved.append(name)
                return []
            }
            guard overflow == nil else { return [] }
            var pattern = word
            var greedy = false
            if pattern.first == modifier {
                greedy = true
                pattern.removeFirst()
            }
            var steps = patternSteps()
            let shellPattern = ShellPattern(String(decoding: pattern, as: UTF8.self))
            let trimmed = modifier == ASCII.percent
                ? shellPattern.trimSuffix(current, longest: greedy, budget: &steps)
                : shellPattern.trimPrefix(current, longest: greedy, budget: &steps)
            usePatternSteps(steps)
            if trimmed == nil { patternGaveUp = patternGaveUp ?? name }
            return substitute(trimmed ?? current, of: name)
        }
    }

    /// A substituted value, counted against `limit`; empty once past it.
    private mutating func substitute(_ value: String, of name: String) -> [UInt8] {
        charge(value.utf8.count, of: name) ? Array(value.utf8) : []
    }

    private mutating func substitute(_ value: [UInt8], of name: String) -> [UInt8] {
        charge(value.count, of: name) ? value : []
    }

    private mutating func charge(_ count: Int, of name: String) -> Bool {
        guard overflow == nil else { return false }
        guard count <= limit - substituted else {
            overflow = name
            return false
        }
        substituted += count
        return true
    }

    /// The comparisons one pattern operation may use.
    private func patternSteps() -> Int { min(Glob.defaultBudget, globSteps) }

    private mutating func usePatternSteps(_ left: Int) {
        globSteps -= patternSteps() - max(left, 0)
    }

    /// After a syntax error inside `${`: copies up to the closing brace as written.
    private mutating func skipToBrace(from start: Int) -> [UInt8] {
        while i < end && b[i] != ASCII.closeBrace { i += 1 }
        if i < end { i += 1 }
        return Array(b[start..<i])
    }

    private mutating func processName() -> String {
        let start = i
        guard i < end else { return "" }
        let first = b[i]
        if ASCII.isDigit(first) {
            while i < end && ASCII.isDigit(b[i]) { i += 1 }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        switch first {
        case ASCII.at, ASCII.star, ASCII.hash, ASCII.question, ASCII.minus, ASCII.dollar, ASCII.bang:
            i += 1
            return String(decoding: b[start..<i], as: UTF8.self)
        default:
            break
        }
        while i < end && ASCII.isNameByte(b[i]) { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private func lookupValue(_ name: String) -> String? { lookup?(name) }

    private mutating func value(of name: String) -> String {
        if let value = lookup?(name) { return value }
        unresolved.append(name)
        return ""
    }
}
