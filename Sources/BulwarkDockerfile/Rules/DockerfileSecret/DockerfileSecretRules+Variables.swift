import BulwarkCore

/// Credentials in ENV and ARG instructions.
extension DockerfileSecretRules {
    static let secretInEnv = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/secret-in-env",
            severity: .high,
            title: "Credential in an ENV instruction",
            summary: """
            ENV values are stored in the image configuration: anyone who can pull the image reads them with \
            `docker inspect`, and they are in the Dockerfile's history in version control. The rule reports values in a \
            known token format (AWS, GitHub, GitLab, Hugging Face `hf_…`, OpenAI, Anthropic, Slack, Stripe, Google, private \
            keys, JWTs, connection strings with passwords) under any name, and literal values of credential-named \
            variables (`HF_TOKEN`, `DB_PASSWORD`, `API_KEY`): high for token formats, random-looking and plain values, \
            medium for placeholders such as `changeme` (which get replaced by real secrets in place) and for a build \
            argument copied into a credential-named variable (`ENV HF_TOKEN=$HF_TOKEN`).
            """,
            remediation: secretRemediation,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ENV MODEL_PATH=/models/model.joblib \\
                    MODEL_REGISTRY_TOKEN=↓changeme-not-a-real-token
                ENV HF_HUB_CACHE=/models HUB_AUTH=↓hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                ARG OPENAI_API_KEY
                ENV OPENAI_API_KEY=↓${OPENAI_API_KEY}
                ENV DATABASE_URL ↓postgres://app:s3cr3t-P4ss@db.internal:5432/prompts
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json \\
                    TOKENIZER_PATH=/models/tokenizer \\
                    MAX_TOKENS=4096 \\
                    HF_HUB_DISABLE_TELEMETRY=1 \\
                    BASIC_AUTH=false \\
                    PASSWORD_FILE=/run/secrets/db-password
                """),
            ],
            tags: ["hadolint:DL3064", "trivy:DS-0031", "secrets"]
        ),
        check: .instruction([.env]) { view in
            view.instruction.keyValues.compactMap { pair in
                let name = pair.key.resolved
                let value = pair.value.value
                if let found = CredentialLiteral.assess(name: name, value: value, plainSeverity: .high, dollarIsReference: true) {
                    return view.violation("\(view.subject) sets \(name) to \(found.what) (\(found.redacted)), stored in the image configuration",
                                          at: pair.value.range.start, severity: found.severity)
                }
                guard value.contains("$"), SecretDetector.isSensitiveName(name) else { return nil }
                return view.violation("\(view.subject) copies \(value) into \(name): the value given at build time is stored in the image configuration",
                                      at: pair.value.range.start, severity: .medium)
            }
        }
    )

    static let secretInArg = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/secret-in-arg",
            severity: .high,
            title: "Credential in an ARG instruction",
            summary: """
            An ARG default is written in the Dockerfile, and every build argument in scope of a RUN is recorded in the image \
            history (`docker history --no-trunc` shows `|1 HF_TOKEN=… /bin/sh -c …`). Literal defaults in a token format or of \
            a credential-named argument are high (medium for placeholders); a credential-named ARG without a default, \
            declared in a stage of the final image and followed by a RUN, is medium because its build-time value lands \
            in the history.
            """,
            remediation: secretRemediation,
            controls: controls,
            failing: [
                dockerfileExample("""
                ARG GITHUB_TOKEN=↓ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
                FROM python:3.12-slim
                ARG ↓HF_TOKEN
                RUN huggingface-cli download --token "$HF_TOKEN" org/model --revision 4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39
                """),
            ],
            passing: [
                dockerfileExample("""
                ARG PYTHON_VERSION=3.12
                FROM python:${PYTHON_VERSION}-slim AS build
                ARG PIP_INDEX_TOKEN
                RUN --mount=type=secret,id=pip_token,env=PIP_TOKEN pip download --dest /wheels numpy==2.1.3
                FROM python:${PYTHON_VERSION}-slim
                ARG MAX_TOKENS=4096
                ARG API_KEY
                COPY --from=build /wheels /wheels
                """),
            ],
            tags: ["hadolint:DL3064", "trivy:DS-0031", "secrets"]
        ),
        check: .instruction([.arg]) { view in
            view.instruction.argDeclarations.compactMap { declaration in
                let name = declaration.name.value
                if let defaultValue = declaration.defaultValue {
                    guard !defaultValue.value.contains("$"), let found = CredentialLiteral.assess(name: name, value: defaultValue.value, plainSeverity: .high, dollarIsReference: true) else { return nil }
                    return view.violation("\(view.subject) gives \(name) the default \(found.what) (\(found.redacted))",
                                          at: defaultValue.range.start, severity: found.severity)
                }
                guard SecretDetector.isSensitiveName(name), let stage = view.stage, stage.isShipped,
                      stage.instructionIndices.contains(where: { $0 > view.index && view.analysis.dockerfile.instructions[$0].keyword == .run })
                else { return nil }
                return view.violation("\(view.subject) declares the build argument \(name): its value is recorded in the image history of every RUN after it",
                                      at: declaration.name.range.start, severity: .medium)
            }
        }
    )
}
