import BulwarkCore

/// Where the image comes from: tags, digests, full and end-of-life bases, and stage references.
public enum DockerfileBaseImageRules {
    public static let all: [DockerfileRule] = [latest, notPinned, fullBase, endOfLife, copyFromUnknownStage]

    // MARK: - dockerfile/base-image-latest

    static let latest = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/base-image-latest",
            severity: .medium,
            title: "Base image without a version tag",
            summary: """
            A FROM without a tag means `:latest`, and `:latest` is whatever the publisher pushed last: two builds of the \
            same Dockerfile get different operating systems and runtimes, a bad or malicious push flows straight into the \
            image, and nobody can tell which base a running image was built on.
            """,
            remediation: """
            Name a specific version tag (`python:3.12.7-slim-bookworm`) and pin it by digest \
            (`python:3.12.7-slim-bookworm@sha256:…`), updated by a bot such as Renovate or Dependabot.
            """,
            controls: ["cis-docker:4.2", "nist-800-190:4.1.5"],
            failing: [
                dockerfileExample("""
                FROM ↓python
                CMD ["python", "--version"]
                """),
                dockerfileExample("""
                FROM ↓ubuntu:latest AS tools
                FROM ↓registry.example.com:5000/ml/base AS runtime
                """),
                dockerfileExample("""
                ARG BASE=nvidia/cuda
                FROM ↓${BASE}
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim AS build
                FROM build
                FROM scratch
                FROM nginx:latest@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                """),
                dockerfileExample("""
                ARG IMAGE
                FROM ${IMAGE}
                """),
            ],
            tags: ["hadolint:DL3006", "hadolint:DL3007", "trivy:DS-0001", "checkov:CKV_DOCKER_7"]
        ),
        check: .stage { stage in
            guard let reference = stage.baseImage, !reference.isScratch, reference.usesLatest else { return [] }
            let what = reference.tag == nil ? "\(reference.description) without a tag, which means :latest" : reference.description
            return [stage.violation("\(stage.label) is built on \(what): the image behind the name changes with every push", at: stage.imagePosition)]
        }
    )

    // MARK: - dockerfile/base-image-not-pinned

    static let notPinned = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/base-image-not-pinned",
            severity: .info,
            title: "Base image not pinned by digest",
            summary: """
            A tag is a movable name: the publisher (or anyone who takes over the repository or the registry path) can point \
            `python:3.12-slim` at a different image, and the next build picks it up silently. A digest names exactly one \
            image; it is also what makes a build reproducible and an SBOM meaningful.
            """,
            remediation: """
            Pin the base by digest next to the tag (`FROM python:3.12-slim@sha256:…`, from `docker buildx imagetools inspect`) \
            and let Renovate or Dependabot propose digest updates.
            """,
            controls: ["cis-docker:4.2", "nist-800-190:4.1.5"],
            failing: [
                dockerfileExample("""
                FROM ↓python:3.12-slim AS build
                FROM ↓gcr.io/distroless/python3-debian12:nonroot
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3 AS build
                FROM build
                FROM scratch
                """),
            ],
            tags: ["supply-chain"]
        ),
        check: .stage { stage in
            guard let reference = stage.baseImage, !reference.isScratch, reference.digest == nil else { return [] }
            return [stage.violation("\(stage.label) is built on \(reference.description), pinned by tag only, not by digest", at: stage.imagePosition)]
        }
    )

    // MARK: - dockerfile/full-base-image

    static let fullBase = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/full-base-image",
            severity: .low,
            title: "Final image built on a full base where a slim one exists",
            summary: """
            The full `python`, `node`, `ruby`, `rust` and `debian` images (and `-devel` CUDA and PyTorch images, JDK images, \
            `golang`, `buildpack-deps`) ship compilers, headers, version control and hundreds of packages the running \
            service never uses: each is attack surface, a source of scanner findings and hundreds of megabytes. Only the \
            stages whose layers end up in the image are checked; build stages may use full images.
            """,
            remediation: """
            Build in a full image and copy the result into a slim, distroless or runtime variant (`python:3.12-slim`, \
            `gcr.io/distroless/python3-debian12`, `nvidia/cuda:12.4.1-runtime-ubuntu22.04`, `eclipse-temurin:21-jre`) in a \
            final stage.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM ↓python:3.12
                COPY app.py /app/
                """),
                dockerfileExample("""
                FROM python:3.12 AS build
                RUN pip wheel --wheel-dir /wheels numpy==2.1.3
                FROM ↓pytorch/pytorch:2.4.1-cuda12.4-cudnn9-devel AS base
                FROM base
                COPY --from=build /wheels /wheels
                """),
                dockerfileExample("""
                FROM ↓node:22-bookworm
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS build
                RUN pip wheel --wheel-dir /wheels numpy==2.1.3
                FROM python:3.12-slim
                COPY --from=build /wheels /wheels
                """),
                dockerfileExample("""
                FROM pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime
                """),
                dockerfileExample("""
                FROM node:22-alpine3.22
                """),
            ],
            tags: ["hygiene"]
        ),
        check: .stage { stage in
            guard stage.isShipped, let reference = stage.baseImage, let variant = BaseImageCatalog.leanerVariant(of: reference) else { return [] }
            let supported = BaseImageCatalog.lifecycle(of: reference, on: stage.analysis.evaluationDate).isEmpty ? "" : " of a supported release"
            return [stage.violation("\(stage.label) puts \(reference.description) into the final image: \(variant.reason); use \(variant.suggestion)\(supported)",
                                    at: stage.imagePosition)]
        }
    )

    // MARK: - dockerfile/base-image-eol

    static let endOfLife = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/base-image-eol",
            severity: .medium,
            title: "End-of-life base image",
            summary: """
            The base image names a language runtime or distribution release whose security support has ended by the \
            evaluation date (today, or the day `--as-of` pins), according to a dated table of the published schedules of \
            Python, Node.js, Go, Ruby, Debian, Ubuntu, Alpine, CentOS and Amazon Linux releases and the deprecated openjdk \
            image. Vulnerabilities found from then on are not fixed, and scanners stop reporting many of them. Medium for \
            stages in the final image, low for build stages; a Debian release in long-term support only is low (info in \
            build stages).
            """,
            remediation: """
            Move to a supported release (for example `python:3.12-slim-trixie`, `node:22-slim`, `alpine:3.22`, \
            `ubuntu:24.04`) and rebuild regularly so security fixes reach the image.
            """,
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM ↓python:3.9
                CMD ["python", "app.py"]
                """),
                dockerfileExample("""
                FROM ↓node:16-buster AS assets
                RUN npm ci && npm run build
                FROM ↓nvidia/cuda:11.8.0-runtime-ubuntu20.04
                COPY --from=assets /dist /srv
                """),
                dockerfileExample("""
                FROM ↓alpine:3.18
                FROM ↓centos:7
                FROM ↓python:3.12-slim-bullseye
                """),
            ],
            // Examples run as of the day the tests run: the failing ones ended before the table was
            // checked, the passing ones float with their project (or have no end in the table).
            // DockerfileRuleBaseImageTests pins dates for supported releases such as python:3.12-slim-trixie.
            passing: [
                dockerfileExample("""
                FROM python:3-slim AS build
                FROM node:lts-slim
                FROM alpine:3
                FROM debian:stable-slim
                FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
                FROM registry.example.com/ml/model-server:1.4.2
                """),
            ],
            tags: ["trivy:DS-0001"]
        ),
        check: .stage { stage in
            guard let reference = stage.baseImage else { return [] }
            let releases = BaseImageCatalog.lifecycle(of: reference, on: stage.analysis.evaluationDate)
            guard !releases.isEmpty else { return [] }
            let ended = releases.contains { $0.status == .endOfLife }
            let severity: Severity = switch (ended, stage.isShipped) {
            case (true, true): .medium
            case (true, false), (false, true): .low
            case (false, false): .info
            }
            let scope = stage.isShipped ? "" : "build "
            return [stage.violation(
                "\(scope)\(stage.label) is built on \(reference.description): \(Text.list(releases.map(\.description)))",
                at: stage.imagePosition, severity: severity)]
        }
    )

    // MARK: - dockerfile/copy-from-unknown-stage

    static let copyFromUnknownStage = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/copy-from-unknown-stage",
            severity: .medium,
            title: "COPY --from names no earlier stage",
            summary: """
            `COPY --from=NAME` and `RUN --mount=from=NAME` read an earlier stage when one has that name, and otherwise pull \
            the image `NAME` (from Docker Hub for a bare name): a typo (`--from=bulider`) or a stage defined later silently \
            copies files out of somebody else's image, or fails the build. References with a registry, tag or digest are \
            taken as deliberate images and not reported.
            """,
            remediation: """
            Name a stage defined above the instruction (`FROM … AS builder`, `COPY --from=builder`), or write the image \
            explicitly with tag and digest (`--from=docker.io/library/busybox:1.37@sha256:…`).
            """,
            controls: ["cis-docker:4.2", "nist-800-190:4.1.5"],
            failing: [
                dockerfileExample("""
                FROM python:3.12 AS builder
                RUN pip wheel --wheel-dir /wheels numpy==2.1.3
                FROM python:3.12-slim
                COPY ↓--from=bulider /wheels /wheels
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                COPY ↓--from=1 /out /out
                RUN ↓--mount=type=bind,from=assets,target=/assets cp -r /assets /srv
                FROM node:22-slim AS assets
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS builder
                FROM python:3.12-slim
                COPY --from=builder /wheels /wheels
                COPY --from=0 /etc/passwd /etc/passwd
                COPY --from=docker.io/library/busybox:1.37 /bin/busybox /bin/busybox
                RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,from=builder,source=/wheels,target=/w ls /w
                """),
            ],
            tags: ["hadolint:DL3022", "hadolint:DL3023"]
        ),
        check: .instruction([.copy, .add, .run]) { view in
            guard let stage = view.stage else { return [] }
            var references: [(value: String, position: TextPosition, what: String)] = []
            if view.keyword != .run, let flag = view.instruction.flag("from"), let value = flag.resolvedValue, view.instruction.fileTransfer?.fromStage == nil {
                references.append((value, flag.range.start, "--from=\(value)"))
            }
            if view.keyword == .run {
                for flag in view.instruction.flags(named: "mount") {
                    guard let from = flag.mount?.from else { continue }
                    references.append((from, flag.range.start, "--mount from=\(from)"))
                }
            }
            let earlier = view.analysis.dockerfile.stages[..<stage.index]
            return references.compactMap { reference in
                let value = reference.value
                guard !value.isEmpty, !value.contains("$"), !value.contains("/"), !value.contains(":"), !value.contains("@"), !value.contains(".") else { return nil }
                let lowered = value.lowercased()
                if earlier.contains(where: { $0.name == lowered }) { return nil }
                if let number = Int(value) {
                    if number >= 0 && number < stage.index { return nil }
                    return view.violation("\(view.subject) uses \(reference.what), but there is no stage \(number) before it", at: reference.position)
                }
                let stages = view.analysis.dockerfile.stages
                if stages.contains(where: { $0.name == lowered }) {
                    return view.violation("\(view.subject) uses \(reference.what), a stage defined at or after this instruction: BuildKit reads it as the image \(value)",
                                          at: reference.position)
                }
                return view.violation("\(view.subject) uses \(reference.what), which names no stage: BuildKit pulls the image docker.io/library/\(lowered):latest instead",
                                      at: reference.position)
            }
        }
    )
}
