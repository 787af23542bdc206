import BulwarkCore

/// Who the container runs as and what it may change: the final USER, sudo, world-writable modes.
public enum DockerfileUserRules {
    public static let all: [DockerfileRule] = [rootUser, userNotNumeric, sudo, chmodWorldWritable]

    // MARK: - dockerfile/root-user

    static let rootUser = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/root-user",
            severity: .high,
            title: "Image runs as root",
            summary: """
            The user the image runs as is the last USER of the final stage (or of the stages it is built FROM); without one \
            the container runs as the base image's user, which is root for nearly every public image. A process running as \
            root in a container turns an application compromise into root on a shared kernel, one namespace bug away from \
            the node. Distroless `nonroot` images are recognised.
            """,
            remediation: """
            Create an unprivileged user with a fixed UID in the final stage (`RUN useradd --uid 10001 --no-log-init app`) \
            and end the stage with `USER 10001`; give it ownership only of what it writes (`COPY --chown=10001 …`).
            """,
            controls: ["cis-docker:4.1", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN pip install --no-cache-dir flask==3.0.3
                USER ↓root
                CMD ["python", "-m", "flask", "run"]
                """),
                dockerfileExample("""
                # The whole service in one stage, no USER
                ↓FROM python:3.12-slim
                COPY app.py /app/
                CMD ["python", "/app/app.py"]
                """),
                dockerfileExample("""
                FROM golang:1.25 AS build
                RUN useradd --uid 10001 builder
                USER builder
                RUN go build -o /out/server ./cmd/server
                ↓FROM gcr.io/distroless/static-debian12
                COPY --from=build /out/server /server
                ENTRYPOINT ["/server"]
                """),
                dockerfileExample("""
                FROM python:3.12-slim AS base
                USER 10001
                FROM base
                USER ↓0:0
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN useradd --uid 10001 --no-log-init app
                USER 10001
                CMD ["python", "/app/app.py"]
                """),
                dockerfileExample("""
                FROM gcr.io/distroless/static-debian12:nonroot
                COPY server /server
                ENTRYPOINT ["/server"]
                """),
                dockerfileExample("""
                FROM python:3.12-slim AS base
                RUN useradd --uid 10001 --no-log-init app
                USER 10001
                FROM base
                COPY app.py /app/
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                USER root
                RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
                USER ${APP_UID}
                """),
            ],
            tags: ["hadolint:DL3002", "trivy:DS-0002", "checkov:CKV_DOCKER_3", "checkov:CKV_DOCKER_8"]
        ),
        check: .stage { stage in
            guard stage.isFinal else { return [] }
            if let last = stage.effectiveInstructions.last(where: { $0.keyword == .user }) {
                guard let user = last.instruction.user, user.word.isResolved, user.isRoot else { return [] }
                return [last.violation("\(last.subject) makes \(user.word.resolved) the image's user: the container runs as root",
                                       at: user.word.range.start)]
            }
            let root = stage.rootImage
            if let root, BaseImageCatalog.runsAsNonRootByDefault(root) { return [] }
            let base = root.map { " of \($0.description)" } ?? ""
            return [stage.violation("\(stage.label) is the final stage and sets no USER: the container runs as the default user\(base), root for nearly every public image")]
        }
    )

    // MARK: - dockerfile/user-not-numeric

    static let userNotNumeric = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/user-not-numeric",
            severity: .low,
            title: "Image user is a name, not a UID",
            summary: """
            When the image's user is a name (`USER app`), the kubelet cannot tell whether it is root: a pod with \
            `runAsNonRoot: true` and no `runAsUser` then fails to start ("image has non-numeric user, cannot verify user is \
            non-root"), which pushes teams to drop the check. A numeric UID lets Kubernetes verify it.
            """,
            remediation: """
            Create the user with a fixed UID and GID (`useradd --uid 10001 --no-log-init app`) and write `USER 10001:10001`.
            """,
            controls: ["cis-docker:4.1", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN useradd --create-home app
                USER ↓app
                CMD ["python", "/app/app.py"]
                """),
                dockerfileExample("""
                FROM node:22-slim
                USER ↓node:node
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN useradd --uid 10001 --no-log-init app
                USER 10001:10001
                """),
                dockerfileExample("""
                FROM python:3.12-slim AS build
                USER builder
                FROM python:3.12-slim
                USER 10001
                """),
            ],
            tags: ["hadolint:DL3066"]
        ),
        check: .stage { stage in
            guard stage.isFinal, let last = stage.effectiveInstructions.last(where: { $0.keyword == .user }),
                  let user = last.instruction.user, user.word.isResolved, !user.isRoot, !user.isNumeric, !user.user.isEmpty
            else { return [] }
            return [last.violation("\(last.subject) makes the user \"\(user.user)\" the image's user by name: the kubelet cannot verify runAsNonRoot for it",
                                   at: user.word.range.start)]
        }
    )

    // MARK: - dockerfile/sudo

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

    // MARK: - dockerfile/chmod-world-writable

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

    /// True for modes that let others write: octal with the `o+w` bit and no sticky bit, or a
    /// symbolic clause adding or setting `w` for `o` or `a`.
    static func isWorldWritable(_ mode: String) -> Bool {
        if !mode.isEmpty, mode.allSatisfy({ ("0"..."7").contains($0) }) {
            guard let value = Int(mode, radix: 8) else { return false }
            return value & 0o002 != 0 && value & 0o1000 == 0
        }
        for clause in mode.split(separator: ",") {
            let who = clause.prefix { "ugoa".contains($0) }
            var rest = clause.dropFirst(who.count)
            while let op = rest.first, "+-=".contains(op) {
                rest = rest.dropFirst()
                let permissions = rest.prefix { !"+-=".contains($0) }
                rest = rest.dropFirst(permissions.count)
                if op != "-", permissions.contains("w"), who.contains("o") || who.contains("a") { return true }
            }
        }
        return false
    }
}
