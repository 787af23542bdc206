import Foundation
import BulwarkCore
import BulwarkKubernetes

/// Runs a rule's examples and variants of them; returns human-readable problems (empty = pass).
///
/// Variants (STYLE.md habit 2): the example commented out must not fire; after an unrelated YAML
/// document it must fire at the shifted lines; CRLF line ends and a UTF-8 BOM change nothing.
public enum RuleExampleVerifier {
    public struct Variant: Sendable, CustomStringConvertible {
        public let name: String
        let transform: @Sendable (String) -> String
        let lineShift: Int
        let expectsFindings: Bool

        public var description: String { name }
    }

    public static let variants: [Variant] = [
        Variant(name: "as written", transform: { $0 }, lineShift: 0, expectsFindings: true),
        Variant(name: "after an unrelated document", transform: { unrelatedDocument + $0 }, lineShift: 5, expectsFindings: true),
        Variant(name: "with CRLF line ends", transform: { $0.replacingOccurrences(of: "\n", with: "\r\n") }, lineShift: 0, expectsFindings: true),
        Variant(name: "with a UTF-8 BOM", transform: { "\u{FEFF}" + $0 }, lineShift: 0, expectsFindings: true),
        Variant(name: "commented out", transform: { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n")
        }, lineShift: 0, expectsFindings: false),
    ]

    static let unrelatedDocument = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: other}\ndata: {greeting: hello}\n---\n"

    /// Checks one example of one Kubernetes rule in one variant.
    public static func verify(_ rule: KubernetesRule, example: RuleExample, failing: Bool, variant: Variant) -> [String] {
        let (text, markers) = example.stripped
        let inventory = KubernetesLoader.parse(text: variant.transform(text), file: example.fileName)
        var problems: [String] = []
        if !inventory.errors.isEmpty {
            problems.append("example does not load (\(variant)): \(inventory.errors.map(\.description).joined(separator: "; "))")
            return problems
        }
        let findings = KubernetesScanner(rules: [rule]).scan(inventory).filter { $0.ruleId == rule.id }
        let actual = findings.map { TextPosition(line: $0.location.line, column: $0.location.column) }
        if !failing || !variant.expectsFindings {
            if !findings.isEmpty {
                problems.append("\(rule.id) fired on a \(failing ? "failing example " : "passing example ")(\(variant)): "
                    + findings.map { "\($0.location.line):\($0.location.column) \($0.message)" }.joined(separator: "; "))
            }
            return problems
        }
        if findings.isEmpty {
            problems.append("\(rule.id) did not fire on a failing example (\(variant))")
            return problems
        }
        if !markers.isEmpty {
            let expected = markers.map { TextPosition(line: $0.line + variant.lineShift, column: $0.column) }
            if Set(expected) != Set(actual) {
                problems.append("\(rule.id) (\(variant)) expected findings at \(describe(expected)) but found them at \(describe(actual)): "
                    + findings.map(\.message).joined(separator: "; "))
            }
        }
        for finding in findings where finding.message.isEmpty || finding.object == nil {
            problems.append("\(rule.id) produced a finding without message or object at \(finding.location)")
        }
        return problems
    }

    static func describe(_ positions: [TextPosition]) -> String {
        positions.sorted().map { "\($0.line):\($0.column)" }.joined(separator: ", ")
    }
}
