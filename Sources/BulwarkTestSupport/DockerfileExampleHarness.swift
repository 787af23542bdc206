import BulwarkCore
import BulwarkDockerfile

/// Variants of Dockerfile examples: unrelated comment lines below the parser directives (so they
/// stay directives), `# ` before every line, and a `# bulwark:ignore <rule-id> <reason>` comment
/// above each instruction that holds a finding.
public struct DockerfileExampleHarness: ExampleHarness {
    public let domain = "dockerfile"

    static let unrelatedLines = ["# Unrelated comment lines above the example", "# move every finding down", ""]

    public init() {}

    public func shifted(_ text: String, markers: [TextPosition], fileName: String) -> (String, [TextPosition]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let directives = Self.leadingDirectiveCount(lines)
        let shifted = (lines[..<directives] + Self.unrelatedLines + lines[directives...]).joined(separator: "\n")
        return (shifted, markers.map { $0.line > directives ? TextPosition(line: $0.line + Self.unrelatedLines.count, column: $0.column) : $0 })
    }

    public func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem> {
        let dockerfile = DockerfileParser.parse(text: text, file: "Dockerfile")
        var starts: Set<Int> = []
        for finding in findings {
            guard let instruction = dockerfile.instructions.first(where: {
                $0.startLine <= finding.location.line && finding.location.line <= $0.endLine
            }) else {
                return .failure(ExampleProblem("finding at \(finding.location.line):\(finding.location.column) is outside every instruction, so no comment can suppress it"))
            }
            starts.insert(instruction.startLine)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for start in starts.sorted(by: >) {
            lines.insert("# bulwark:ignore \(ruleId) \(reason)", at: start - 1)
        }
        return .success(lines.joined(separator: "\n"))
    }

    /// The number of parser-directive lines at the top (`# syntax=`, `# escape=`, `# check=`).
    static func leadingDirectiveCount(_ lines: [String]) -> Int {
        var count = 0
        for line in lines {
            let body = line.drop { $0 == " " || $0 == "\t" }
            guard body.hasPrefix("#") else { break }
            let directive = body.dropFirst().drop { $0 == " " || $0 == "\t" }.lowercased()
            guard ["syntax", "escape", "check"].contains(where: {
                directive.hasPrefix($0) && directive.dropFirst($0.count).drop(while: { $0 == " " }).hasPrefix("=")
            }) else { break }
            count += 1
        }
        return count
    }
}
