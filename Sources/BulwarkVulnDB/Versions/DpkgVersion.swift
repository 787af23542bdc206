/// A Debian package version `[epoch:]upstream[-revision]`, parsed as dpkg's `parseversion` does
/// and ordered by Debian Policy §5.6.12 (dpkg's `verrevcmp`): epochs as numbers, then upstream,
/// then revision, each compared by alternating non-digit and digit runs, where in the non-digit
/// runs `~` sorts before everything (even the end of the string), then the end, then letters,
/// then every other character by its code; digit runs compare as numbers.
///
/// Where dpkg only warns (an upstream that does not start with a digit, characters outside
/// `A-Za-z0-9.+~-:`), Bulwark refuses the version: the policy forbids it, and an advisory's
/// range must not be decided by a version dpkg itself calls bad syntax.
struct DpkgVersion: Sendable, Hashable {
    var epoch: Natural
    var upstream: [UInt8]
    /// Empty when the version has no `-`; `1.0` and `1.0-0` are equal, as in dpkg.
    var revision: [UInt8]

    init?(_ text: String) {
        // Leading and trailing blanks are trimmed; a blank inside is an error.
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        var version = bytes[first...last]
        guard !version.contains(where: { $0 == 0x20 || $0 == 0x09 }) else { return nil }
        if let colon = version.firstIndex(of: UInt8(ascii: ":")) {
            let epoch = version[version.startIndex..<colon]
            // strtol into an int: digits only, at most INT_MAX.
            guard !epoch.isEmpty, epoch.allSatisfy(ASCII.isDigit), ASCII.compareNumbers(epoch, Array("2147483647".utf8)[...]) <= 0
            else { return nil }
            self.epoch = Natural(epoch)
            version = version[(colon + 1)...]
            guard !version.isEmpty else { return nil }
        } else {
            epoch = .zero
        }
        if let hyphen = version.lastIndex(of: UInt8(ascii: "-")) {
            revision = Array(version[(hyphen + 1)...])
            guard !revision.isEmpty else { return nil }
            upstream = Array(version[version.startIndex..<hyphen])
        } else {
            revision = []
            upstream = Array(version)
        }
        guard let head = upstream.first, ASCII.isDigit(head),
              upstream.allSatisfy({ ASCII.isAlphanumeric($0) || Array(".-+~:".utf8).contains($0) }),
              revision.allSatisfy({ ASCII.isAlphanumeric($0) || Array(".+~".utf8).contains($0) })
        else { return nil }
    }

    func compare(to other: DpkgVersion) -> Int {
        if epoch != other.epoch { return threeWay(epoch, other.epoch) }
        let upstreamOrder = Self.verrevcmp(upstream, other.upstream)
        if upstreamOrder != 0 { return upstreamOrder }
        return Self.verrevcmp(revision, other.revision)
    }

    /// dpkg's `order()`: digits and the end 0, letters their code, `~` -1, anything else code + 256.
    private static func order(_ byte: UInt8?) -> Int {
        guard let byte else { return 0 }
        if ASCII.isDigit(byte) { return 0 }
        if ASCII.isLetter(byte) { return Int(byte) }
        if byte == UInt8(ascii: "~") { return -1 }
        return Int(byte) + 256
    }

    /// dpkg's `verrevcmp`, returning -1, 0 or 1.
    static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        func at(_ bytes: [UInt8], _ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func nonDigit(_ byte: UInt8?) -> Bool { byte.map { !ASCII.isDigit($0) } ?? false }
        func digit(_ byte: UInt8?) -> Bool { byte.map(ASCII.isDigit) ?? false }
        while i < a.count || j < b.count {
            while nonDigit(at(a, i)) || nonDigit(at(b, j)) {
                let ac = order(at(a, i)), bc = order(at(b, j))
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1
                j += 1
            }
            while at(a, i) == UInt8(ascii: "0") { i += 1 }
            while at(b, j) == UInt8(ascii: "0") { j += 1 }
            var firstDiff = 0
            while digit(at(a, i)), digit(at(b, j)) {
                if firstDiff == 0, let x = at(a, i), let y = at(b, j), x != y { firstDiff = x < y ? -1 : 1 }
                i += 1
                j += 1
            }
            if digit(at(a, i)) { return 1 }
            if digit(at(b, j)) { return -1 }
            if firstDiff != 0 { return firstDiff }
        }
        return 0
    }
}
