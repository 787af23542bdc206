import BulwarkCore

/// Which base the final image is built on: a slim variant where one exists, a release that still
/// receives fixes.
extension DockerfileBaseImageRules {
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
}
