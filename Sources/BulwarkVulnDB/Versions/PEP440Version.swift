/// A PEP 440 version (https://peps.python.org/pep-0440/), parsed and ordered as Python's
/// `packaging.version.Version` does (packaging 24.2, `VERSION_PATTERN` and `_cmpkey`), which is
/// what pip uses to decide whether an installed distribution is below a fixed version.
///
/// Accepted spellings are exactly the pattern's: surrounding whitespace, a `v` prefix, any case,
/// `N!` epochs, release segments of any length, pre-releases `a|alpha|b|beta|c|rc|pre|preview` with
/// optional `-_.` separators and an optional number, post-releases `.postN|revN|rN` and the implicit
/// `1.0-1`, `.devN`, and local versions `+ubuntu.1`. Anything else (`1.0-`, `1..0`, `1.0+`) is invalid.
struct PEP440Version: Sendable, Hashable {
    /// Pre-release phases, in their order (`c`, `pre`, `preview` are spellings of `rc`).
    enum Phase: Int, Sendable, Hashable, Comparable {
        case alpha, beta, candidate

        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A segment of a local version: numbers sort above words, words compare as lowercase text.
    enum LocalPart: Sendable, Hashable, Comparable {
        case word([UInt8])
        case number(Natural)

        static func < (lhs: LocalPart, rhs: LocalPart) -> Bool {
            switch (lhs, rhs) {
            case (.word(let a), .word(let b)): ASCII.compareBytes(a[...], b[...]) < 0
            case (.number(let a), .number(let b)): a < b
            case (.word, .number): true
            case (.number, .word): false
            }
        }
    }

    var epoch: Natural
    /// As written; trailing zeros are ignored when comparing (`1.0` == `1.0.0`).
    var release: [Natural]
    var pre: (phase: Phase, number: Natural)?
    var post: Natural?
    var dev: Natural?
    var local: [LocalPart]?

    init?(_ text: String) {
        var parser = Parser(text)
        guard let version = parser.parse() else { return nil }
        self = version
    }

    fileprivate init(epoch: Natural, release: [Natural], pre: (phase: Phase, number: Natural)?, post: Natural?, dev: Natural?,
                     local: [LocalPart]?) {
        self.epoch = epoch
        self.release = release
        self.pre = pre
        self.post = post
        self.dev = dev
        self.local = local
    }

    static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) == 0 }

    func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        hasher.combine(trimmedRelease)
        hasher.combine(pre?.phase)
        hasher.combine(pre?.number)
        hasher.combine(post)
        hasher.combine(dev)
        hasher.combine(local)
    }

    private var trimmedRelease: ArraySlice<Natural> {
        var end = release.count
        while end > 0, release[end - 1].isZero { end -= 1 }
        return release[0..<end]
    }

    /// `_cmpkey`: epoch; release without trailing zeros; pre-release (a `.devN` without pre or post
    /// sorts below every pre-release; no pre-release sorts above them all); post (none lowest); dev
    /// (none highest); local (none lowest, then segment by segment, a shorter prefix first).
    func compare(to other: PEP440Version) -> Int {
        if epoch != other.epoch { return threeWay(epoch, other.epoch) }
        let left = trimmedRelease, right = other.trimmedRelease
        for (a, b) in zip(left, right) where a != b { return threeWay(a, b) }
        if left.count != right.count { return left.count < right.count ? -1 : 1 }
        let preOrder = threeWay(preKey, other.preKey)
        if preOrder != 0 { return preOrder }
        let postOrder = compareOptional(post, other.post, missing: -1)
        if postOrder != 0 { return postOrder }
        let devOrder = compareOptional(dev, other.dev, missing: 1)
        if devOrder != 0 { return devOrder }
        switch (local, other.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?):
            for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
            return threeWay(a.count, b.count)
        }
    }

    /// The pre-release position as a comparable triple: (rank, phase, number) with rank 0 for
    /// "dev release of a final", 1 for a pre-release, 2 for "no pre-release".
    private var preKey: PreKey {
        if let pre { return PreKey(rank: 1, phase: pre.phase.rawValue, number: pre.number) }
        if post == nil, dev != nil { return PreKey(rank: 0, phase: 0, number: .zero) }
        return PreKey(rank: 2, phase: 0, number: .zero)
    }

    private struct PreKey: Comparable {
        var rank: Int
        var phase: Int
        var number: Natural

        static func < (lhs: PreKey, rhs: PreKey) -> Bool {
            (lhs.rank, lhs.phase) != (rhs.rank, rhs.phase) ? (lhs.rank, lhs.phase) < (rhs.rank, rhs.phase) : lhs.number < rhs.number
        }
    }

    private func compareOptional(_ a: Natural?, _ b: Natural?, missing: Int) -> Int {
        switch (a, b) {
        case (nil, nil): 0
        case (nil, _): missing
        case (_, nil): -missing
        case (let x?, let y?): threeWay(x, y)
        }
    }
}

extension PEP440Version: CustomStringConvertible {
    /// The normalised form (`1!2.0rc1.post3.dev4+abc.5`), as `str(Version(...))` prints it.
    var description: String {
        func text(_ number: Natural) -> String { number.isZero ? "0" : String(decoding: number.digits, as: UTF8.self) }
        var out = epoch.isZero ? "" : text(epoch) + "!"
        out += release.map(text).joined(separator: ".")
        if let pre { out += ["a", "b", "rc"][pre.phase.rawValue] + text(pre.number) }
        if let post { out += ".post" + text(post) }
        if let dev { out += ".dev" + text(dev) }
        if let local {
            out += "+" + local.map {
                switch $0 {
                case .word(let bytes): String(decoding: bytes, as: UTF8.self)
                case .number(let number): text(number)
                }
            }.joined(separator: ".")
        }
        return out
    }
}

/// A hand-written matcher of packaging's `VERSION_PATTERN`. Every optional part of the pattern is
/// greedy, and taking the longer choice never makes a later part fail where the shorter would have
/// matched (a separator left behind can always be taken by the next part's own optional
/// separator), so one left-to-right pass finds the match the regular expression finds.
private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(_ text: String) {
        var utf8 = Array(text.utf8)
        if utf8.allSatisfy({ $0 < 0x80 }) {
            // Python's `\s` in ASCII: \t \n \v \f \r, the separators 0x1C–0x1F and space.
            let blank: (UInt8) -> Bool = { ($0 >= 0x09 && $0 <= 0x0D) || ($0 >= 0x1C && $0 <= 0x20) }
            let start = utf8.firstIndex(where: { !blank($0) }) ?? utf8.count
            let end = utf8.lastIndex(where: { !blank($0) }).map { $0 + 1 } ?? start
            utf8 = Array(utf8[start..<max(start, end)])
        } else {
            utf8 = Array(String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()).utf8)
        }
        bytes = utf8.map(ASCII.lowercased)
    }

    func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func isSeparator(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") }

    mutating func digits() -> ArraySlice<UInt8>? {
        let start = index
        while let byte = peek(), ASCII.isDigit(byte) { index += 1 }
        return index > start ? bytes[start..<index] : nil
    }

    static let preLabels = ["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"].map { Array($0.utf8) }
    static let postLabels = ["post", "rev", "r"].map { Array($0.utf8) }
    static let devLabels = [Array("dev".utf8)]

    /// The index in `words` of the first (in the pattern's alternation order, so the longest) word at `position`.
    func word(at position: Int, _ words: [[UInt8]]) -> Int? {
        words.firstIndex { position + $0.count <= bytes.count && bytes[position..<(position + $0.count)].elementsEqual($0) }
    }

    /// `[-_.]?WORD[-_.]?N?`: the index of the word and its number (nil when absent), advancing past them.
    mutating func labelled(_ words: [[UInt8]]) -> (word: Int, number: Natural?)? {
        let start = isSeparator(peek()) ? index + 1 : index
        guard let word = word(at: start, words) else { return nil }
        index = start + words[word].count
        if isSeparator(peek()) { index += 1 }
        return (word, digits().map(Natural.init))
    }

    mutating func parse() -> PEP440Version? {
        if peek() == UInt8(ascii: "v") { index += 1 }
        guard let first = digits() else { return nil }
        var epoch = Natural.zero
        var release = [Natural(first)]
        if peek() == UInt8(ascii: "!") {
            index += 1
            epoch = Natural(first)
            guard let start = digits() else { return nil }
            release = [Natural(start)]
        }
        while peek() == UInt8(ascii: "."), let next = peek(1), ASCII.isDigit(next) {
            index += 1
            if let part = digits() { release.append(Natural(part)) }
        }
        var pre: (phase: PEP440Version.Phase, number: Natural)?
        if let label = labelled(Self.preLabels) {
            // alpha, a | beta, b | preview, pre, c, rc
            let phase: PEP440Version.Phase = label.word < 2 ? .alpha : (label.word < 4 ? .beta : .candidate)
            pre = (phase, label.number ?? .zero)
        }
        var post: Natural?
        if peek() == UInt8(ascii: "-"), let next = peek(1), ASCII.isDigit(next) {
            index += 1
            post = digits().map(Natural.init)
        } else if let label = labelled(Self.postLabels) {
            post = label.number ?? .zero
        }
        var dev: Natural?
        if let label = labelled(Self.devLabels) { dev = label.number ?? .zero }
        var local: [PEP440Version.LocalPart]?
        if peek() == UInt8(ascii: "+") {
            index += 1
            var parts: [PEP440Version.LocalPart] = []
            while true {
                let start = index
                while let byte = peek(), ASCII.isDigit(byte) || ASCII.isLower(byte) { index += 1 }
                guard index > start else { return nil }
                let part = bytes[start..<index]
                parts.append(part.allSatisfy(ASCII.isDigit) ? .number(Natural(part)) : .word(Array(part)))
                guard isSeparator(peek()) else { break }
                index += 1
            }
            local = parts
        }
        guard index == bytes.count else { return nil }
        return PEP440Version(epoch: epoch, release: release, pre: pre, post: post, dev: dev, local: local)
    }
}
