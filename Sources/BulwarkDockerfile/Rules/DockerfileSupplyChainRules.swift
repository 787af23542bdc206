import BulwarkCore

/// What enters the image from the network: remote ADD, `curl | sh`, unverified downloads, and
/// switched-off TLS or package-signature verification.
public enum DockerfileSupplyChainRules {
    public static let all: [DockerfileRule] = [addRemoteURL, curlPipeShell, downloadWithoutChecksum, tlsVerificationDisabled, signatureCheckDisabled]

    static let interpreters: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "python", "perl", "ruby", "node", "php", "pwsh", "eval", "source", "."]

    static func isFullCommitSHA(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy { $0.isHexDigit }
    }

    // MARK: - dockerfile/add-remote-url

    static let addRemoteURL = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/add-remote-url",
            severity: .medium,
            title: "ADD of a remote URL without a checksum",
            summary: """
            `ADD https://…` fetches whatever the server returns at build time and puts it into the image unverified: a \
            compromised server, CDN or (for `http://`) anyone on the path can swap the file. Git sources are reported \
            unless pinned to a full commit SHA.
            """,
            remediation: """
            Pin the content: `ADD --checksum=sha256:<digest> https://…` (BuildKit), or download in a RUN and verify with \
            `sha256sum -c`; for git sources use `ADD https://github.com/org/repo.git#<40-hex commit>`.
            """,
            controls: ["cis-docker:4.9", "cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                ADD ↓https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
                ADD ↓http://mirror.example.com/models/resnet50.onnx ↓https://github.com/org/repo.git#main /models/
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
                ADD https://github.com/org/repo.git#4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 /src
                ADD rootfs.tar.gz /
                """),
            ],
            tags: ["hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4", "supply-chain"]
        ),
        check: .instruction([.add]) { view in
            guard let transfer = view.instruction.fileTransfer, view.instruction.flag("checksum") == nil else { return [] }
            return transfer.sources.compactMap { source in
                let value = source.resolved
                let lowered = value.lowercased()
                let isGit = lowered.hasPrefix("git@") || lowered.contains(".git#") || lowered.hasSuffix(".git") || lowered.hasPrefix("git://")
                guard isGit || lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("ftp://") else { return nil }
                if isGit {
                    let reference = value.split(separator: "#", maxSplits: 1).dropFirst().first.map { String($0.split(separator: ":").first ?? "") }
                    if let reference, isFullCommitSHA(reference) { return nil }
                    return view.violation("\(view.subject) fetches the git source \(Text.excerpt(source.value, limit: 80)) by a movable reference", at: source.range.start)
                }
                let plain = lowered.hasPrefix("http://") || lowered.hasPrefix("ftp://") ? " over plain \(lowered.hasPrefix("ftp") ? "FTP" : "HTTP")" : ""
                return view.violation("\(view.subject) downloads \(Text.excerpt(source.value, limit: 80))\(plain) without --checksum", at: source.range.start)
            }
        }
    )

    // MARK: - dockerfile/curl-pipe-shell

    static let curlPipeShell = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/curl-pipe-shell",
            severity: .high,
            title: "Downloaded script piped into a shell",
            summary: """
            `curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"` and `bash <(curl …)` run whatever the server sends, \
            as root, at build time, with no record of what ran: a compromised server or CDN, a hijacked domain, or a \
            truncated download becomes code in the image.
            """,
            remediation: """
            Download the script or binary to a file, verify it against a pinned checksum or signature \
            (`echo "<sha256>  install.sh" | sha256sum -c -`), then run it; better, install a pinned package or \
            `COPY --from` an official image instead.
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN ↓curl -fsSL https://ollama.com/install.sh | sh
                RUN ↓wget -qO- https://astral.sh/uv/install.sh | sudo bash -s -- --quiet
                RUN sh -c ↓"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN curl -fsSLo /tmp/install.sh https://astral.sh/uv/0.5.4/install.sh \\
                 && echo "0b3bb6c5e2a8d3c5e9f1a7c4b2d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1  /tmp/install.sh" | sha256sum -c - \\
                 && sh /tmp/install.sh
                RUN curl -fsSL https://example.com/data.json | jq .version
                """),
            ],
            tags: ["supply-chain"]
        ),
        check: .instruction([.run]) { view in
            var violations: [DockerfileViolation] = []
            let commands = view.commands
            for download in Download.all(in: commands) {
                guard let next = download.pipedInto, let program = next.program, interpreters.contains(ToolInvocation.normalize(program)) else { continue }
                violations.append(view.violation(
                    "\(view.subject) pipes \(Text.excerpt(download.urls[0].value, limit: 70)) from \(download.invocation.tool) into \(program)",
                    at: download.invocation.toolWord.range.start))
            }
            for command in commands {
                guard let program = command.program, interpreters.contains(ToolInvocation.normalize(program)) else { continue }
                for word in command.words.dropFirst(command.commandIndex + 1) {
                    let raw = word.raw
                    guard ["$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"].contains(where: { raw.contains($0) }) else { continue }
                    violations.append(view.violation("\(view.subject) runs the output of \(Text.excerpt(word.value, limit: 70)) with \(program)", at: word.range.start))
                    break
                }
            }
            return violations
        }
    )

    // MARK: - dockerfile/download-without-checksum

    static let extractors: Set<String> = ["tar", "unzip", "gunzip", "gzip", "bsdtar", "xz", "unxz", "zstd", "bunzip2", "bzip2", "dpkg", "rpm", "cpio", "7z", "install"]
    static let verificationSuffixes = [".sha256", ".sha256sum", ".sha512", ".sha512sum", ".sha1", ".md5", "sums", ".asc", ".sig", ".gpg", ".pub", ".key", ".pem", ".crt", ".json", ".txt"]

    static let downloadWithoutChecksum = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/download-without-checksum",
            severity: .medium,
            title: "Download without checksum verification",
            summary: """
            A RUN that fetches an archive or binary with curl or wget and installs or unpacks it without checking a pinned \
            checksum or signature in the same RUN trusts the server, every proxy and the TLS setup with code in the image. \
            A checksum check (`sha256sum -c`, a comparison of `sha256sum` output) or signature check (`gpg --verify`, \
            `cosign verify-blob`) anywhere in the same RUN counts; downloads of keys, checksum lists and JSON/text data \
            are not reported.
            """,
            remediation: """
            Pin the expected digest next to the URL and verify it before use: \
            `curl -fsSLo tool.tgz "$URL" && echo "$TOOL_SHA256  tool.tgz" | sha256sum -c - && tar -xzf tool.tgz` (or verify \
            the publisher's signature), or use `ADD --checksum=sha256:…`.
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN ↓curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.2/bin/linux/amd64/kubectl && chmod +x /usr/local/bin/kubectl
                RUN ↓wget -qO- https://github.com/prometheus/node_exporter/releases/download/v1.8.2/node_exporter-1.8.2.linux-amd64.tar.gz | tar -xz -C /opt
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN curl -fsSLo kubectl https://dl.k8s.io/release/v1.31.2/bin/linux/amd64/kubectl \\
                 && echo "b1e1a2d8f3c4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0  kubectl" | sha256sum --check \\
                 && install -m 0755 kubectl /usr/local/bin/kubectl
                RUN curl -fsSL https://download.docker.com/linux/debian/gpg | gpg --dearmor -o /usr/share/keyrings/docker.gpg
                RUN curl -fsS https://api.github.com/repos/org/repo/releases/latest | jq -r .tag_name
                """),
            ],
            tags: ["supply-chain"]
        ),
        check: .instruction([.run]) { view in
            let commands = view.commands
            guard !IntegrityCheck.present(in: commands) else { return [] }
            return Download.all(in: commands).compactMap { download in
                if let next = download.pipedInto, let program = next.program {
                    let normalized = ToolInvocation.normalize(program)
                    if interpreters.contains(normalized) { return nil }  // dockerfile/curl-pipe-shell
                    guard extractors.contains(normalized) else { return nil }
                } else if !download.writesFile {
                    return nil
                }
                let artifacts = download.urls.filter { url in
                    let path = url.value.lowercased().split(separator: "?").first.map(String.init) ?? ""
                    return !verificationSuffixes.contains(where: { path.hasSuffix($0) }) && !DockerfileMLRules.isModelFile(path)
                }
                guard let url = artifacts.first else { return nil }
                return view.violation("\(view.subject) downloads \(Text.excerpt(url.value, limit: 80)) with \(download.invocation.tool) and verifies no checksum or signature",
                                      at: download.invocation.toolWord.range.start)
            }
        }
    )

    // MARK: - dockerfile/tls-verification-disabled

    static let tlsVerificationDisabled = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/tls-verification-disabled",
            severity: .high,
            title: "TLS certificate verification switched off",
            summary: """
            `curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `git -c http.sslVerify=false`, npm/yarn \
            `strict-ssl false`, conda `ssl_verify false`, yum `sslverify=0` and the variables `GIT_SSL_NO_VERIFY`, \
            `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `PIP_TRUSTED_HOST`, `NPM_CONFIG_STRICT_SSL=false`, \
            `GOINSECURE` let anyone on the network path serve code to the build. Set by ENV, the switch also stays on in \
            every container of the image.
            """,
            remediation: """
            Remove the switch and fix the trust store instead: add the internal CA to the image \
            (`COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates`) or pass it as a build secret \
            (`RUN --mount=type=secret,id=ca,target=/etc/ssl/certs/internal.pem …` with `PIP_CERT`, `REQUESTS_CA_BUNDLE`, \
            `NODE_EXTRA_CA_CERTS`).
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN curl ↓-fsSLk -o /tmp/ca.tgz https://intranet.example.com/ca.tgz
                RUN pip install --no-cache-dir ↓--trusted-host pypi.internal -i https://pypi.internal/simple model-server
                RUN git -c ↓http.sslVerify=false clone https://git.internal/ml/models.git && wget ↓--no-check-certificate https://x.example.com/a.bin
                ENV ↓NODE_TLS_REJECT_UNAUTHORIZED=0 ↓PYTHONHTTPSVERIFY=0
                RUN ↓GIT_SSL_NO_VERIFY=1 git clone https://git.internal/ml/tokenizers.git && npm config set ↓strict-ssl false
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY internal-ca.crt /usr/local/share/ca-certificates/internal-ca.crt
                RUN update-ca-certificates && curl -fsSL -o /tmp/ca.tgz https://intranet.example.com/ca.tgz
                ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PIP_CERT=/etc/ssl/certs/ca-certificates.crt
                RUN git -c http.sslVerify=true clone https://git.internal/ml/models.git
                """),
            ],
            tags: ["checkov:CKV2_DOCKER_2", "checkov:CKV2_DOCKER_3", "checkov:CKV2_DOCKER_4", "checkov:CKV2_DOCKER_5", "checkov:CKV2_DOCKER_6",
                   "checkov:CKV2_DOCKER_12", "checkov:CKV2_DOCKER_13", "checkov:CKV2_DOCKER_14", "checkov:CKV2_DOCKER_15", "checkov:CKV2_DOCKER_16", "supply-chain"]
        ),
        check: .instruction([.run, .cmd, .entrypoint, .env, .arg]) { view in
            var violations: [DockerfileViolation] = []
            var reported: Set<TextPosition> = []
            func report(_ what: String, at position: TextPosition) {
                guard reported.insert(position).inserted else { return }
                violations.append(view.violation("\(view.subject) \(what)", at: position))
            }
            for setting in view.settings {
                guard let what = insecureTLSSetting(setting.name, setting.value) else { continue }
                report(what, at: setting.namePosition)
            }
            for command in view.commands {
                guard let invocation = ToolInvocation(command) else { continue }
                switch invocation.tool {
                case "curl":
                    if let word = invocation.firstWord(["-k", "--insecure"]) { report("runs curl with \(word.value), which accepts any certificate", at: word.range.start) }
                case "wget":
                    if let word = invocation.firstWord(["--no-check-certificate"]) { report("runs wget with --no-check-certificate", at: word.range.start) }
                case "pip", "uv", "poetry":
                    if let word = invocation.firstWord(["--trusted-host", "--allow-insecure-host"]) {
                        report("runs \(invocation.tool) with \(Text.excerpt(word.value, limit: 40)), which skips TLS checks for that host", at: word.range.start)
                    } else if let word = invocation.arguments.first(where: { $0.value.lowercased().hasSuffix(".trusted-host") }) {
                        report("configures pip with \(word.value), which skips TLS checks for that host", at: word.range.start)
                    }
                case "git":
                    for (index, word) in invocation.arguments.enumerated() {
                        let lowered = word.value.lowercased()
                        if lowered.contains("sslverify=") && isFalse(String(lowered.split(separator: "=").last ?? "")) {
                            report("runs git with \(word.value)", at: word.range.start)
                        } else if lowered.hasSuffix("sslverify"), index + 1 < invocation.arguments.count, isFalse(invocation.arguments[index + 1].value) {
                            report("configures git with \(word.value) \(invocation.arguments[index + 1].value)", at: word.range.start)
                        }
                    }
                case "npm", "yarn", "pnpm":
                    let arguments = invocation.arguments
                    for (index, word) in arguments.enumerated() {
                        let lowered = word.value.lowercased()
                        if lowered == "--no-strict-ssl" || lowered.hasPrefix("--strict-ssl=") && isFalse(String(lowered.dropFirst(13))) {
                            report("runs \(invocation.tool) with \(word.value)", at: word.range.start)
                        } else if ["strict-ssl", "strictssl", "enablestrictssl"].contains(lowered), index + 1 < arguments.count, isFalse(arguments[index + 1].value) {
                            report("sets \(invocation.tool) \(word.value) \(arguments[index + 1].value)", at: word.range.start)
                        }
                    }
                case "conda", "mamba", "micromamba":
                    let arguments = invocation.arguments
                    for (index, word) in arguments.enumerated() where word.value.lowercased() == "ssl_verify" {
                        if index + 1 < arguments.count, isFalse(arguments[index + 1].value) {
                            report("sets \(invocation.tool) ssl_verify \(arguments[index + 1].value)", at: word.range.start)
                        }
                    }
                default:
                    break
                }
                // Configuration written by echo/sed/printf into repo, wgetrc or npmrc files.
                for word in command.words where word.value.utf8.contains(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) {
                    let compact = word.value.lowercased().filter { $0 != " " }
                    for pattern in ["sslverify=0", "sslverify=false", "sslverify=no", "strict-ssl=false", "check_certificate=off", "sslverify:false"]
                    where compact.contains(pattern) && !compact.hasPrefix("-") {
                        report("writes the setting \(Text.excerpt(word.value, limit: 50))", at: word.range.start)
                    }
                }
            }
            return violations
        }
    )

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

    // MARK: - dockerfile/package-signature-check-disabled

    static let signatureCheckDisabled = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/package-signature-check-disabled",
            severity: .high,
            title: "Package signature verification switched off",
            summary: """
            `apt-get --allow-unauthenticated`/`--force-yes`/`--allow-insecure-repositories`, `[trusted=yes]` sources, \
            `apk --allow-untrusted`, `yum`/`dnf --nogpgcheck` or `gpgcheck=0`, `zypper --no-gpg-checks`, \
            `rpm --nosignature`/`--nodigest` and `GOSUMDB=off` install packages nobody signed or whose signature failed, \
            the one check that holds even when a mirror or proxy is compromised.
            """,
            remediation: """
            Remove the switch and import the repository's signing key instead (`signed-by=/usr/share/keyrings/repo.gpg` in \
            the sources entry, `rpm --import KEY`, `apk` keys in `/etc/apk/keys`); keep `GOSUMDB` on and list private \
            modules in `GOPRIVATE`.
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN apt-get update && apt-get install -y ↓--allow-unauthenticated nvidia-driver && rm -rf /var/lib/apt/lists/*
                RUN echo ↓"deb [trusted=yes] http://repo.internal/debian trixie main" > /etc/apt/sources.list.d/internal.list
                RUN apk add --no-cache ↓--allow-untrusted /tmp/model-server.apk
                RUN dnf install -y ↓--nogpgcheck cuda-toolkit && rpm -i ↓--nosignature /tmp/driver.rpm
                ENV ↓GOSUMDB=off
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN echo "deb [signed-by=/usr/share/keyrings/internal.gpg] https://repo.internal/debian trixie main" > /etc/apt/sources.list.d/internal.list
                RUN dnf install -y cuda-toolkit && dnf clean all
                ENV GOSUMDB=sum.golang.org GOPRIVATE=git.internal/*
                """),
            ],
            tags: ["checkov:CKV2_DOCKER_7", "checkov:CKV2_DOCKER_8", "checkov:CKV2_DOCKER_9", "checkov:CKV2_DOCKER_10", "checkov:CKV2_DOCKER_11", "supply-chain"]
        ),
        check: .instruction([.run, .env, .arg]) { view in
            var violations: [DockerfileViolation] = []
            var reported: Set<TextPosition> = []
            func report(_ what: String, at position: TextPosition) {
                guard reported.insert(position).inserted else { return }
                violations.append(view.violation("\(view.subject) \(what)", at: position))
            }
            for setting in view.settings where setting.name.uppercased() == "GOSUMDB" && (setting.value ?? "").lowercased() == "off" {
                report("sets GOSUMDB=off, which skips Go's checksum database", at: setting.namePosition)
            }
            for command in view.commands {
                if let invocation = ToolInvocation(command) {
                    let options: [String]
                    switch invocation.tool {
                    case "apt-get", "apt", "aptitude": options = ["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"]
                    case "apk": options = ["--allow-untrusted"]
                    case "yum", "dnf", "microdnf", "tdnf": options = ["--nogpgcheck", "--no-gpgchecks"]
                    case "zypper": options = ["--no-gpg-checks", "--no-gpg-check"]
                    case "rpm": options = ["--nosignature", "--nodigest", "--nogpgcheck"]
                    default: options = []
                    }
                    if !options.isEmpty, let word = invocation.firstWord(options) {
                        report("runs \(invocation.tool) with \(word.value)", at: word.range.start)
                    }
                }
                for word in command.words where word.value.utf8.contains(UInt8(ascii: "=")) {
                    let compact = word.value.lowercased().filter { $0 != " " }
                    let insecure = ["trusted=yes", "allow-insecure=yes", "allowunauthenticated=true", "allowunauthenticated=1",
                                    "allowinsecurerepositories=true", "allowinsecurerepositories=1"].contains { compact.contains($0) }
                        || ["gpgcheck=0", "gpgcheck=false", "gpgcheck=no"].contains { pattern in
                            compact.contains(pattern) && !compact.contains("repo_" + pattern) && !compact.contains("localpkg_" + pattern)
                        }
                    if insecure { report("writes \(Text.excerpt(word.value, limit: 60)), which accepts unsigned packages", at: word.range.start) }
                }
            }
            return violations
        }
    )
}
