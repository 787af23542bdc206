import BulwarkCore
import Foundation

/// An example of an image rule: an image written in the image example format (`example.image.yaml`,
/// see docs/rule-authoring.md), with `↓` at the start of each line a finding must land on.
func imageYAMLExample(_ text: String, sourceFile: String = #filePath, sourceLine: Int = #line) -> RuleExample {
    RuleExample(text, fileName: "example.image.yaml", sourceFile: sourceFile, sourceLine: sourceLine)
}

/// Rules over the image config (`config.User`, `Env`, `Labels`, `Healthcheck`, `Entrypoint`/`Cmd`,
/// `ExposedPorts`, `history`): what the build left in the image, judged where the Dockerfile is not
/// at hand (a pulled image, a vendor's image). Each mirrors a Dockerfile rule with the same meaning,
/// controls and wording; ids are `image/…` because ids are unique in the catalogue.
extension ImageRules {
    public static let config: [ImageRule] = [
        rootUser, noHealthcheck, sshPort, secretInEnv, secretInLabel, shellFormEntrypoint, addRemoteURL, trustRemoteCode,
        modelDownloadUnpinned,
    ]

    /// The member every config finding names.
    static let configMember = "config"

    static let rootUser = ImageRule(
        RuleDescriptor(
            id: "image/root-user",
            severity: .high,
            title: "Image runs as root",
            summary: """
            The image counterpart of dockerfile/root-user. The config's `User` is who the container runs as unless the \
            orchestrator overrides it; absent, empty, `0`, `root` or a `0:`/`root:` user and group mean root. A process \
            running as root in a container turns an application compromise into root on a shared kernel, one namespace \
            bug away from the node.
            """,
            remediation: """
            Rebuild the image with an unprivileged user with a fixed UID in the final stage \
            (`RUN useradd --uid 10001 --no-log-init app`) and end it with `USER 10001`; until then, run it with \
            `runAsNonRoot: true` and `runAsUser: 10001` in the pod's security context.
            """,
            controls: ["cis-docker:4.1", "nist-800-190:4.1.2"],
            failing: [
                imageYAMLExample("""
                config:
                ↓  User: root
                  Entrypoint: ["python", "app.py"]
                """),
                imageYAMLExample("""
                ↓config:
                  Entrypoint: ["python", "app.py"]
                """),
                imageYAMLExample("""
                config:
                ↓  User: "0:0"
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  User: "10001"
                  Entrypoint: ["python", "app.py"]
                """),
                imageYAMLExample("""
                config:
                  User: nonroot:nonroot
                """),
            ],
            tags: ["hadolint:DL3002", "trivy:DS-0002"]
        ),
        check: ImageCheck { model in
            guard let user = model.config.user?.trimmingCharacters(in: .whitespaces), !user.isEmpty else {
                return [ImageViolation("the image config sets no User: the container runs as root", member: configMember,
                                       field: "config.User")]
            }
            guard isRoot(user) else { return [] }
            return [ImageViolation("the image config sets User to \"\(user)\": the container runs as root", member: configMember,
                                   field: "config.User")]
        }
    )

    /// `0`, `root`, or either with a group (`0:0`, `root:staff`): the user part decides.
    static func isRoot(_ user: String) -> Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? user
        return name == "root" || (!name.isEmpty && name.allSatisfy { $0 == "0" })
    }

    static let noHealthcheck = ImageRule(
        RuleDescriptor(
            id: "image/no-healthcheck",
            severity: .low,
            title: "No HEALTHCHECK in the image",
            summary: """
            The image counterpart of dockerfile/no-healthcheck. Without a health check in the config, Docker, Compose \
            and Swarm see a hung or deadlocked server as healthy and keep routing to it. Kubernetes ignores it and uses \
            its own probes, so the rule is low. `HEALTHCHECK NONE` (`["NONE"]`) is an explicit choice and counts, as in \
            the Dockerfile rule.
            """,
            remediation: """
            Add a check that needs nothing beyond the runtime, e.g. for a Python server \
            `HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]`, \
            and give the Kubernetes Deployment matching readiness and liveness probes.
            """,
            controls: ["cis-docker:4.6", "nist-800-190:4.1.2"],
            failing: [
                imageYAMLExample("""
                ↓config:
                  User: "10001"
                  Entrypoint: ["python", "app.py"]
                """),
                imageYAMLExample("""
                config:
                  User: "10001"
                ↓  Healthcheck: []
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  User: "10001"
                  Healthcheck: ["CMD", "curl", "-f", "http://localhost:8080/healthz"]
                """),
                imageYAMLExample("""
                config:
                  Healthcheck: ["NONE"]
                """),
            ],
            tags: ["trivy:DS-0026"]
        ),
        check: ImageCheck { model in
            guard let test = model.config.healthcheck else {
                return [ImageViolation("the image config has no Healthcheck", member: configMember, field: "config.Healthcheck")]
            }
            // An empty test inherits nothing: Docker treats `Test: []` as "no check".
            guard test.isEmpty else { return [] }
            return [ImageViolation("the image config's Healthcheck has no test", member: configMember, field: "config.Healthcheck")]
        }
    )

    static let sshPort = ImageRule(
        RuleDescriptor(
            id: "image/ssh-server",
            severity: .high,
            title: "SSH server in the image",
            summary: """
            The image counterpart of dockerfile/ssh-server, from the config's `ExposedPorts` (TCP port 22). An SSH \
            server is a second way into the container with its own keys and passwords to manage, outside the \
            orchestrator's access control and audit.
            """,
            remediation: """
            Remove the SSH server and `EXPOSE 22`; use `kubectl exec` or `docker exec` (or an ephemeral debug container) \
            for interactive access, and `kubectl cp` for files.
            """,
            controls: ["cis-docker:4.3", "cis-docker:5.7", "nist-800-190:4.1.2"],
            failing: [
                imageYAMLExample("""
                config:
                  ExposedPorts:
                    - 8080/tcp
                ↓    - 22/tcp
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  ExposedPorts: ["8080/tcp", "2222/tcp", "22/udp"]
                """),
            ]
        ),
        check: ImageCheck { model in
            model.config.exposedPorts.compactMap { port in
                // `22`, `22/tcp`; a port without a protocol is TCP.
                let parts = port.split(separator: "/", maxSplits: 1)
                guard parts.first == "22", parts.count == 1 || parts[1].lowercased() == "tcp" else { return nil }
                return ImageViolation("the image config exposes port \(port), the SSH port", member: configMember,
                                      field: "config.ExposedPorts.\(port)")
            }
        }
    )

    static let secretRemediation = """
        Rebuild the image without the value and rotate the credential: anyone who can pull the image reads its config \
        (`docker inspect`). Give build steps secrets with BuildKit secret mounts \
        (`RUN --mount=type=secret,id=hf_token,env=HF_TOKEN …`), and the running container through the orchestrator's \
        secret store (a Kubernetes Secret mounted as a file).
        """

    static let secretControls: [ControlID] = ["cis-docker:4.10", "nist-800-190:4.1.4", "mitre-atlas:AML.T0055"]

    static let secretInEnv = ImageRule(
        RuleDescriptor(
            id: "image/secret-in-env",
            severity: .high,
            title: "Credential in the image's environment",
            summary: """
            The image counterpart of dockerfile/secret-in-env. `Env` is stored in the image config: anyone who can pull \
            the image reads it with `docker inspect`, and every container inherits it. The rule reports values in a \
            known token format (AWS, GitHub, GitLab, Hugging Face `hf_…`, OpenAI, Anthropic, Slack, Stripe, Google, \
            private keys, JWTs, connection strings with passwords) under any name, and literal values of \
            credential-named variables (`HF_TOKEN`, `DB_PASSWORD`, `API_KEY`): high for token formats, random-looking \
            and plain values, medium for placeholders such as `changeme`.
            """,
            remediation: secretRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                config:
                  Env:
                    - PATH=/usr/local/bin:/usr/bin
                ↓    - HUB_AUTH=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
                ↓    - MODEL_REGISTRY_TOKEN=changeme-not-a-real-token
                ↓    - DATABASE_URL=postgres://app:s3cr3t-P4ss@db.internal:5432/prompts
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  Env:
                    - GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json
                    - TOKENIZER_PATH=/models/tokenizer
                    - MAX_TOKENS=4096
                    - HF_TOKEN=
                    - PASSWORD_FILE=/run/secrets/db-password
                """),
            ],
            tags: ["trivy:DS-0031", "secrets"]
        ),
        check: ImageCheck { model in
            model.config.env.enumerated().compactMap { index, entry in
                let (name, value) = splitAssignment(entry)
                guard let found = CredentialLiteral.assess(name: name, value: value, plainSeverity: .high) else { return nil }
                return ImageViolation("the image config sets \(name) to \(found.what) (\(found.redacted)), readable by anyone who can pull the image",
                                      member: configMember, field: "config.Env[\(index)]", severity: found.severity)
            }
        }
    )

    /// `KEY=value` (the value may contain `=`); an entry without `=` is a name with an empty value.
    static func splitAssignment(_ entry: String) -> (name: String, value: String) {
        guard let equals = entry.firstIndex(of: "=") else { return (entry, "") }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }

    static let secretInLabel = ImageRule(
        RuleDescriptor(
            id: "image/secret-in-label",
            severity: .high,
            title: "Credential in an image label",
            summary: """
            The image counterpart of dockerfile/secret-in-env for `LABEL`: labels are stored in the image config, shown \
            by registries and `docker inspect` to anyone who can pull the image. Values in a known token format are \
            reported under any key, literal values of credential-named keys (`registry.token`) as in the Env rule.
            """,
            remediation: secretRemediation,
            controls: secretControls,
            failing: [
                imageYAMLExample("""
                config:
                  Labels:
                    org.opencontainers.image.source: https://github.com/example/server
                ↓    ci.deploy-token: glpat-Ab3dEf7hIj1LmN0pQr5t
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  Labels:
                    org.opencontainers.image.source: https://github.com/example/server
                    maintainer: ml-platform@example.com
                """),
            ],
            tags: ["secrets"]
        ),
        check: ImageCheck { model in
            model.config.labels.sorted { $0.key < $1.key }.compactMap { key, value in
                guard let found = CredentialLiteral.assess(name: key, value: value, plainSeverity: .high) else { return nil }
                return ImageViolation("the image config's label \(key) is \(found.what) (\(found.redacted)), readable by anyone who can pull the image",
                                      member: configMember, field: "config.Labels.\(key)", severity: found.severity)
            }
        }
    )

    static let shellFormEntrypoint = ImageRule(
        RuleDescriptor(
            id: "image/shell-form-entrypoint",
            severity: .low,
            title: "CMD or ENTRYPOINT in shell form",
            summary: """
            The image counterpart of dockerfile/shell-form-entrypoint: the config's effective `Entrypoint` (or `Cmd` \
            when there is none) is `/bin/sh -c …`, so the container's PID 1 is a shell that does not forward SIGTERM: \
            the server is killed after the grace period instead of draining requests. A shell command that starts with \
            `exec` is accepted.
            """,
            remediation: """
            Use the exec (JSON) form: `CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]`; if shell features are \
            needed, start the line with `exec` or use a small entrypoint script that ends in `exec "$@"`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                imageYAMLExample("""
                config:
                ↓  Entrypoint: ["/bin/sh", "-c", "gunicorn --bind 0.0.0.0:8080 app:app"]
                """),
                imageYAMLExample("""
                config:
                ↓  Cmd: ["/bin/sh", "-c", "python -m server"]
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  Entrypoint: ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]
                """),
                imageYAMLExample("""
                config:
                  Entrypoint: ["/bin/sh", "-c", "exec gunicorn app:app"]
                """),
                imageYAMLExample("""
                config:
                  Entrypoint: ["/docker-entrypoint.sh"]
                  Cmd: ["/bin/sh", "-c", "ignored: arguments of an exec-form entrypoint"]
                """),
            ]
        ),
        check: ImageCheck { model in
            let (key, command) = model.config.entrypoint.map { ("Entrypoint", $0) } ?? ("Cmd", model.config.cmd ?? [])
            guard isShellForm(command) else { return [] }
            return [ImageViolation("the image config's \(key) runs \(command.prefix(2).joined(separator: " ")) as PID 1, which does not forward SIGTERM",
                                   member: configMember, field: "config.\(key)")]
        }
    )

    /// `["/bin/sh", "-c", "…"]` (what Docker writes for a shell form), any `sh`/`bash`/`ash`/`dash`
    /// path, unless the command starts with `exec`.
    static func isShellForm(_ command: [String]) -> Bool {
        guard command.count >= 3, command[1] == "-c" else { return false }
        let shell = command[0].split(separator: "/").last.map(String.init) ?? ""
        guard ["sh", "bash", "ash", "dash"].contains(shell) else { return false }
        let script = command[2].trimmingCharacters(in: .whitespaces)
        return !(script == "exec" || script.hasPrefix("exec "))
    }

    static let addRemoteURL = ImageRule(
        RuleDescriptor(
            id: "image/add-remote-url",
            severity: .medium,
            title: "ADD of a remote URL without a checksum",
            summary: """
            The image counterpart of dockerfile/add-remote-url, from the config's `history[].created_by`: `ADD https://…` \
            put whatever the server returned at build time into the image unverified; a compromised server, CDN or \
            (for `http://`) anyone on the path could swap the file. `ADD --checksum=…` and git sources pinned to a full \
            commit SHA are accepted.
            """,
            remediation: """
            Pin the content in the Dockerfile: `ADD --checksum=sha256:<digest> https://…` (BuildKit), or download in a \
            RUN and verify with `sha256sum -c`; for git sources use `ADD https://github.com/org/repo.git#<40-hex commit>`; \
            then rebuild.
            """,
            controls: ["cis-docker:4.9", "cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                imageYAMLExample("""
                history:
                  - created_by: "/bin/sh -c #(nop) ADD file:0a1b2c in / "
                ↓  - created_by: "ADD https://example.com/models/resnet50.onnx /models/ # buildkit"
                """),
            ],
            passing: [
                imageYAMLExample("""
                history:
                  - created_by: "/bin/sh -c #(nop) ADD file:0a1b2c in / "
                  - created_by: "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/m.onnx /models/ # buildkit"
                  - created_by: "ADD https://github.com/org/repo.git#0123456789abcdef0123456789abcdef01234567 /src # buildkit"
                """),
            ]
        ),
        check: ImageCheck { model in
            model.config.history.enumerated().flatMap { index, entry -> [ImageViolation] in
                remoteSources(ofAdd: entry.createdBy ?? "").map { url in
                    ImageViolation("history[\(index)] added \(url) to the image without a checksum", member: configMember,
                                   field: "history[\(index)].created_by")
                }
            }
        }
    )

    /// The unpinned remote sources of an `ADD` in a history entry (`ADD https://… /dst # buildkit`,
    /// `/bin/sh -c #(nop) ADD https://… in /dst`); none for other instructions or `--checksum`.
    static func remoteSources(ofAdd createdBy: String) -> [String] {
        var words = createdBy.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let add = words.firstIndex(of: "ADD") else { return [] }
        words = Array(words[(add + 1)...])
        if let comment = words.firstIndex(of: "#") { words = Array(words[..<comment]) }
        if words.contains(where: { $0.hasPrefix("--checksum=") }) { return [] }
        return words.filter { word in
            let lower = word.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
            // A git source pinned to a full commit.
            if let hash = word.split(separator: "#", maxSplits: 1).dropFirst().first {
                let ref = hash.split(separator: ":").first ?? hash
                if ref.count == 40, ref.allSatisfy(\.isHexDigit) { return false }
            }
            return true
        }
    }

    static let trustRemoteCode = ImageRule(
        RuleDescriptor(
            id: "image/trust-remote-code",
            severity: .high,
            title: "Model loaded with trust_remote_code",
            summary: """
            The image counterpart of dockerfile/trust-remote-code, from the config: `--trust-remote-code` in the \
            `Entrypoint` or `Cmd`, or a `TRUST_REMOTE_CODE` variable switched on in `Env`. It runs the Python files of \
            the model repository inside the server: whoever can change the repository (or the revision it resolves to) \
            runs code in every serving container.
            """,
            remediation: """
            Serve architectures that transformers implements natively; when remote code is unavoidable, review the code, \
            vendor it into the image (or pin `--revision` to a reviewed commit and `--code-revision` likewise) and load \
            the model from a local, read-only path.
            """,
            controls: ["nist-800-190:4.1.3", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                imageYAMLExample("""
                config:
                ↓  Entrypoint: ["vllm", "serve", "/models/m", "--trust-remote-code"]
                  Env:
                ↓    - HF_TRUST_REMOTE_CODE=1
                """),
            ],
            passing: [
                imageYAMLExample("""
                config:
                  Entrypoint: ["vllm", "serve", "/models/m", "--trust-remote-code=false"]
                  Env:
                    - HF_TRUST_REMOTE_CODE=0
                """),
            ]
        ),
        check: ImageCheck { model in
            var violations: [ImageViolation] = []
            for (key, command) in [("Entrypoint", model.config.entrypoint), ("Cmd", model.config.cmd)] {
                guard let command, let flag = command.first(where: isTrustFlag) else { continue }
                violations.append(ImageViolation("the image config's \(key) loads a model with \(flag), running the model repository's code",
                                                 member: configMember, field: "config.\(key)"))
            }
            for (index, entry) in model.config.env.enumerated() {
                let (name, value) = splitAssignment(entry)
                guard name.uppercased().hasSuffix("TRUST_REMOTE_CODE"), isTrue(value) else { continue }
                violations.append(ImageViolation("the image config sets \(name)=\(value), loading models with their repository's code",
                                                 member: configMember, field: "config.Env[\(index)]"))
            }
            return violations
        }
    )

    static func isTrustFlag(_ word: String) -> Bool {
        let lower = word.lowercased()
        if lower == "--trust-remote-code" || lower == "--trust_remote_code" { return true }
        for prefix in ["--trust-remote-code=", "--trust_remote_code="] where lower.hasPrefix(prefix) {
            return isTrue(String(lower.dropFirst(prefix.count)))
        }
        return lower.filter { $0 != " " }.contains("trust_remote_code=true")
    }

    static func isTrue(_ value: String) -> Bool {
        ["1", "true", "yes", "on"].contains(value.lowercased().trimmingCharacters(in: .whitespaces))
    }

    static let modelDownloadUnpinned = ImageRule(
        RuleDescriptor(
            id: "image/model-download-unpinned",
            severity: .medium,
            title: "Model downloaded at build time without a pinned revision or checksum",
            summary: """
            The image counterpart of dockerfile/model-download-unpinned, from the config's `history[].created_by`: \
            `huggingface-cli download` (or `hf download`) without `--revision <commit>`, `snapshot_download`, \
            `hf_hub_download` or `from_pretrained` without `revision="<commit>"`, `git clone` of a Hugging Face repository \
            without checking out a commit, and a `huggingface.co/…/resolve/<branch>/` URL without `sha256sum` baked \
            whatever the branch held at build time into the image: a pushed (or hijacked) revision changes the model. \
            History keeps the build commands as written (BuildKit) or shortened (`|1 X=1 /bin/sh -c …`); a command only \
            in a script the build ran is not seen.
            """,
            remediation: """
            Pin the 40-character commit in the Dockerfile: `huggingface-cli download org/model --revision 4f2a9c1…`, \
            `snapshot_download("org/model", revision="4f2a9c1…")`, `git -C model checkout 4f2a9c1…`; for plain downloads, \
            check a pinned SHA-256 (`sha256sum -c`); then rebuild. Prefer safetensors, and sign and verify the model.
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                imageYAMLExample("""
                history:
                ↓  - created_by: "RUN /bin/sh -c huggingface-cli download BAAI/bge-small-en-v1.5 --local-dir /models/bge # buildkit"
                ↓  - created_by: "RUN /bin/sh -c curl -fsSLo /models/m.gguf https://huggingface.co/org/m-GGUF/resolve/main/m.Q4_K_M.gguf # buildkit"
                """),
            ],
            passing: [
                imageYAMLExample("""
                history:
                  - created_by: "RUN /bin/sh -c huggingface-cli download BAAI/bge-small-en-v1.5 --revision 5c38ec7c405ec4b44b94cc5a9bb96e735b38267a --local-dir /models/bge # buildkit"
                  - created_by: "RUN /bin/sh -c pip install --no-cache-dir huggingface_hub==0.26.2 # buildkit"
                """),
            ],
            tags: ["ml"]
        ),
        check: ImageCheck { model in
            model.config.history.enumerated().compactMap { index, entry in
                guard let what = unpinnedModelDownload(entry.createdBy ?? "") else { return nil }
                return ImageViolation("history[\(index)] \(what) without a pinned revision or checksum", member: configMember,
                                      field: "history[\(index)].created_by")
            }
        }
    )

    /// What a build command downloads from Hugging Face unpinned (`downloaded BAAI/bge… with
    /// huggingface-cli`), or nil.
    static func unpinnedModelDownload(_ command: String) -> String? {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" || $0 == "&" || $0 == "|" }).map(String.init)
        func isCommit(_ text: Substring) -> Bool { text.count == 40 && text.allSatisfy(\.isHexDigit) }
        func pinnedRevision() -> Bool {
            for (index, word) in words.enumerated() {
                if word == "--revision", index + 1 < words.count, isCommit(Substring(words[index + 1])) { return true }
                if word.hasPrefix("--revision="), isCommit(word.dropFirst("--revision=".count)) { return true }
                if word == "checkout", index + 1 < words.count, isCommit(Substring(words[index + 1])) { return true }
            }
            // `revision="<commit>"` in Python code.
            let compact = command.filter { $0 != " " }
            guard let range = compact.range(of: "revision=") else { return false }
            return isCommit(compact[range.upperBound...].drop { $0 == "\"" || $0 == "'" }.prefix(40))
        }
        for (index, word) in words.enumerated() where word == "download" && index > 0
            && ["huggingface-cli", "hf"].contains(words[index - 1].split(separator: "/").last.map(String.init) ?? "") {
            if pinnedRevision() { return nil }
            let repository = index + 1 < words.count ? " " + words[index + 1] : ""
            return "downloaded\(repository) with \(words[index - 1]) download"
        }
        for call in ["snapshot_download(", "hf_hub_download(", "from_pretrained("] where command.contains(call) {
            return pinnedRevision() ? nil : "called \(call.dropLast())"
        }
        if let clone = words.firstIndex(of: "clone"), clone > 0, words[clone - 1].hasSuffix("git"),
           words[clone...].contains(where: { $0.contains("huggingface.co/") }) {
            return pinnedRevision() ? nil : "cloned a Hugging Face repository"
        }
        for word in words where word.contains("huggingface.co/") && word.contains("/resolve/") {
            let ref = word.components(separatedBy: "/resolve/").last?.split(separator: "/").first ?? ""
            if isCommit(ref) || command.contains("sha256sum") { continue }
            return "downloaded \(word)"
        }
        return nil
    }
}
