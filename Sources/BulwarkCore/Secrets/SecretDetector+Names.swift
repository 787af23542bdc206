/// Names: whether a variable, key or file name says that its value is a credential.
extension SecretDetector {
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
}
