import BulwarkCore

/// What the image lets its user change: sudo, world-writable file modes.
extension DockerfileUserRules {
    static let sudo = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/sudo",
            severity: .medium,
            title: "sudo in a RUN instruction",
            summary: """
            `sudo` in a build step means the stage runs as a user who may become root, which keeps sudo and its \
            configuration in the image and gives any process of that user a path back to root; it also has unpredictable \
            TTY and signal behaviour in builds.
            """,
            remediation: """
            Run the privileged steps before switching users (`USER root` … `USER 10001`), and do not install or configure sudo \
            in the image.
            """,
            controls: ["cis-docker:4.1", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                USER ubuntu
                RUN ↓sudo apt-get update
                """),
                dockerfileExample("""
                FROM ubuntu:24.04
                RUN make build && ↓sudo make install
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                USER root
                RUN make install
                USER 10001
                """),
            ],
            tags: ["hadolint:DL3004", "trivy:DS-0010", "checkov:CKV2_DOCKER_1"]
        ),
        check: .instruction([.run]) { view in
            view.commands.compactMap { command in
                guard command.usesSudo, let word = command.words.first(where: { ["sudo", "doas"].contains(SimpleCommand.baseName($0.value)) }) else { return nil }
                return view.violation("\(view.subject) runs \"\(command.excerpt(limit: 60))\" with \(SimpleCommand.baseName(word.value))", at: word.range.start)
            }
        }
    )

    static let chmodWorldWritable = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/chmod-world-writable",
            severity: .medium,
            title: "World-writable file mode",
            summary: """
            `chmod 777`, `a+rwx`, `o+w` or `--chmod=777` make files writable by every user of the container, so any \
            process (or a compromised dependency running as another user) can replace code or configuration the \
            application trusts. The sticky bit (`1777`, as on `/tmp`) is accepted.
            """,
            remediation: """
            Give ownership to the user that needs to write (`COPY --chown=10001:10001`, `chown 10001`) and use the narrowest \
            mode (`755` for directories and programs, `644` for files, `700`/`600` for private data).
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN mkdir -p /app/cache && chmod ↓777 /app/cache
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                RUN chmod -R ↓a+rwx /models
                COPY ↓--chmod=0666 settings.toml /app/settings.toml
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN chmod 755 /app/entrypoint.sh && chmod 1777 /app/tmp && chmod +x /app/run.sh && chmod o-w /app
                COPY --chmod=644 settings.toml /app/settings.toml
                """),
            ],
            tags: ["checkov:CKV2_DOCKER_1"]
        ),
        check: .instruction([.run, .copy, .add]) { view in
            var violations: [DockerfileViolation] = []
            if let flag = view.instruction.flag("chmod"), let mode = flag.resolvedValue, isWorldWritable(mode) {
                violations.append(view.violation("\(view.subject) copies files with --chmod=\(mode), writable by every user", at: flag.range.start))
            }
            for command in view.commands where command.program == "chmod" {
                guard let invocation = ToolInvocation(command), let mode = invocation.operands(valueOptions: ["--reference"]).first,
                      isWorldWritable(mode.value) else { continue }
                violations.append(view.violation("\(view.subject) runs \"\(command.excerpt(limit: 60))\": mode \(mode.value) is writable by every user",
                                                 at: mode.range.start))
            }
            return violations
        }
    )
}
