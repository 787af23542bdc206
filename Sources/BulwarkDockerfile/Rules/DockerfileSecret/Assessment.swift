import BulwarkCore

/// Assessing literal values: whether the value of a named variable is a credential, and how
/// messages show it.
extension DockerfileSecretRules {
    struct Assessment {
        let severity: Severity
        /// `a literal value`, `a Hugging Face token` …
        let what: String
        let redacted: String
    }

    /// Nil when the value is not a credential: no token format and a non-sensitive name, or an
    /// empty value, a reference (`$VAR`, `${VAR}`), a file path or a boolean. High for a token
    /// format or a random-looking value of a credential name, `plainSeverity` for other literals,
    /// medium for placeholders.
    static func assessment(name: String, value: String, plainSeverity: Severity = .high) -> Assessment? {
        if let match = SecretDetector.scan(value: value, name: name).first {
            return Assessment(severity: .high, what: match.kind.displayName, redacted: redact(match, in: value))
        }
        guard SecretDetector.isSensitiveName(name) else { return nil }
        if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || value.contains("$") || SecretDetector.isPath(value)
            || SecretDetector.isFlag(value) {
            return nil
        }
        let redacted = SecretDetector.redact(value)
        if SecretDetector.looksLikeSecretValue(value) { return Assessment(severity: .high, what: "a literal high-entropy value", redacted: redacted) }
        if SecretDetector.isPlaceholder(value) { return Assessment(severity: .medium, what: "a literal placeholder value", redacted: redacted) }
        return Assessment(severity: plainSeverity, what: "a literal value", redacted: redacted)
    }

    /// The redacted matched text.
    static func redact(_ match: SecretMatch, in value: String) -> String {
        let bytes = Array(value.utf8)
        guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
        return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
    }
}
