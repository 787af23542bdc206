/// Escaping for XML 1.0 and HTML text and attribute values.
enum XMLText {
    /// Escapes `& < > " '` and drops characters XML 1.0 does not allow (C0 controls other than tab,
    /// line feed and carriage return; U+FFFE and U+FFFF). With `attribute`, tab, line feed and carriage
    /// return become character references so parsers do not normalise them to spaces.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x26: output += "&amp;"
            case 0x3C: output += "&lt;"
            case 0x3E: output += "&gt;"
            case 0x22: output += "&quot;"
            case 0x27: output += "&#39;"
            case 0x09: output += attribute ? "&#9;" : "\t"
            case 0x0A: output += attribute ? "&#10;" : "\n"
            case 0x0D: output += "&#13;"
            case 0x00..<0x20, 0xFFFE, 0xFFFF:
                continue
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
