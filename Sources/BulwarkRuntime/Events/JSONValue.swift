import Foundation

/// A JSON value whose text is deterministic: object keys are written in sorted (byte) order and numbers
/// exactly as given, so encoder output can be compared byte for byte against golden files.
///
/// Written by hand rather than with `JSONEncoder`/`JSONSerialization` because those escape `/` (on Linux even
/// with options that differ by platform), format floating-point numbers differently across Foundation versions
/// and cannot splice an already-encoded object (the Splunk HEC envelope embeds the ECS object) cheaply.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    /// The text of a JSON number, written as given (a decimal such as Splunk's `1700000000.123`); the caller
    /// makes sure it is one.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// The compact text, without a trailing newline.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    public func write(into out: inout String) {
        switch self {
        case .string(let value): JSONValue.writeString(value, into: &out)
        case .integer(let value): out += String(value)
        case .unsigned(let value): out += String(value)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            // Sorted by UTF-8 bytes, not by locale: the order must not depend on the machine.
            for (index, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
                .enumerated()
            {
                if index > 0 { out += "," }
                JSONValue.writeString(key, into: &out)
                out += ":"
                members[key]?.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                // Control characters (and the two JavaScript line separators) as \u escapes: a file name
                // with a newline must not split an event line.
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Builds nested objects from dotted paths (`process.parent.pid`), skipping absent values, so an encoder
/// reads as the list of fields the schema documents.
struct JSONObjectBuilder {
    private(set) var members: [String: JSONValue] = [:]

    mutating func set(_ path: String, _ value: JSONValue?) {
        guard let value else { return }
        let parts = path.split(separator: ".").map(String.init)
        members = JSONObjectBuilder.insert(value, at: parts[...], into: members)
    }

    mutating func set(_ path: String, _ value: String?) { set(path, value.map(JSONValue.string)) }

    var value: JSONValue { .object(members) }

    private static func insert(_ value: JSONValue, at path: ArraySlice<String>, into object: [String: JSONValue])
        -> [String: JSONValue]
    {
        var object = object
        guard let head = path.first else { return object }
        let rest = path.dropFirst()
        if rest.isEmpty {
            object[head] = value
        } else {
            var child: [String: JSONValue] = [:]
            if case .object(let existing)? = object[head] { child = existing }
            object[head] = .object(insert(value, at: rest, into: child))
        }
        return object
    }
}

/// RFC 3339 timestamps in UTC with a fixed number of fractional digits, computed from the `Date` without a
/// formatter (formatters are not `Sendable` and round differently across Foundation versions).
enum RFC3339 {
    /// `digits` is 3 (milliseconds, ECS), 6 or 9 (nanoseconds, Tetragon). A `Date` (a `Double` of seconds) holds
    /// about a microsecond near the present, so the value is rounded to at most microseconds and further
    /// digits are zeros: the text never shows floating-point noise.
    static func string(_ date: Date, fractionDigits digits: Int) -> String {
        let digits = min(max(digits, 0), 9)
        let significant = min(digits, 6)
        var scale: Int64 = 1
        for _ in 0..<significant { scale *= 10 }
        let units = Int64((date.timeIntervalSince1970 * Double(scale)).rounded())
        let whole = units >= 0 ? units / scale : (units - scale + 1) / scale
        let fraction = units - whole * scale
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        out += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if digits > 0 {
            out += "." + pad(fraction, significant) + String(repeating: "0", count: digits - significant)
        }
        return out + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
