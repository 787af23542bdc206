import BulwarkCore
import BulwarkDockerfile
import Testing

/// The dated end-of-life table and the variant knowledge behind the base-image rules.
@Suite struct DockerfileRuleBaseImageTests {
    @Test("end-of-life releases", arguments: [
        ("python:3.9", ["Python 3.9"]),
        ("python:3.10.14-slim-bookworm", ["Python 3.10", "Debian 12 (bookworm)"]),
        ("python:2.7", ["Python 2.7"]),
        ("python:3.11-slim", []),
        ("python:3", []),
        ("docker.io/library/python:3.8-alpine3.18", ["Python 3.8", "Alpine 3.18"]),
        ("public.ecr.aws/docker/library/python:3.7", ["Python 3.7"]),
        ("node:18-bullseye-slim", ["Node.js 18", "Debian 11 (bullseye)"]),
        ("node:hydrogen", ["Node.js 18"]),
        ("node:22-slim", []),
        ("node:23", ["Node.js 23"]),
        ("golang:1.22-alpine", ["Go 1.22"]),
        ("golang:1.25", []),
        ("ruby:3.1", ["Ruby 3.1"]),
        ("debian:buster-slim", ["Debian 10 (buster)"]),
        ("debian:10", ["Debian 10 (buster)"]),
        ("debian:trixie", []),
        ("ubuntu:20.04", ["Ubuntu 20.04 (focal)"]),
        ("ubuntu:bionic", ["Ubuntu 18.04 (bionic)"]),
        ("ubuntu:24.04", []),
        ("alpine:3.19", ["Alpine 3.19"]),
        ("alpine:3.22", []),
        ("centos:7", ["CentOS Linux 7"]),
        ("quay.io/centos/centos:stream8", ["CentOS Stream 8"]),
        ("quay.io/centos/centos:stream9", []),
        ("amazonlinux:2018.03", ["Amazon Linux 1"]),
        ("nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04", ["Ubuntu 20.04 (focal)"]),
        ("nvidia/cuda:11.4.3-base-centos7", ["CentOS 7"]),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.9", ["Python 3.9"]),
        ("eclipse-temurin:17-jre-focal", ["Ubuntu 20.04 (focal)"]),
        ("registry.example.com/team/python:3.9", []),
        ("mcr.microsoft.com/devcontainers/python:1-3.12-bookworm", ["Debian 12 (bookworm)"]),
    ])
    func lifecycle(_ image: String, _ releases: [String]) throws {
        let reference = try #require(ImageReference(image))
        #expect(BaseImageCatalog.lifecycle(of: reference).map(\.release) == releases)
    }

    @Test func longTermSupportOnlyIsMarked() throws {
        let reference = try #require(ImageReference("debian:bookworm"))
        let bookworm = try #require(BaseImageCatalog.lifecycle(of: reference).first)
        #expect(bookworm.status == .longTermSupportOnly)
        #expect(bookworm.description.contains("long-term support only"))
        #expect(BaseImageCatalog.asOf == "2026-11-27")
    }

    @Test("leaner variants", arguments: [
        ("python:3.12", "python:3.12-slim"),
        ("python:3.12-bookworm", "python:3.12-slim-bookworm"),
        ("python", "python:slim"),
        ("node:22", "node:22-slim"),
        ("debian:trixie", "debian:trixie-slim"),
        ("eclipse-temurin:21", "eclipse-temurin:21-jre"),
        ("eclipse-temurin:21-jdk-noble", "eclipse-temurin:21-jre-noble"),
        ("pytorch/pytorch:2.4.1-cuda12.4-cudnn9-devel", "pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime"),
        ("nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"),
    ])
    func leanerVariant(_ image: String, _ suggestion: String) throws {
        #expect(BaseImageCatalog.leanerVariant(of: try #require(ImageReference(image)))?.suggestion == suggestion)
    }

    @Test("already lean", arguments: ["python:3.12-slim", "python:3.12-alpine", "node:22-alpine3.22", "eclipse-temurin:21-jre",
                                     "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "gcr.io/distroless/python3-debian12", "ubuntu:24.04"])
    func alreadyLean(_ image: String) throws {
        #expect(BaseImageCatalog.leanerVariant(of: try #require(ImageReference(image))) == nil)
    }

    @Test func shellLessAndNonRootImages() throws {
        #expect(BaseImageCatalog.hasNoShell(try #require(ImageReference("scratch"))))
        #expect(BaseImageCatalog.hasNoShell(try #require(ImageReference("gcr.io/distroless/static-debian12:nonroot"))))
        #expect(!BaseImageCatalog.hasNoShell(try #require(ImageReference("gcr.io/distroless/python3-debian12"))))
        #expect(BaseImageCatalog.runsAsNonRootByDefault(try #require(ImageReference("gcr.io/distroless/base-debian12:debug-nonroot"))))
        #expect(!BaseImageCatalog.runsAsNonRootByDefault(try #require(ImageReference("python:3.12-slim"))))
        #expect(BaseImageCatalog.isTorchServe(try #require(ImageReference("pytorch/torchserve-kfs:0.12.0"))))
    }
}
