import BulwarkCore

/// Reads `os-release` (freedesktop.org's format: `KEY=value` lines, values optionally in single or
/// double quotes, shell escapes `\"`, `\\`, `` \` ``, `\$` inside double quotes, `#` comments).
///
/// `etc/os-release` wins over `usr/lib/os-release`: the spec says the former is read first and the
/// latter is the fallback (it is usually a symlink target of the former).
enum OSReleaseReader {
    static let paths = ["etc/os-release", "usr/lib/os-release"]

    /// Nil when there is no `ID` (the spec's default `linux` names no distribution a database covers).
    static func parse(_ bytes: [UInt8]) -> OperatingSystemRelease? {
        let fields = fields(String(decoding: bytes, as: UTF8.self))
        guard let id = fields["ID"]?.lowercased(), !id.isEmpty else { return nil }
        return OperatingSystemRelease(id: id, versionID: fields["VERSION_ID"].flatMap { $0.isEmpty ? nil : $0 },
                                      codename: fields["VERSION_CODENAME"].flatMap { $0.isEmpty ? nil : $0 },
                                      prettyName: fields["PRETTY_NAME"])
    }

    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard !key.isEmpty else { continue }
            result[key] = unquote(Substring(line[line.index(after: equals)...]))
        }
        return result
    }

    /// The value as a shell would read it: quoted parts lose their quotes, `\` escapes the next
    /// character outside single quotes.
    static func unquote(_ value: Substring) -> String {
        var out = ""
        var quote: Character?
        var escaped = false
        for character in value {
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\", quote != "'" {
                escaped = true
            } else if let open = quote {
                if character == open { quote = nil } else { out.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && out.isEmpty {
                break
            } else {
                out.append(character)
            }
        }
        return out.trimmingWhitespace()
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
