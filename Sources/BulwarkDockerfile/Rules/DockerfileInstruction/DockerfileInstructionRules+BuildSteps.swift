import BulwarkCore

/// How build steps are written: absolute WORKDIRs rather than cd, pipefail before pipes.
extension DockerfileInstructionRules {
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
}
