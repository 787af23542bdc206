import BulwarkArtifacts
import BulwarkCore

/// Model examples are pickle programs in `PickleAssembly` text, one opcode a line: assembled into
/// bytes for the scan, and a finding's byte offset mapped back to the line of its opcode (column 1,
/// where the `↓` goes). Variants: as written, and after an unrelated pickle (every offset moves).
/// A binary file has no comments, line ends or in-source suppressions (`--allow` is the way).
public struct ModelExampleHarness: ExampleHarness {
    public let domain = "model"
    public let variants: [RuleExampleVerifier.Variant] = [.asWritten, .shifted]

    static let unrelated = ["PROTO 2", "NONE", "STOP"]

    public init() {}

    public func shifted(_ text: String, markers: [TextPosition]) -> (String, [TextPosition]) {
        ((Self.unrelated + [text]).joined(separator: "\n"),
         markers.map { TextPosition(line: $0.line + Self.unrelated.count, column: $0.column) })
    }

    public func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem> {
        .failure(ExampleProblem("model files have no in-source suppression"))
    }

    public func input(_ text: String) -> Result<[UInt8], ExampleProblem> {
        do {
            return .success(try PickleAssembly.assemble(text).bytes)
        } catch {
            return .failure(ExampleProblem("\(error)"))
        }
    }

    public func position(of finding: Finding, in text: String) -> TextPosition {
        guard let offset = finding.location.offset, let lines = try? PickleAssembly.assemble(text).offsets,
              let line = lines.first(where: { $0.value == offset })?.key else {
            return TextPosition(line: 0, column: 0)
        }
        return TextPosition(line: line, column: 1)
    }
}
