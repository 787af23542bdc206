import BulwarkCore

/// Which user the image runs as: not root, and named by UID.
extension DockerfileUserRules {
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
}
