import BulwarkCore

/// Which ENV and ARG variables hold secrets, the way the Dockerfile secret rules see them.
enum SecretVariable {
    /// True for a credential: a value in a known token format, or a sensitive name (`…_TOKEN`,
    /// `…PASSWORD`, `API_KEY`) with a value that is not empty, a switch, or a path to a file. An ARG
    /// with a sensitive name and no default is a secret too: its build-time value stays in the
    /// image history.
    static func isSecret(name: String, value: String?) -> Bool {
        guard let value else { return SecretDetector.isSensitiveName(name) }
        if !SecretDetector.scan(value: value, name: name).isEmpty { return true }
        guard SecretDetector.isSensitiveName(name) else { return false }
        let trimmed = value.trimmingSet(" \t")
        return !trimmed.isEmpty && !SecretDetector.isFlag(trimmed) && !SecretDetector.isPath(trimmed)
    }

    /// True when the text refers to `$NAME` or `${NAME…}`.
    static func isReferenced(_ name: String, in text: String) -> Bool {
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            var candidate = rest
            if candidate.first == "{" { candidate = candidate.dropFirst() }
            if candidate.hasPrefix(name) {
                guard let after = candidate.dropFirst(name.count).first else { return true }
                if !(after.isLetter || after.isNumber || after == "_") { return true }
            }
        }
        return false
    }

    /// The comment that replaces a removed variable.
    static func removalNote(keyword: String, names: [String], mounted: Bool) -> [String] {
        let list = names.joined(separator: ", ")
        let id = names.first ?? "NAME"
        var lines = InPlaceHardener.wrap("removed \(keyword) \(list): a secret in the image can be read by anyone who can pull it.",
                                          first: "# bulwark: ", rest: "# bulwark: ")
        lines += InPlaceHardener.wrap("""
            Inject it at run time (e.g. from a Kubernetes Secret mounted as a file), or pass it to one build step with \
            RUN --mount=type=secret,id=\(id),env=\(id) and docker build --secret id=\(id),env=\(id).
            """, first: "# bulwark: ", rest: "# bulwark: ")
        if mounted { lines.append("# bulwark: The build steps that used it now read it from that secret mount.") }
        return lines
    }
}
