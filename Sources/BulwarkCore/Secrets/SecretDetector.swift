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
///
/// The scan loop is here; the rest is in `SecretDetector+<Concern>.swift`: Patterns (the token
/// formats), Names, Values, Entropy, Assignments (embedded files) and Bytes (the byte helpers).
public enum SecretDetector {
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
            if found == nil, index >= base64RunEnd, ASCII.isBase64(byte), index == 0 || !ASCII.isBase64(bytes[index - 1]) {
                base64RunEnd = runEnd(bytes, from: index, where: ASCII.isBase64)
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
}
