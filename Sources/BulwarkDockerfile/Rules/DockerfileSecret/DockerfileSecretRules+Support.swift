import BulwarkCore

/// Helpers shared by the secret rules: their controls and remediation, credentials in a file's
/// text, and the paths a `.dockerignore` must leave out of the context.
extension DockerfileSecretRules {
    static let controls: [ControlID] = ["cis-docker:4.10", "nist-800-190:4.1.4", "mitre-atlas:AML.T0055"]

    static let secretRemediation = """
        Remove the value from the Dockerfile and rotate the credential. Give build steps secrets with BuildKit secret mounts \
        (`RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download …`, built with \
        `docker build --secret id=hf_token,env=HF_TOKEN`), and the running container through the orchestrator's secret \
        store (a Kubernetes Secret mounted as a file).
        """

    /// Token formats and credential assignments in a file's text, with their positions.
    static func secrets(inText body: String, firstLine: Int) -> [(what: String, redacted: String, position: TextPosition, severity: Severity)] {
        var result: [(String, String, TextPosition, Severity)] = []
        for (offset, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let text = String(line)
            let lineNumber = firstLine + offset
            if let match = SecretDetector.scan(value: text).first {
                let column = String(decoding: Array(text.utf8)[..<match.range.lowerBound], as: UTF8.self).count + 1
                result.append((match.kind.displayName, CredentialLiteral.redact(match, in: text), TextPosition(line: lineNumber, column: column), .high))
                continue
            }
            guard let assignment = SecretDetector.assignments(in: text).first,
                  let found = CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .medium, dollarIsReference: true), !assignment.value.isEmpty,
                  let range = text.firstRange(of: assignment.value) else { continue }
            let column = text[..<range.lowerBound].count + 1
            result.append(("\(found.what) for \(assignment.key)", found.redacted, TextPosition(line: lineNumber, column: column), found.severity))
        }
        return result
    }

    /// Paths a `.dockerignore` must leave out of the context, with how messages name them.
    static let contextProbes: [(path: String, label: String)] = [
        (".git/config", ".git"), (".env", ".env"), ("id_rsa", "SSH keys (id_rsa)"), ("private-key.pem", "*.pem keys"), ("tls.key", "*.key files"),
    ]
}
