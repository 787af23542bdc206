import BulwarkCore
import Foundation

extension SecretRules {
    /// How a literal value of a named variable or key reads as a credential.
    struct CredentialLiteral {
        let severity: Severity
        /// `a literal value`, `a GitHub token` …
        let what: String
        let redacted: String

        /// Nil when the value is not a credential: no token format and a non-sensitive name, or an
        /// empty value, a reference (`$(VAR)`, `${VAR}`, `{{ … }}`), a file path or a boolean.
        /// High for a token format or a random-looking value; `plainSeverity` for other literals of
        /// a credential name; medium for placeholders.
        static func assess(name: String, value: String, plainSeverity: Severity) -> CredentialLiteral? {
            if let match = SecretDetector.scan(value: value, name: name).first {
                return CredentialLiteral(severity: .high, what: "a literal value with \(match.kind.displayName)", redacted: redact(match, in: value))
            }
            guard SecretDetector.isSensitiveName(name) else { return nil }
            if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || SecretDetector.isPath(value)
                || SecretDetector.isFlag(value) {
                return nil
            }
            let redacted = SecretDetector.redact(value)
            if SecretDetector.looksLikeSecretValue(value) {
                return CredentialLiteral(severity: .high, what: "a literal high-entropy value", redacted: redacted)
            }
            if SecretDetector.isPlaceholder(value) {
                return CredentialLiteral(severity: .medium, what: "a literal placeholder value", redacted: redacted)
            }
            return CredentialLiteral(severity: plainSeverity, what: "a literal value", redacted: redacted)
        }

        /// The redacted matched text.
        static func redact(_ match: SecretMatch, in value: String) -> String {
            let bytes = Array(value.utf8)
            guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
            return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
        }
    }
}
