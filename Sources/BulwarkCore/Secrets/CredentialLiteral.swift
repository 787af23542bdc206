/// How a literal value of a named variable or key reads as a credential: one assessment for the
/// environment of a pod, a ConfigMap entry, a command-line flag and a Dockerfile's ENV or ARG.
public struct CredentialLiteral: Sendable, Hashable {
    public let severity: Severity
    /// `a literal value`, `a GitHub token` …
    public let what: String
    /// The value as messages may show it (`SecretDetector.redact`).
    public let redacted: String

    public init(severity: Severity, what: String, redacted: String) {
        self.severity = severity
        self.what = what
        self.redacted = redacted
    }

    /// Nil when the value is not a credential: no token format and a non-sensitive name, or an
    /// empty value, a reference (`$(VAR)`, `${VAR}`, `{{ … }}`; any `$` when `dollarIsReference`, as
    /// in a Dockerfile), a file path or a flag. High for a token format or a random-looking value;
    /// `plainSeverity` for other literals of a credential name; medium for placeholders. A token
    /// format is described by `tokenPhrase` (its display name by default).
    public static func assess(name: String, value: String, plainSeverity: Severity, dollarIsReference: Bool = false,
                              tokenPhrase: (String) -> String = { $0 }) -> CredentialLiteral? {
        if let match = SecretDetector.scan(value: value, name: name).first {
            return CredentialLiteral(severity: .high, what: tokenPhrase(match.kind.displayName), redacted: redact(match, in: value))
        }
        guard SecretDetector.isSensitiveName(name) else { return nil }
        if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || (dollarIsReference && value.contains("$"))
            || SecretDetector.isPath(value) || SecretDetector.isFlag(value) {
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

    /// The matched text of `value`, redacted.
    public static func redact(_ match: SecretMatch, in value: String) -> String {
        let bytes = Array(value.utf8)
        guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
        return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
    }
}
