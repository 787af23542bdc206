import BulwarkCore

/// Secrets in the build context: credential files copied into the image, and the whole context
/// copied without a `.dockerignore`.
extension DockerfileSecretRules {
    static let secretFileCopied = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/secret-file-copied",
            severity: .high,
            title: "Secret file copied into the image",
            summary: """
            COPY or ADD of private keys (`id_rsa`, `*.key`, `*-key.pem`, `*.p12`), environment files (`.env`), cloud and \
            registry credentials (`.aws`, `credentials.json`, service-account keys, `.docker/config.json`, `.kube/config`), \
            package-manager tokens (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`) or a path from a credential-named \
            variable puts the secret into a layer: deleting it in a later instruction does not remove it from the image.
            """,
            remediation: """
            Mount the file only for the step that needs it: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` \
            (built with `docker build --secret id=npmrc,src=$HOME/.npmrc`), or `--mount=type=ssh` for SSH keys; give the running \
            container its credentials at run time, and rotate the copied secret.
            """,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY ↓id_rsa /root/.ssh/id_rsa
                COPY ↓.env ↓config/credentials.json /app/
                ADD ↓certs/server-key.pem /etc/ssl/private/
                COPY ↓${GOOGLE_APPLICATION_CREDENTIALS} /var/secrets/key.json
                """),
                dockerfileExample("""
                FROM amazon/aws-cli:2.22.0 AS builder
                FROM node:22-slim
                COPY ↓.npmrc package.json package-lock.json ./
                RUN npm ci --omit=dev
                COPY --from=builder ↓/root/.aws /root/.aws
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM node:22-slim
                COPY package.json package-lock.json ./
                RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
                COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt
                COPY keys/id_ed25519.pub /etc/ssh/authorized_keys
                COPY nodesource-repo.gpg.key /etc/apt/keyrings/nodesource.asc
                COPY .env.example tokenizer.json /app/
                """),
            ],
            tags: ["trivy:DS-0031", "secrets"]
        ),
        check: .instruction([.copy, .add]) { view in
            guard let transfer = view.instruction.fileTransfer else { return [] }
            return transfer.sources.compactMap { source in
                guard let what = secretFileKind(source.value) else { return nil }
                return view.violation("\(view.subject) copies \(source.value) (\(what)) into a layer of the image", at: source.range.start)
            }
        }
    )

    static let contextWithoutDockerignore = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/copy-context-without-dockerignore",
            severity: .medium,
            title: "Whole build context copied without a .dockerignore",
            summary: """
            `COPY . .` (or `ADD . .`, `COPY * …`) copies everything in the build context that `.dockerignore` does not \
            exclude: without one, the Git history (`.git`, with every secret ever committed), `.env` files and local keys \
            land in a layer of the image. The rule reads the `.dockerignore` the caller passes (BuildKit's \
            `<Dockerfile>.dockerignore` or the context's `.dockerignore`) and checks that it excludes `.git`, `.env` and key \
            files. Only stages whose files reach the image count (the final stage, the stages it is built `FROM` and those \
            it copies from, transitively); a source with a variable that has no value, or that names files, is not the \
            whole context.
            """,
            remediation: """
            Copy only what the image needs (`COPY app/ /app/`), or add a `.dockerignore` next to the Dockerfile that excludes \
            at least `.git`, `.env*`, `*.pem`, `*.key` and `id_*` (an allow-list such as `*` then `!app/` is safer still).
            """,
            controls: controls,
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                WORKDIR /app
                COPY ↓. .
                """),
                dockerfileExample("""
                FROM node:22-slim
                ADD ↓./ /srv/
                COPY --chown=10001 ↓* /srv/
                """),
                dockerfileExample("""
                FROM python:3.12 AS deps
                COPY ↓. /src/
                FROM deps AS build
                RUN pip wheel --wheel-dir /wheels /src
                FROM python:3.12-slim
                COPY --from=build /wheels /wheels
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                ARG SRC=.
                COPY ↓${SRC} /app/
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS build
                COPY app/ /app/
                FROM python:3.12-slim
                COPY --from=build . /app/
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                ARG MODEL_FILE
                ENV CONFIG=config.yaml
                COPY $MODEL_FILE /models/model.onnx
                COPY ${CONFIG} serve.py /app/
                """),
                dockerfileExample("""
                FROM golang:1.23 AS lint
                COPY . /src/
                RUN go vet ./...
                FROM python:3.12-slim
                COPY app/ /app/
                """),
            ],
            tags: ["secrets"]
        ),
        check: .instruction([.copy, .add]) { view in
            // A builder whose files never reach the image (no later stage copies from it) does not count.
            guard let transfer = view.instruction.fileTransfer, view.instruction.flag("from") == nil,
                  let stage = view.stage, view.analysis.contributingStages.contains(stage.index),
                  let source = transfer.sources.first(where: { $0.isResolved && [".", "/", "*", "/*"].contains(Dockerignore.clean($0.resolved)) })
            else { return [] }
            let what = "copies the whole build context (\(source.value))"
            guard let ignore = view.analysis.dockerignore else {
                return [view.violation("\(view.subject) \(what) and the context has no .dockerignore: .git, .env files and keys would end up in the image",
                                       at: source.range.start)]
            }
            let missing = contextProbes.filter { !ignore.excludes($0.path) }.map(\.label)
            guard !missing.isEmpty else { return [] }
            let file = view.analysis.context.dockerignorePath.map { Text.excerpt($0, limit: 60) } ?? ".dockerignore"
            return [view.violation("\(view.subject) \(what) and \(file) does not exclude \(Text.list(missing))", at: source.range.start)]
        }
    )
}
