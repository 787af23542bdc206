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
    /// in a Dockerfile), a value computed by a shell or template expansion anywhere in it (see
    /// `containsExpansion`), a file path or a flag. High for a token format or a random-looking value;
    /// `plainSeverity` for other literals of a credential name; medium for placeholders. A token
    /// format is described by `tokenPhrase` (its display name by default).
    public static func assess(name: String, value: String, plainSeverity: Severity, dollarIsReference: Bool = false,
                              tokenPhrase: (String) -> String = { $0 }) -> CredentialLiteral? {
        if let match = SecretDetector.scan(value: value, name: name).first {
            return CredentialLiteral(severity: .high, what: tokenPhrase(match.kind.displayName), redacted: redact(match, in: value))
        }
        guard SecretDetector.isSensitiveName(name) else { return nil }
        if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || (dollarIsReference && value.contains("$"))
            || containsExpansion(value) || SecretDetector.isPath(value) || SecretDetector.isFlag(value) {
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

    /// Whether the value is computed rather than written: it holds a shell command substitution
    /// (`$(…)`, backticks), a parameter expansion (`${…}`; `$VAR` or `$1` where a word starts), a template expression
    /// (`{{ … }}`) or a Python format field (`%(name)s`). `ESCAPED_AUTH=$(echo "${AUTH}" | sed …)` in a
    /// script assigns what the command prints, not a literal; a token format inside such a value is
    /// still found by `SecretDetector.scan`, which runs first.
    public static func containsExpansion(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "`"):
                if bytes[(index + 1)...].contains(UInt8(ascii: "`")) { return true }
            case UInt8(ascii: "$"):
                if next == UInt8(ascii: "(") || next == UInt8(ascii: "{") { return true }
                // `$VAR` where a word starts (`$TOKEN`, `Bearer $TOKEN`, `user:$PASS`), not inside
                // one: `Pa$sword1` is a literal password with a dollar sign.
                let startsWord = index == 0 || !(ASCII.isAlphanumeric(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "$"))
                if startsWord, next == UInt8(ascii: "_") || ASCII.isAlphanumeric(next) { return true }
            case UInt8(ascii: "{"):
                if next == UInt8(ascii: "{"), let close = firstIndex(of: "}}", in: bytes, from: index + 2), close > index { return true }
            case UInt8(ascii: "%"):
                if next == UInt8(ascii: "("), let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: ")")),
                   close + 1 < bytes.count, Self.formatConversions.contains(bytes[close + 1]) { return true }
            default:
                break
            }
            index += 1
        }
        return false
    }

    /// Python `%`-format conversion characters.
    private static let formatConversions: Set<UInt8> = Set("sdirfxXeEgGcoa".utf8)

    private static func firstIndex(of needle: String, in bytes: [UInt8], from start: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        for index in start...(bytes.count - pattern.count) where bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    /// The matched text of `value`, redacted.
    public static func redact(_ match: SecretMatch, in value: String) -> String {
        let bytes = Array(value.utf8)
        guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
        return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
    }
}
