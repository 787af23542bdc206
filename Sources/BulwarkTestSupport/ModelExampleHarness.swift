import BulwarkArtifacts
import BulwarkCore

/// Model examples are text in one of the `ModelExampleFormats` (pickle programs in `PickleAssembly`
/// text, one opcode a line; other formats by their example file's extension): assembled into bytes
/// for the scan, and a finding's byte offset mapped back to the line it came from (column 1, where
/// the `↓` goes). Variants: as written, and after unrelated content where the format has a place
/// for it (every offset moves). A binary file has no comments, line ends or in-source suppressions
/// (`--allow` is the way).
public struct ModelExampleHarness: ExampleHarness {
    public let domain = "model"
    public let variants: [RuleExampleVerifier.Variant] = [.asWritten, .shifted]

    public init() {}

    public func shifted(_ text: String, markers: [TextPosition], fileName: String) -> (String, [TextPosition]) {
        guard let prefix = ModelExampleFormats.format(forFileName: fileName)?.unrelatedPrefix else { return (text, markers) }
        return ((prefix + [text]).joined(separator: "\n"),
                markers.map { TextPosition(line: $0.line + prefix.count, column: $0.column) })
    }

    public func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem> {
        .failure(ExampleProblem("model files have no in-source suppression"))
    }

    public func input(_ text: String, fileName: String) -> Result<[UInt8], ExampleProblem> {
        guard let format = ModelExampleFormats.format(forFileName: fileName) else {
            return .failure(ExampleProblem("no model example format for \(fileName)"))
        }
        do {
            return .success(try format.assemble(text).bytes)
        } catch {
            return .failure(ExampleProblem("\(error)"))
        }
    }

    public func position(of finding: Finding, in text: String, fileName: String) -> TextPosition {
        guard let offset = finding.location.offset, let format = ModelExampleFormats.format(forFileName: fileName),
              let file = try? format.assemble(text), let line = file.line(at: offset) else {
            return TextPosition(line: 0, column: 0)
        }
        return TextPosition(line: line, column: 1)
    }
}
