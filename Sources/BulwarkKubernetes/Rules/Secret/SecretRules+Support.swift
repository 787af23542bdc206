import BulwarkCore
import Foundation

/// Helpers shared by the secret rules: their controls, the reading of a ConfigMap value, and the
/// Secret data recorded in a last-applied-configuration annotation.
extension SecretRules {
    /// How the Kubernetes secret rules describe a token format found in a value.
    static func literalValueWith(_ token: String) -> String { "a literal value with \(token)" }

    static let secretControls: [ControlID] = ["owasp-k8s:K08", "cis-k8s:5.4.2", "nist-800-190:4.1.4", "nsa-k8s:secrets", "mitre-atlas:AML.T0055"]

    static func configMapValue(_ object: KubeObject, key: String, keyNode: YAMLNode, value: String, valueNode: YAMLNode) -> [Violation] {
        let field = "data[\(key)]"
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
        let content = lines.last?.isEmpty == true ? lines.dropLast() : lines[...]
        if content.count <= 1 {
            let line = String(content.first ?? "")
            if let assessment = CredentialLiteral.assess(name: key, value: line, plainSeverity: .high, tokenPhrase: literalValueWith) {
                return [Violation("\(object.displayName) key \"\(key)\" holds \(assessment.what) (\(assessment.redacted))",
                                  at: valueNode, field: field, severity: assessment.severity)]
            }
            // A one-line setting such as `password=…` or `token: …`.
            for assignment in SecretDetector.assignments(in: line) {
                guard let assessment = CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .high, tokenPhrase: literalValueWith)
                else { continue }
                return [Violation("\(object.displayName) key \"\(key)\" sets \(assignment.key) to \(assessment.what) (\(assessment.redacted))",
                                  at: valueNode, field: field, severity: assessment.severity)]
            }
            return []
        }
        // An embedded file: report each line with a token or a credential assignment, at that line
        // when the value is a literal block (`|`), whose lines map one-to-one onto the source.
        var findings: [Int: (String, Severity)] = [:]
        for assignment in SecretDetector.assignments(in: value) {
            guard let assessment = CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .high, tokenPhrase: literalValueWith) else { continue }
            findings[assignment.line] = ("sets \(assignment.key) to \(assessment.what) (\(assessment.redacted))", assessment.severity)
        }
        for (index, line) in content.enumerated() where findings[index] == nil {
            let text = String(line)
            guard let match = SecretDetector.scan(value: text).first else { continue }
            findings[index] = ("contains \(match.kind.displayName) (\(CredentialLiteral.redact(match, in: text)))", .high)
        }
        return findings.keys.sorted().compactMap { index in
            guard let (what, severity) = findings[index] else { return nil }
            let node: YAMLNode
            if valueNode.scalarStyle == .literal {
                let position = TextPosition(line: valueNode.position.line + 1 + index, column: keyNode.position.column + 2)
                node = YAMLNode(.scalar(String(content[index]), .plain), position: position)
            } else {
                node = valueNode
            }
            return Violation("\(object.displayName) key \"\(key)\" line \(index + 1) \(what)", at: node, field: field, severity: severity)
        }
    }

    static let lastAppliedKeys = ["kubectl.kubernetes.io/last-applied-configuration", "kubecfg.ksonnet.io/last-applied-configuration"]

    /// The number of non-empty `data`/`stringData` entries of the Secret recorded in a
    /// last-applied-configuration annotation; nil when it records no Secret data.
    static func plaintextKeyCount(inAppliedConfiguration text: String) -> Int? {
        let result = YAMLReader.read(text)
        guard result.errors.isEmpty, let root = result.documents.first?.root, root.isMapping else {
            // Not parseable: report when it plainly holds a data section.
            return text.contains("\"data\":{\"") || text.contains("\"stringData\":{\"") ? 1 : nil
        }
        guard root["kind"]?.string ?? "Secret" == "Secret" else { return nil }
        let count = ["data", "stringData"].reduce(0) { total, section in
            total + (root[section]?.pairs ?? []).filter { !($0.value.string ?? "").isEmpty }.count
        }
        return count > 0 ? count : nil
    }
}
