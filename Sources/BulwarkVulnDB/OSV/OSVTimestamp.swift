import BulwarkCore

/// An OSV time (`modified`, `published`, `withdrawn`): RFC 3339, held as microseconds since 1970 in
/// UTC (microseconds, not nanoseconds: real records carry Go's zero time `0001-01-01T00:00:00Z`,
/// which nanoseconds in 64 bits cannot hold; digits past the sixth are dropped) so that
/// `2024-06-05T14:00:00+02:00` and `2024-06-05T12:00:00Z` compare equal, and written
/// back in UTC (`2024-06-05T12:00:00Z`, fraction kept without trailing zeros).
///
/// Incremental import compares `modified` through this type: a record is rewritten only when its
/// time is later than the stored one. A time without an offset is read as UTC (OSV requires `Z`;
/// some exporters drop it, and rejecting the record would lose it).
public struct OSVTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// Nil unless `text` is `YYYY-MM-DD[Tt ]HH:MM:SS[.fraction][Z|z|±HH:MM]` with a real date.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, [0x54, 0x74, 0x20].contains(bytes[10]),
              bytes[13] == 0x3A, bytes[16] == 0x3A,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              hour < 24, minute < 60, second <= 60,
              let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale: Int64 = 100_000
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Int64(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            switch bytes[index] {
            case 0x5A, 0x7A:
                index += 1
            case 0x2B, 0x2D:
                guard bytes.count == index + 6, bytes[index + 3] == 0x3A, let hours = digits(index + 1, 2), let minutes = digits(index + 4, 2),
                      hours < 24, minutes < 60 else { return nil }
                offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        microseconds = seconds * 1_000_000 + fraction
    }

    /// UTC, `2021-08-25T04:30:09.712538Z`.
    public var description: String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let date = CalendarDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(date)T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    public static func < (lhs: OSVTimestamp, rhs: OSVTimestamp) -> Bool { lhs.microseconds < rhs.microseconds }
}
