import BulwarkCore

/// What the build fetches from the network: remote ADD, scripts piped into a shell, downloads without
/// a checksum.
extension DockerfileSupplyChainRules {
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
}
