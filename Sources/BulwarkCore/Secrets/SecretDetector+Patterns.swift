/// Token formats: one matcher per format, called where a token may start; each returns the kind and
/// the end offset.
extension SecretDetector {
    static func matchAWSKeyID(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "AKIA") || hasPrefix(b, i, "ASIA") else { return nil }
        let end = i + 20
        guard end <= b.count, (i + 4..<end).allSatisfy({ ASCII.isUpper(b[$0]) || ASCII.isDigit(b[$0]) }), wordEnd(b, end) else { return nil }
        return (.awsAccessKeyID, end)
    }

    static func matchGoogleKey(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "AIza") else { return nil }
        let end = runEnd(b, from: i + 4, where: isURLSafe)
        guard end - (i + 4) == 35, diverse(b, i + 4..<end) else { return nil }
        return (.googleAPIKey, end)
    }

    static func matchGitHub(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
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

    static func matchGitLab(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "glpat-") else { return nil }
        let end = runEnd(b, from: i + 6, where: isURLSafe)
        guard end - (i + 6) >= 20, diverse(b, i + 6..<end) else { return nil }
        return (.gitlabToken, end)
    }

    static func matchHuggingFace(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "hf_") else { return nil }
        let end = runEnd(b, from: i + 3, where: { ASCII.isUpper($0) || ASCII.isLower($0) })
        guard end - (i + 3) == 34, wordEnd(b, end), diverse(b, i + 3..<end) else { return nil }
        return (.huggingFaceToken, end)
    }

    /// `sk-ant-…` (Anthropic), `sk-…` / `sk-proj-…` (OpenAI), `sk_live_…` / `rk_live_…` (Stripe).
    static func matchSK(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
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

    static func matchSlack(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
        guard hasPrefix(b, i, "xox"), i + 5 <= b.count, b[i + 4] == ascii("-"),
              [ascii("b"), ascii("a"), ascii("p"), ascii("r"), ascii("s")].contains(b[i + 3]) else { return nil }
        let end = runEnd(b, from: i + 5, where: { ASCII.isAlphanumeric($0) || $0 == ascii("-") })
        guard end - (i + 5) >= 10, diverse(b, i + 5..<end) else { return nil }
        return (.slackToken, end)
    }

    private static let pemKinds: [StaticString] = ["", "RSA ", "EC ", "OPENSSH ", "DSA ", "ENCRYPTED ", "PGP "]

    static func matchPrivateKey(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
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

    static func matchJWT(_ b: Bytes, _ i: Int) -> (SecretMatch.Kind, Int)? {
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
    static func matchConnectionString(_ b: Bytes, _ i: Int) -> (Int, Int)? {
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
    static func awsSecretKeyContext(_ b: Bytes, before index: Int) -> Bool {
        let window = UnsafeBufferPointer(rebasing: b[max(0, index - 48)..<index])
        return containsCaseInsensitive(window, "secret") && (containsCaseInsensitive(window, "aws") || containsCaseInsensitive(window, "access"))
    }
}
