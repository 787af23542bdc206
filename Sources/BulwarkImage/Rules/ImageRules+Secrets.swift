import BulwarkCore
import Foundation

/// Credentials in layer files: private keys, cloud, registry and Hugging Face credentials, `.env`
/// files, git directories, kubeconfigs, `.netrc`, package-index credentials. Each rule judges the
/// files `ImageSecretInterest` asks the walker for (by name and size, see `SecretFileKind`), in the
/// final filesystem and in `removedFiles`: a file that a later layer deleted or replaced is still in
/// the layer that wrote it, and anyone who pulls the image can extract it.
extension ImageRules {
    public static let secrets: [ImageRule] = [
        privateKeyFile, cloudCredentials, registryCredentials, huggingFaceToken, envFileSecret, gitDirectory,
        kubeconfigCredentials, loginCredentials, packageIndexCredentials,
    ]

    /// What a secret rule says about one file: the phrase after the file's name, and its severity
    /// when it differs from the rule's.
    struct SecretVerdict: Sendable {
        var phrase: String
        var severity: Severity?

        init(_ phrase: String, severity: Severity? = nil) {
            self.phrase = phrase
            self.severity = severity
        }
    }

    /// One judged file: where it is, whether a later layer removed it, and the verdict.
    struct SecretHit: Sendable {
        var file: LayerFile
        var removed: Bool
        var verdict: SecretVerdict

        var member: String { "\(file.layerDigest):\(file.path)" }

        var violation: ImageViolation {
            ImageViolation(message, member: member, severity: verdict.severity)
        }

        var message: String {
            let head = "/\(file.path) in layer \(file.layerIndex) \(verdict.phrase)"
            guard removed else { return head }
            return head + "; a later layer deleted or replaced it, but it is still in the image's history: anyone with the image "
                + "can extract it from layer \(file.layerIndex) (\(file.layerDigest))"
        }
    }

    /// The verdicts of `judge` over the regular files of `kind`, final files first, then removed ones.
    static func secretHits(_ model: ImageModel, kind: SecretFileKind,
                           judge: (LayerFile, String) -> SecretVerdict?) -> [SecretHit] {
        var hits: [SecretHit] = []
        for (files, removed) in [(model.files, false), (model.removedFiles, true)] {
            for file in files where file.kind == .regular && SecretFileKind.kinds(of: file.path).contains(kind) {
                guard let contents = file.contents else { continue }
                if let verdict = judge(file, String(decoding: contents, as: UTF8.self)) {
                    hits.append(SecretHit(file: file, removed: removed, verdict: verdict))
                }
            }
        }
        return hits
    }

    static func secretCheck(_ kind: SecretFileKind, judge: @escaping @Sendable (LayerFile, String) -> SecretVerdict?) -> ImageCheck {
        ImageCheck { model in secretHits(model, kind: kind, judge: judge).map(\.violation) }
    }

    static let secretFileRemediation = """
        Remove the file from the build, not in a later layer (a deletion leaves it in the layer that wrote it): use a \
        `.dockerignore` entry for files of the build context, a BuildKit secret mount (`RUN --mount=type=secret,id=…`) \
        for credentials a build step needs, and the orchestrator's secret store at run time; then rebuild, and rotate \
        the credential, since every copy of the image holds it.
        """

    static let privateKeyFile = ImageRule(
        RuleDescriptor(
            id: "image/private-key",
            severity: .high,
            title: "Private key in an image layer",
            summary: """
            A PEM or OpenSSH private key in a layer file (`.ssh/id_*`, `*.pem`, `*.key`, `*.p8`, files under `.ssh/`), \
            in the final filesystem or deleted by a later layer. Every container and everyone who can pull the image \
            shares the key. Encrypted keys are medium. Keys in the test data of installed Python packages (a \
            `test`/`tests`/`testdata` folder under `site-packages` or `dist-packages`, e.g. certifi's or requests' \
            fixtures) are not the image owner's: they are reported once per image, low, with their count. Only files \
            chosen by name and under 1 MiB are read (`ImageSecretInterest`).
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.ssh/id_ed25519: "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n-----END OPENSSH PRIVATE KEY-----\\n"
                      root/.ssh/id_ed25519.pub: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI root@build"
                  - removed: [root/.ssh/id_ed25519]
                """),
                imageYAMLExample("""
                layers:
                  - files:
                ↓      srv/tls/server.key: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----\\n"
                      srv/tls/server.pem: "-----BEGIN CERTIFICATE-----\\nMIIDdzCCAl+gAwIBAgIE\\n-----END CERTIFICATE-----\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      srv/tls/server.pem: "-----BEGIN CERTIFICATE-----\\nMIIDdzCCAl+gAwIBAgIE\\n-----END CERTIFICATE-----\\n"
                      etc/ssl/certs/ca.pem: "-----BEGIN CERTIFICATE-----\\nMIIDdzCCAl+gAwIBAgIE\\n-----END CERTIFICATE-----\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: ImageCheck { model in
            let hits = secretHits(model, kind: .privateKey) { _, text in privateKeyVerdict(text) }
            let fixtures = hits.filter { isPackageTestData($0.file.path) }
            var violations = hits.filter { !isPackageTestData($0.file.path) }.map(\.violation)
            if let first = fixtures.first {
                let shown = fixtures.prefix(3).map { "/" + $0.file.path }.joined(separator: ", ")
                let more = fixtures.count > 3 ? " and \(fixtures.count - 3) more" : ""
                violations.append(ImageViolation(
                    "\(fixtures.count) private key file\(fixtures.count == 1 ? "" : "s") in the test data of installed Python packages "
                        + "(\(shown)\(more)): fixtures the packages ship, reported once; remove them if the image is scanned by tools that flag each",
                    member: first.member, severity: .low))
            }
            return violations
        }
    )

    static func privateKeyVerdict(_ text: String) -> SecretVerdict? {
        let matches = SecretDetector.scan(value: text).filter { $0.kind == .privateKey }
        guard let match = matches.first else { return nil }
        let header = String(decoding: Array(text.utf8)[match.range], as: UTF8.self)
        let encrypted = header.contains("ENCRYPTED") || text.contains("Proc-Type: 4,ENCRYPTED")
            || text.contains("bcrypt") && header.contains("OPENSSH") && !text.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU")
        let count = matches.count > 1 ? " (and \(matches.count - 1) more)" : ""
        if encrypted { return SecretVerdict("holds an encrypted private key (\(header))\(count)", severity: .medium) }
        return SecretVerdict("holds a private key (\(header))\(count)")
    }

    /// A path in the tests of an installed Python distribution (`…/site-packages/<pkg>/tests/…`).
    static func isPackageTestData(_ path: String) -> Bool {
        let components = path.split(separator: "/").map { $0.lowercased() }
        guard let root = components.firstIndex(where: { $0 == "site-packages" || $0 == "dist-packages" }) else { return false }
        return components[(root + 1)...].dropLast().contains { ["test", "tests", "testdata", "test_data", "testing"].contains($0) }
    }

    static let cloudCredentials = ImageRule(
        RuleDescriptor(
            id: "image/cloud-credentials",
            severity: .high,
            title: "Cloud credentials in an image layer",
            summary: """
            AWS keys (`.aws/credentials`, `.aws/config`), Google Cloud service-account keys and user credentials \
            (`*service-account*.json`, `*credentials*.json`, `key.json`, `application_default_credentials.json`) and \
            Azure CLI token caches (`.azure/accessTokens.json`, `msal_token_cache.json`) in a layer file, in the final \
            filesystem or deleted by a later layer: whoever pulls the image acts as that cloud identity. Only files \
            chosen by name and under 1 MiB are read.
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.aws/credentials: "[default]\\naws_access_key_id = AKIAZ5G7QW2ERTY8UIOP\\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\\n"
                ↓      app/gcp-service-account.json: "{\\"type\\": \\"service_account\\", \\"client_email\\": \\"ml@p.iam.gserviceaccount.com\\", \\"private_key\\": \\"-----BEGIN PRIVATE KEY-----\\\\nMIIE\\\\n-----END PRIVATE KEY-----\\\\n\\"}"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      root/.aws/config: "[default]\\nregion = eu-west-1\\n"
                      app/credentials.json: "{\\"type\\": \\"external_account\\", \\"credential_source\\": {\\"file\\": \\"/var/run/token\\"}}"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.cloud) { file, text in cloudVerdict(path: file.path, text: text) }
    )

    static func cloudVerdict(path: String, text: String) -> SecretVerdict? {
        let compact = text.filter { !$0.isWhitespace }
        if path.contains(".azure/") {
            let tokens = ["\"accessToken\"", "\"access_token\"", "\"refresh_token\"", "\"refreshToken\"", "\"secret\"", "\"client_secret\""]
            return tokens.contains(where: compact.contains) ? SecretVerdict("holds Azure CLI tokens") : nil
        }
        if compact.contains("\"type\":\"service_account\""), compact.contains("\"private_key\"") {
            return SecretVerdict("holds a Google Cloud service-account key")
        }
        if compact.contains("\"type\":\"authorized_user\""), compact.contains("\"refresh_token\"") {
            return SecretVerdict("holds Google Cloud user credentials (a refresh token)")
        }
        let kinds = Set(SecretDetector.scan(value: text).map(\.kind))
        if kinds.contains(.awsAccessKeyID) || kinds.contains(.awsSecretAccessKey) {
            return SecretVerdict("holds AWS credentials (\(kinds.contains(.awsSecretAccessKey) ? "a secret access key" : "an access key ID"))")
        }
        for assignment in SecretDetector.assignments(in: text)
        where ["aws_secret_access_key", "aws_session_token"].contains(assignment.key.lowercased()) && !assignment.value.isEmpty {
            return SecretVerdict("holds AWS credentials (\(assignment.key))")
        }
        if let match = SecretDetector.scan(value: text).first {
            return SecretVerdict("holds \(match.kind.displayName)")
        }
        return nil
    }

    static let registryCredentials = ImageRule(
        RuleDescriptor(
            id: "image/registry-credentials",
            severity: .high,
            title: "Container registry credentials in an image layer",
            summary: """
            Registry logins (`auths` entries with `auth`, `identitytoken` or `password`) in `.docker/config.json`, \
            `.dockercfg` or a podman/buildah `containers/auth.json`, in the final filesystem or deleted by a later \
            layer: whoever pulls the image can push to the registry as the builder. A config that only names a \
            credential helper (`credsStore`, `credHelpers`) holds no secret and is not reported.
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.docker/config.json: "{\\"auths\\": {\\"registry.example.com\\": {\\"auth\\": \\"Y2k6czNjcjN0LXA0c3M=\\"}}}"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      root/.docker/config.json: "{\\"credsStore\\": \\"ecr-login\\", \\"auths\\": {\\"registry.example.com\\": {}}}"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.registry) { _, text in registryVerdict(text) }
    )

    static func registryVerdict(_ text: String) -> SecretVerdict? {
        let secretKeys = ["auth", "identitytoken", "password", "registrytoken"]
        func hasSecret(_ entry: Any) -> Bool {
            guard let fields = entry as? [String: Any] else { return false }
            return fields.contains { key, value in secretKeys.contains(key.lowercased()) && !((value as? String) ?? "").isEmpty }
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            // `.docker/config.json` and `auth.json` keep logins under `auths`; the old `.dockercfg` at the top.
            let entries = (object["auths"] as? [String: Any]) ?? object
            let registries = entries.filter { hasSecret($0.value) }.map(\.key).sorted()
            guard !registries.isEmpty else { return nil }
            return SecretVerdict("holds login credentials for \(registries.joined(separator: ", "))")
        }
        // Truncated or malformed: judge the text.
        let compact = text.filter { !$0.isWhitespace }
        for key in secretKeys where compact.range(of: "\"\(key)\":\"[^\"]", options: [.regularExpression, .caseInsensitive]) != nil {
            return SecretVerdict("holds registry login credentials (the file is not valid JSON; `\(key)` is set)")
        }
        return nil
    }

    static let huggingFaceToken = ImageRule(
        RuleDescriptor(
            id: "image/hugging-face-token",
            severity: .high,
            title: "Hugging Face token in an image layer",
            summary: """
            The token `huggingface-cli login` or `huggingface_hub.login()` saves (`.cache/huggingface/token`, \
            `.huggingface/token`, `stored_tokens`), in the final filesystem or deleted by a later layer: a build that \
            logged in to download a gated model left the token for everyone who pulls the image, with the rights of \
            the account (often write access to its models).
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.cache/huggingface/token: "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH"
                  - removed: [root/.cache/huggingface/token]
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      root/.cache/huggingface/hub/version.txt: "1"
                      root/.cache/huggingface/token: ""
                """),
            ],
            tags: ["secrets", "ml"]
        ),
        check: secretCheck(.huggingFace) { _, text in
            if let match = SecretDetector.scan(value: text).first(where: { $0.kind == .huggingFaceToken }) {
                return SecretVerdict("holds a Hugging Face token (\(CredentialLiteral.redact(match, in: text)))")
            }
            if text.contains("hf_") || !text.allSatisfy(\.isWhitespace) && !text.contains("[") {
                return SecretVerdict("holds a Hugging Face token")
            }
            // `stored_tokens` is INI: one section per token name.
            let tokens = SecretDetector.assignments(in: text).filter { $0.key == "hf_token" && !$0.value.isEmpty }
            return tokens.isEmpty ? nil : SecretVerdict("holds \(tokens.count) Hugging Face token\(tokens.count == 1 ? "" : "s")")
        }
    )

    static let envFileSecret = ImageRule(
        RuleDescriptor(
            id: "image/env-file-secret",
            severity: .high,
            title: "Credentials in a .env file in an image layer",
            summary: """
            A `.env` file (`.env`, `.env.production`, `prod.env`; not templates such as `.env.example`) that sets \
            credentials, in the final filesystem or deleted by a later layer: usually copied in with the build context \
            because `.dockerignore` does not exclude it. Values are judged as in image/secret-in-env: token formats \
            under any name, literal values of credential-named variables.
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      app/.env: "DEBUG=false\\nOPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\\nDB_PASSWORD=s3cr3t-P4ss-2024\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/.env: "DEBUG=false\\nMODEL_PATH=/models/m\\nDB_PASSWORD_FILE=/run/secrets/db\\n"
                      app/.env.example: "OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.envFile) { _, text in
            let found = SecretDetector.assignments(in: text).compactMap { assignment in
                CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .high).map { (assignment.key, $0) }
            }
            guard let (name, first) = found.first else { return nil }
            let more = found.count > 1 ? " and \(found.count - 1) more credential\(found.count == 2 ? "" : "s")" : ""
            let severity = found.map(\.1.severity).max() ?? first.severity
            return SecretVerdict("sets \(name) to \(first.what) (\(first.redacted))\(more)", severity: severity)
        }
    )

    static let gitDirectory = ImageRule(
        RuleDescriptor(
            id: "image/git-directory",
            severity: .medium,
            title: "Git directory in an image layer",
            summary: """
            A `.git` directory (its `config` or `HEAD`) in the final filesystem or deleted by a later layer: the \
            repository's whole history ships with the image, with every secret ever committed and removed since; \
            high when the remote URL in `.git/config` carries credentials. Reported once per `.git` directory, at its \
            `config` (or `HEAD` when there is no `config`).
            """,
            remediation: """
            Add `.git` to `.dockerignore` (or copy only the files the image needs), rebuild, and rotate any credential \
            in the remote URL.
            """,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/.git/HEAD: "ref: refs/heads/main\\n"
                ↓      app/.git/config: "[remote \\"origin\\"]\\n\\turl = https://ci-bot:glpat-Ab3dEf7hIj1LmN0pQr5t@gitlab.example.com/ml/server.git\\n"
                      app/server.py: "print('hello')\\n"
                """),
                imageYAMLExample("""
                layers:
                  - files:
                ↓      src/.git/HEAD: "ref: refs/heads/main\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/server.py: "print('hello')\\n"
                      app/.gitignore: "*.pyc\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: ImageCheck { model in
            let hits = secretHits(model, kind: .git) { file, text in
                guard file.path.hasSuffix("/config") || file.path == ".git/config" else {
                    return SecretVerdict("is part of a git directory: the repository's history ships with the image")
                }
                let hosts = credentialURLHosts(text)
                if !hosts.isEmpty {
                    return SecretVerdict("is part of a git directory whose remote URL carries credentials for \(hosts.joined(separator: ", ")): "
                        + "the repository's history ships with the image", severity: .high)
                }
                return SecretVerdict("is part of a git directory: the repository's history ships with the image")
            }
            // One finding per `.git` directory (and layer): its config when both are there.
            var chosen: [String: SecretHit] = [:]
            var order: [String] = []
            for hit in hits {
                let directory = "\(hit.file.layerDigest):\(hit.removed):" + hit.file.path.dropLast(hit.file.path.hasSuffix("HEAD") ? 4 : 6)
                if let existing = chosen[directory] {
                    if existing.file.path.hasSuffix("HEAD") { chosen[directory] = hit }
                } else {
                    chosen[directory] = hit
                    order.append(directory)
                }
            }
            return order.compactMap { chosen[$0]?.violation }
        }
    )

    static let kubeconfigCredentials = ImageRule(
        RuleDescriptor(
            id: "image/kubeconfig-credentials",
            severity: .high,
            title: "Kubeconfig with credentials in an image layer",
            summary: """
            A kubeconfig (`.kube/config`, `kubeconfig`, `*.kubeconfig`, `etc/kubernetes/admin.conf`) with a bearer \
            token, a client key, a password or an auth provider's tokens, in the final filesystem or deleted by a later \
            layer: whoever pulls the image reaches the cluster as that user. A kubeconfig that authenticates through an \
            `exec` plugin holds no secret and is not reported.
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.kube/config: "apiVersion: v1\\nkind: Config\\nusers:\\n- name: ci\\n  user:\\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      root/.kube/config: "apiVersion: v1\\nkind: Config\\nusers:\\n- name: ci\\n  user:\\n    exec:\\n      command: aws\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.kubeconfig) { _, text in
            let secretKeys: Set<String> = ["token", "client-key-data", "password", "access-token", "refresh-token", "id-token", "client-secret"]
            let keys = SecretDetector.assignments(in: text).filter { secretKeys.contains($0.key) && !$0.value.isEmpty }.map(\.key)
            guard !keys.isEmpty else { return nil }
            var unique: [String] = []
            for key in keys where !unique.contains(key) { unique.append(key) }
            return SecretVerdict("is a kubeconfig with cluster credentials (\(unique.joined(separator: ", ")))")
        }
    )

    static let loginCredentials = ImageRule(
        RuleDescriptor(
            id: "image/login-credentials",
            severity: .high,
            title: "Login credentials file in an image layer",
            summary: """
            A `.netrc` (`_netrc`) with a password or a `.git-credentials` with a credential URL, in the final \
            filesystem or deleted by a later layer: curl, git, pip and other tools read them to log in to the hosts \
            they name, and so can whoever pulls the image.
            """,
            remediation: secretFileRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      root/.netrc: "machine models.example.com login ci password s3cr3t-P4ss-2024\\n"
                ↓      root/.git-credentials: "https://ci-bot:ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      root/.netrc: "machine models.example.com login anonymous\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.login) { file, text in
            if file.path.hasSuffix(".git-credentials") {
                let hosts = credentialURLHosts(text)
                return hosts.isEmpty ? nil : SecretVerdict("holds git credentials for \(hosts.joined(separator: ", "))")
            }
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            var machines: [String] = []
            var machine = "default"
            for (index, word) in words.enumerated() {
                if word == "machine", index + 1 < words.count { machine = words[index + 1] }
                if word == "password", index + 1 < words.count, !machines.contains(machine) { machines.append(machine) }
            }
            return machines.isEmpty ? nil : SecretVerdict("holds passwords for \(machines.joined(separator: ", "))")
        }
    )

    /// The hosts of the URLs with credentials in a text (`https://user:token@host/…`), in order: a
    /// literal password after the user (not `${VAR}`), or a token format in the user part.
    static func credentialURLHosts(_ text: String) -> [String] {
        var hosts: [String] = []
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            let after = rest[scheme.upperBound...]
            let authority = after.prefix { !"/ \t\r\n\"'?#".contains($0) }
            rest = after[authority.endIndex...]
            guard let at = authority.lastIndex(of: "@") else { continue }
            let userinfo = String(authority[..<at])
            let host = String(authority[authority.index(after: at)...])
            let password = userinfo.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            let literal = !password.isEmpty && !SecretDetector.isReference(password) && !CredentialLiteral.containsExpansion(password)
            guard literal || !SecretDetector.scan(value: userinfo).isEmpty, !host.isEmpty, !hosts.contains(host) else { continue }
            hosts.append(host)
        }
        return hosts
    }

    static let packageIndexCredentials = ImageRule(
        RuleDescriptor(
            id: "image/package-index-credentials",
            severity: .high,
            title: "Package index credentials in an image layer",
            summary: """
            A private package index's credentials in a layer file, in the final filesystem or deleted by a later layer: \
            an `index-url`/`extra-index-url` with a user and password (`pip.conf`, `pip.ini`, `requirements*.txt`, \
            `constraints*.txt`), a `password` in `.pypirc`, an `_authToken`/`_auth`/`_password` in `.npmrc`. Whoever \
            pulls the image can read, and often publish to, the private index.
            """,
            remediation: """
            Pass index credentials to the build as a BuildKit secret (`RUN --mount=type=secret,id=pip,target=/etc/pip.conf \
            pip install …`) or through `PIP_INDEX_URL` in a secret mount, never in files the image keeps; rebuild and \
            rotate the credential.
            """,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                ↓      etc/pip.conf: "[global]\\nextra-index-url = https://ci:s3cr3t-P4ss-2024@pypi.example.com/simple\\n"
                ↓      app/requirements.txt: "--index-url https://__token__:glpat-Ab3dEf7hIj1LmN0pQr5t@gitlab.example.com/api/v4/projects/1/packages/pypi/simple\\nflask==3.0.3\\n"
                ↓      root/.npmrc: "//registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\\n"
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      etc/pip.conf: "[global]\\nindex-url = https://pypi.example.com/simple\\n"
                      app/requirements.txt: "flask==3.0.3\\n"
                      root/.npmrc: "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\\n"
                """),
            ],
            tags: ["secrets"]
        ),
        check: secretCheck(.packageIndex) { file, text in
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            switch name.lowercased() {
            case ".npmrc":
                // `//registry.example.com/:_authToken=…`: the key's scope is before its last `:`.
                let tokens = text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
                    guard let equals = line.firstIndex(of: "=") else { return nil }
                    let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                    let name = key.split(separator: ":").last.map(String.init) ?? key
                    guard ["_authtoken", "_auth", "_password"].contains(name.lowercased()), !value.isEmpty,
                          !SecretDetector.isReference(value), !CredentialLiteral.containsExpansion(value) else { return nil }
                    return key
                }
                return tokens.isEmpty ? nil : SecretVerdict("holds an npm registry token (\(tokens.joined(separator: ", ")))")
            case ".pypirc":
                let passwords = SecretDetector.assignments(in: text).filter { $0.key.lowercased() == "password" && !$0.value.isEmpty }
                return passwords.isEmpty ? nil : SecretVerdict("holds \(passwords.count) package index password\(passwords.count == 1 ? "" : "s")")
            default:
                let hosts = credentialURLHosts(text)
                return hosts.isEmpty ? nil : SecretVerdict("names a package index with credentials in its URL (\(hosts.joined(separator: ", ")))")
            }
        }
    )
}
