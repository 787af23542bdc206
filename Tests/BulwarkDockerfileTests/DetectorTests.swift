import BulwarkDockerfile
import Testing

@Suite struct DetectorTests {
    @Test(arguments: [
        ("Dockerfile", true),
        ("dockerfile", true),
        ("services/api/Dockerfile", true),
        ("Dockerfile.prod", true),
        ("Dockerfile.gpu.cuda12", true),
        ("api.Dockerfile", true),
        ("build/api.dockerfile", true),
        ("Containerfile", true),
        ("Containerfile.rhel9", true),
        ("app.containerfile", true),
        ("Dockerfile.dockerignore", false),
        ("Dockerfile.md", false),
        ("Dockerfile.yaml", false),
        ("Dockerfile.", false),
        (".Dockerfile", false),
        ("docker-compose.yml", false),
        ("Dockerfiles", false),
        ("README.md", false),
    ])
    func recognisesNames(_ path: String, _ expected: Bool) {
        #expect(DockerfileDetector.isDockerfile(path: path) == expected)
        #expect(DockerfileDetector.matchesName(path) == expected)
    }

    @Test(arguments: [
        ("FROM python:3.12\nRUN pip install x\n", true),
        ("# syntax=docker/dockerfile:1\n\n# comment\nfrom --platform=$BUILDPLATFORM golang:1.22 AS build\n", true),
        ("\u{FEFF}FROM scratch", true),
        ("ARG BASE=debian:12\nARG TAG \\\n  =x\n# c\nFROM ${BASE}\n", true),
        ("   \n\tFROM alpine as base\n", true),
        ("ARG A=1\nRUN echo\nFROM x\n", false),
        ("ARG A=1\n", false),
        ("from __future__ import annotations\nimport os\n", false),
        ("from a import b as c\n", false),
        ("FROM: value\n", false),
        ("FROM image:\n", false),
        ("apiVersion: v1\nkind: Pod\n", false),
        ("#!/bin/sh\necho FROM\n", false),
        ("", false),
        ("FROM x\u{0}binary", false),
    ])
    func sniffsContent(_ text: String, _ expected: Bool) {
        #expect(DockerfileDetector.isDockerfile(path: "some/file", firstBytes: Array(text.utf8)) == expected)
    }

    @Test func nameWinsWithoutContent() {
        #expect(DockerfileDetector.match(path: "Containerfile") == .name)
        #expect(DockerfileDetector.match(path: "ci/build-image", firstBytes: Array("FROM alpine\n".utf8)) == .content)
        #expect(DockerfileDetector.match(path: "ci/build-image") == nil)
    }
}
