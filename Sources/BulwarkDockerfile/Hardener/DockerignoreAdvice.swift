/// The `.dockerignore` a hardened build wants next to a `COPY . .`.
public enum DockerignoreAdvice {
    /// Patterns every context that is copied whole must exclude.
    static let essentials = [".git", ".env"]

    /// Which of `.git` and `.env` the file does not exclude (all of them for nil).
    static func missingEssentials(in dockerignore: String?) -> [String] {
        guard let dockerignore else { return essentials }
        var patterns: [String] = []
        for line in dockerignore.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let pattern = line.trimmingSet(" \t")
            if pattern.isEmpty || pattern.hasPrefix("#") { continue }
            patterns.append(pattern)
        }
        // An allowlist (`*` then `!app/`) keeps everything else out.
        if patterns.first == "*" || patterns.first == "**" { return [] }
        return essentials.filter { essential in
            !patterns.contains { pattern in
                var trimmed = Substring(pattern)
                while trimmed.hasPrefix("/") || trimmed.hasPrefix("**/") || trimmed.hasPrefix("./") {
                    trimmed = trimmed.hasPrefix("**/") ? trimmed.dropFirst(3) : trimmed.dropFirst(trimmed.hasPrefix("./") ? 2 : 1)
                }
                while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
                return trimmed == essential || trimmed == essential + "*" || trimmed == essential + "/**"
            }
        }
    }

    static func appending(_ patterns: [String], to existing: String) -> String {
        var text = existing
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        return text + "# Added by bulwark fix dockerfile: keep VCS data and secrets out of the build context.\n"
            + patterns.map { $0 + "\n" }.joined()
    }

    /// The `.dockerignore` written for a context that has none.
    public static let recommended = """
        # Keep version-control data, secrets and local build output out of the build context:
        # the Dockerfile copies the whole context (COPY . .). Written by bulwark fix dockerfile.
        .git
        .gitignore
        .dockerignore
        .env
        **/.env
        **/.env.*
        **/*.pem
        **/*.key
        **/*.p12
        **/*.pfx
        **/id_rsa*
        **/id_ed25519*
        .aws/
        .ssh/
        .netrc
        .npmrc
        .pypirc
        **/*secret*.yaml
        **/*secret*.yml
        **/__pycache__/
        **/*.py[cod]
        .venv/
        venv/
        .pytest_cache/
        .mypy_cache/
        node_modules/

        """
}
