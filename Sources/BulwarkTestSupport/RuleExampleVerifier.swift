import Foundation
import BulwarkCore
import BulwarkEngine

/// Runs a rule's examples, and variants of them, through the rule's domain exactly as a scan
/// does; returns human-readable problems (empty = pass). One verifier for every domain, at one
/// standard:
///
/// - a failing example marks every finding with `↓` (no marker is a problem), the rule fires
///   exactly there, and never twice at one position;
/// - a passing example, and every example commented out line by line, gives no finding;
/// - moved down by unrelated lines, the findings move down by as many lines;
/// - with CRLF line ends or a UTF-8 byte-order mark, nothing changes;
/// - with the domain's in-source suppression added for each finding (an annotation, a comment),
///   every finding is still reported, suppressed, with the reason given.
///
/// How each variant is written is the domain's (`ExampleHarness`); examples are judged on a
/// fixed day (`evaluationDate`) so they do not change with the calendar.
public enum RuleExampleVerifier {
    public enum Variant: String, Sendable, CaseIterable, CustomStringConvertible {
        case asWritten = "as written"
        case shifted = "after unrelated lines"
        case crlf = "with CRLF line ends"
        case bom = "with a UTF-8 BOM"
        case commentedOut = "commented out"
        case suppressed = "suppressed in the source"

        public var description: String { rawValue }
    }

    /// The day examples are judged on.
    public static let evaluationDate = CalendarDate(year: 2026, month: 12, day: 1)!
    static let suppressionReason = "verified by the example test"

    /// Checks one example of one rule in one variant.
    public static func verify(_ rule: any AnyRule, example: RuleExample, failing: Bool, variant: Variant,
                              domain: any ScanDomain, harness: any ExampleHarness) -> [String] {
        let id = rule.descriptor.id
        let (text, markers) = example.stripped
        var problems: [String] = []
        func scan(_ input: String) -> [Finding]? {
            let context = ScanContext(enabledRules: [id], evaluationDate: evaluationDate)
            let bytes: [UInt8]
            switch harness.input(input, fileName: example.fileName) {
            case .failure(let problem):
                problems.append("example cannot be written as input (\(variant)): \(problem)")
                return nil
            case .success(let converted): bytes = converted
            }
            let source = SourceInput(name: harness.sourceName(example.fileName), bytes: bytes)
            let result = harness.scan(source, context: context) ?? domain.scan(sources: [source], documents: [], context: context)
            // A Dockerfile of comments only is an error for BuildKit; the commented-out variant
            // only asks for no finding.
            if !result.errors.isEmpty && variant != .commentedOut {
                problems.append("example does not load (\(variant)): " + result.errors.map(\.message).joined(separator: "; "))
                return nil
            }
            // A finding suppressed outside the input (an image example's VEX statement) does not
            // fire: it is left out like one a configuration suppresses.
            return result.findings.filter { $0.ruleId == id && !($0.suppressed && $0.suppressionKind == .external) }
        }

        if failing && markers.isEmpty && variant == .asWritten {
            problems.append("\(id): failing example has no ↓ marker where its finding must land")
        }
        var expected = markers
        let input: String
        switch variant {
        case .asWritten, .suppressed: input = text
        case .shifted: (input, expected) = harness.shifted(text, markers: markers, fileName: example.fileName)
        case .crlf: input = text.replacingOccurrences(of: "\n", with: "\r\n")
        case .bom: input = "\u{FEFF}" + text
        case .commentedOut: input = harness.commentedOut(text)
        }
        guard let findings = scan(input) else { return problems }

        if !failing || variant == .commentedOut {
            if !findings.isEmpty {
                problems.append("\(id) fired on a \(failing ? "failing" : "passing") example (\(variant)): " + describe(findings))
            }
            return problems
        }
        if findings.isEmpty {
            problems.append("\(id) did not fire on a failing example (\(variant))")
            return problems
        }
        for finding in findings where finding.message.isEmpty {
            problems.append("\(id) produced a finding without a message at \(finding.location)")
        }
        if variant == .suppressed {
            return problems + verifySuppression(id, text: text, findings: findings, harness: harness, scan: scan)
        }
        for finding in findings where finding.suppressed {
            problems.append("\(id) (\(variant)) finding at \(finding.location.line):\(finding.location.column) is suppressed without a suppression")
        }
        let actual = findings.map { harness.position(of: $0, in: input, fileName: example.fileName) }
        if actual.count != Set(actual).count {
            problems.append("\(id) (\(variant)) reported two findings at one position: " + describe(findings))
        }
        if !expected.isEmpty && Set(expected) != Set(actual) {
            problems.append("\(id) (\(variant)) expected findings at \(describe(expected)) but found them at \(describe(actual)): "
                + describe(findings))
        }
        return problems
    }

    /// Adds the domain's suppression for each finding and expects every finding kept, suppressed.
    private static func verifySuppression(_ id: String, text: String, findings: [Finding], harness: any ExampleHarness,
                                          scan: (String) -> [Finding]?) -> [String] {
        let suppressed: String
        switch harness.suppressed(text, findings: findings, ruleId: id, reason: suppressionReason) {
        case .failure(let problem): return ["\(id): \(problem)"]
        case .success(let text): suppressed = text
        }
        guard let again = scan(suppressed) else { return [] }
        var problems: [String] = []
        if again.count != findings.count {
            problems.append("\(id) found \(again.count) instead of \(findings.count) findings once suppressed: " + describe(again))
        }
        for finding in again where !finding.suppressed || finding.suppressionReason != suppressionReason {
            problems.append("\(id) finding at \(finding.location.line):\(finding.location.column) is not suppressed by the suppression added for it")
        }
        return problems
    }

    static func describe(_ positions: [TextPosition]) -> String {
        positions.sorted().map { "\($0.line):\($0.column)" }.joined(separator: ", ")
    }

    static func describe(_ findings: [Finding]) -> String {
        findings.map { "\($0.location.line):\($0.location.column) \($0.message)" }.joined(separator: "; ")
    }
}

/// A reason the suppression variant cannot be written.
public struct ExampleProblem: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// How a domain writes the variants of its examples: where unrelated lines go, what a comment is,
/// how a finding is suppressed in the source.
public protocol ExampleHarness: Sendable {
    /// The domain (`ScanDomain.name`) this harness writes variants for.
    var domain: String { get }
    /// The name an example is scanned under (a path where no context file can exist).
    func sourceName(_ fileName: String) -> String
    /// The text with unrelated lines added before it, and where the markers move.
    func shifted(_ text: String, markers: [TextPosition], fileName: String) -> (String, [TextPosition])
    /// The text with every line made a comment.
    func commentedOut(_ text: String) -> String
    /// The text with an in-source suppression of `ruleId` for each finding.
    func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem>
    /// The variants that apply to the domain's inputs (a binary format has no comments or line ends).
    var variants: [RuleExampleVerifier.Variant] { get }
    /// The bytes an example's text stands for (UTF-8 for text formats; assembled for binary ones).
    func input(_ text: String, fileName: String) -> Result<[UInt8], ExampleProblem>
    /// Where in the example's text a finding lands.
    func position(of finding: Finding, in text: String, fileName: String) -> TextPosition
    /// The scan of one example, for a harness that runs the rules itself because the domain reads
    /// another kind of input than the examples are written in (images); nil: the domain's scan.
    func scan(_ source: SourceInput, context: ScanContext) -> DomainScanResult?
}

extension ExampleHarness {
    /// A directory that cannot exist (`/dev/null` is a file), so no `.dockerignore` or other
    /// context file is found next to an example.
    public func sourceName(_ fileName: String) -> String { "/dev/null/\(fileName)" }

    public func commentedOut(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n")
    }

    public var variants: [RuleExampleVerifier.Variant] { RuleExampleVerifier.Variant.allCases }

    public func input(_ text: String, fileName: String) -> Result<[UInt8], ExampleProblem> { .success(Array(text.utf8)) }

    public func position(of finding: Finding, in text: String, fileName: String) -> TextPosition {
        TextPosition(line: finding.location.line, column: finding.location.column)
    }

    public func scan(_ source: SourceInput, context: ScanContext) -> DomainScanResult? { nil }
}

/// The harness of every domain of the engine.
public enum ExampleHarnesses {
    public static let all: [any ExampleHarness] = [KubernetesExampleHarness(), DockerfileExampleHarness(), ModelExampleHarness(),
                                                    ImageExampleHarness()]

    public static func harness(for domain: String) -> (any ExampleHarness)? {
        all.first { $0.domain == domain }
    }
}
