import BulwarkCore

/// What the final image runs and how: a HEALTHCHECK, CMD and ENTRYPOINT in exec form and once per
/// stage, no SSH server.
extension DockerfileInstructionRules {
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
            controls: ["cis-docker:4.3", "cis-docker:5.7", "nist-800-190:4.1.2"],
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
