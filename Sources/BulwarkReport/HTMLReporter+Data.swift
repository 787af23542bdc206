import BulwarkCore

/// The findings as JSON for the page's script, in `<script type="application/json" id="bulwark-data">`:
///
/// ```
/// {"pageSize":100,"severities":["critical",…],"stages":["build",…],"stageTitles":["Build",…],
///  "rules":[[id,title,stage],…],"strings":[…],"findings":[[severity,rule,message,file,position,
///  object,container,remediation,suppressed,reason,template],…]}
/// ```
///
/// `severity`, `stage` and `rule` are indices into their lists; `file`, `object`, `container`,
/// `remediation`, `reason` and `template` into `strings` (-1: none), so repeated text is written
/// once; `position` follows the file name (`:12:5`, `!member@1042`); `suppressed` is 0 (no), 1 (in
/// source) or 2 (external). Strings are JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped too,
/// so the data can never close its element or be read as markup.
extension HTMLReporter {
    struct DataRow: Sendable {
        var rule: Int
        var file: Int
        var object: Int
        var container: Int
        var remediation: Int
        var reason: Int
        var template: Int
    }

    func writeData(_ report: Report, into page: inout TextStream) {
        let ruleIds = Set(report.findings.map(\.ruleId)).sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleIds.enumerated().map { ($1, $0) })
        var ruleTitles: [String: String] = [:]
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        func intern(_ text: String?) -> Int {
            guard let text else { return -1 }
            if let index = stringIndex[text] { return index }
            strings.append(text)
            stringIndex[text] = strings.count - 1
            return strings.count - 1
        }
        var rows: [DataRow] = []
        rows.reserveCapacity(report.findings.count)
        for finding in report.findings {
            if ruleTitles[finding.ruleId] == nil { ruleTitles[finding.ruleId] = finding.title }
            rows.append(DataRow(
                rule: ruleIndex[finding.ruleId] ?? 0, file: intern(finding.location.file),
                object: intern(finding.object?.displayName ?? ObjectSection.Subject(finding).display),
                container: intern(finding.object?.container), remediation: intern(finding.remediation),
                reason: finding.suppressed ? intern(finding.suppressionReason ?? "no reason given") : -1,
                template: intern(finding.templateSource)))
        }
        let stages = LifecycleStage.allCases
        page += "<script type=\"application/json\" id=\"bulwark-data\">{\"pageSize\":\(max(1, limits.pageSize)),\"severities\":["
        page += Severity.descending.map { Self.json($0.rawValue) }.joined(separator: ",")
        page += "],\"stages\":[" + stages.map { Self.json($0.rawValue) }.joined(separator: ",")
        page += "],\"stageTitles\":[" + stages.map { Self.json($0.title) }.joined(separator: ",") + "],\n\"rules\":["
        page += ruleIds.map { id in
            let stage = stages.firstIndex(of: LifecycleStage(ruleId: id)) ?? 0
            return "[\(Self.json(id)),\(Self.json(ruleTitles[id] ?? "")),\(stage)]"
        }.joined(separator: ",\n")
        page += "],\n\"strings\":["
        for (index, text) in strings.enumerated() { page += (index == 0 ? "" : ",\n") + Self.json(text) }
        page += "],\n\"findings\":[\n"
        let findings = report.findings
        let dataRows = rows
        let lastIndex = findings.count - 1
        page.rows(Array(findings.indices)) { index in
            let finding = findings[index]
            let row = dataRows[index]
            let severity = Severity.descending.firstIndex(of: finding.severity) ?? 0
            let position = String(decoding: finding.location.description.utf8.dropFirst(finding.location.file.utf8.count), as: UTF8.self)
            let suppressed = finding.suppressed ? ((finding.suppressionKind ?? .inSource) == .external ? 2 : 1) : 0
            return "[\(severity),\(row.rule),\(Self.json(finding.message)),\(row.file),\(Self.json(position)),\(row.object),"
                + "\(row.container),\(row.remediation),\(suppressed),\(row.reason),\(row.template)]\(index == lastIndex ? "" : ",")\n"
        }
        page += "]}</script>\n"
    }

    /// A JSON string safe inside a script element: the JSON escapes, and `<`, `>`, `&`, U+2028,
    /// U+2029 (and every other control or format character) as `\uXXXX`.
    static func json(_ text: String) -> String {
        var output = "\""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x09: output += "\\t"
            case 0x0D: output += "\\r"
            case 0x00..<0x20, 0x26, 0x3C, 0x3E, 0x7F..<0xA0, 0x2028, 0x2029, 0xFEFF:
                let hex = Array("0123456789abcdef".unicodeScalars)
                output += "\\u"
                for shift in stride(from: 12, through: 0, by: -4) {
                    output.unicodeScalars.append(hex[Int((scalar.value >> UInt32(shift)) & 15)])
                }
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }
}
