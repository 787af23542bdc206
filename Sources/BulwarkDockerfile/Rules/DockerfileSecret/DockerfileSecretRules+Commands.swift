import BulwarkCore

/// Credentials written in commands, labels and heredocs.
extension DockerfileSecretRules {
    static let secretInCommand = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/secret-in-command",
            severity: .high,
            title: "Credential written in a command, label or heredoc",
            summary: """
            A token in a RUN, CMD or ENTRYPOINT (`--token hf_…`, `https://user:pass@host`, `MY_PASSWORD=… ./configure`), a \
            LABEL, or a file written from a heredoc is stored in the image history, the image configuration or a layer, \
            and in version control. Token formats and random-looking values are high under any name; other literal \
            values of credential-named variables, options and configuration keys are medium.
            """,
            remediation: secretRemediation,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN huggingface-cli login --token ↓hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
                RUN ↓PGPASSWORD=hunter2-but-longer ./migrate.sh && git clone ↓https://deploy:Zx81-kq0-Plm4@git.example.com/ml/models.git
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                COPY <<EOF /root/.pypirc
                [pypi]
                username = __token__
                password = ↓pypi-AgEIcHlwaS5vcmcCJGE0ZjQ1
                EOF
                CMD ["python", "serve.py", ↓"--api-key=sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download --token "$HF_TOKEN" org/model --revision 4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39
                RUN PGPASSWORD_FILE=/run/secrets/pg ./migrate.sh --max-tokens 512 --password-file /run/secrets/pg
                LABEL org.opencontainers.image.source=https://github.com/example/models
                CMD ["python", "serve.py", "--api-key-file", "/run/secrets/api-key"]
                """),
            ],
            tags: ["trivy:DS-0031", "secrets"]
        ),
        check: .instruction([.run, .cmd, .entrypoint, .healthcheck, .label, .copy, .add, .onbuild]) { view in
            var violations: [DockerfileViolation] = []
            var reported: Set<TextPosition> = []
            func report(_ what: String, _ redacted: String, at position: TextPosition, severity: Severity) {
                guard reported.insert(position).inserted else { return }
                violations.append(view.violation("\(view.subject) contains \(what) (\(redacted))", at: position, severity: severity))
            }
            for command in view.commands {
                for assignment in command.assignments {
                    if let found = CredentialLiteral.assess(name: assignment.name, value: assignment.value.value, plainSeverity: .medium, dollarIsReference: true) {
                        report("\(found.what) for \(assignment.name)", found.redacted, at: assignment.range.start, severity: found.severity)
                    }
                }
                let words = command.words
                for (index, word) in words.enumerated() {
                    let value = word.value
                    if let (name, setting) = Setting.split(value), let found = CredentialLiteral.assess(name: name, value: setting, plainSeverity: .medium, dollarIsReference: true) {
                        report("\(found.what) for \(name)", found.redacted, at: word.range.start, severity: found.severity)
                        continue
                    }
                    if value.hasPrefix("--"), let equals = value.firstIndex(of: "=") {
                        let name = String(value[value.index(value.startIndex, offsetBy: 2)..<equals])
                        if let found = CredentialLiteral.assess(name: name, value: String(value[value.index(after: equals)...]), plainSeverity: .medium,
                                                               dollarIsReference: true) {
                            report("\(found.what) for --\(name)", found.redacted, at: word.range.start, severity: found.severity)
                            continue
                        }
                    } else if value.hasPrefix("--"), index + 1 < words.count, !words[index + 1].value.hasPrefix("-"),
                              SecretDetector.isSensitiveName(String(value.dropFirst(2))),
                              let found = CredentialLiteral.assess(name: String(value.dropFirst(2)), value: words[index + 1].value, plainSeverity: .medium, dollarIsReference: true) {
                        report("\(found.what) for \(value)", found.redacted, at: words[index + 1].range.start, severity: found.severity)
                        continue
                    }
                    if let match = SecretDetector.scan(value: value).first {
                        report(match.kind.displayName, CredentialLiteral.redact(match, in: value), at: word.range.start, severity: .high)
                    }
                }
            }
            if view.keyword == .label {
                for pair in view.instruction.keyValues {
                    if let found = CredentialLiteral.assess(name: pair.key.resolved, value: pair.value.value, plainSeverity: .medium, dollarIsReference: true) {
                        report("\(found.what) for the label \(pair.key.resolved)", found.redacted, at: pair.value.range.start, severity: found.severity)
                    }
                }
            }
            for heredoc in view.instruction.heredocs where heredoc.script == nil {
                for hit in secrets(inText: heredoc.body, firstLine: heredoc.startLine) {
                    report(hit.what, hit.redacted, at: hit.position, severity: hit.severity)
                }
            }
            return violations
        }
    )
}
