/// Values that are not secrets (references, placeholders, switches, paths, UUIDs), and redaction.
extension SecretDetector {
    /// A reference to a value held elsewhere, not a value: `$(VAR)` (Kubernetes expansion),
    /// `${VAR}` / `$VAR` (shell, envsubst), `{{ … }}` (Helm, Go templates).
    public static func isReference(_ value: String) -> Bool {
        withTrimmedUTF8(value, isReference)
    }

    /// An obvious stand-in for a credential: `changeme…`, `<your-token>`, `REPLACE_ME`, `xxx`,
    /// `****`, `TODO`, `dummy` …
    public static func isPlaceholder(_ value: String) -> Bool {
        withTrimmedUTF8(value, isPlaceholder)
    }

    /// Values that switch something rather than hold a secret: booleans and `none`/`disabled`.
    public static func isFlag(_ value: String) -> Bool {
        withTrimmedUTF8(value) { bytes in flagWords.contains { equalsLowercased(bytes, $0) } }
    }

    /// A file-system path (`/var/run/secrets/token`, `./key.pem`, `~/.aws/credentials`): where a
    /// secret is, not the secret.
    public static func isPath(_ value: String) -> Bool {
        withTrimmedUTF8(value, isPath)
    }

    /// `8-4-4-4-12` hexadecimal.
    public static func isUUID(_ value: String) -> Bool {
        withTrimmedUTF8(value, isUUID)
    }

    /// A value that can be shown in a report: the first 4 characters (none for values under 12
    /// characters), an ellipsis and the length, e.g. `ghp_…(40 chars)`. Never the whole value.
    public static func redact(_ value: String) -> String {
        let count = value.count
        guard count >= 12 else { return "…(\(count) chars)" }
        let shown = value.prefix(4).map { $0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol ? String($0) : "?" }
        return "\(shown.joined())…(\(count) chars)"
    }

    static let placeholderWords: [StaticString] = [
        "changeme", "change-me", "change_me", "replaceme", "replace-me", "replace_me", "todo", "tbd", "fixme",
        "dummy", "example", "sample", "password", "passwd", "secret", "token", "apikey", "api-key", "api_key", "none",
        "null", "nil", "redacted", "hidden", "masked", "test", "foo", "bar", "foobar", "default", "empty", "n/a", "na",
    ]
    static let placeholderPrefixes: [StaticString] = [
        "changeme", "change-me", "change_me", "change-this", "change_this", "changethis", "replace-", "replace_",
        "replaceme", "your-", "your_", "yourtoken", "insert-", "insert_", "enter-", "enter_", "put-your", "dummy-",
        "dummy_", "fake-", "fake_", "example-", "example_", "sample-", "sample_", "not-a-real", "notreal",
    ]
    static let flagWords: [StaticString] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "none", "disabled", "enabled", "disable",
        "enable", "required", "optional",
    ]

    static func withTrimmedUTF8<R>(_ value: String, _ body: (Bytes) -> R) -> R {
        var copy = value
        return copy.withUTF8 { buffer in
            var start = 0, end = buffer.count
            while start < end, ASCII.isSpace(buffer[start]) { start += 1 }
            while end > start, ASCII.isSpace(buffer[end - 1]) { end -= 1 }
            return body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
        }
    }

    static func isReference(_ b: Bytes) -> Bool {
        if let open = firstIndex(b, "{{"), let close = firstIndex(b, "}}"), open < close { return true }
        guard let first = b.first, first == ascii("$"), b.count >= 2 else { return false }
        let last = b[b.count - 1]
        if b[1] == ascii("("), last == ascii(")") { return true }
        if b[1] == ascii("{"), last == ascii("}") { return true }
        return UnsafeBufferPointer(rebasing: b[1...]).allSatisfy { ASCII.isAlphanumeric($0) || $0 == ascii("_") }
    }

    static func isPlaceholder(_ b: Bytes) -> Bool {
        guard let first = b.first else { return true }
        let last = b[b.count - 1]
        if first == ascii("<") && last == ascii(">") || first == ascii("[") && last == ascii("]") { return true }
        if b.count >= 3, b.allSatisfy({ $0 == first }) { return true }
        for word in placeholderWords where equalsLowercased(b, word) { return true }
        for prefix in placeholderPrefixes where hasPrefixLowercased(b, prefix) { return true }
        return containsLowercased(b, "xxxxxx") || contains(b, "******") || containsLowercased(b, "placeholder")
    }

    static func isPath(_ b: Bytes) -> Bool {
        guard !b.contains(where: ASCII.isSpace) else { return false }
        return hasPrefix(b, 0, "/") || hasPrefix(b, 0, "./") || hasPrefix(b, 0, "../") || hasPrefix(b, 0, "~/")
    }

    static func isUUID(_ b: Bytes) -> Bool {
        guard b.count == 36 else { return false }
        for position in 0..<36 {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                if b[position] != ascii("-") { return false }
            } else if !ASCII.isHexDigit(b[position]) {
                return false
            }
        }
        return true
    }
}
