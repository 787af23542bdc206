import Foundation
import BulwarkCore
import BulwarkDockerfile

/// Runs a Dockerfile rule's examples in variants; returns human-readable problems (empty = pass).
///
/// Variants (STYLE.md habit 2): as written; after unrelated comment lines (inserted below any
/// parser directives, so they stay directives) the findings move down by as many lines; CRLF line
/// ends and a UTF-8 BOM change nothing; commented out line by line (`# `) nothing fires; with a
/// `# bulwark:ignore <rule-id> <reason>` comment above each instruction that has a finding, every
/// finding is kept but suppressed with that reason.
public enum DockerfileRuleExampleVerifier {
    public struct Variant: Sendable, CustomStringConvertible {
        enum Kind: Sendable { case asWritten, shifted, crlf, bom, commentedOut, suppressed }

        public let name: String
        let kind: Kind

        public var description: String { name }
    }

    public static let variants: [Variant] = [
        Variant(name: "as written", kind: .asWritten),
        Variant(name: "after unrelated comment lines", kind: .shifted),
        Variant(name: "with CRLF line ends", kind: .crlf),
        Variant(name: "with a UTF-8 BOM", kind: .bom),
        Variant(name: "commented out", kind: .commentedOut),
        Variant(name: "suppressed by # bulwark:ignore", kind: .suppressed),
    ]

    static let unrelatedLines = ["# Unrelated comment lines above the example", "# move every finding down", ""]
    static let suppressionReason = "verified by the example test"

    /// Checks one example of one rule in one variant.
    public static func verify(_ rule: DockerfileRule, example: RuleExample, failing: Bool, variant: Variant) -> [String] {
        let (text, markers) = example.stripped
        var problems: [String] = []
        let scanner = DockerfileScanner(rules: [rule])

        func scan(_ input: String) -> [Finding]? {
            let dockerfile = DockerfileParser.parse(text: input, file: example.fileName)
            // A file of comments only is an error for BuildKit ("file with no instructions"); the
            // commented-out variant wants no findings, whatever the parser says.
            if !dockerfile.errors.isEmpty && variant.kind != .commentedOut {
                problems.append("example does not parse (\(variant)): \(dockerfile.errors.map(\.description).joined(separator: "; "))")
                return nil
            }
            return scanner.scan(dockerfile).filter { $0.ruleId == rule.id }
        }

        var expected = markers
        let input: String
        switch variant.kind {
        case .asWritten, .suppressed:
            input = text
        case .shifted:
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let directives = leadingDirectiveCount(lines)
            input = (lines[..<directives] + unrelatedLines + lines[directives...]).joined(separator: "\n")
            expected = markers.map { $0.line > directives ? TextPosition(line: $0.line + unrelatedLines.count, column: $0.column) : $0 }
        case .crlf:
            input = text.replacingOccurrences(of: "\n", with: "\r\n")
        case .bom:
            input = "\u{FEFF}" + text
        case .commentedOut:
            input = text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n")
        }
        guard let findings = scan(input) else { return problems }

        let expectsFindings = failing && variant.kind != .commentedOut
        if !expectsFindings {
            if !findings.isEmpty {
                problems.append("\(rule.id) fired on a \(failing ? "failing example " : "passing example ")(\(variant)): " + describe(findings))
            }
            return problems
        }
        if findings.isEmpty {
            problems.append("\(rule.id) did not fire on a failing example (\(variant))")
            return problems
        }
        for finding in findings where finding.message.isEmpty {
            problems.append("\(rule.id) produced a finding without a message at \(finding.location)")
        }

        if variant.kind == .suppressed {
            return problems + verifySuppression(rule, text: text, findings: findings, scan: scan)
        }
        for finding in findings where finding.suppressed {
            problems.append("\(rule.id) (\(variant)) finding at \(finding.location) is suppressed without a pragma")
        }
        let actual = findings.map { TextPosition(line: $0.location.line, column: $0.location.column) }
        if !expected.isEmpty, Set(expected) != Set(actual) || actual.count != Set(actual).count {
            problems.append("\(rule.id) (\(variant)) expected findings at \(describe(expected)) but found them at \(describe(actual)): " + describe(findings))
        }
        return problems
    }

    /// Puts a pragma above each instruction holding a finding and expects all of them suppressed.
    private static func verifySuppression(_ rule: DockerfileRule, text: String, findings: [Finding], scan: (String) -> [Finding]?) -> [String] {
        let dockerfile = DockerfileParser.parse(text: text, file: "Dockerfile")
        var starts: Set<Int> = []
        for finding in findings {
            guard let instruction = dockerfile.instructions.first(where: { $0.startLine <= finding.location.line && finding.location.line <= $0.endLine }) else {
                return ["\(rule.id) reported \(finding.location.line):\(finding.location.column), outside every instruction"]
            }
            starts.insert(instruction.startLine)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for start in starts.sorted(by: >) {
            lines.insert("# bulwark:ignore \(rule.id) \(suppressionReason)", at: start - 1)
        }
        guard let suppressed = scan(lines.joined(separator: "\n")) else { return [] }
        var problems: [String] = []
        if suppressed.count != findings.count {
            problems.append("\(rule.id) found \(suppressed.count) instead of \(findings.count) findings with pragmas: " + describe(suppressed))
        }
        for finding in suppressed where !finding.suppressed || finding.suppressionReason != suppressionReason {
            problems.append("\(rule.id) finding at \(finding.location.line):\(finding.location.column) is not suppressed by the pragma above its instruction")
        }
        return problems
    }

    /// The number of parser-directive lines at the top (`# syntax=`, `# escape=`, `# check=`).
    static func leadingDirectiveCount(_ lines: [String]) -> Int {
        var count = 0
        for line in lines {
            let body = line.drop { $0 == " " || $0 == "\t" }
            guard body.hasPrefix("#") else { break }
            let directive = body.dropFirst().drop { $0 == " " || $0 == "\t" }.lowercased()
            guard ["syntax", "escape", "check"].contains(where: { directive.hasPrefix($0) && directive.dropFirst($0.count).drop(while: { $0 == " " }).hasPrefix("=") })
            else { break }
            count += 1
        }
        return count
    }

    static func describe(_ positions: [TextPosition]) -> String {
        positions.sorted().map { "\($0.line):\($0.column)" }.joined(separator: ", ")
    }

    static func describe(_ findings: [Finding]) -> String {
        findings.map { "\($0.location.line):\($0.location.column) \($0.message)" }.joined(separator: "; ")
    }
}
