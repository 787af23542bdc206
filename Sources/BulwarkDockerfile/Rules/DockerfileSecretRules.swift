import BulwarkCore

/// Credentials baked into the image or its history: ENV and ARG values, literals in commands and
/// heredocs, secret files copied in, and the whole build context copied without a `.dockerignore`.
///
/// Values are never shown whole: messages use `SecretDetector.redact`.
public enum DockerfileSecretRules {
    public static let all: [DockerfileRule] = [secretInEnv, secretInArg, secretInCommand, secretFileCopied, contextWithoutDockerignore]

    static let controls: [ControlID] = ["cis-docker:4.10", "nist-800-190:4.1.4"]

    static let secretRemediation = """
        Remove the value from the Dockerfile and rotate the credential. Give build steps secrets with BuildKit secret mounts \
        (`RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download …`, built with \
        `docker build --secret id=hf_token,env=HF_TOKEN`), and the running container through the orchestrator's secret \
        store (a Kubernetes Secret mounted as a file).
        """

    // MARK: - dockerfile/secret-in-env

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
                if let found = assessment(name: name, value: value) {
                    return view.violation("\(view.subject) sets \(name) to \(found.what) (\(found.redacted)), stored in the image configuration",
                                          at: pair.value.range.start, severity: found.severity)
                }
                guard value.contains("$"), SecretDetector.isSensitiveName(name) else { return nil }
                return view.violation("\(view.subject) copies \(value) into \(name): the value given at build time is stored in the image configuration",
                                      at: pair.value.range.start, severity: .medium)
            }
        }
    )

    // MARK: - dockerfile/secret-in-arg

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
                    guard !defaultValue.value.contains("$"), let found = assessment(name: name, value: defaultValue.value) else { return nil }
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

    // MARK: - dockerfile/secret-in-command

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
                    if let found = assessment(name: assignment.name, value: assignment.value.value, plainSeverity: .medium) {
                        report("\(found.what) for \(assignment.name)", found.redacted, at: assignment.range.start, severity: found.severity)
                    }
                }
                let words = command.words
                for (index, word) in words.enumerated() {
                    let value = word.value
                    if let (name, setting) = Setting.split(value), let found = assessment(name: name, value: setting, plainSeverity: .medium) {
                        report("\(found.what) for \(name)", found.redacted, at: word.range.start, severity: found.severity)
                        continue
                    }
                    if value.hasPrefix("--"), let equals = value.firstIndex(of: "=") {
                        let name = String(value[value.index(value.startIndex, offsetBy: 2)..<equals])
                        if let found = assessment(name: name, value: String(value[value.index(after: equals)...]), plainSeverity: .medium) {
                            report("\(found.what) for --\(name)", found.redacted, at: word.range.start, severity: found.severity)
                            continue
                        }
                    } else if value.hasPrefix("--"), index + 1 < words.count, !words[index + 1].value.hasPrefix("-"),
                              SecretDetector.isSensitiveName(String(value.dropFirst(2))),
                              let found = assessment(name: String(value.dropFirst(2)), value: words[index + 1].value, plainSeverity: .medium) {
                        report("\(found.what) for \(value)", found.redacted, at: words[index + 1].range.start, severity: found.severity)
                        continue
                    }
                    if let match = SecretDetector.scan(value: value).first {
                        report(match.kind.displayName, redact(match, in: value), at: word.range.start, severity: .high)
                    }
                }
            }
            if view.keyword == .label {
                for pair in view.instruction.keyValues {
                    if let found = assessment(name: pair.key.resolved, value: pair.value.value, plainSeverity: .medium) {
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

    /// Token formats and credential assignments in a file's text, with their positions.
    static func secrets(inText body: String, firstLine: Int) -> [(what: String, redacted: String, position: TextPosition, severity: Severity)] {
        var result: [(String, String, TextPosition, Severity)] = []
        for (offset, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let text = String(line)
            let lineNumber = firstLine + offset
            if let match = SecretDetector.scan(value: text).first {
                let column = String(decoding: Array(text.utf8)[..<match.range.lowerBound], as: UTF8.self).count + 1
                result.append((match.kind.displayName, redact(match, in: text), TextPosition(line: lineNumber, column: column), .high))
                continue
            }
            guard let assignment = SecretDetector.assignments(in: text).first,
                  let found = assessment(name: assignment.key, value: assignment.value, plainSeverity: .medium), !assignment.value.isEmpty,
                  let range = text.firstRange(of: assignment.value) else { continue }
            let column = text[..<range.lowerBound].count + 1
            result.append(("\(found.what) for \(assignment.key)", found.redacted, TextPosition(line: lineNumber, column: column), found.severity))
        }
        return result
    }

    // MARK: - dockerfile/secret-file-copied

    static let secretFileCopied = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/secret-file-copied",
            severity: .high,
            title: "Secret file copied into the image",
            summary: """
            COPY or ADD of private keys (`id_rsa`, `*.key`, `*-key.pem`, `*.p12`), environment files (`.env`), cloud and \
            registry credentials (`.aws`, `credentials.json`, service-account keys, `.docker/config.json`, `.kube/config`), \
            package-manager tokens (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`) or a path from a credential-named \
            variable puts the secret into a layer: deleting it in a later instruction does not remove it from the image.
            """,
            remediation: """
            Mount the file only for the step that needs it: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` \
            (built with `docker build --secret id=npmrc,src=$HOME/.npmrc`), or `--mount=type=ssh` for SSH keys; give the running \
            container its credentials at run time, and rotate the copied secret.
            """,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY ↓id_rsa /root/.ssh/id_rsa
                COPY ↓.env ↓config/credentials.json /app/
                ADD ↓certs/server-key.pem /etc/ssl/private/
                COPY ↓${GOOGLE_APPLICATION_CREDENTIALS} /var/secrets/key.json
                """),
                dockerfileExample("""
                FROM amazon/aws-cli:2.22.0 AS builder
                FROM node:22-slim
                COPY ↓.npmrc package.json package-lock.json ./
                RUN npm ci --omit=dev
                COPY --from=builder ↓/root/.aws /root/.aws
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM node:22-slim
                COPY package.json package-lock.json ./
                RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
                COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt
                COPY keys/id_ed25519.pub /etc/ssh/authorized_keys
                COPY nodesource-repo.gpg.key /etc/apt/keyrings/nodesource.asc
                COPY .env.example tokenizer.json /app/
                """),
            ],
            tags: ["trivy:DS-0031", "secrets"]
        ),
        check: .instruction([.copy, .add]) { view in
            guard let transfer = view.instruction.fileTransfer else { return [] }
            return transfer.sources.compactMap { source in
                guard let what = secretFileKind(source.value) else { return nil }
                return view.violation("\(view.subject) copies \(source.value) (\(what)) into a layer of the image", at: source.range.start)
            }
        }
    )

    /// What a copied path holds when it looks like a credential file, nil otherwise.
    static func secretFileKind(_ path: String) -> String? {
        if path.contains("$") {
            var names: [String] = []
            var rest = Substring(path)
            while let dollar = rest.firstIndex(of: "$") {
                rest = rest[rest.index(after: dollar)...]
                if rest.first == "{" { rest = rest.dropFirst() }
                let name = rest.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
                names.append(String(name))
                rest = rest.dropFirst(name.count)
            }
            if let name = names.first(where: SecretDetector.isSensitiveName) { return "a path from the credential variable \(name)" }
        }
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let components = trimmed.split(separator: "/").map { $0.lowercased() }
        guard let base = components.last else { return nil }
        for component in components.dropLast() {
            if let what = credentialDirectories[component] { return what }
            if component == ".docker" && base == "config.json" { return "Docker registry credentials" }
            if component == ".kube" && base == "config" { return "a kubeconfig" }
        }
        if let what = credentialDirectories[base] ?? credentialFiles[base] { return what }
        if base.hasSuffix(".pub") || base.hasSuffix(".crt") || base.hasSuffix(".cer") { return nil }
        if base.hasPrefix("id_") && ["rsa", "dsa", "ecdsa", "ed25519"].contains(where: { base.hasPrefix("id_" + $0) }) { return "an SSH private key" }
        if base.hasPrefix(".env.") {
            let suffix = base.dropFirst(5)
            return ["example", "sample", "template", "dist", "defaults"].contains(String(suffix)) ? nil : "an environment file"
        }
        if base.hasSuffix(".key"), ["gpg", "pub", "apt", "repo", "archive", "keyring"].contains(where: { base.contains($0) }) { return nil }
        for (suffix, what) in [(".key", "a private key"), (".p12", "a PKCS#12 key store"), (".pfx", "a PKCS#12 key store"),
                               (".jks", "a Java key store"), (".keystore", "a key store"), (".tfstate", "Terraform state with credentials")]
        where base.hasSuffix(suffix) {
            return what
        }
        if base.hasSuffix(".pem"), base.contains("key") || base.contains("private") { return "a private key" }
        if base.hasSuffix(".json"), base.contains("service-account") || base.contains("serviceaccount") || base.hasPrefix("client_secret") {
            return "a cloud service-account key"
        }
        return nil
    }

    static let credentialDirectories: [String: String] = [
        ".ssh": "SSH keys", ".aws": "AWS credentials", ".gnupg": "GnuPG keys", ".kube": "Kubernetes credentials",
        ".azure": "Azure credentials", ".config/gcloud": "Google Cloud credentials", "gcloud": "Google Cloud credentials",
    ]

    static let credentialFiles: [String: String] = [
        ".env": "an environment file", ".netrc": "machine passwords", "_netrc": "machine passwords", ".npmrc": "npm credentials",
        ".yarnrc.yml": "Yarn credentials", ".pypirc": "PyPI credentials", ".git-credentials": "Git credentials",
        ".htpasswd": "password hashes", "credentials.json": "cloud credentials", "credentials": "cloud credentials",
        "kubeconfig": "a kubeconfig", ".dockercfg": "Docker registry credentials", "pip.conf": "pip index credentials",
        ".vault-token": "a Vault token", "terraform.tfvars": "Terraform variables",
    ]

    // MARK: - dockerfile/copy-context-without-dockerignore

    /// Paths a `.dockerignore` must leave out of the context, with how messages name them.
    static let contextProbes: [(path: String, label: String)] = [
        (".git/config", ".git"), (".env", ".env"), ("id_rsa", "SSH keys (id_rsa)"), ("private-key.pem", "*.pem keys"), ("tls.key", "*.key files"),
    ]

    static let contextWithoutDockerignore = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/copy-context-without-dockerignore",
            severity: .medium,
            title: "Whole build context copied without a .dockerignore",
            summary: """
            `COPY . .` (or `ADD . .`, `COPY * …`) copies everything in the build context that `.dockerignore` does not \
            exclude: without one, the Git history (`.git`, with every secret ever committed), `.env` files and local keys \
            land in a layer of the image. The rule reads the `.dockerignore` the caller passes (BuildKit's \
            `<Dockerfile>.dockerignore` or the context's `.dockerignore`) and checks that it excludes `.git`, `.env` and key \
            files.
            """,
            remediation: """
            Copy only what the image needs (`COPY app/ /app/`), or add a `.dockerignore` next to the Dockerfile that excludes \
            at least `.git`, `.env*`, `*.pem`, `*.key` and `id_*` (an allow-list such as `*` then `!app/` is safer still).
            """,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                WORKDIR /app
                COPY ↓. .
                """),
                dockerfileExample("""
                FROM node:22-slim
                ADD ↓./ /srv/
                COPY --chown=10001 ↓* /srv/
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS build
                COPY app/ /app/
                FROM python:3.12-slim
                COPY --from=build . /app/
                """),
            ],
            tags: ["secrets"]
        ),
        check: .instruction([.copy, .add]) { view in
            guard let transfer = view.instruction.fileTransfer, view.instruction.flag("from") == nil,
                  let source = transfer.sources.first(where: { [".", "/", "*", "/*"].contains(Dockerignore.clean($0.resolved)) })
            else { return [] }
            let what = "copies the whole build context (\(source.value))"
            guard let ignore = view.analysis.dockerignore else {
                return [view.violation("\(view.subject) \(what) and the context has no .dockerignore: .git, .env files and keys would end up in the image",
                                       at: source.range.start)]
            }
            let missing = contextProbes.filter { !ignore.excludes($0.path) }.map(\.label)
            guard !missing.isEmpty else { return [] }
            let file = view.analysis.context.dockerignorePath.map { Text.excerpt($0, limit: 60) } ?? ".dockerignore"
            return [view.violation("\(view.subject) \(what) and \(file) does not exclude \(Text.list(missing))", at: source.range.start)]
        }
    )

    // MARK: - Assessing literal values

    struct Assessment {
        let severity: Severity
        /// `a literal value`, `a Hugging Face token` …
        let what: String
        let redacted: String
    }

    /// Nil when the value is not a credential: no token format and a non-sensitive name, or an
    /// empty value, a reference (`$VAR`, `${VAR}`), a file path or a boolean. High for a token
    /// format or a random-looking value of a credential name, `plainSeverity` for other literals,
    /// medium for placeholders.
    static func assessment(name: String, value: String, plainSeverity: Severity = .high) -> Assessment? {
        if let match = SecretDetector.scan(value: value, name: name).first {
            return Assessment(severity: .high, what: match.kind.displayName, redacted: redact(match, in: value))
        }
        guard SecretDetector.isSensitiveName(name) else { return nil }
        if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || value.contains("$") || SecretDetector.isPath(value)
            || SecretDetector.isFlag(value) {
            return nil
        }
        let redacted = SecretDetector.redact(value)
        if SecretDetector.looksLikeSecretValue(value) { return Assessment(severity: .high, what: "a literal high-entropy value", redacted: redacted) }
        if SecretDetector.isPlaceholder(value) { return Assessment(severity: .medium, what: "a literal placeholder value", redacted: redacted) }
        return Assessment(severity: plainSeverity, what: "a literal value", redacted: redacted)
    }

    /// The redacted matched text.
    static func redact(_ match: SecretMatch, in value: String) -> String {
        let bytes = Array(value.utf8)
        guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
        return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
    }
}
