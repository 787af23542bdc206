extension JSONValue {
    /// The value as compact JSON (no whitespace), object members in their stored order, strings
    /// escaped as `QuotedString` says; NaN and infinities as `null`. For wire formats (admission
    /// responses, JSON patches) where the pretty reporters' layout is only bytes to send.
    public var compactJSON: [UInt8] {
        var bytes: [UInt8] = []
        appendCompactJSON(to: &bytes)
        return bytes
    }

    /// A number as JSON writes it: integral values within ±2^53 without a fraction, others as the
    /// shortest text that reads back to the same `Double`; `null` for NaN and infinities, which JSON
    /// has not.
    public static func numberText(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        return number == number.rounded() && abs(number) < 9_007_199_254_740_992 ? String(Int64(number)) : String(number)
    }

    public func appendCompactJSON(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let value): bytes.append(contentsOf: Self.numberText(value).utf8)
        case .string(let text): QuotedString.append(text, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                item.appendCompactJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                QuotedString.append(member.0, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.1.appendCompactJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
