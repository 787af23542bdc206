import BulwarkCore
import BulwarkDockerfile
import Testing

/// How the rewrite edits what is there: comments, secrets, named users, entrypoints, line ends,
/// files that need nothing, and the diff.
@Suite struct DockerfileHardenerEditTests {
    static let commented = lines(
        "# syntax=docker/dockerfile:1.7",
        "# A service with comments everywhere.",
        "ARG PYTHON_IMAGE=python:3.12-slim-bookworm",
        "",
        "# base image",
        "FROM ${PYTHON_IMAGE}",
        "ARG GITHUB_TOKEN",
        "ENV APP_ENV=prod DB_PASSWORD=s3cr3t-Value-123 LOG_LEVEL=info",
        "",
        "# system deps",
        "RUN apt-get update \\",
        "    # the compiler for psycopg",
        "    && apt-get install -y \\",
        "        libpq5 \\",
        "        vim",
        "RUN pip install git+https://${GITHUB_TOKEN}@github.com/org/private.git",
        "RUN useradd -m appuser",
        "WORKDIR /app",
        "COPY --chown=appuser . .",
        "USER appuser",
        "EXPOSE 8080",
        "ENTRYPOINT gunicorn --bind 0.0.0.0:8080 app:app",
        "CMD [\"--workers\", \"2\"]",
        "# trailing comment") + "\n"

    @Test func commentsStayInPlaceAndInOrder() {
        let result = harden(Self.commented)
        let comments = ["# A service with comments everywhere.", "# base image", "# system deps", "    # the compiler for psycopg", "# trailing comment"]
        let body = result.bodyLines
        var position = body.startIndex
        for comment in comments {
            let found = body[position...].firstIndex(of: comment)
            #expect(found != nil, "comment lost or moved: \(comment)\n\(result.text)")
            if let found { position = body.index(after: found) }
        }
        #expect(body.firstIndex(of: "# base image").map { body[$0 + 1] } == "FROM ${PYTHON_IMAGE}")
        #expect(body.last { !$0.isEmpty } == "# trailing comment")
    }

    @Test func commentsOfTheSplitStayWithTheirInstructions() throws {
        let input = lines(
            "# Model server", "FROM python:3.9", "# compilers for wheels", "RUN apt-get update && apt-get install -y gcc", "WORKDIR /app",
            "# dependencies first, for the layer cache", "COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . .",
            "# the port", "EXPOSE 8080", "CMD [\"gunicorn\", \"-b\", \":8080\", \"app:app\"]")
        let body = harden(input).bodyLines
        for (comment, next) in [
            ("# Model server", "FROM python:3.12-slim-trixie AS builder"), ("# compilers for wheels", "RUN apt-get update \\"),
            ("# dependencies first, for the layer cache", "COPY requirements.txt ."), ("# the port", "EXPOSE 8080"),
        ] {
            let index = try #require(body.firstIndex(of: comment), "\(comment)")
            #expect(body[index + 1] == next)
        }
    }

    @Test func secretsLeaveAndBuildStepsGetASecretMount() {
        let result = harden(Self.commented)
        let body = result.body
        #expect(!body.contains("s3cr3t"))
        #expect(!result.changes.joined().contains("s3cr3t") && !result.warnings.joined().contains("s3cr3t"))
        #expect(result.bodyLines.contains("ENV APP_ENV=prod LOG_LEVEL=info"))
        #expect(!result.bodyLines.contains("ARG GITHUB_TOKEN"))
        #expect(result.bodyLines.contains(
            "RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN pip install --no-cache-dir git+https://${GITHUB_TOKEN}@github.com/org/private.git"))
        #expect(result.text.hasPrefix("# syntax=docker/dockerfile:1.10\n"))
        #expect(result.text.contains("# bulwark: removed ENV DB_PASSWORD: a secret in the image can be read by anyone who can pull it."))
    }

    @Test func secretMountAddsTheSyntaxDirective() {
        let result = harden(lines("FROM python:3.12-slim", "ARG HF_TOKEN", "RUN huggingface-cli download org/model --token $HF_TOKEN",
                                  "USER 10001:10001", "CMD [\"python\", \"job.py\"]"))
        #expect(result.text.hasPrefix("# syntax=docker/dockerfile:1\n"))
        #expect(result.bodyLines.contains("RUN --mount=type=secret,id=HF_TOKEN,env=HF_TOKEN huggingface-cli download org/model --token $HF_TOKEN"))
    }

    @Test func namedUserGetsItsUID() {
        let result = harden(Self.commented)
        #expect(result.bodyLines.contains("RUN useradd -u 10001 -m appuser"))
        #expect(result.bodyLines.contains("USER 10001"))
        #expect(result.bodyLines.contains("COPY --chown=appuser . ."))
        #expect(!result.body.contains("groupadd"))
    }

    @Test(arguments: [
        ("RUN useradd -u 1500 -g web web", "USER web", "USER 1500"),
        ("RUN groupadd -g 2000 web && useradd -u 1500 -g web web", "USER web:web", "USER 1500:2000"),
        ("RUN adduser --system --uid 999 svc", "USER svc", "USER 999"),
        ("RUN true", "USER nobody", "USER 65534"),
    ])
    func namedUsersMapToNumbers(_ creation: String, _ user: String, _ expected: String) {
        let result = harden(lines("FROM python:3.12-slim", creation, user, "CMD [\"python\", \"job.py\"]"))
        #expect(result.bodyLines.contains(expected), "\(result.text)")
    }

    @Test func shellEntrypointDropsTheCMDItIgnored() {
        let result = harden(Self.commented)
        #expect(result.bodyLines.contains("ENTRYPOINT [\"gunicorn\", \"--bind\", \"0.0.0.0:8080\", \"app:app\"]"))
        #expect(!result.bodyLines.contains("CMD [\"--workers\", \"2\"]"))
        #expect(result.text.contains("# bulwark: removed CMD [\"--workers\", \"2\"]: the shell-form ENTRYPOINT ignored it,"))
    }

    @Test(arguments: [
        ("CMD gunicorn --bind 0.0.0.0:$PORT app:app", "CMD [\"/bin/sh\", \"-c\", \"exec gunicorn --bind 0.0.0.0:$PORT app:app\"]"),
        ("CMD python manage.py migrate && gunicorn -b :8000 site.wsgi",
         "CMD [\"/bin/sh\", \"-c\", \"python manage.py migrate && exec gunicorn -b :8000 site.wsgi\"]"),
        ("CMD exec python app.py", "CMD [\"python\", \"app.py\"]"),
        ("CMD python -c \"print('a b')\"", "CMD [\"python\", \"-c\", \"print('a b')\"]"),
        ("CMD python app.py > /tmp/log 2>&1", "CMD [\"/bin/sh\", \"-c\", \"exec python app.py > /tmp/log 2>&1\"]"),
    ])
    func shellFormBecomesExecForm(_ input: String, _ expected: String) {
        let result = harden(lines("FROM python:3.12-slim", "USER 10001:10001", "HEALTHCHECK NONE", input))
        #expect(result.bodyLines.contains(expected), "\(result.text)")
    }

    @Test func customShellIsKeptForShellScripts() {
        let result = harden(lines("FROM python:3.12-slim", "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", "USER 10001:10001", "HEALTHCHECK NONE",
                                  "CMD echo $HOME | tee /tmp/home"))
        #expect(result.bodyLines.contains("CMD [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"echo $HOME | tee /tmp/home\"]"), "\(result.text)")
    }

    @Test func crlfAndByteOrderMarkAreKept() {
        let input = "\u{FEFF}FROM python:3.11-slim\r\nWORKDIR /app\r\nCOPY app.py .\r\nCMD python app.py\r\n"
        let result = harden(input)
        #expect(result.text.hasPrefix("\u{FEFF}# bulwark: generated"))
        #expect(result.text.unicodeScalars.filter { $0 == "\n" }.count == result.text.components("\r\n"))
        #expect(result.text.contains("CMD [\"python\", \"app.py\"]\r\n"))
        let again = harden(result.text)
        #expect(again.text == result.text && again.changes.isEmpty)
    }

    /// A file that is already hardened comes back byte for byte, without a header.
    @Test func hardenedFileIsLeftAlone() {
        let input = lines(
            "# syntax=docker/dockerfile:1", "FROM python:3.12-slim-trixie AS build", "RUN  pip install --no-cache-dir --prefix=/install  flask",
            "", "FROM python:3.12-slim-trixie", "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1", "COPY --from=build /install /usr/local",
            "\tWORKDIR /app", "COPY --chown=10001:10001 app.py .", "USER 10001:10001",
            "HEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\"]",
            "CMD [\"flask\", \"run\"]   ") + "\n"
        let result = harden(input)
        #expect(result.text == input)
        #expect(result.changes.isEmpty)
        #expect(!result.isChanged)
        #expect(result.unifiedDiff(oldLabel: "a", newLabel: "b").isEmpty)
    }

    @Test func syntaxErrorsRewriteNothing() {
        let input = lines("FROM python:3.9", "COPY", "CMD python app.py")
        let result = harden(input)
        #expect(!result.errors.isEmpty)
        #expect(result.text == input)
        #expect(result.changes.isEmpty)
    }

    @Test func parsedModelGivesTheSameRewrite() {
        let input = lines("FROM python:3.9", "# app", "WORKDIR /app", "COPY . .", "CMD python app.py") + "\n"
        let fromText = harden(input)
        let fromModel = DockerfileHardener.harden(DockerfileParser.parse(text: input, file: "Dockerfile"))
        #expect(fromModel.original == input)
        #expect(fromModel.text == fromText.text)
    }

    @Test func distrolessGetsANumericUserOnly() {
        let result = harden(lines("FROM gcr.io/distroless/python3-debian12", "COPY app.py /app/app.py", "CMD [\"/app/app.py\"]"))
        #expect(result.bodyLines.contains("USER 10001:10001"))
        #expect(!result.body.contains("useradd") && !result.body.contains("adduser"))
    }

    @Test func alpineUsesBusyBoxTools() {
        let result = harden(lines("FROM python:3.12-alpine", "RUN apk add curl libstdc++", "WORKDIR /app", "COPY . .", "CMD [\"python\", \"app.py\"]"))
        #expect(result.bodyLines.contains("RUN apk add --no-cache libstdc++"), "\(result.text)")
        #expect(result.bodyLines.contains("RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app"))
        #expect(result.bodyLines.contains("FROM python:3.12-alpine"))
    }

    @Test func dockerignoreRecommendation() {
        let input = lines("FROM node:20", "WORKDIR /app", "COPY . .", "USER 1000", "CMD [\"node\", \"server.js\"]")
        #expect(harden(input).recommendedDockerignore == DockerignoreAdvice.recommended)
        #expect(harden(input, dockerignore: "# keep out\n.git\n**/.env\n").recommendedDockerignore == nil)
        #expect(harden(input, dockerignore: "*\n!src/\n").recommendedDockerignore == nil)
        let partial = harden(input, dockerignore: "node_modules\n.git/\n").recommendedDockerignore
        #expect(partial?.hasPrefix("node_modules\n.git/\n") == true)
        #expect(partial?.hasSuffix("\n.env\n") == true)
        #expect(harden(lines("FROM node:20", "COPY server.js .", "USER 1000", "CMD [\"node\", \"server.js\"]")).recommendedDockerignore == nil)
    }

    @Test func diffIsUnified() {
        let input = lines("FROM python:3.12-slim", "HEALTHCHECK NONE", "CMD python app.py") + "\n"
        let result = harden(input)
        let diff = result.unifiedDiff(oldLabel: "Dockerfile", newLabel: "Dockerfile")
        #expect(diff.hasPrefix("--- Dockerfile\n+++ Dockerfile\n@@ -1,3 +1,"))
        #expect(diff.contains("\n-CMD python app.py\n"))
        #expect(diff.contains("\n+CMD [\"python\", \"app.py\"]\n"))
        #expect(diff.contains("\n HEALTHCHECK NONE\n"))
        // Every line of the new text is an added or context line of the diff, in order.
        let added = diff.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") || $0.hasPrefix(" ") }.map { String($0.dropFirst()) }
        #expect(added == result.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }
}

extension String {
    /// How often `separator` occurs.
    func components(_ separator: String) -> Int {
        var count = 0
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
