/// The one sanitiser for text shown to people: every table, warning, error line and diff header.
///
/// Object names, file names, RBAC subjects and label values come from the scanned input, and a
/// name holding an escape sequence (`ESC ] … BEL`), a carriage return or a line feed could rewrite
/// what the terminal shows or forge extra lines. Each such character is shown as a visible escape
/// instead, so one input value is always one run of printable text:
/// - line feed, carriage return and tab as `\n`, `\r`, `\t`;
/// - other C0 controls, DEL and C1 controls as `\u{1b}`, `\u{7f}`, `\u{85}` …;
/// - U+2028/U+2029 (line and paragraph separators) and the bidirectional controls (U+061C,
///   U+200E/U+200F, U+202A–U+202E, U+2066–U+2069, which can reorder what is displayed) as `\u{…}`;
/// - a backslash is kept as it is (escapes are for reading, not for parsing back).
public enum TerminalText {
    @inline(__always) public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every unsafe character shown as an escape.
    public static func sanitized(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return String(text) }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                output.append(scalar)
                continue
            }
            let escape: String = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: "\\u{\(String(scalar.value, radix: 16))}"
            }
            output.append(contentsOf: escape.unicodeScalars)
        }
        return String(output)
    }

    /// Sanitises each line of a multi-line text, keeping its line feeds (for tables and listings
    /// built from sanitised parts, as a last guard).
    public static func sanitizedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(sanitized).joined(separator: "\n")
    }
}

extension StringProtocol {
    /// This text, safe to show on a terminal (see `TerminalText`).
    public var terminalSafe: String { TerminalText.sanitized(self) }
}
