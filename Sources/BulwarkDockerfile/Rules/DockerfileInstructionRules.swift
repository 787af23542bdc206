import BulwarkCore

/// How the image is declared: health checks, entrypoint form, working directories, repeated or
/// deprecated instructions, pipes, ADD of local files and SSH servers.
public enum DockerfileInstructionRules {
    public static let all: [DockerfileRule] = [
        noHealthcheck, shellFormEntrypoint, workdirRelative, runCd, maintainer, repeatedInstruction, pipefailMissing, addLocalFile, sshServer,
    ]

    // MARK: - dockerfile/no-healthcheck

    static let noHealthcheck = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/no-healthcheck",
            severity: .low,
            title: "No HEALTHCHECK in the final image",
            summary: """
            Without a HEALTHCHECK, Docker, Compose and Swarm see a hung or deadlocked server as healthy and keep routing to \
            it. Kubernetes ignores HEALTHCHECK and uses its own probes, so the rule is low. Images on scratch or distroless \
            static/base/cc have no program to run a check with and are not reported; `HEALTHCHECK NONE` is an explicit \
            choice and counts.
            """,
            remediation: """
            Add a check that needs nothing beyond the runtime, e.g. for a Python server \
            `HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]`, \
            and give the Kubernetes Deployment matching readiness and liveness probes.
            """,
            controls: ["cis-docker:4.6", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                ↓FROM python:3.12-slim
                COPY app.py /app/
                CMD ["python", "/app/app.py"]
                """),
                dockerfileExample("""
                FROM python:3.12-slim AS build
                HEALTHCHECK CMD ["true"]
                ↓FROM python:3.12-slim
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS base
                HEALTHCHECK --interval=30s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]
                FROM base
                CMD ["python", "/app/app.py"]
                """),
                dockerfileExample("""
                FROM gcr.io/distroless/static-debian12:nonroot
                ENTRYPOINT ["/server"]
                """),
                dockerfileExample("""
                FROM nginx:1.27-alpine
                HEALTHCHECK NONE
                """),
            ],
            tags: ["hadolint:DL3057", "trivy:DS-0026", "checkov:CKV_DOCKER_2"]
        ),
        check: .stage { stage in
            guard stage.isFinal, !stage.effectiveInstructions.contains(where: { $0.keyword == .healthcheck }) else { return [] }
            if let root = stage.rootImage, BaseImageCatalog.hasNoShell(root) { return [] }
            return [stage.violation("\(stage.label) is the final stage and defines no HEALTHCHECK")]
        }
    )

    // MARK: - dockerfile/shell-form-entrypoint

    static let shellFormEntrypoint = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/shell-form-entrypoint",
            severity: .low,
            title: "CMD or ENTRYPOINT in shell form",
            summary: """
            In shell form (`CMD gunicorn app:app`) the container's PID 1 is `/bin/sh -c`, which does not forward SIGTERM: \
            the server is killed after the grace period instead of draining requests, and the command line goes through \
            shell expansion. Only the CMD and ENTRYPOINT that take effect in the final image are checked; a shell form \
            that starts with `exec` is accepted.
            """,
            remediation: """
            Use the exec (JSON) form: `CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]`; if shell features are \
            needed, start the line with `exec` or use a small entrypoint script that ends in `exec "$@"`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ↓CMD gunicorn --bind 0.0.0.0:8080 --workers 2 app:app
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                ↓ENTRYPOINT python -m server
                CMD ["--port", "8080"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS build
                CMD make test
                FROM python:3.12-slim
                CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                CMD exec gunicorn --bind "0.0.0.0:${PORT}" app:app
                """),
            ],
            tags: ["hadolint:DL3025"]
        ),
        check: .stage { stage in
            guard stage.isFinal else { return [] }
            let effective = stage.effectiveInstructions
            return [Keyword.entrypoint, .cmd].compactMap { keyword in
                guard let last = effective.last(where: { $0.keyword == keyword }), let shell = last.instruction.shellCommand else { return nil }
                if let first = shell.script.commands.first, first.wrappers.first == "exec" || first.name == "exec" { return nil }
                let program = shell.script.commands.first?.program.map { " \($0)" } ?? ""
                return last.violation("\(last.subject) uses the shell form \"\(Text.excerpt(shell.text, limit: 60))\": /bin/sh becomes PID 1 and does not pass SIGTERM to\(program.isEmpty ? " the server" : program)")
            }
        }
    )

    // MARK: - dockerfile/workdir-relative

    static let workdirRelative = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/workdir-relative",
            severity: .low,
            title: "Relative WORKDIR",
            summary: """
            A relative WORKDIR is resolved against whatever directory the previous instruction (or the base image) left, \
            so the files end up somewhere else when the base changes.
            """,
            remediation: """
            Use an absolute path: `WORKDIR /app`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                WORKDIR ↓app
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ARG APP_HOME=/app
                WORKDIR /app
                WORKDIR ${APP_HOME}/src
                WORKDIR $UNSET_HOME
                """),
            ],
            tags: ["hadolint:DL3000", "trivy:DS-0009", "checkov:CKV_DOCKER_10"]
        ),
        check: .instruction([.workdir]) { view in
            guard let word = view.instruction.textArgument, word.isResolved else { return [] }
            let path = word.resolved
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("$") else { return [] }
            let bytes = Array(path.utf8)
            if bytes.count >= 2, bytes[1] == UInt8(ascii: ":") { return [] }  // C:\app
            return [view.violation("\(view.subject) sets the relative path \(path)", at: word.range.start)]
        }
    )

    // MARK: - dockerfile/run-cd

    static let runCd = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/run-cd",
            severity: .info,
            title: "cd in a RUN instead of WORKDIR",
            summary: """
            `RUN cd /dir && …` changes the directory for that RUN only; the next instruction starts elsewhere again, which \
            makes the file hard to follow and invites steps that run in the wrong directory.
            """,
            remediation: """
            Set the directory with `WORKDIR /dir` (or pass it to the tool: `make -C dir`, `git -C dir`, `pip install ./dir`).
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN ↓cd /app && pip install --no-cache-dir .
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                WORKDIR /app
                RUN pip install --no-cache-dir . && make -C docs
                """),
            ],
            tags: ["hadolint:DL3003", "trivy:DS-0013"]
        ),
        check: .instruction([.run]) { view in
            guard let command = view.commands.first(where: { $0.depth == 0 && $0.program == "cd" }),
                  view.instruction.form?.isExec != true, let word = command.words.first else { return [] }
            let target = command.operands.first?.value ?? "~"
            return [view.violation("\(view.subject) changes directory with \"cd \(Text.excerpt(target, limit: 40))\" instead of WORKDIR", at: word.range.start)]
        }
    )

    // MARK: - dockerfile/maintainer-deprecated

    static let maintainer = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/maintainer-deprecated",
            severity: .info,
            title: "MAINTAINER is deprecated",
            summary: """
            MAINTAINER has been deprecated since Docker 1.13; tools read the author from the OCI label instead.
            """,
            remediation: """
            Replace it with `LABEL org.opencontainers.image.authors="team@example.com"`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ↓MAINTAINER ml-platform@example.com
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                LABEL org.opencontainers.image.authors="ml-platform@example.com"
                """),
            ],
            tags: ["hadolint:DL4000", "trivy:DS-0022", "checkov:CKV_DOCKER_6"]
        ),
        check: .instruction([.maintainer]) { view in
            [view.violation("\(view.subject) uses the deprecated MAINTAINER instruction")]
        }
    )

    // MARK: - dockerfile/repeated-cmd-entrypoint-healthcheck

    static let repeatedInstruction = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/repeated-cmd-entrypoint-healthcheck",
            severity: .low,
            title: "CMD, ENTRYPOINT or HEALTHCHECK repeated in a stage",
            summary: """
            Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage take effect; earlier ones are dead code that readers \
            (and reviewers) take for the real configuration.
            """,
            remediation: """
            Keep one CMD, one ENTRYPOINT and one HEALTHCHECK per stage and delete the others.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ↓CMD ["python", "debug.py"]
                ↓HEALTHCHECK CMD ["true"]
                HEALTHCHECK NONE
                CMD ["python", "serve.py"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS test
                CMD ["pytest"]
                FROM python:3.12-slim
                ENTRYPOINT ["python"]
                CMD ["serve.py"]
                """),
            ],
            tags: ["hadolint:DL4003", "hadolint:DL4004", "hadolint:DL3012", "trivy:DS-0007", "trivy:DS-0016", "trivy:DS-0023"]
        ),
        check: .stage { stage in
            var violations: [DockerfileViolation] = []
            let instructions = stage.instructions
            for keyword in [Keyword.cmd, .entrypoint, .healthcheck] {
                let all = instructions.filter { $0.keyword == keyword }
                guard let last = all.last else { continue }
                for earlier in all.dropLast() {
                    violations.append(earlier.violation("\(earlier.subject) is overridden by the \(keyword.rawValue) at line \(last.instruction.startLine)"))
                }
            }
            return violations
        }
    )

    // MARK: - dockerfile/pipefail-missing

    static let pipefailMissing = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/pipefail-missing",
            severity: .low,
            title: "Pipe in RUN without pipefail",
            summary: """
            A shell pipeline's status is that of its last command: in `RUN curl -fsSL $URL | tar -xz` a failed download \
            still lets the step succeed, and the image is built with a missing or truncated file.
            """,
            remediation: """
            Make failures in pipes fail the step: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or start the \
            RUN with `set -o pipefail &&` (in a shell that supports it).
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN ↓curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN set -eo pipefail && curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
                RUN curl -fsSL https://example.com/other.tgz | tar -xz -C /opt
                """),
            ],
            tags: ["hadolint:DL4006"]
        ),
        check: .instruction([.run]) { view in
            let instruction = view.instruction
            if instruction.form?.isExec != true {
                let shell = instruction.shell.isEmpty ? Stage.defaultShell : instruction.shell
                if shell.contains(where: { $0.contains("pipefail") }) { return [] }
                guard let program = shell.first.map(SimpleCommand.baseName), CommandAssembler.shells.contains(program) else { return [] }
            }
            let commands = view.commands
            for (index, command) in commands.enumerated() {
                if command.words.contains(where: { $0.value.contains("pipefail") }) { return [] }
                guard command.separator == .pipe || command.separator == .pipeAll, Download.pipeSuccessor(of: index, in: commands) != nil,
                      let first = command.words.first else { continue }
                return [view.violation("\(view.subject) pipes \"\(command.excerpt(limit: 50))\" into another command without pipefail", at: first.range.start)]
            }
            return []
        }
    )

    // MARK: - dockerfile/add-local-file

    static let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst"]

    static let addLocalFile = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/add-local-file",
            severity: .low,
            title: "ADD of local files instead of COPY",
            summary: """
            ADD does more than copy: it unpacks local archives and fetches URLs. For plain files and directories that \
            magic only hides intent, and a file that turns into an archive later gets unpacked silently. Local tar archives, \
            which ADD is meant for, are not reported.
            """,
            remediation: """
            Use `COPY` for local files and directories (`COPY app/ /app/`); keep ADD for archives that should be unpacked.
            """,
            controls: ["cis-docker:4.9", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ADD ↓app/ /app/
                ADD ↓requirements.txt rootfs.tar.gz /tmp/
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY app/ /app/
                ADD rootfs.tar.gz /
                ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://example.com/tini /tini
                """),
            ],
            tags: ["hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4"]
        ),
        check: .instruction([.add]) { view in
            guard let transfer = view.instruction.fileTransfer,
                  let source = transfer.sources.first(where: { source in
                      let value = source.resolved.lowercased()
                      return !value.contains("://") && !value.hasPrefix("git@") && !value.contains(".git#") && !value.hasSuffix(".git")
                          && !archiveSuffixes.contains(where: { value.hasSuffix($0) })
                  })
            else { return [] }
            return [view.violation("\(view.subject) adds the local path \(Text.excerpt(source.value, limit: 60)), which COPY does without ADD's unpacking", at: source.range.start)]
        }
    )

    // MARK: - dockerfile/ssh-server

    static let sshPackages: Set<String> = ["openssh-server", "openssh", "dropbear", "ssh", "openssh-server-pam", "tinyssh"]

    static let sshServer = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/ssh-server",
            severity: .high,
            title: "SSH server in the image",
            summary: """
            An SSH server (`EXPOSE 22`, `openssh-server` or `dropbear` installed, `sshd` started) is a second way into the \
            container with its own keys and passwords to manage, outside the orchestrator's access control and audit. \
            Checked in the stages of the final image.
            """,
            remediation: """
            Remove the SSH server; use `kubectl exec` or `docker exec` (or an ephemeral debug container) for interactive \
            access, and `kubectl cp` for files.
            """,
            controls: ["cis-docker:4.3", "cis-docker:5.6", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                RUN apt-get update && apt-get install -y --no-install-recommends ↓openssh-server && rm -rf /var/lib/apt/lists/*
                EXPOSE 8080 ↓22/tcp
                CMD [↓"/usr/sbin/sshd", "-D"]
                """),
                dockerfileExample("""
                FROM alpine:3.22
                ENTRYPOINT [↓"sshd", "-D", "-e"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM alpine:3.22 AS tools
                RUN apk add --no-cache openssh-client
                FROM alpine:3.22
                RUN apk add --no-cache openssh-client
                EXPOSE 8080 2222/udp
                """),
            ],
            tags: ["trivy:DS-0004", "checkov:CKV_DOCKER_1", "hadolint:DL3001"]
        ),
        check: .instruction([.expose, .run, .cmd, .entrypoint]) { view in
            guard view.isShipped else { return [] }
            var violations: [DockerfileViolation] = []
            for port in view.instruction.exposedPorts {
                guard let low = port.port, let high = port.endPort, low <= 22, 22 <= high, port.transport == "tcp" else { continue }
                violations.append(view.violation("\(view.subject) exposes port \(port.word.resolved), the SSH port", at: port.word.range.start))
            }
            for command in view.commands {
                if let install = PackageCommand(command), install.installs {
                    for package in install.packageNames where sshPackages.contains(package.name) {
                        violations.append(view.violation("\(view.subject) installs the SSH server package \(package.word.value)", at: package.word.range.start))
                    }
                }
                if let program = command.program, program == "sshd" || program == "dropbear" {
                    let word = command.words[command.commandIndex]
                    violations.append(view.violation("\(view.subject) starts \(program)", at: command.words.first?.range.start ?? word.range.start))
                } else if let program = command.program, program == "service" || program == "systemctl",
                          command.operands.contains(where: { $0.value == "ssh" || $0.value == "sshd" }), let first = command.words.first {
                    violations.append(view.violation("\(view.subject) starts the SSH service", at: first.range.start))
                }
            }
            return violations
        }
    )
}
