import BulwarkCore
import BulwarkDockerfile
import Testing

/// The day hardener tests judge base images at (after the end-of-life table was checked), so
/// their rewrites do not change with the calendar: Python 3.12 on Debian trixie is the target.
let hardenerTestDate = CalendarDate(year: 2026, month: 12, day: 1) ?? CalendarDate(daysSinceEpoch: 0)

/// Hardens `text` as `bulwark fix dockerfile --as-of 2026-12-01` would, with the given application sources.
func harden(_ text: String, sources: [String] = [], dockerignore: String? = nil, healthPath: String? = nil) -> HardenResult {
    DockerfileHardener.harden(text: text, file: "Dockerfile",
                              options: HardenOptions(healthPath: healthPath, appSource: sources, dockerignore: dockerignore,
                                                     evaluationDate: hardenerTestDate))
}

extension HardenResult {
    /// The rewrite without the `# bulwark:` header, line by line.
    var bodyLines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.hasPrefix("# bulwark: ") || $0.hasPrefix("# bulwark: removed") }
    }

    /// The rewrite without the `# bulwark:` header.
    var body: String { bodyLines.joined(separator: "\n") }
}

/// The rewrite of representative Dockerfiles: what each must contain afterwards, and the
/// properties every rewrite has (it parses, a second pass changes nothing, the final stage runs
/// as a numeric non-root user in exec form).
@Suite struct DockerfileHardenerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var sources: [String] = []
        /// Lines the rewrite must contain, in this order.
        var lines: [String]
        /// Text the rewrite must not contain.
        var absent: [String] = []
        /// Text one of the warnings must contain.
        var warnings: [String] = []
        var stages: Int
        var testDescription: String { name }
    }

    static let flaskSource = lines("from flask import Flask", "app = Flask(__name__)", "", "@app.route(\"/health\")", "def health():", "    return \"ok\"")
    static let fastAPISource = lines("from fastapi import FastAPI", "app = FastAPI()", "", "@app.get(\"/healthz\")", "def healthz():", "    return {}")

    static let cases: [Case] = [
        Case(
            name: "Flask + gunicorn: builder with a virtualenv, slim final stage",
            input: lines(
                "FROM python:3.11", "WORKDIR /srv", "COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . .",
                "EXPOSE 5000", "CMD gunicorn -b 0.0.0.0:5000 wsgi:app"),
            sources: [flaskSource],
            lines: [
                "FROM python:3.11-slim-trixie AS builder",
                "RUN python -m venv /opt/venv",
                "ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH",
                "RUN pip install --no-cache-dir -r requirements.txt",
                "FROM python:3.11-slim-trixie",
                "ENV PYTHONDONTWRITEBYTECODE=1 \\",
                "    PATH=/opt/venv/bin:$PATH",
                "RUN groupadd -r -g 10001 app && useradd --no-log-init -r -u 10001 -g app app",
                "WORKDIR /srv",
                "COPY --from=builder /opt/venv /opt/venv",
                "COPY --from=builder --chown=10001:10001 /srv /srv",
                "USER 10001:10001",
                "EXPOSE 5000",
                "HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \\",
                "    CMD [\"python\", \"-c\", \"import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=2).status == 200 else 1)\"]",
                "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"wsgi:app\"]",
            ],
            warnings: ["without a .dockerignore", "by digest"],
            stages: 2),
        Case(
            name: "FastAPI + uvicorn on an end-of-life Python, with a token and a runtime library",
            input: lines(
                "FROM python:3.10-slim", "ENV HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345678",
                "RUN apt-get update && apt-get install -y gcc libgomp1", "WORKDIR /code",
                "COPY ./requirements.txt /code/requirements.txt", "RUN pip install --upgrade -r /code/requirements.txt",
                "COPY ./app /code/app", "CMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"80\"]"),
            sources: [fastAPISource],
            lines: [
                "FROM python:3.12-slim-trixie AS builder",
                "# bulwark: removed ENV HF_TOKEN: a secret in the image can be read by anyone who can pull it.",
                "RUN apt-get update \\",
                "    && apt-get install -y --no-install-recommends gcc libgomp1 \\",
                "    && rm -rf /var/lib/apt/lists/*",
                "RUN pip install --no-cache-dir --upgrade -r /code/requirements.txt",
                "FROM python:3.12-slim-trixie",
                "    && apt-get install -y --no-install-recommends libgomp1 \\",
                "COPY --from=builder --chown=10001:10001 /code /code",
                "USER 10001:10001",
                "    CMD [\"python\", \"-c\", \"import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:80/healthz', timeout=2).status == 200 else 1)\"]",
            ],
            absent: ["hf_AbCd", "HF_TOKEN="],
            warnings: ["Port 80 is below 1024"],
            stages: 2),
        Case(
            name: "plain Python script: slim base, user, exec form, no health check",
            input: lines("FROM python:3.9", "WORKDIR /job", "COPY batch.py .", "CMD python batch.py --input /data"),
            lines: [
                "FROM python:3.12-slim-trixie",
                "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
                "COPY --chown=10001:10001 batch.py .",
                "RUN groupadd -r -g 10001 app && useradd --no-log-init -r -u 10001 -g app app",
                "USER 10001:10001",
                "CMD [\"python\", \"batch.py\", \"--input\", \"/data\"]",
            ],
            absent: ["HEALTHCHECK", "AS builder"],
            warnings: ["No HEALTHCHECK added: no HTTP server was found", "leaves out system libraries"],
            stages: 1),
        Case(
            name: "Node app: generic hardening, health check left to the user",
            input: lines(
                "FROM node:20", "WORKDIR /usr/src/app", "COPY package*.json ./", "RUN npm ci --omit=dev", "COPY . .", "EXPOSE 3000",
                "CMD npm start"),
            lines: [
                "FROM node:20",
                "COPY --chown=10001:10001 package*.json ./",
                "RUN npm ci --omit=dev",
                "COPY --chown=10001:10001 . .",
                "RUN groupadd -r -g 10001 app && useradd --no-log-init -r -u 10001 -g app app",
                "USER 10001:10001",
                "EXPOSE 3000",
                "CMD [\"npm\", \"start\"]",
            ],
            absent: ["HEALTHCHECK", "PYTHON"],
            warnings: ["No HEALTHCHECK added: the final image is not a Python image"],
            stages: 1),
        Case(
            name: "already multi-stage: the final stage is hardened in place",
            input: lines(
                "FROM python:3.11 AS build", "WORKDIR /src", "COPY requirements.txt .", "RUN pip install --prefix=/install -r requirements.txt",
                "", "FROM python:3.11-slim", "COPY --from=build /install /usr/local", "WORKDIR /app", "COPY . .",
                "CMD [\"python\", \"-m\", \"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]"),
            lines: [
                "FROM python:3.11 AS build",
                "RUN pip install --no-cache-dir --prefix=/install -r requirements.txt",
                "FROM python:3.11-slim",
                "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
                "COPY --from=build /install /usr/local",
                "COPY --chown=10001:10001 . .",
                "USER 10001:10001",
                "    CMD [\"python\", \"-c\", \"import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)\"]",
                "CMD [\"python\", \"-m\", \"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]",
            ],
            absent: ["--chown=10001:10001 /install"],
            warnings: ["No health route was found in the application source: the HEALTHCHECK requests /healthz"],
            stages: 2),
        Case(
            name: "heredoc RUN: apt hygiene inside the heredoc, curl dropped, bookworm (long-term support only) to trixie",
            input: lines(
                "# syntax=docker/dockerfile:1", "FROM python:3.12-slim-bookworm", "RUN <<EOT", "apt-get update", "apt-get install -y libgomp1 curl",
                "EOT", "WORKDIR /app", "COPY serve.py .", "EXPOSE 8000", "CMD [\"python\", \"serve.py\"]"),
            sources: [lines("import uvicorn", "from fastapi import FastAPI", "app = FastAPI()", "@app.get('/health')", "def health():",
                            "    return {}", "uvicorn.run(app, host='0.0.0.0', port=8000)")],
            lines: [
                "# syntax=docker/dockerfile:1",
                "FROM python:3.12-slim-trixie",
                "RUN <<EOT",
                "apt-get update",
                "apt-get install --no-install-recommends -y libgomp1 && rm -rf /var/lib/apt/lists/*",
                "EOT",
                "COPY --chown=10001:10001 serve.py .",
                "USER 10001:10001",
                "    CMD [\"python\", \"-c\", \"import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)\"]",
                "CMD [\"python\", \"serve.py\"]",
            ],
            absent: ["curl"],
            stages: 1),
        Case(
            name: "pip install without a WORKDIR: one stage, the full image kept for its compilers",
            input: lines("FROM python:3.9", "COPY . /", "RUN pip install -r /requirements.txt", "CMD [\"python\", \"/app.py\"]"),
            lines: [
                "FROM python:3.12-trixie",
                "RUN pip install --no-cache-dir -r /requirements.txt",
                "USER 10001:10001",
                "CMD [\"python\", \"/app.py\"]",
            ],
            absent: ["slim", "AS builder"],
            warnings: ["Kept a single stage: files are copied to / itself"],
            stages: 1),
    ]

    @Test(arguments: cases)
    func rewritesAsExpected(_ testCase: Case) throws {
        let result = harden(testCase.input, sources: testCase.sources)
        #expect(result.errors.isEmpty)
        #expect(result.isChanged)
        let body = result.bodyLines
        var position = body.startIndex
        for line in testCase.lines {
            let found = body[position...].firstIndex(of: line)
            #expect(found != nil, "missing (in order): \(line)\n\(result.text)")
            if let found { position = body.index(after: found) }
        }
        for text in testCase.absent {
            #expect(!body.joined(separator: "\n").contains(text), "unexpected: \(text)\n\(result.text)")
        }
        for text in testCase.warnings {
            #expect(result.warnings.contains { $0.contains(text) }, "no warning with: \(text)\n\(result.warnings)")
        }
        #expect(DockerfileParser.parse(text: result.text, file: "Dockerfile").stages.count == testCase.stages)
    }

    @Test(arguments: cases)
    func rewriteIsAValidDockerfile(_ testCase: Case) {
        let rewritten = DockerfileParser.parse(text: harden(testCase.input, sources: testCase.sources).text, file: "Dockerfile")
        #expect(rewritten.errors.isEmpty, "\(rewritten.errorDescriptions)")
        #expect(rewritten.warnings.isEmpty, "\(rewritten.warnings)")
        for instruction in rewritten.instructions {
            for heredoc in instruction.heredocs { #expect(heredoc.isTerminated) }
            #expect(instruction.shellCommand?.script.issues.isEmpty ?? true, "\(instruction.sourceText)")
        }
    }

    @Test(arguments: cases)
    func secondPassChangesNothing(_ testCase: Case) {
        let first = harden(testCase.input, sources: testCase.sources)
        let second = harden(first.text, sources: testCase.sources)
        #expect(second.text == first.text)
        #expect(second.changes.isEmpty, "\(second.changes)")
        #expect(!second.isChanged)
    }

    /// What the Dockerfile rules look for, checked on the rewrite's final stage.
    @Test(arguments: cases)
    func finalStageRunsAsNumericNonRootInExecForm(_ testCase: Case) throws {
        let rewritten = DockerfileParser.parse(text: harden(testCase.input, sources: testCase.sources).text, file: "Dockerfile")
        let final = try #require(rewritten.finalStage)
        let instructions = rewritten.instructions(of: final)
        let user = try #require(instructions.last { $0.keyword == .user }?.user)
        #expect(user.isNumeric && !user.isRoot)
        for instruction in instructions where [.cmd, .entrypoint].contains(instruction.keyword) {
            #expect(instruction.form?.isExec == true, "\(instruction.sourceText)")
        }
        for instruction in rewritten.instructions where instruction.keyword == .run {
            for command in instruction.shellCommands {
                let words = command.words.map(\.value)
                if words.starts(with: ["apt-get", "install"]) || words.first == "apt-get" && words.contains("install") {
                    #expect(words.contains("--no-install-recommends"), "\(instruction.sourceText)")
                }
                if command.program == "pip", words.contains("install") { #expect(words.contains("--no-cache-dir")) }
            }
            let usesApt = instruction.shellCommands.contains { $0.program == "apt-get" }
            if usesApt { #expect(instruction.sourceText.contains("rm -rf /var/lib/apt/lists/*")) }
        }
        for instruction in instructions {
            for pair in instruction.keyValues where instruction.keyword == .env {
                #expect(!SecretDetector.isSensitiveName(pair.key.value), "secret left in \(instruction.sourceText)")
            }
        }
    }
}
