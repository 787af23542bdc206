import BulwarkCore
import BulwarkDockerfile
import Testing

/// Rules read commands the same way in every form: shell form, `sh -c`, heredocs and exec form.
@Suite struct DockerfileRuleCommandTests {
    static func findings(_ text: String, _ ruleId: String) -> [String] {
        DockerfileScanner().scan(text: text, file: "Dockerfile").findings.filter { $0.ruleId == ruleId }
            .map { "\($0.location.line):\($0.location.column)" }
    }

    @Test("apt-get install is found in every form", arguments: [
        ("FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y curl\n", "2:31"),
        ("FROM debian:trixie-slim\nRUN [\"/bin/sh\", \"-c\", \"apt-get update && apt-get install -y curl\"]\n", "2:50"),
        ("FROM debian:trixie-slim\nRUN sh -c 'apt-get update && apt-get install -y curl'\n", "2:38"),
        ("FROM debian:trixie-slim\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", "4:9"),
        ("FROM debian:trixie-slim\nRUN sudo -E apt-get install -y curl\n", "2:21"),
    ])
    func aptInstallInEveryForm(_ text: String, _ position: String) {
        #expect(Self.findings(text, "dockerfile/apt-no-install-recommends") == [position])
    }

    @Test func pipInvocations() {
        let text = lines(
            "FROM python:3.12-slim",
            "RUN python3.12 -m pip install flask==3.0.3",
            "RUN pip3.12 --disable-pip-version-check install gunicorn==23.0.0",
            "RUN /usr/local/bin/pip install -U pip",
            "RUN uv pip install --system flask==3.0.3")
        #expect(Self.findings(text, "dockerfile/pip-no-cache-dir") == ["2:23", "3:41", "4:24"])
    }

    @Test func onlyStagesOfTheFinalImageCountForHygiene() {
        let text = lines(
            "FROM python:3.12 AS build",
            "RUN pip install numpy==2.1.3 && apt-get update && apt-get install -y gcc",
            "FROM python:3.12-slim AS base",
            "RUN pip install flask==3.0.3",
            "FROM base",
            "COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages")
        #expect(Self.findings(text, "dockerfile/pip-no-cache-dir") == ["4:9"])
        #expect(Self.findings(text, "dockerfile/build-tools-in-final-stage") == [])
        #expect(Self.findings(text, "dockerfile/pip-without-hashes") == ["2:9", "4:9"])
    }

    @Test func environmentInEffectAtTheInstruction() {
        let text = lines(
            "FROM python:3.12-slim AS base",
            "ENV PIP_NO_CACHE_DIR=1",
            "FROM base",
            "RUN pip install flask==3.0.3",
            "FROM python:3.12-slim",
            "RUN pip install flask==3.0.3",
            "ENV PIP_NO_CACHE_DIR=1")
        #expect(Self.findings(text, "dockerfile/pip-no-cache-dir") == ["6:9"])
    }

    @Test func globalArgumentsResolveBaseImages() {
        let text = lines("ARG PY=3.9", "FROM python:${PY}-slim", "FROM python:${UNSET}-slim")
        #expect(Self.findings(text, "dockerfile/base-image-eol") == ["2:6"])
        #expect(Self.findings(text, "dockerfile/base-image-latest") == [])
    }

    @Test func shippedStagesFollowTheFromChain() {
        let analysis = DockerfileAnalysis(DockerfileParser.parse(text: lines(
            "FROM python:3.12 AS build", "FROM python:3.12-slim AS base", "FROM base AS final", "FROM build AS test", "FROM final"), file: "Dockerfile"))
        #expect(analysis.shippedStages == [1, 2, 4])
        #expect(analysis.finalStage?.chain.map(\.index) == [1, 2, 4])
        #expect(analysis.stage(at: 3).rootImage?.description == "python:3.12")
    }

    @Test func worldWritableModes() {
        let text = lines("FROM alpine:3.22", "RUN chmod 0777 /a && chmod 1777 /tmp/x && chmod 775 /b && chmod go+w /c && chmod u+w,o=rwx /d && chmod 666 /e")
        #expect(Self.findings(text, "dockerfile/chmod-world-writable") == ["2:11", "2:65", "2:82", "2:104"])
    }
}
