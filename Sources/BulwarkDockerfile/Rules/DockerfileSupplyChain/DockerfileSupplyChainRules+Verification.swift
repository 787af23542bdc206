import BulwarkCore

/// Verification switched off: TLS certificates and package signatures.
extension DockerfileSupplyChainRules {
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
