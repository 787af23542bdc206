/// Byte helpers of the matchers and the value checks: they read UTF-8 bytes and allocate nothing.
extension SecretDetector {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    @inline(__always) static func ascii(_ scalar: Unicode.Scalar) -> UInt8 { UInt8(scalar.value) }
    @inline(__always) static func isURLSafe(_ b: UInt8) -> Bool { ASCII.isAlphanumeric(b) || b == 0x2D || b == 0x5F }

    /// No letter, digit or underscore right before `i` (a token starts a word).
    @inline(__always) static func wordStart(_ b: Bytes, _ i: Int) -> Bool {
        i == 0 || !(ASCII.isAlphanumeric(b[i - 1]) || b[i - 1] == 0x5F)
    }

    /// No letter, digit or underscore at `end` (a fixed-length token ends a word).
    @inline(__always) static func wordEnd(_ b: Bytes, _ end: Int) -> Bool {
        end >= b.count || !(ASCII.isAlphanumeric(b[end]) || b[end] == 0x5F)
    }

    @inline(__always) static func hasPrefix(_ b: Bytes, _ i: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i >= 0, i + count <= b.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where b[i + offset] != start[offset] { return false }
        return true
    }

    @inline(__always) static func runEnd(_ b: Bytes, from start: Int, where predicate: (UInt8) -> Bool) -> Int {
        var end = start
        while end < b.count, predicate(b[end]) { end += 1 }
        return end
    }

    /// At least 5 distinct bytes and no run of 6 equal bytes: not `xxxx…` or `0000…`.
    static func diverse(_ b: Bytes, _ range: Range<Int>) -> Bool {
        var seen: (UInt64, UInt64) = (0, 0)
        var distinct = 0
        var run = 0
        var previous: UInt8 = 0
        for index in range {
            let byte = b[index] & 0x7F
            run = byte == previous ? run + 1 : 1
            if run >= 6 { return false }
            previous = byte
            if byte < 64 {
                if seen.0 & (1 << UInt64(byte)) == 0 { seen.0 |= 1 << UInt64(byte); distinct += 1 }
            } else if seen.1 & (1 << UInt64(byte - 64)) == 0 {
                seen.1 |= 1 << UInt64(byte - 64)
                distinct += 1
            }
        }
        return distinct >= 5
    }

    static func hasMixedCase(_ b: Bytes, _ range: Range<Int>) -> Bool {
        var upper = false, lower = false
        for index in range {
            if ASCII.isUpper(b[index]) { upper = true } else if ASCII.isLower(b[index]) { lower = true }
        }
        return upper && lower
    }

    /// Whether `window` contains the lower-case ASCII letters of `needle` in any case.
    static func containsCaseInsensitive(_ window: Bytes, _ needle: StaticString) -> Bool {
        containsLowercased(window, needle)
    }

    static func containsLowercased(_ b: Bytes, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard b.count >= count else { return false }
        let start = needle.utf8Start
        outer: for offset in 0...(b.count - count) {
            for position in 0..<count where lowercased(b[offset + position]) != start[position] { continue outer }
            return true
        }
        return false
    }

    static func firstIndex(_ b: Bytes, _ needle: StaticString) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard b.count >= count else { return nil }
        let start = needle.utf8Start
        outer: for offset in 0...(b.count - count) {
            for position in 0..<count where b[offset + position] != start[position] { continue outer }
            return offset
        }
        return nil
    }

    static func contains(_ b: Bytes, _ needle: StaticString) -> Bool { firstIndex(b, needle) != nil }

    static func equalsLowercased(_ b: Bytes, _ word: StaticString) -> Bool {
        b.count == word.utf8CodeUnitCount && hasPrefixLowercased(b, word)
    }

    static func hasPrefixLowercased(_ b: Bytes, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard b.count >= count else { return false }
        let start = prefix.utf8Start
        for position in 0..<count where lowercased(b[position]) != start[position] { return false }
        return true
    }

    @inline(__always) private static func lowercased(_ b: UInt8) -> UInt8 { ASCII.isUpper(b) ? b | 0x20 : b }
}
