/// An rpm `[epoch:]version[-release]`, ordered as rpm's `rpmverCmp`: epoch (missing is 0), then
/// `rpmvercmp` on the versions, then on the releases only when both sides have one (so `1.0`
/// matches every `1.0-N`, as `rpm -q --whatprovides` and dnf do).
struct RPMVersion: Sendable, Hashable {
    var epoch: [UInt8]
    var version: [UInt8]
    var release: [UInt8]?

    /// rpm's `parseEVR`: the epoch is the leading digits when a `:` follows them; the release is
    /// what follows the last `-`. Empty versions and blanks are refused.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, !bytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else { return nil }
        let digitsEnd = bytes.firstIndex(where: { !ASCII.isDigit($0) }) ?? bytes.count
        var rest = bytes[...]
        if digitsEnd < bytes.count, bytes[digitsEnd] == UInt8(ascii: ":") {
            epoch = digitsEnd == 0 ? Array("0".utf8) : Array(bytes[0..<digitsEnd])
            rest = bytes[(digitsEnd + 1)...]
        } else {
            epoch = Array("0".utf8)
        }
        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            release = Array(rest[(hyphen + 1)...])
            version = Array(rest[rest.startIndex..<hyphen])
        } else {
            release = nil
            version = Array(rest)
        }
        guard !version.isEmpty, release?.isEmpty != true else { return nil }
    }

    func compare(to other: RPMVersion) -> Int {
        let epochOrder = Self.rpmvercmp(epoch, other.epoch)
        if epochOrder != 0 { return epochOrder }
        let versionOrder = Self.rpmvercmp(version, other.version)
        if versionOrder != 0 { return versionOrder }
        guard let release, let otherRelease = other.release else { return 0 }
        return Self.rpmvercmp(release, otherRelease)
    }

    /// rpm's `rpmvercmp` (rpmio/rpmvercmp.c): segments of digits or letters, separators skipped;
    /// `~` sorts before everything, even the end; `^` sorts after the end but before any other
    /// segment; a numeric segment beats an alphabetic one; numbers compare by value; when all
    /// segments tie, the side with something left is newer.
    static func rpmvercmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        var i = 0, j = 0
        func at(_ bytes: [UInt8], _ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func isSeparator(_ byte: UInt8?) -> Bool {
            guard let byte else { return false }
            return !ASCII.isAlphanumeric(byte) && byte != UInt8(ascii: "~") && byte != UInt8(ascii: "^")
        }
        let tilde = UInt8(ascii: "~"), caret = UInt8(ascii: "^")
        while i < a.count || j < b.count {
            while isSeparator(at(a, i)) { i += 1 }
            while isSeparator(at(b, j)) { j += 1 }
            let x = at(a, i), y = at(b, j)
            if x == tilde || y == tilde {
                if x != tilde { return 1 }
                if y != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            if x == caret || y == caret {
                if x == nil { return -1 }
                if y == nil { return 1 }
                if x != caret { return 1 }
                if y != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            guard let first = x, y != nil else { break }
            let numeric = ASCII.isDigit(first)
            let belongs: (UInt8) -> Bool = { numeric ? ASCII.isDigit($0) : ASCII.isLetter($0) }
            let startA = i, startB = j
            while let byte = at(a, i), belongs(byte) { i += 1 }
            while let byte = at(b, j), belongs(byte) { j += 1 }
            if startB == j { return numeric ? 1 : -1 }
            let segmentOrder = numeric ? ASCII.compareNumbers(a[startA..<i], b[startB..<j]) : ASCII.compareBytes(a[startA..<i], b[startB..<j])
            if segmentOrder != 0 { return segmentOrder }
        }
        let restA = i < a.count, restB = j < b.count
        if !restA, !restB { return 0 }
        return restA ? 1 : -1
    }
}
