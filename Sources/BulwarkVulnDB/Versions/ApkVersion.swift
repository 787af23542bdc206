/// Alpine's apk versions `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`, tokenised and
/// ordered as apk-tools' `src/version.c` (`apk_version_compare`, `apk_version_validate`, as of
/// apk-tools 2.14/3.0) does:
///
/// - numbers compare as numbers, except that a dot-part with a leading zero compares as text
///   (`1.01 < 1.1`, the Gentoo rule);
/// - one lowercase letter may follow the numbers (`1.2a`);
/// - suffixes `_alpha < _beta < _pre < _rc <` (no suffix) `< _cvs < _svn < _git < _hg < _p`, each
///   with an optional number;
/// - `~hash` (hex) compares as text; `-rN` revisions compare as numbers;
/// - when one side runs out first, the other is newer unless what it has next is a pre-release
///   suffix (`1.0_rc1 < 1.0 < 1.0-r1 < 1.0_p1`: a `_p` is a later upstream than any revision).
///
/// Bulwark answers nil for a version apk itself calls invalid (`apk_version_validate`), where apk
/// would still give an answer from the valid prefix.
enum ApkVersion {
    /// Token kinds in apk's order: a later kind may follow an earlier one, and where two versions
    /// differ in the kind of their next token, the one at a later kind (or the end) is older.
    enum Token: Int, Comparable {
        case initialDigit, digit, letter, suffix, suffixNumber, commitHash, revision, end, invalid

        static func < (lhs: Token, rhs: Token) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Suffix values in order; `none` is the position of "no suffix".
    static let suffixes: [String: Int] = ["alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10]
    static let noSuffix = 5

    struct State {
        var token = Token.initialDigit
        var suffix = 0
        var number: UInt64 = 0
        var value: ArraySlice<UInt8> = []
    }

    struct Cursor {
        var bytes: ArraySlice<UInt8>

        /// `apk_blob_pull_uint`: decimal digits, wrapping on overflow as the C `uint64_t` does.
        mutating func digits(into state: inout State) {
            let original = bytes
            var number: UInt64 = 0
            while let byte = bytes.first, byte != 0, ASCII.isDigit(byte) {
                number = number &* 10 &+ UInt64(byte - 0x30)
                bytes = bytes.dropFirst()
            }
            state.number = number
            state.value = original[original.startIndex..<bytes.startIndex]
            if state.value.isEmpty { state.token = .invalid }
        }

        mutating func first(_ state: inout State) {
            state.token = .initialDigit
            digits(into: &state)
        }

        /// `token_next`: the next token's kind from its first byte, refusing kinds that may not
        /// follow the current one.
        mutating func next(_ state: inout State) {
            guard let byte = bytes.first else {
                state.token = .end
                return
            }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard state.token <= .digit else { return invalid(&state) }
                state.value = bytes.prefix(1)
                state.token = .letter
                bytes = bytes.dropFirst()
            case UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if byte == UInt8(ascii: ".") {
                    guard state.token <= .digit else { return invalid(&state) }
                    bytes = bytes.dropFirst()
                }
                switch state.token {
                case .initialDigit, .digit: state.token = .digit
                case .suffix: state.token = .suffixNumber
                default: return invalid(&state)
                }
                digits(into: &state)
            case UInt8(ascii: "_"):
                guard state.token <= .suffixNumber else { return invalid(&state) }
                bytes = bytes.dropFirst()
                let name = bytes.prefix(while: ASCII.isLower)
                bytes = bytes.dropFirst(name.count)
                state.value = name
                guard let suffix = ApkVersion.suffixes[String(decoding: name, as: UTF8.self)] else { return invalid(&state) }
                state.suffix = suffix
                state.token = .suffix
            case UInt8(ascii: "~"):
                guard state.token < .commitHash else { return invalid(&state) }
                bytes = bytes.dropFirst()
                let hash = bytes.prefix(while: { ASCII.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) })
                bytes = bytes.dropFirst(hash.count)
                guard !hash.isEmpty else { return invalid(&state) }
                state.value = hash
                state.token = .commitHash
            case UInt8(ascii: "-"):
                guard state.token < .revision, bytes.dropFirst().first == UInt8(ascii: "r") else { return invalid(&state) }
                bytes = bytes.dropFirst(2)
                state.token = .revision
                digits(into: &state)
            default:
                invalid(&state)
            }
        }

        private func invalid(_ state: inout State) { state.token = .invalid }
    }

    /// `token_cmp` for two tokens of the same kind.
    static func compareTokens(_ a: State, _ b: State) -> Int {
        switch a.token {
        case .digit where a.value.first == UInt8(ascii: "0") || b.value.first == UInt8(ascii: "0"):
            return ASCII.compareBytes(a.value, b.value)
        case .digit, .initialDigit, .suffixNumber, .revision:
            return threeWay(a.number, b.number)
        case .letter:
            return threeWay(a.value.first ?? 0, b.value.first ?? 0)
        case .suffix:
            return threeWay(a.suffix, b.suffix)
        default:
            return ASCII.compareBytes(a.value, b.value)
        }
    }

    static func isValid(_ version: String) -> Bool {
        var cursor = Cursor(bytes: Array(version.utf8)[...])
        var state = State()
        cursor.first(&state)
        while state.token < .end { cursor.next(&state) }
        return state.token == .end
    }

    /// -1, 0, 1, or nil when either version is invalid.
    static func compare(_ lhs: String, _ rhs: String) -> Int? {
        guard isValid(lhs), isValid(rhs) else { return nil }
        var left = Cursor(bytes: Array(lhs.utf8)[...]), right = Cursor(bytes: Array(rhs.utf8)[...])
        var a = State(), b = State()
        left.first(&a)
        right.first(&b)
        while a.token == b.token, a.token < .end {
            let order = compareTokens(a, b)
            if order != 0 { return order }
            left.next(&a)
            right.next(&b)
        }
        if a.token == b.token { return 0 }
        if a.token == .suffix, a.suffix < noSuffix { return -1 }
        if b.token == .suffix, b.suffix < noSuffix { return 1 }
        if a.token > b.token { return -1 }
        if b.token > a.token { return 1 }
        return 0
    }
}
