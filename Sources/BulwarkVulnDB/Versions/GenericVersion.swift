/// Dot-separated numbers and words, numbers compared as numbers (the fallback ordering for
/// ecosystems without a scheme of their own). Never nil: every string has some order here.
enum GenericVersion {
    static func compare(_ lhs: String, _ rhs: String) -> Int? {
        let left = parts(lhs), right = parts(rhs)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : "0", b = index < right.count ? right[index] : "0"
            let aDigits = Array(a.utf8), bDigits = Array(b.utf8)
            if aDigits.allSatisfy(ASCII.isDigit), bDigits.allSatisfy(ASCII.isDigit) {
                let order = ASCII.compareNumbers(aDigits[...], bDigits[...])
                if order != 0 { return order }
            } else if a != b {
                return a < b ? -1 : 1
            }
        }
        return 0
    }

    static func isValid(_ version: String) -> Bool { !parts(version).isEmpty }

    static func parts(_ version: String) -> [String] {
        version.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}

/// Byte classes and arbitrary-size number comparison shared by the orderings. Versions are
/// compared as ASCII bytes because every reference (dpkg, apk, rpm, packaging) does: a number
/// never overflows (`20240101120000` is a common Debian upstream) since digits are compared as text.
enum ASCII {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLetter(_ byte: UInt8) -> Bool { isLower(byte) || isUpper(byte) }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte + 0x20 : byte }

    /// Two runs of digits compared as non-negative numbers of any size: leading zeros dropped, then
    /// the longer is larger, then the first differing digit decides.
    static func compareNumbers(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Int {
        let a = lhs.drop(while: { $0 == 0x30 }), b = rhs.drop(while: { $0 == 0x30 })
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        return compareBytes(a, b)
    }

    /// memcmp, then length (shorter first): C `strcmp` on byte strings.
    static func compareBytes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Int {
        for (a, b) in zip(lhs, rhs) where a != b { return a < b ? -1 : 1 }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }
}

/// A non-negative integer of any size, kept as its digits without leading zeros (`007` is `7`).
struct Natural: Sendable, Hashable, Comparable {
    let digits: [UInt8]

    init(_ digits: ArraySlice<UInt8>) { self.digits = Array(digits.drop(while: { $0 == 0x30 })) }

    static let zero = Natural([][...])

    var isZero: Bool { digits.isEmpty }

    static func < (lhs: Natural, rhs: Natural) -> Bool { ASCII.compareNumbers(lhs.digits[...], rhs.digits[...]) < 0 }
}

/// -1, 0 or 1 from two comparable values.
func threeWay<T: Comparable>(_ lhs: T, _ rhs: T) -> Int { lhs < rhs ? -1 : (lhs == rhs ? 0 : 1) }
