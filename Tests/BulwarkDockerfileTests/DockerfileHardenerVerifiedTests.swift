import BulwarkCore
@testable import BulwarkDockerfile
import Testing

/// Regression tests for what users reported from public repositories, each with a minimal
/// Dockerfile: tools a later step runs stay installed, USER names an account of its own stage,
/// HEALTHCHECKs match the server's protocol, and no rule flags what the fixer chose.

/// The instructions of the final stage of a rewrite (from its last FROM on), header left out.
private func finalStageLines(_ result: HardenResult) -> [String] {
    let lines = result.bodyLines
    let start = lines.lastIndex { $0.hasPrefix("FROM ") } ?? 0
    return Array(lines[start...])
}

/// The rewrite parses, and a second pass changes nothing.
private func expectStable(_ result: HardenResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(result.errors.isEmpty, sourceLocation: sourceLocation)
    #expect(DockerfileParser.parse(text: result.text, file: "Dockerfile").errors.isEmpty, sourceLocation: sourceLocation)
    let again = harden(result.text)
    #expect(again.text == result.text, "second pass changed: \(again.changes)", sourceLocation: sourceLocation)
}

@Suite struct HardenerToolUsageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        /// Packages that must still be installed.
        var kept: [String]
        /// Packages that must be gone.
        var dropped: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "wget in a later RUN",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y ca-certificates wget vim",
                          "RUN wget -q https://example.com/model.bin -O /model.bin", "CMD [\"/app\"]"),
             kept: ["wget", "ca-certificates"], dropped: ["vim"]),
        Case(name: "wget in the same RUN after the install",
             input: lines("FROM debian:bookworm-slim",
                          "RUN apt-get update && apt-get install -y wget tini && wget -q https://example.com/m.bin -O /m.bin",
                          "CMD [\"/app\"]"),
             kept: ["wget"]),
        Case(name: "curl inside sh -c",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y curl tini",
                          "RUN sh -c 'set -e; curl -fsSL https://example.com/x -o /x'", "CMD [\"/app\"]"),
             kept: ["curl"]),
        Case(name: "wget in a pipeline through xargs",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y wget tini",
                          "RUN cat /urls.txt | xargs -n 1 wget -q", "CMD [\"/app\"]"),
             kept: ["wget"]),
        Case(name: "curl behind sudo and env",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y curl tini",
                          "RUN true && sudo env HTTPS_PROXY=http://proxy:3128 curl -fsSLO https://example.com/x", "CMD [\"/app\"]"),
             kept: ["curl"]),
        Case(name: "curl in an exec-form sh -c RUN",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y curl tini",
                          "RUN [\"/bin/sh\", \"-c\", \"curl -fsSLo /x https://example.com/x\"]", "CMD [\"/app\"]"),
             kept: ["curl"]),
        Case(name: "wget in a command substitution",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y wget tini",
                          "RUN echo \"$(wget -qO- https://example.com/version)\" > /version", "CMD [\"/app\"]"),
             kept: ["wget"]),
        Case(name: "curl in the final CMD",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y curl tini",
                          "CMD [\"sh\", \"-c\", \"curl -fsS http://config/boot | sh && exec /app\"]"),
             kept: ["curl"]),
        Case(name: "wget in a HEALTHCHECK that stays (not a Python image)",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y wget tini",
                          "HEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1", "CMD [\"/app\"]"),
             kept: ["wget"]),
        Case(name: "a program named by a variable keeps every tool",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y wget vim tini",
                          "ARG FETCH=wget", "RUN $FETCH -q https://example.com/x", "CMD [\"/app\"]"),
             kept: ["wget", "vim"]),
        Case(name: "unused download and debug tools are still dropped",
             input: lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y ca-certificates curl vim tini",
                          "CMD [\"/app\"]"),
             kept: ["ca-certificates", "tini"], dropped: ["curl", "vim"]),
    ]

    @Test("tools a stage runs stay installed", arguments: cases)
    func toolsStayInstalled(_ testCase: Case) {
        let result = harden(testCase.input)
        let install = finalStageLines(result).first { $0.contains("apt-get") && $0.contains("install") } ?? ""
        let words = Set(install.split(separator: " ").map(String.init))
        for package in testCase.kept { #expect(words.contains(package), "\(package) missing from: \(install)") }
        for package in testCase.dropped { #expect(!words.contains(package), "\(package) still in: \(install)") }
        expectStable(result)
    }

    @Test func theBuilderSplitKeepsToolsTheFinalCommandRuns() {
        let result = harden(lines(
            "FROM python:3.11", "WORKDIR /app", "RUN apt-get update && apt-get install -y curl gcc vim", "COPY requirements.txt .",
            "RUN pip install -r requirements.txt", "COPY . .",
            "CMD [\"sh\", \"-c\", \"curl -fsS http://config/env > .env && exec gunicorn -b 0.0.0.0:8000 app:app\"]"))
        let final = finalStageLines(result)
        #expect(result.bodyLines.filter { $0.hasPrefix("FROM ") }.count == 2, "split into a builder: \(result.body)")
        #expect(final.contains("    && apt-get install -y --no-install-recommends curl \\"), "\(result.body)")
        #expect(!result.body.contains("vim"))
        expectStable(result)
    }

    @Test func aVariableProgramIsSaidInTheOutput() {
        let result = harden(lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y wget vim tini",
                                  "ARG FETCH=wget", "RUN $FETCH -q https://example.com/x", "CMD [\"/app\"]"))
        #expect(result.warnings.contains { $0.hasPrefix("Kept wget, vim in the final stage: line 4 runs a program named by a variable") },
                "\(result.warnings)")
    }

    @Test("package names map to the commands they provide", arguments: [
        ("wget", "wget"), ("curl=7.88.1-10", "curl"), ("git", "git"), ("build-essential", "make"), ("build-essential", "cc"),
        ("g++", "c++"), ("gcc-12", "gcc"), ("unzip", "unzip"), ("gnupg", "gpg"), ("xz-utils", "xz"), ("netcat-openbsd", "nc"),
        ("procps", "ps"), ("openssh-client", "ssh"), ("dnsutils", "dig"),
    ])
    func packagePrograms(_ package: String, _ program: String) {
        // Installed and run in a later RUN: it stays (the role of the package decides nothing).
        let result = harden(lines("FROM debian:bookworm-slim", "RUN apt-get update && apt-get install -y \(package) tini",
                                  "RUN \(program) --version", "CMD [\"/app\"]"))
        let install = finalStageLines(result).first { $0.contains("apt-get") && $0.contains("install") } ?? ""
        #expect(install.split(separator: " ").contains(Substring(package)), "\(install)")
    }
}

@Suite struct HardenerUserStageTests {
    @Test func theUserOfTheFinalStageIsCreatedThere() throws {
        // Reported: `-u 10001` went to the builder's useradd, and USER 10001 had no account in the final image.
        let result = harden(lines(
            "FROM debian:bookworm-slim AS build", "RUN useradd builder && mkdir /out", "RUN touch /out/app",
            "FROM debian:bookworm-slim", "RUN useradd -m -u 1500 appuser", "COPY --from=build /out/app /usr/local/bin/app",
            "USER appuser", "CMD [\"app\"]"))
        let body = result.bodyLines
        #expect(body.contains("RUN useradd builder && mkdir /out"), "the builder's useradd must not change")
        #expect(body.contains("USER 1500"), "\(result.body)")
        #expect(!result.text.contains("10001"))
        expectStable(result)
    }

    @Test func aUserWithoutUIDGetsOneInItsOwnStage() {
        let result = harden(lines(
            "FROM debian:bookworm-slim AS build", "RUN useradd appuser", "FROM debian:bookworm-slim", "RUN useradd -m appuser",
            "USER appuser", "CMD [\"app\"]"))
        let body = result.bodyLines
        #expect(body.contains("RUN useradd appuser"), "\(result.body)")
        #expect(body.contains("RUN useradd -u 10001 -m appuser"), "\(result.body)")
        #expect(body.contains("USER 10001"))
        expectStable(result)
    }

    @Test func theAccountTheStageCreatesIsReused() {
        let result = harden(lines(
            "FROM debian:bookworm-slim", "RUN groupadd -g 2000 svc && useradd -u 2000 -g svc svc", "WORKDIR /app",
            "COPY app.bin /app/", "CMD [\"/app/app.bin\"]"))
        let body = result.bodyLines
        #expect(body.contains("USER 2000:2000"), "\(result.body)")
        #expect(body.contains("COPY --chown=2000:2000 app.bin /app/"), "\(result.body)")
        #expect(!body.contains { $0.contains("useradd --no-log-init") }, "no second account")
        expectStable(result)
    }

    @Test func anAccountOfABuilderIsNotReused() {
        let result = harden(lines(
            "FROM debian:bookworm-slim AS build", "RUN useradd -u 3000 builder", "FROM debian:bookworm-slim", "WORKDIR /app",
            "COPY app.bin /app/", "CMD [\"/app/app.bin\"]"))
        let final = finalStageLines(result)
        #expect(final.contains("RUN groupadd -r -g 10001 app && useradd --no-log-init -r -u 10001 -g app app"), "\(result.body)")
        #expect(final.contains("USER 10001:10001"))
        #expect(!final.contains("USER 3000"))
        expectStable(result)
    }

    /// A service image with an account of its own (a guestbook's redis): UID 10001 would own
    /// nothing and break the service, so no USER is added and the output says why.
    @Test func serviceImagesKeepTheirOwnAccount() {
        let result = harden(lines("FROM redis:7.4", "COPY run.sh /", "CMD [\"/run.sh\"]"))
        #expect(!result.text.contains("USER 10001"), "\(result.text)")
        #expect(result.warnings.contains { $0.hasPrefix("Not applied, as it could not be proven safe: a non-root USER. redis:7.4") },
                "\(result.warnings)")
        expectStable(result)
    }

    @Test func alpineGetsAdduserInTheFinalStage() {
        let result = harden(lines("FROM alpine:3.22 AS build", "RUN adduser -D -u 3000 builder", "FROM alpine:3.22", "COPY app /app",
                                  "CMD [\"/app\"]"))
        let final = finalStageLines(result)
        #expect(final.contains("RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app"), "\(result.body)")
        #expect(final.contains("USER 10001:10001"))
    }

    @Test func aUserCreatedOnlyInABuilderIsNotMadeNumeric() {
        let result = harden(lines("FROM debian:trixie-slim AS build", "RUN useradd -u 3000 appuser", "FROM debian:trixie-slim",
                                  "COPY app /usr/local/bin/app", "USER appuser", "CMD [\"app\"]"))
        #expect(result.bodyLines.contains("USER appuser"), "\(result.body)")
        #expect(!result.bodyLines.contains("USER 3000"))
        #expect(result.warnings.contains { $0.hasPrefix("USER appuser (line 5): the account is created in stage \"build\", not in the final stage") },
                "\(result.warnings)")
    }

    @Test func anAccountOfAnAncestorStageIsReused() {
        let result = harden(lines("FROM debian:bookworm-slim AS base", "RUN useradd -u 4000 svc", "FROM base",
                                  "COPY app /usr/local/bin/app", "CMD [\"app\"]"))
        #expect(finalStageLines(result).contains("USER 4000"), "\(result.body)")
    }
}

@Suite struct HardenerHealthProtocolTests {
    static let grpcSource = lines("import grpc", "from concurrent import futures", "server = grpc.server(futures.ThreadPoolExecutor())",
                                  "server.add_insecure_port(\"[::]:50051\")", "server.start()")

    @Test func aGRPCServerGetsNoHTTPCheck() {
        let result = harden(lines("FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "EXPOSE 50051", "CMD [\"python\", \"server.py\"]"),
                            sources: [Self.grpcSource])
        #expect(!result.bodyLines.contains { $0.hasPrefix("HEALTHCHECK") }, "\(result.text)")
        #expect(result.warnings.contains { $0.hasPrefix("No HEALTHCHECK added: the server speaks gRPC") && $0.contains("grpc_health_probe") },
                "\(result.warnings)")
        expectStable(result)
    }

    @Test func aGRPCFlagMeansGRPC() {
        let result = harden(lines("FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "EXPOSE 9000",
                                  "CMD [\"python\", \"-m\", \"model_server\", \"--grpc-port\", \"9000\"]"))
        #expect(!result.bodyLines.contains { $0.hasPrefix("HEALTHCHECK") })
        #expect(result.warnings.contains { $0.contains("--grpc-port on the server's command line") }, "\(result.warnings)")
    }

    @Test func grpcHealthProbeIsUsedWhenTheImageHasIt() {
        let result = harden(lines(
            "FROM python:3.12-slim", "WORKDIR /app",
            "COPY --from=ghcr.io/grpc-ecosystem/grpc-health-probe:v0.4.38 /ko-app/grpc-health-probe /bin/grpc_health_probe",
            "COPY . .", "CMD [\"python\", \"server.py\"]"), sources: [Self.grpcSource])
        #expect(result.bodyLines.contains("    CMD [\"/bin/grpc_health_probe\", \"-addr=127.0.0.1:50051\"]"), "\(result.body)")
        #expect(!result.text.contains("urllib"))
        expectStable(result)
    }

    @Test func tensorflowServingWithOnlyItsGRPCPort() {
        let result = harden(lines("FROM python:3.12-slim", "COPY models /models",
                                  "CMD [\"tensorflow_model_server\", \"--port=8500\", \"--model_base_path=/models/m\"]"))
        #expect(!result.text.contains("urllib"))
        #expect(result.warnings.contains { $0.contains("tensorflow_model_server has no --rest_api_port") }, "\(result.warnings)")
    }

    @Test("a curl check of a gRPC server is not translated, and curl stays", arguments: [
        // One stage (the in-place pass), and one the builder split rewrites.
        "RUN apt-get update && apt-get install -y curl vim",
        "RUN apt-get update && apt-get install -y curl vim\nRUN pip install grpcio",
    ])
    func curlCheckOfAGRPCServer(_ installs: String) {
        let input = lines("FROM python:3.12-slim", "WORKDIR /app", installs, "COPY . .", "EXPOSE 50051",
                          "HEALTHCHECK CMD curl -f http://localhost:50051/ || exit 1", "CMD [\"python\", \"server.py\", \"--grpc-port=50051\"]")
        let result = harden(input)
        let final = finalStageLines(result)
        #expect(final.contains("HEALTHCHECK CMD curl -f http://localhost:50051/ || exit 1"), "\(result.body)")
        #expect(!result.text.contains("urllib"))
        #expect(final.contains { $0.contains("install") && $0.contains(" curl") }, "\(result.body)")
        #expect(!final.contains { $0.contains("vim") })
        #expect(result.warnings.contains { $0.hasPrefix("The HEALTHCHECK requests http://localhost:50051/ over HTTP, but the server speaks gRPC") },
                "\(result.warnings)")
        expectStable(result)
    }

    @Test func anUnknownProtocolGetsNoCheck() {
        let result = harden(lines("FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "EXPOSE 7000", "CMD [\"python\", \"worker.py\"]"))
        #expect(!result.bodyLines.contains { $0.hasPrefix("HEALTHCHECK") })
        #expect(result.warnings.contains { $0.hasPrefix("No HEALTHCHECK added: the server's protocol is unknown") }, "\(result.warnings)")
    }

    @Test("HTTP servers still get their check", arguments: [
        ("uvicorn main:app --port 8001", "http://127.0.0.1:8001/healthz"),
        ("[\"python\", \"-m\", \"vllm.entrypoints.openai.api_server\", \"--port\", \"8010\"]", "http://127.0.0.1:8010/health"),
        ("vllm serve facebook/opt-125m", "http://127.0.0.1:8000/health"),
    ])
    func httpServers(_ command: String, _ url: String) {
        let result = harden(lines("FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "CMD " + command), healthPath: url.hasSuffix("/healthz") ? "/healthz" : nil)
        #expect(result.text.contains(url), "\(result.text)")
    }
}

/// What the fixer chooses is not flagged by the rules it is meant to satisfy, on several days.
@Suite struct HardenerRuleAgreementTests {
    static let watched: Set<String> = [
        "dockerfile/base-image-eol", "dockerfile/root-user", "dockerfile/user-not-numeric", "dockerfile/full-base-image",
        "dockerfile/apt-no-install-recommends", "dockerfile/apt-lists-not-removed", "dockerfile/pip-no-cache-dir",
        "dockerfile/shell-form-entrypoint", "dockerfile/apk-without-no-cache",
    ]

    static let inputs: [String] = [
        lines("FROM python:3.12-slim", "COPY app.py /app/app.py", "CMD python /app/app.py"),
        lines("FROM python:3.9", "WORKDIR /srv", "COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . .",
              "CMD gunicorn -b 0.0.0.0:8000 app:app"),
        lines("FROM python:3.11-slim-bookworm AS build", "RUN pip install --prefix=/install flask", "FROM python:3.11-slim-bookworm",
              "COPY --from=build /install /usr/local", "USER appuser", "RUN useradd appuser", "CMD [\"flask\", \"run\"]"),
        lines("FROM python:3.12-alpine3.20", "RUN apk add curl", "CMD [\"python\", \"-m\", \"http.server\"]"),
        lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y curl", "CMD /app"),
    ]

    /// Days around the changes of the table (bookworm's regular support ends 2026-06-10, Python
    /// 3.9 and 3.10 end, 3.11 ends 2027-10) while it is current (checked 2026-11-27).
    @Test("no rule flags the fixer's choices", arguments: ["2026-06-09", "2026-06-10", "2026-12-01", "2027-05-26", "2027-10-02"])
    func rulesAgree(_ date: String) throws {
        let day = try #require(CalendarDate(date))
        for input in Self.inputs {
            let result = DockerfileHardener.harden(text: input, file: "Dockerfile", options: HardenOptions(evaluationDate: day))
            #expect(result.errors.isEmpty)
            let findings = DockerfileScanner().scan(DockerfileAnalysis(DockerfileParser.parse(text: result.text, file: "Dockerfile"), evaluationDate: day))
            let flagged = findings.filter { Self.watched.contains($0.ruleId) }
            #expect(flagged.isEmpty, "on \(date), \(input.split(separator: "\n")[0]): \(flagged.map { "\($0.ruleId): \($0.message)" })\n\(result.text)")
        }
    }
}

/// The verifier turns off a step whose result breaks an invariant, and says so.
@Suite struct HardeningVerifierTests {
    @Test func whenNothingBetterExistsTheRewriteIsStillNoWorse() throws {
        // Far past the table's date no Debian release has a year of regular support left: the
        // fixer's choice is reported at a low severity, but less than the base it replaced.
        let day = try #require(CalendarDate("2028-11-01"))
        let input = lines("FROM python:3.11-slim-bookworm", "COPY app.py /app/app.py", "CMD [\"python\", \"/app/app.py\"]")
        let result = DockerfileHardener.harden(text: input, file: "Dockerfile", options: HardenOptions(evaluationDate: day))
        let scan = { (text: String) in
            DockerfileScanner().scan(DockerfileAnalysis(DockerfileParser.parse(text: text, file: "Dockerfile"), evaluationDate: day))
                .filter { $0.ruleId == "dockerfile/base-image-eol" }.map(\.severity).max()
        }
        let before = try #require(scan(input))
        #expect(result.bodyLines.contains { $0.hasPrefix("FROM python:3.14-slim") }, "\(result.text)")
        #expect((scan(result.text) ?? .info) < before)
        #expect(!result.warnings.contains { $0.hasPrefix("Not applied") }, "\(result.warnings)")
    }

    @Test func theVerifierKeepsAToolTheSplitWouldLose() {
        // No step of the in-place pass is wrong here: nothing is reported.
        let result = harden(lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y wget vim tini",
                                  "RUN wget -q https://example.com/x", "CMD [\"/app\"]"))
        #expect(!result.warnings.contains { $0.hasPrefix("Not applied") || $0.hasPrefix("Check:") }, "\(result.warnings)")
    }

    @Test func aCopyChownForAnotherUserIsReported() {
        let result = harden(lines("FROM debian:trixie-slim", "RUN useradd -u 2000 svc", "COPY --chown=www-data app /app",
                                  "CMD [\"/app\"]"))
        #expect(result.bodyLines.contains("USER 2000"), "\(result.body)")
        #expect(result.warnings.contains { $0.hasPrefix("Check: COPY --chown=www-data (line 3) names another user than USER 2000") },
                "\(result.warnings)")
    }
}

/// The verifier's checks on rewrites that break each invariant (the bugs users reported, written
/// by hand), and how the hardener handles a step the verifier refuses.
@Suite struct HardeningVerifierCheckTests {
    static func problems(_ original: String, _ rewrite: String, sources: [String] = []) -> [HardeningVerifier.Problem] {
        HardeningVerifier.check(original: DockerfileParser.parse(text: original, file: "Dockerfile"), hardenedText: rewrite,
                                options: HardenOptions(appSource: sources, evaluationDate: hardenerTestDate))
    }

    @Test func aToolALaterRunNeedsWasDropped() {
        let found = Self.problems(
            lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y wget tini", "RUN wget -q https://example.com/x"),
            lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y tini", "RUN wget -q https://example.com/x"))
        #expect(found == [HardeningVerifier.Problem(step: .dropTools, message: "wget stays installed in the final stage: wget (line 3) needs it")])
    }

    @Test func caCertificatesStayWhileADownloaderDoes() {
        let found = Self.problems(
            lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y ca-certificates curl", "RUN curl -fsSLO https://x/y"),
            lines("FROM debian:trixie-slim", "RUN apt-get update && apt-get install -y curl", "RUN curl -fsSLO https://x/y"))
        #expect(found.map(\.step) == [.dropTools])
        #expect(found.first?.message.hasPrefix("ca-certificates stays installed") == true)
    }

    @Test func aUserWithoutAnAccountInItsStage() {
        let found = Self.problems(
            lines("FROM debian:trixie-slim AS build", "RUN useradd -u 10001 builder", "FROM debian:trixie-slim", "RUN useradd -u 1500 appuser",
                  "USER appuser"),
            lines("FROM debian:trixie-slim AS build", "RUN useradd -u 10001 builder", "FROM debian:trixie-slim", "RUN useradd -u 1500 appuser",
                  "USER 10001"))
        #expect(found.map(\.step) == [.user])
        #expect(found.first?.message.contains("creates UID 10001") == true)
    }

    @Test func anHTTPCheckForAGRPCServer() {
        let check = "HEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:50051/healthz')\"]"
        let found = Self.problems(lines("FROM python:3.12-slim", "CMD [\"python\", \"server.py\"]"),
                                  lines("FROM python:3.12-slim", check, "CMD [\"python\", \"server.py\"]"), sources: [HardenerHealthProtocolTests.grpcSource])
        #expect(found.map(\.step) == [.healthcheck])
    }

    @Test func aBaseTheRuleFlags() {
        let found = Self.problems(lines("FROM python:3.12-slim-trixie", "CMD [\"python\"]"), lines("FROM python:3.9-slim", "CMD [\"python\"]"))
        #expect(found.map(\.step) == [.baseImage], "\(found)")
    }

    @Test func theFixersOwnRewritesPass() {
        for input in HardenerRuleAgreementTests.inputs {
            let result = harden(input)
            #expect(Self.problems(input, result.text).isEmpty, "\(result.text)")
        }
    }

    @Test func aRefusedStepIsNotAppliedAndTheOutputSaysWhy() {
        let input = lines("FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "CMD uvicorn main:app --port 8001")
        let options = HardenOptions(healthPath: "/healthz", evaluationDate: hardenerTestDate)
        let dockerfile = DockerfileParser.parse(text: input, file: "Dockerfile")
        // A verifier that refuses every HTTP check.
        let result = DockerfileHardener.harden(dockerfile, source: HardenSource(text: input), original: input, options: options) { _, text, _ in
            text.contains("urllib") ? [HardeningVerifier.Problem(step: .healthcheck, message: "refused for the test")] : []
        }
        #expect(!result.bodyLines.contains { $0.hasPrefix("HEALTHCHECK") }, "\(result.text)")
        #expect(result.warnings.contains("Not applied, as it could not be proven safe: refused for the test."))
        #expect(result.text.contains("# bulwark: * Not applied, as it could not be proven safe: refused for the test."))
        #expect(result.bodyLines.contains("USER 10001:10001"), "the other steps still apply")
    }
}
