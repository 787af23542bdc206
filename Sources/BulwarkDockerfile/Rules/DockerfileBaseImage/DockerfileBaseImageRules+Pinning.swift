import BulwarkCore

/// How the base image is named: a version tag, and a digest that pins it.
extension DockerfileBaseImageRules {
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
            controls: ["cis-docker:4.2", "nist-800-190:4.1.5", "mitre-atlas:AML.T0010.004"],
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
}
