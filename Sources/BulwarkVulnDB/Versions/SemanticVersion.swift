/// A SemVer 2.0.0 version (https://semver.org): `MAJOR.MINOR.PATCH[-pre.release][+build]`, with
/// the spec's precedence (§11): numbers as numbers; a pre-release sorts below its release;
/// pre-release identifiers compare numerically when both are numeric, numeric below alphanumeric,
/// otherwise as ASCII text, and a shorter list that is a prefix is lower; build metadata is ignored.
/// A leading `v` (Go module versions) is accepted; leading zeros in numbers are not (§2, §9).
struct SemanticVersion: Sendable, Hashable {
    enum Identifier: Sendable, Hashable, Comparable {
        case number(Natural)
        case text([UInt8])

        static func < (lhs: Identifier, rhs: Identifier) -> Bool {
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): a < b
            case (.number, .text): true
            case (.text, .number): false
            case (.text(let a), .text(let b)): ASCII.compareBytes(a[...], b[...]) < 0
            }
        }
    }

    var core: [Natural]
    var prerelease: [Identifier]

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "v") { bytes = bytes.dropFirst() }
        if let plus = bytes.firstIndex(of: UInt8(ascii: "+")) {
            let build = bytes[(plus + 1)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierByte) }) else { return nil }
            bytes = bytes[..<plus]
        }
        var pre: ArraySlice<UInt8>?
        if let hyphen = bytes.firstIndex(of: UInt8(ascii: "-")) {
            pre = bytes[(hyphen + 1)...]
            bytes = bytes[..<hyphen]
        }
        let numbers = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard numbers.count == 3, numbers.allSatisfy(Self.isNumber) else { return nil }
        core = numbers.map(Natural.init)
        prerelease = []
        if let pre {
            for part in pre.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard !part.isEmpty, part.allSatisfy(Self.isIdentifierByte) else { return nil }
                if part.allSatisfy(ASCII.isDigit) {
                    guard Self.isNumber(part) else { return nil }
                    prerelease.append(.number(Natural(part)))
                } else {
                    prerelease.append(.text(Array(part)))
                }
            }
        }
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool { ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: "-") }

    /// A numeric identifier: digits without a leading zero (`0` itself is fine).
    private static func isNumber(_ part: ArraySlice<UInt8>) -> Bool {
        !part.isEmpty && part.allSatisfy(ASCII.isDigit) && (part.count == 1 || part.first != UInt8(ascii: "0"))
    }

    func compare(to other: SemanticVersion) -> Int {
        for (a, b) in zip(core, other.core) where a != b { return threeWay(a, b) }
        switch (prerelease.isEmpty, other.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false):
            for (a, b) in zip(prerelease, other.prerelease) where a != b { return a < b ? -1 : 1 }
            return threeWay(prerelease.count, other.prerelease.count)
        }
    }
}
