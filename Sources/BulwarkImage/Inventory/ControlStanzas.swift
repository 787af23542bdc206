/// The RFC 822-like field format that dpkg's status database, distroless `status.d/*` files and
/// Python's core metadata (`METADATA`, `PKG-INFO`) share: `Field: value` lines, continuation lines
/// starting with a space or tab, records (stanzas) separated by blank lines.
///
/// Field names are matched case-insensitively (deb-control(5): "field names are not case-sensitive").
struct ControlStanza: Sendable {
    /// Fields in order; a field given twice keeps both (Python's `Classifier`).
    var fields: [(name: String, value: String)] = []
    /// 1-based line of the stanza's first field, for warnings.
    var line: Int

    /// The first value of `name`.
    subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    func all(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }
}

enum ControlStanzas {
    /// One stanza per blank-line-separated block. A line that is neither a field nor a continuation is
    /// reported in `malformedLines` and skipped; it does not end the stanza.
    ///
    /// `headerOnly` stops at the first blank line (core metadata: the body after it is the long
    /// description, whose lines may look like fields).
    static func parse(_ bytes: some Collection<UInt8>, headerOnly: Bool = false) -> (stanzas: [ControlStanza], malformedLines: [Int]) {
        var stanzas: [ControlStanza] = []
        var malformed: [Int] = []
        var current: ControlStanza?
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = String(decoding: rawLine, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if let done = current {
                    stanzas.append(done)
                    current = nil
                    if headerOnly { return (stanzas, malformed) }
                }
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard var stanza = current, !stanza.fields.isEmpty else {
                    malformed.append(lineNumber)
                    continue
                }
                let continuation = line.trimmingWhitespace()
                let last = stanza.fields.count - 1
                stanza.fields[last].value += stanza.fields[last].value.isEmpty ? continuation : "\n" + continuation
                current = stanza
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                malformed.append(lineNumber)
                continue
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if current == nil { current = ControlStanza(line: lineNumber) }
            current?.fields.append((name, value))
        }
        if let done = current { stanzas.append(done) }
        return (stanzas, malformed)
    }
}
