import BulwarkCore

/// Helpers shared by the supply-chain rules (and the ML rules): the interpreters and extractors a
/// download feeds, full commit SHAs, false values, insecure TLS settings.
extension DockerfileSupplyChainRules {
    static let interpreters: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "python", "perl", "ruby", "node", "php", "pwsh", "eval", "source", "."]

    static func isFullCommitSHA(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy { $0.isHexDigit }
    }

    static let extractors: Set<String> = ["tar", "unzip", "gunzip", "gzip", "bsdtar", "xz", "unxz", "zstd", "bunzip2", "bzip2", "dpkg", "rpm", "cpio", "7z", "install"]

    static let verificationSuffixes = [".sha256", ".sha256sum", ".sha512", ".sha512sum", ".sha1", ".md5", "sums", ".asc", ".sig", ".gpg", ".pub", ".key", ".pem", ".crt", ".json", ".txt"]

    static func isFalse(_ value: String) -> Bool {
        ["false", "0", "no", "off"].contains(value.lowercased().trimmingSet("\"' "))
    }

    /// What an insecure TLS variable does, nil for other settings.
    static func insecureTLSSetting(_ name: String, _ value: String?) -> String? {
        guard let value else { return nil }
        switch name.uppercased() {
        case "GIT_SSL_NO_VERIFY": return "sets GIT_SSL_NO_VERIFY, which turns off git's certificate checks whatever its value"
        case "NODE_TLS_REJECT_UNAUTHORIZED": return value.trimmingSet("\"' ") == "0" ? "sets NODE_TLS_REJECT_UNAUTHORIZED=0, which makes Node.js accept any certificate" : nil
        case "PYTHONHTTPSVERIFY": return value.trimmingSet("\"' ") == "0" ? "sets PYTHONHTTPSVERIFY=0, which turns off certificate checks in Python's urllib" : nil
        case "PIP_TRUSTED_HOST": return value.isEmpty ? nil : "sets PIP_TRUSTED_HOST=\(Text.excerpt(value, limit: 40)), which skips pip's TLS checks for it"
        case "NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL": return isFalse(value) ? "sets \(name)=\(value), which turns off npm's certificate checks" : nil
        case "CONDA_SSL_VERIFY": return isFalse(value) ? "sets \(name)=\(value), which turns off conda's certificate checks" : nil
        case "GOINSECURE": return value.isEmpty ? nil : "sets GOINSECURE=\(Text.excerpt(value, limit: 40)), which fetches those Go modules without TLS checks"
        default: return nil
        }
    }
}
