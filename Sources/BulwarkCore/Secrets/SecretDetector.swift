#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A known credential format found inside a value.
public struct SecretMatch: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case awsAccessKeyID = "aws-access-key-id"
        case awsSecretAccessKey = "aws-secret-access-key"
        case githubToken = "github-token"
        case githubFineGrainedToken = "github-fine-grained-token"
        case gitlabToken = "gitlab-token"
        case huggingFaceToken = "hugging-face-token"
        case openAIKey = "openai-api-key"
        case anthropicKey = "anthropic-api-key"
        case slackToken = "slack-token"
        case stripeSecretKey = "stripe-secret-key"
        case googleAPIKey = "google-api-key"
        case privateKey = "private-key"
        case jwt = "jwt"
        case connectionStringPassword = "connection-string-password"

        /// `a GitHub token`, `an AWS access key ID` …: what messages call it.
        public var displayName: String {
            switch self {
            case .awsAccessKeyID: "an AWS access key ID"
            case .awsSecretAccessKey: "an AWS secret access key"
            case .githubToken: "a GitHub token"
            case .githubFineGrainedToken: "a GitHub fine-grained personal access token"
            case .gitlabToken: "a GitLab personal access token"
            case .huggingFaceToken: "a Hugging Face token"
            case .openAIKey: "an OpenAI API key"
            case .anthropicKey: "an Anthropic API key"
            case .slackToken: "a Slack token"
            case .stripeSecretKey: "a Stripe secret key"
            case .googleAPIKey: "a Google API key"
            case .privateKey: "a private key"
            case .jwt: "a JSON Web Token"
            case .connectionStringPassword: "a connection string with a password"
            }
        }
    }

    public let kind: Kind
    /// UTF-8 byte offsets of the match inside the scanned value.
    public let range: Range<Int>

    public init(kind: Kind, range: Range<Int>) {
        self.kind = kind
        self.range = range
    }
}

/// Finds credentials in strings: known token formats, sensitive names, high-entropy values.
///
/// Pure and allocation-light: scanning walks the UTF-8 bytes once with hand-written matchers
/// (no regular expressions) and allocates only for the matches it returns. Shared by the
/// Kubernetes, Dockerfile and image scanners.
///
/// Decisions the rules rely on:
/// - `scan` reports formats, never guesses: a token whose body is an obvious placeholder
///   (`ghp_xxxx…`, fewer than 5 distinct characters) is not a match; a connection string
///   matches only when its password is a literal (not `${VAR}`, `$(VAR)`, `<password>`, `***`).
/// - `isSensitiveName` works on words (`_ - . /`, camelCase): `DB_PASSWORD`, `HF_TOKEN`,
///   `apiKey`, `PGPASSWORD`, `BASIC_AUTH` are sensitive; `TOKENIZER_PATH`, `SECRET_NAME`,
///   `PASSWORD_FILE`, `MAX_TOKENS`, `EOS_TOKEN`, `AUTH_MODE`, `PWD` are not (a name, path,
///   file, mode … word after the sensitive word means the value is not the secret itself).
/// - `looksLikeSecretValue` wants ≥ 16 characters of one token, ≥ 3.5 bits/char of Shannon
///   entropy, a mix of character classes, and rejects placeholders, references, paths, URLs,
///   UUIDs and host names.
/// - `redact` never shows more than the first 4 characters, and none of values under 12.
public enum SecretDetector {
    // MARK: - Token formats

    /// Every known token format in the value, in order of appearance.
    public static func scan(value: String) -> [SecretMatch] {
        scan(value: value, name: nil)
    }

    /// Like `scan(value:)`, with the variable or key name as context: under a name such as
    /// `AWS_SECRET_ACCESS_KEY`, a bare 40-character base64 value is an AWS secret access key.
    public static func scan(value: String, name: String?) -> [SecretMatch] {
        var copy = value
        let awsContext = name.map(nameSuggestsAWSSecret) ?? false
        return copy.withUTF8 { scan(utf8: $0, awsSecretContext: awsContext) }
    }

    /// Scans raw bytes (file contents, image layers). `awsSecretContext` says the bytes are the
    /// value of an AWS-secret-named variable.
    public static func scan(utf8 bytes: UnsafeBufferPointer<UInt8>, awsSecretContext: Bool = false) -> [SecretMatch] {
        var matches: [SecretMatch] = []
        let count = bytes.count
        var index = 0
        var base64RunEnd = 0
        while index < count {
            let byte = bytes[index]
            var found: (SecretMatch.Kind, Int)?
            switch byte {
            case ascii("A"):
                if wordStart(bytes, index) { found = matchAWSKeyID(bytes, index) ?? matchGoogleKey(bytes, index) }
            case ascii("g"):
                if wordStart(bytes, index) { found = matchGitHub(bytes, index) ?? matchGitLab(bytes, index) }
            case ascii("h"):
                if wordStart(bytes, index) { found = matchHuggingFace(bytes, index) }
            case ascii("s"), ascii("r"):
                if wordStart(bytes, index) { found = matchSK(bytes, index) }
            case ascii("x"):
                if wordStart(bytes, index) { found = matchSlack(bytes, index) }
            case ascii("-"):
                found = matchPrivateKey(bytes, index)
            case ascii("e"):
                if wordStart(bytes, index) { found = matchJWT(bytes, index) }
            case ascii(":"):
                if let (start, end) = matchConnectionString(bytes, index) {
                    // The scheme was already passed over; report from its start.
                    if let last = matches.last, last.range.upperBound > start { matches.removeLast() }
                    matches.append(SecretMatch(kind: .connectionStringPassword, range: start..<end))
                    index = end
                    continue
                }
            default:
                break
            }
            if found == nil, index >= base64RunEnd, isBase64(byte), index == 0 || !isBase64(bytes[index - 1]) {
                base64RunEnd = runEnd(bytes, from: index, where: isBase64)
                if base64RunEnd - index == 40, base64RunEnd == count || bytes[base64RunEnd] != ascii("="),
                   hasMixedCase(bytes, index..<base64RunEnd),
                   awsSecretContext || awsSecretKeyContext(bytes, before: index) {
                    found = (.awsSecretAccessKey, base64RunEnd)
                }
            }
            if let (kind, end) = found {
                matches.append(SecretMatch(kind: kind, range: index..<end))
                index = end
            } else {
                index += 1
            }
        }
        return matches
    }

    // MARK: - Names

    /// Whether an environment variable, config key or file name suggests that its value is a
    /// credential. Case-insensitive, word-aware (see the type's documentation).
    public static func isSensitiveName(_ name: String) -> Bool {
        let words = words(of: name)
        guard !words.isEmpty else { return false }
        var lastSensitive: Int?
        for (position, word) in words.enumerated() where isSensitiveWord(words, position, word) {
            lastSensitive = position
        }
        guard let lastSensitive else { return false }
        for word in words[(lastSensitive + 1)...] where nonSecretQualifiers.contains(word) {
            return false
        }
        return true
    }

    /// Words of a name, lower-cased: split at non-alphanumerics and camelCase humps
    /// (`apiKey` → api, key; `APIKey` → api, key; `db.password` → db, password).
    public static func words(of name: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        let bytes = Array(name.utf8)
        func flush() {
            if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        for (position, byte) in bytes.enumerated() {
            guard ASCII.isAlphanumeric(byte) else {
                flush()
                continue
            }
            if ASCII.isUpper(byte), !current.isEmpty {
                let previous = bytes[position - 1]
                let nextIsLower = position + 1 < bytes.count && ASCII.isLower(bytes[position + 1])
                if ASCII.isLower(previous) || ASCII.isUpper(previous) && nextIsLower {
                    flush()
                }
            }
            current.append(ASCII.isUpper(byte) ? byte + 32 : byte)
        }
        flush()
        return words
    }

    // MARK: - Values

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

    /// Whether the value is shaped like a generated secret: one token of ≥ 16 characters with
    /// ≥ 3.5 bits/char of Shannon entropy and mixed character classes, not a placeholder,
    /// reference, path, URL, UUID or host name.
    public static func looksLikeSecretValue(_ value: String) -> Bool {
        withTrimmedUTF8(value) { bytes in
            guard bytes.count >= 16, bytes.count <= 4096 else { return false }
            var hasDigit = false, hasUpper = false, hasLower = false, dots = 0, hostLike = true
            for byte in bytes {
                if byte <= 0x20 || byte == ascii("\"") || byte == ascii("'") || byte == ascii("{") || byte == ascii("}") { return false }
                if ASCII.isDigit(byte) { hasDigit = true } else if ASCII.isUpper(byte) { hasUpper = true } else if ASCII.isLower(byte) { hasLower = true }
                if byte == ascii(".") { dots += 1 } else if !(ASCII.isLower(byte) || ASCII.isDigit(byte) || byte == ascii("-")) { hostLike = false }
            }
            guard hasDigit && (hasUpper || hasLower) || hasUpper && hasLower && bytes.count >= 20 else { return false }
            // Host names and dotted identifiers: lower-case labels separated by dots.
            if dots >= 2 && hostLike { return false }
            if contains(bytes, "://") || isPath(bytes) || isReference(bytes) || isPlaceholder(bytes) || isUUID(bytes) { return false }
            return entropy(bytes) >= 3.5
        }
    }

    /// Shannon entropy of the value's bytes, in bits per byte.
    public static func shannonEntropy(_ value: String) -> Double {
        var copy = value
        return copy.withUTF8(entropy)
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

    // MARK: - Embedded files

    /// One `key = value` / `key: value` / `"key": "value"` line of a configuration text.
    public struct Assignment: Sendable, Hashable {
        public let key: String
        public let value: String
        /// 0-based line index inside the text.
        public let line: Int

        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// The assignments of a configuration text (properties, .env, INI, YAML, JSON lines): one per
    /// line at most, comments skipped, quotes and trailing commas removed, `export ` dropped.
    /// Lines whose value opens a nested block (`key:` alone, `{`, `[`, `|`, `>`) are skipped.
    public static func assignments(in text: String) -> [Assignment] {
        var result: [Assignment] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { lineNumber += 1 }
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.last == "\r" { line = line.dropLast() }
            guard let first = line.first, first != "#", first != ";", !line.hasPrefix("//") else { continue }
            if line.hasPrefix("- ") { line = line.dropFirst(2) }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            var key = line[..<separator].trimmingSpaces
            key = key.drop { $0 == "{" || $0 == "[" || $0 == " " }.unquoted
            guard !key.isEmpty, key.count <= 128, !key.contains(where: { $0 == " " || $0 == "\t" }) else { continue }
            var value = line[line.index(after: separator)...].trimmingSpaces
            if value.hasPrefix("=") { value = value.dropFirst().trimmingSpaces }  // `key := value`, `key == value`
            if let hash = value.indices.first(where: { value[$0] == "#" && $0 > value.startIndex && value[value.index(before: $0)] == " " }) {
                value = value[..<hash].trimmingSpaces
            }
            if value.last == "," { value = value.dropLast().trimmingSpaces }
            value = value.unquoted
            guard let head = value.first, !["{", "[", "|", ">"].contains(head) else { continue }
            result.append(Assignment(key: String(key), value: String(value), line: lineNumber))
        }
        return result
    }

    // MARK: - Name tables

    /// Words that name a credential on their own.
    static let sensitiveWords: Set<String> = [
        "password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "creds", "apikey",
        "privatekey", "accesskey", "secretkey", "authtoken", "accesstoken", "refreshtoken", "bearertoken",
        "clientsecret", "htpasswd", "sessionkey", "signingkey", "encryptionkey", "masterkey",
    ]
    /// `<word> key` pairs that name a credential (`API_KEY`, `PRIVATE_KEY`, `TLS_KEY` …).
    static let keyQualifiers: Set<String> = [
        "api", "access", "private", "secret", "auth", "signing", "encryption", "encrypt", "master", "session", "ssh",
        "account", "client", "license", "app", "hmac", "fernet", "tls", "subscription",
    ]
    /// Words after the sensitive word that make the value something other than the secret.
    static let nonSecretQualifiers: Set<String> = [
        "name", "names", "path", "paths", "file", "files", "dir", "directory", "url", "uri", "endpoint", "host",
        "enabled", "enable", "disabled", "disable", "required", "mode", "type", "kind", "length", "len", "ttl",
        "expiry", "expires", "expiration", "lifetime", "header", "ref", "reference", "location", "mount", "policy",
        "rotation", "version", "format", "algorithm", "alg", "count", "max", "min", "timeout", "size", "field",
        "id", "ids", "prefix", "suffix", "source", "provider", "regex", "pattern", "env", "var", "template",
        "limit", "limits", "rounds", "strength", "complexity", "key", "selector", "label", "annotation",
    ]
    /// Words before `token` that make it a tokenizer or generation setting (`EOS_TOKEN`, `MAX_TOKEN`).
    static let tokenizerQualifiers: Set<String> = [
        "max", "min", "bos", "eos", "pad", "unk", "sep", "cls", "mask", "num", "start", "end", "special", "stop",
        "total", "new", "input", "output", "prompt", "batch", "per", "context", "first", "last", "image", "vocab",
    ]
    /// Words before `auth` that make the name a switch (`DISABLE_AUTH`, `NO_AUTH`).
    static let authSwitches: Set<String> = ["no", "disable", "disabled", "enable", "enabled", "skip", "require", "requires", "use", "with", "without"]

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

    static func isSensitiveWord(_ words: [String], _ position: Int, _ word: String) -> Bool {
        let previous = position > 0 ? words[position - 1] : nil
        let isLast = position == words.count - 1
        switch word {
        case "token":
            return previous.map { !tokenizerQualifiers.contains($0) } ?? true
        case "key":
            return previous.map(keyQualifiers.contains) ?? false
        case "pass":
            return isLast && previous != nil && previous != "by"
        case "pwd":
            return isLast && previous != nil
        case "auth":
            return isLast && (previous.map { !authSwitches.contains($0) } ?? true)
        default:
            if sensitiveWords.contains(word) { return true }
            // Compounds such as PGPASSWORD, HFTOKEN, JWTSECRET.
            return word.count > 6 && (word.hasSuffix("password") || word.hasSuffix("passwd") || word.hasSuffix("secret"))
                || word.count > 5 && word.hasSuffix("token")
        }
    }

    static func nameSuggestsAWSSecret(_ name: String) -> Bool {
        let words = words(of: name)
        return words.contains("secret") && (words.contains("aws") || words.contains("access"))
            || words.contains("secretaccesskey")
    }

    // MARK: - Matchers (each returns the kind and the end offset)

    private typealias Bytes = UnsafeBufferPointer<UInt8>

    private static func matchAWSKeyID(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "AKIA") || hasPrefix(b, i, "ASIA") else { return nil }
        let end = i + 20
        guard end <= b.count, (i + 4..<end).allSatisfy({ ASCII.isUpper(b[$0]) || ASCII.isDigit(b[$0]) }), wordEnd(b, end) else { return nil }
        return (.awsAccessKeyID, end)
    }

    private static func matchGoogleKey(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "AIza") else { return nil }
        let end = runEnd(b, from: i + 4, where: isURLSafe)
        guard end - (i + 4) == 35, diverse(b, i + 4..<end) else { return nil }
        return (.googleAPIKey, end)
    }

    private static func matchGitHub(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        if hasPrefix(b, i, "github_pat_") {
            let end = runEnd(b, from: i + 11, where: { ASCII.isAlphanumeric($0) || $0 == ascii("_") })
            guard end - (i + 11) >= 22, diverse(b, i + 11..<end) else { return nil }
            return (.githubFineGrainedToken, end)
        }
        guard i + 4 <= b.count, b[i + 1] == ascii("h"), b[i + 3] == ascii("_"),
              [ascii("p"), ascii("o"), ascii("u"), ascii("s"), ascii("r")].contains(b[i + 2]) else { return nil }
        let end = runEnd(b, from: i + 4, where: ASCII.isAlphanumeric)
        guard (36...251).contains(end - (i + 4)), wordEnd(b, end), diverse(b, i + 4..<end) else { return nil }
        return (.githubToken, end)
    }

    private static func matchGitLab(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "glpat-") else { return nil }
        let end = runEnd(b, from: i + 6, where: isURLSafe)
        guard end - (i + 6) >= 20, diverse(b, i + 6..<end) else { return nil }
        return (.gitlabToken, end)
    }

    private static func matchHuggingFace(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "hf_") else { return nil }
        let end = runEnd(b, from: i + 3, where: { ASCII.isUpper($0) || ASCII.isLower($0) })
        guard end - (i + 3) == 34, wordEnd(b, end), diverse(b, i + 3..<end) else { return nil }
        return (.huggingFaceToken, end)
    }

    /// `sk-ant-…` (Anthropic), `sk-…` / `sk-proj-…` (OpenAI), `sk_live_…` / `rk_live_…` (Stripe).
    private static func matchSK(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        if hasPrefix(b, i, "sk_live_") || hasPrefix(b, i, "rk_live_") {
            let end = runEnd(b, from: i + 8, where: ASCII.isAlphanumeric)
            guard end - (i + 8) >= 16, wordEnd(b, end), diverse(b, i + 8..<end) else { return nil }
            return (.stripeSecretKey, end)
        }
        guard hasPrefix(b, i, "sk-") else { return nil }
        let anthropic = hasPrefix(b, i, "sk-ant-")
        let bodyStart = anthropic ? i + 7 : i + 3
        let end = runEnd(b, from: bodyStart, where: isURLSafe)
        let body = bodyStart..<end
        guard body.count >= 32, diverse(b, body),
              body.contains(where: { ASCII.isDigit(b[$0]) }), body.contains(where: { ASCII.isUpper(b[$0]) || ASCII.isLower(b[$0]) })
        else { return nil }
        return (anthropic ? .anthropicKey : .openAIKey, end)
    }

    private static func matchSlack(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "xox"), i + 5 <= b.count, b[i + 4] == ascii("-"),
              [ascii("b"), ascii("a"), ascii("p"), ascii("r"), ascii("s")].contains(b[i + 3]) else { return nil }
        let end = runEnd(b, from: i + 5, where: { ASCII.isAlphanumeric($0) || $0 == ascii("-") })
        guard end - (i + 5) >= 10, diverse(b, i + 5..<end) else { return nil }
        return (.slackToken, end)
    }

    private static let pemKinds: [StaticString] = ["", "RSA ", "EC ", "OPENSSH ", "DSA ", "ENCRYPTED ", "PGP "]

    private static func matchPrivateKey(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "-----BEGIN ") else { return nil }
        for kind in pemKinds {
            var position = i + 11
            guard hasPrefix(b, position, kind) else { continue }
            position += kind.utf8CodeUnitCount
            guard hasPrefix(b, position, "PRIVATE KEY") else { continue }
            position += 11
            if hasPrefix(b, position, " BLOCK") { position += 6 }
            guard hasPrefix(b, position, "-----") else { continue }
            return (.privateKey, position + 5)
        }
        return nil
    }

    private static func matchJWT(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "eyJ") else { return nil }
        let headerEnd = runEnd(b, from: i, where: isURLSafe)
        guard headerEnd - i >= 10, headerEnd < b.count, b[headerEnd] == ascii("."), hasPrefix(b, headerEnd + 1, "eyJ") else { return nil }
        let payloadEnd = runEnd(b, from: headerEnd + 1, where: isURLSafe)
        guard payloadEnd - headerEnd - 1 >= 10, payloadEnd < b.count, b[payloadEnd] == ascii(".") else { return nil }
        let signatureEnd = runEnd(b, from: payloadEnd + 1, where: { isURLSafe($0) || $0 == ascii("=") })
        return (.jwt, signatureEnd)
    }

    /// `scheme://user:password@host` with `:` at `i`; returns the scheme start and the end of the
    /// authority.
    private static func matchConnectionString(_ b: Bytes, _ i: Int) -> (Int, Int)? {
        guard i + 2 < b.count, b[i + 1] == ascii("/"), b[i + 2] == ascii("/") else { return nil }
        var start = i
        while start > 0, ASCII.isAlphanumeric(b[start - 1]) || b[start - 1] == ascii("+") || b[start - 1] == ascii(".") || b[start - 1] == ascii("-") {
            start -= 1
        }
        guard i - start >= 2, ASCII.isUpper(b[start]) || ASCII.isLower(b[start]) else { return nil }
        let authorityStart = i + 3
        let authorityEnd = runEnd(b, from: authorityStart) { byte in
            byte > 0x20 && byte != ascii("/") && byte != ascii("?") && byte != ascii("#") && byte != ascii("\"")
                && byte != ascii("'") && byte != ascii("`") && byte != ascii(",") && byte != ascii(";") && byte != 0x7F
        }
        guard let at = (authorityStart..<authorityEnd).last(where: { b[$0] == ascii("@") }),
              let colon = (authorityStart..<at).first(where: { b[$0] == ascii(":") }), at - colon > 1
        else { return nil }
        let password = UnsafeBufferPointer(rebasing: b[(colon + 1)..<at])
        if isReference(password) || isPlaceholder(password) || contains(password, "${") || contains(password, "$(") { return nil }
        return (start, authorityEnd)
    }

    /// Context for a bare 40-character value: `secret` and `aws`/`access` in the 48 bytes before it.
    private static func awsSecretKeyContext(_ b: Bytes, before index: Int) -> Bool {
        let window = UnsafeBufferPointer(rebasing: b[max(0, index - 48)..<index])
        return containsCaseInsensitive(window, "secret") && (containsCaseInsensitive(window, "aws") || containsCaseInsensitive(window, "access"))
    }

    // MARK: - Value helpers on trimmed bytes

    private static func withTrimmedUTF8<R>(_ value: String, _ body: (Bytes) -> R) -> R {
        var copy = value
        return copy.withUTF8 { buffer in
            var start = 0, end = buffer.count
            while start < end, ASCII.isSpace(buffer[start]) { start += 1 }
            while end > start, ASCII.isSpace(buffer[end - 1]) { end -= 1 }
            return body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
        }
    }

    private static func isReference(_ b: Bytes) -> Bool {
        if let open = firstIndex(b, "{{"), let close = firstIndex(b, "}}"), open < close { return true }
        guard let first = b.first, first == ascii("$"), b.count >= 2 else { return false }
        let last = b[b.count - 1]
        if b[1] == ascii("("), last == ascii(")") { return true }
        if b[1] == ascii("{"), last == ascii("}") { return true }
        return UnsafeBufferPointer(rebasing: b[1...]).allSatisfy { ASCII.isAlphanumeric($0) || $0 == ascii("_") }
    }

    private static func isPlaceholder(_ b: Bytes) -> Bool {
        guard let first = b.first else { return true }
        let last = b[b.count - 1]
        if first == ascii("<") && last == ascii(">") || first == ascii("[") && last == ascii("]") { return true }
        if b.count >= 3, b.allSatisfy({ $0 == first }) { return true }
        for word in placeholderWords where equalsLowercased(b, word) { return true }
        for prefix in placeholderPrefixes where hasPrefixLowercased(b, prefix) { return true }
        return containsLowercased(b, "xxxxxx") || contains(b, "******") || containsLowercased(b, "placeholder")
    }

    private static func isPath(_ b: Bytes) -> Bool {
        guard !b.contains(where: ASCII.isSpace) else { return false }
        return hasPrefix(b, 0, "/") || hasPrefix(b, 0, "./") || hasPrefix(b, 0, "../") || hasPrefix(b, 0, "~/")
    }

    private static func isUUID(_ b: Bytes) -> Bool {
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

    private static func entropy(_ b: Bytes) -> Double {
        guard !b.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for byte in b { counts[Int(byte)] += 1 }
            let total = Double(b.count)
            var entropy = 0.0
            for count in counts where count > 0 {
                let probability = Double(count) / total
                entropy -= probability * log2(probability)
            }
            return entropy
        }
    }

    // MARK: - Byte helpers

    @inline(__always) private static func ascii(_ scalar: Unicode.Scalar) -> UInt8 { UInt8(scalar.value) }
    @inline(__always) static func isURLSafe(_ b: UInt8) -> Bool { ASCII.isAlphanumeric(b) || b == 0x2D || b == 0x5F }
    @inline(__always) static func isBase64(_ b: UInt8) -> Bool { ASCII.isAlphanumeric(b) || b == 0x2B || b == 0x2F }

    /// No letter, digit or underscore right before `i` (a token starts a word).
    @inline(__always) private static func wordStart(_ b: Bytes, _ i: Int) -> Bool {
        i == 0 || !(ASCII.isAlphanumeric(b[i - 1]) || b[i - 1] == 0x5F)
    }

    /// No letter, digit or underscore at `end` (a fixed-length token ends a word).
    @inline(__always) private static func wordEnd(_ b: Bytes, _ end: Int) -> Bool {
        end >= b.count || !(ASCII.isAlphanumeric(b[end]) || b[end] == 0x5F)
    }

    @inline(__always) private static func hasPrefix(_ b: Bytes, _ i: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i >= 0, i + count <= b.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where b[i + offset] != start[offset] { return false }
        return true
    }

    @inline(__always) private static func runEnd(_ b: Bytes, from start: Int, where predicate: (UInt8) -> Bool) -> Int {
        var end = start
        while end < b.count, predicate(b[end]) { end += 1 }
        return end
    }

    /// At least 5 distinct bytes and no run of 6 equal bytes: not `xxxx…` or `0000…`.
    private static func diverse(_ b: Bytes, _ range: Range<Int>) -> Bool {
        var seen: (UInt64, UInt64) = (0, 0)
        var distinct = 0
        var run = 0
        var previous: UInt8 = 0
        for index in range {
            let byte = b[index] & 0x7F
            run = byte == previous ? run + 1 : 1
            if run >= 6 { return false }
            previous = byte
            if byte < 64 {
                if seen.0 & (1 << UInt64(byte)) == 0 { seen.0 |= 1 << UInt64(byte); distinct += 1 }
            } else if seen.1 & (1 << UInt64(byte - 64)) == 0 {
                seen.1 |= 1 << UInt64(byte - 64)
                distinct += 1
            }
        }
        return distinct >= 5
    }

    private static func hasMixedCase(_ b: Bytes, _ range: Range<Int>) -> Bool {
        var upper = false, lower = false
        for index in range {
            if ASCII.isUpper(b[index]) { upper = true } else if ASCII.isLower(b[index]) { lower = true }
        }
        return upper && lower
    }

    /// Whether `window` contains the lower-case ASCII letters of `needle` in any case.
    private static func containsCaseInsensitive(_ window: Bytes, _ needle: StaticString) -> Bool {
        containsLowercased(window, needle)
    }

    private static func containsLowercased(_ b: Bytes, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard b.count >= count else { return false }
        let start = needle.utf8Start
        outer: for offset in 0...(b.count - count) {
            for position in 0..<count where lowercased(b[offset + position]) != start[position] { continue outer }
            return true
        }
        return false
    }

    private static func firstIndex(_ b: Bytes, _ needle: StaticString) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard b.count >= count else { return nil }
        let start = needle.utf8Start
        outer: for offset in 0...(b.count - count) {
            for position in 0..<count where b[offset + position] != start[position] { continue outer }
            return offset
        }
        return nil
    }

    private static func contains(_ b: Bytes, _ needle: StaticString) -> Bool { firstIndex(b, needle) != nil }

    private static func equalsLowercased(_ b: Bytes, _ word: StaticString) -> Bool {
        b.count == word.utf8CodeUnitCount && hasPrefixLowercased(b, word)
    }

    private static func hasPrefixLowercased(_ b: Bytes, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard b.count >= count else { return false }
        let start = prefix.utf8Start
        for position in 0..<count where lowercased(b[position]) != start[position] { return false }
        return true
    }

    @inline(__always) private static func lowercased(_ b: UInt8) -> UInt8 { ASCII.isUpper(b) ? b | 0x20 : b }
}

fileprivate extension Substring {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\n" || first == "\r\n" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r\n" || last == "\r" { text = text.dropLast() }
        return text
    }

    /// Without one pair of matching surrounding quotes.
    var unquoted: Substring {
        if count >= 2, let first, let last, first == last, first == "\"" || first == "'" {
            return dropFirst().dropLast()
        }
        return self
    }
}
