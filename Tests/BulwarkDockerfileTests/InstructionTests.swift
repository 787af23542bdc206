import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct InstructionTests {
    // MARK: - Keywords

    @Test(arguments: Keyword.known)
    func keywordsAreCaseInsensitive(_ keyword: Keyword) {
        let lower = keyword.rawValue.lowercased()
        let dockerfile = parse("FROM scratch\n\(lower) x\n")
        #expect(dockerfile.instructions.last?.keyword == keyword)
        #expect(dockerfile.instructions.last?.rawKeyword == lower)
    }

    // MARK: - FROM

    struct FromCase: Sendable, CustomTestStringConvertible {
        var line: String
        var image: String
        var alias: String?
        var platform: String?
        var testDescription: String { line }
    }

    static let fromCases: [FromCase] = [
        FromCase(line: "FROM python:3.12-slim", image: "python:3.12-slim"),
        FromCase(line: "FROM python:3.12 AS build", image: "python:3.12", alias: "build"),
        FromCase(line: "from python:3.12 as Build", image: "python:3.12", alias: "Build"),
        FromCase(line: "FROM --platform=linux/amd64 debian:12 AS base", image: "debian:12", alias: "base", platform: "linux/amd64"),
        FromCase(line: "FROM --platform=$BUILDPLATFORM golang:1.22", image: "golang:1.22", platform: "$BUILDPLATFORM"),
        FromCase(line: "FROM   registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                 image: "registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        FromCase(line: "FROM scratch", image: "scratch"),
    ]

    @Test(arguments: fromCases)
    func from(_ test: FromCase) throws {
        let dockerfile = parse(test.line)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let from = try #require(dockerfile.instructions.first?.from)
        #expect(from.image.value == test.image)
        #expect(from.alias?.value == test.alias)
        #expect(dockerfile.instructions.first?.flag("platform")?.value == test.platform)
    }

    // MARK: - RUN

    @Test func runFlags() throws {
        let dockerfile = parse(lines(
            "FROM debian",
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=cache,target=/root/.cache,sharing=locked \\",
            "    --network=none --security=insecure npm ci"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.flags.map(\.name) == ["mount", "mount", "network", "security"])
        #expect(run.flag("network")?.value == "none")
        #expect(run.flag("security")?.value == "insecure")
        #expect(run.mounts.map(\.type) == [.secret, .cache])
        #expect(run.mounts[0].id == "npmrc")
        #expect(run.mounts[0].target == "/root/.npmrc")
        #expect(run.mounts[1].value("sharing") == "locked")
        #expect(run.shellCommand?.text == "npm ci")
        #expect(run.arguments.range.start == position(3, 40))
        #expect(run.flags[2].range == TextRange(start: position(3, 5), end: position(3, 19)))
    }

    @Test func runExecForm() throws {
        let dockerfile = parse(lines("FROM debian", "RUN [\"apt-get\", \"install\", \"-y\", \"curl\"]"))
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.execArguments == ["apt-get", "install", "-y", "curl"])
        #expect(run.shellCommands.isEmpty)
        guard case .exec(let words) = run.form else {
            Issue.record("expected exec form")
            return
        }
        #expect(words[1].raw == "\"install\"")
        #expect(words[1].range == TextRange(start: position(2, 17), end: position(2, 26)))
    }

    // MARK: - CMD / ENTRYPOINT / SHELL

    struct CommandCase: Sendable, CustomTestStringConvertible {
        var line: String
        var exec: [String]?
        var shell: String?
        var testDescription: String { line }
    }

    static let commandCases: [CommandCase] = [
        CommandCase(line: "CMD [\"python\", \"app.py\"]", exec: ["python", "app.py"]),
        CommandCase(line: "CMD python app.py", shell: "python app.py"),
        CommandCase(line: "ENTRYPOINT [\"/docker-entrypoint.sh\"]", exec: ["/docker-entrypoint.sh"]),
        CommandCase(line: "ENTRYPOINT exec gunicorn -b :8080 app:app", shell: "exec gunicorn -b :8080 app:app"),
        CommandCase(line: "CMD []", exec: []),
        CommandCase(line: "CMD [ \"a\" ,\"b\" ]", exec: ["a", "b"]),
        CommandCase(line: "CMD ['python', 'app.py']", shell: "['python', 'app.py']"),
        CommandCase(line: "CMD [\"python\", \"app.py\"", shell: "[\"python\", \"app.py\""),
        CommandCase(line: "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", exec: ["/bin/bash", "-o", "pipefail", "-c"]),
    ]

    @Test(arguments: commandCases)
    func commandForms(_ test: CommandCase) throws {
        let dockerfile = parse("FROM debian\n" + test.line)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let instruction = try #require(dockerfile.instructions.last)
        #expect(instruction.execArguments == test.exec)
        #expect(instruction.shellCommand?.text == test.shell)
    }

    @Test func invalidJSONFallsBackToShellFormWithAWarning() {
        let dockerfile = parse(lines("FROM debian", "CMD ['python', 'app.py']"))
        #expect(dockerfile.warnings.map(\.description) == [
            "2:5: CMD arguments look like a JSON array but are not valid JSON (invalid character ''' looking for beginning of value); they run as a shell command"
        ])
    }

    @Test func shellFormCommandsGetTheStageShell() throws {
        let dockerfile = parse(lines(
            "FROM debian AS base", "RUN a", "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", "RUN b", "FROM base", "CMD c", "FROM debian", "RUN d"))
        let runs = dockerfile.instructions.filter { $0.keyword == .run || $0.keyword == .cmd }
        #expect(runs.map(\.shell) == [["/bin/sh", "-c"], ["/bin/bash", "-o", "pipefail", "-c"], ["/bin/bash", "-o", "pipefail", "-c"], ["/bin/sh", "-c"]])
    }

    // MARK: - LABEL / ENV

    struct PairsCase: Sendable, CustomTestStringConvertible {
        var line: String
        var pairs: [[String]]
        var legacy = false
        var testDescription: String { line }
    }

    static let pairCases: [PairsCase] = [
        PairsCase(line: "LABEL org.opencontainers.image.title=\"My app\" version=1.0", pairs: [["org.opencontainers.image.title", "My app"], ["version", "1.0"]]),
        PairsCase(line: "LABEL \"com.example.vendor\"=\"ACME Inc\" description='a \"quoted\" word'", pairs: [["com.example.vendor", "ACME Inc"], ["description", "a \"quoted\" word"]]),
        PairsCase(line: "LABEL maintainer legacy form value", pairs: [["maintainer", "legacy form value"]], legacy: true),
        PairsCase(line: "ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1", pairs: [["PYTHONUNBUFFERED", "1"], ["PYTHONDONTWRITEBYTECODE", "1"]]),
        PairsCase(line: "ENV PATH=/opt/venv/bin:$PATH", pairs: [["PATH", "/opt/venv/bin:$PATH"]]),
        PairsCase(line: "ENV MSG=hello\\ world EMPTY= QUOTED=\"\"", pairs: [["MSG", "hello world"], ["EMPTY", ""], ["QUOTED", ""]]),
        PairsCase(line: "ENV JAVA_HOME /usr/lib/jvm/java-17", pairs: [["JAVA_HOME", "/usr/lib/jvm/java-17"]], legacy: true),
        PairsCase(line: "ENV GREETING \"hello   world\" again", pairs: [["GREETING", "hello   world again"]], legacy: true),
        PairsCase(line: "ENV A=\"multi word\" B=c\\=d", pairs: [["A", "multi word"], ["B", "c=d"]]),
    ]

    @Test(arguments: pairCases)
    func keyValuePairs(_ test: PairsCase) throws {
        let dockerfile = parse("FROM debian\n" + test.line)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let instruction = try #require(dockerfile.instructions.last)
        #expect(instruction.keyValues.map { [$0.key.value, $0.value.value] } == test.pairs)
        #expect(instruction.keyValues.allSatisfy { $0.isLegacyForm == test.legacy })
    }

    @Test func pairPositions() throws {
        let dockerfile = parse(lines("FROM debian", "ENV A=1 \\", "    TOKEN=\"s3cr3t\""))
        let pairs = try #require(dockerfile.instructions(.env).first?.keyValues)
        #expect(pairs[1].key.range == TextRange(start: position(3, 5), end: position(3, 10)))
        #expect(pairs[1].value.range == TextRange(start: position(3, 11), end: position(3, 19)))
        #expect(pairs[1].value.raw == "\"s3cr3t\"")
    }

    // MARK: - ARG

    @Test func argDeclarations() throws {
        let dockerfile = parse(lines("ARG A", "ARG B=2 C=\"three four\" D=", "FROM scratch"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let declarations = dockerfile.instructions(.arg).flatMap(\.argDeclarations)
        #expect(declarations.map(\.name.value) == ["A", "B", "C", "D"])
        #expect(declarations.map { $0.defaultValue?.value } == [nil, "2", "three four", ""])
    }

    // MARK: - COPY / ADD

    struct FileCase: Sendable, CustomTestStringConvertible {
        var line: String
        var sources: [String]
        var destination: String
        var flags: [String: String?]
        var json = false
        var testDescription: String { line }
    }

    static let fileCases: [FileCase] = [
        FileCase(line: "COPY . .", sources: ["."], destination: ".", flags: [:]),
        FileCase(line: "COPY --chown=10001:10001 --chmod=0755 requirements.txt app.py /app/", sources: ["requirements.txt", "app.py"], destination: "/app/",
                 flags: ["chown": "10001:10001", "chmod": "0755"]),
        FileCase(line: "COPY --from=build --link /opt/venv /opt/venv", sources: ["/opt/venv"], destination: "/opt/venv", flags: ["from": "build", "link": nil]),
        FileCase(line: "COPY --parents --exclude=*.pyc --exclude=tests ./src/ /app/", sources: ["./src/"], destination: "/app/",
                 flags: ["parents": nil, "exclude": "tests"]),
        FileCase(line: "COPY [\"my file.txt\", \"/dest dir/\"]", sources: ["my file.txt"], destination: "/dest dir/", flags: [:], json: true),
        FileCase(line: "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tar.gz /tmp/",
                 sources: ["https://example.com/a.tar.gz"], destination: "/tmp/",
                 flags: ["checksum": "sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d"]),
        FileCase(line: "ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit", sources: ["https://github.com/moby/buildkit.git#v0.10.1"],
                 destination: "/buildkit", flags: ["keep-git-dir": "true"]),
        FileCase(line: "ADD --link --chown=app app.tar.gz /srv/", sources: ["app.tar.gz"], destination: "/srv/", flags: ["link": nil, "chown": "app"]),
        FileCase(line: "COPY --chown=\"app:app\" a b", sources: ["a"], destination: "b", flags: ["chown": "app:app"]),
    ]

    @Test(arguments: fileCases)
    func fileTransfers(_ test: FileCase) throws {
        let dockerfile = parse("FROM debian\n" + test.line)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let instruction = try #require(dockerfile.instructions.last)
        let transfer = try #require(instruction.fileTransfer)
        #expect(transfer.sources.map(\.value) == test.sources)
        #expect(transfer.destination?.value == test.destination)
        #expect(transfer.isJSONForm == test.json)
        var flags: [String: String?] = [:]
        for flag in instruction.flags { flags[flag.name] = flag.value }
        #expect(flags == test.flags)
    }

    // MARK: - EXPOSE / VOLUME / USER / WORKDIR / STOPSIGNAL / MAINTAINER

    @Test func exposePorts() throws {
        let dockerfile = parse(lines("FROM debian", "EXPOSE 80 443/tcp 53/udp 8000-8010 22/SCTP $PORT"))
        let ports = try #require(dockerfile.instructions(.expose).first?.exposedPorts)
        #expect(ports.map(\.port) == [80, 443, 53, 8000, 22, nil])
        #expect(ports.map(\.endPort) == [80, 443, 53, 8010, 22, nil])
        #expect(ports.map(\.transport) == ["tcp", "tcp", "udp", "tcp", "sctp", "tcp"])
        #expect(ports.map(\.isValid) == [true, true, true, true, true, false])
    }

    @Test(arguments: [
        ("VOLUME /data", ["/data"]),
        ("VOLUME /data /logs", ["/data", "/logs"]),
        ("VOLUME [\"/data\", \"/var/log app\"]", ["/data", "/var/log app"]),
    ])
    func volumes(_ line: String, _ paths: [String]) {
        let dockerfile = parse("FROM debian\n" + line)
        #expect(dockerfile.errors.isEmpty)
        #expect(dockerfile.instructions.last?.volumes.map(\.value) == paths)
    }

    struct UserCase: Sendable, CustomTestStringConvertible {
        var line: String
        var user: String
        var group: String?
        var numeric: Bool
        var root: Bool
        var testDescription: String { line }
    }

    @Test(arguments: [
        UserCase(line: "USER 10001", user: "10001", group: nil, numeric: true, root: false),
        UserCase(line: "USER 10001:10001", user: "10001", group: "10001", numeric: true, root: false),
        UserCase(line: "USER app:app", user: "app", group: "app", numeric: false, root: false),
        UserCase(line: "USER root", user: "root", group: nil, numeric: false, root: true),
        UserCase(line: "USER 0:0", user: "0", group: "0", numeric: true, root: true),
        UserCase(line: "USER \"nobody\"", user: "nobody", group: nil, numeric: false, root: false),
    ])
    func users(_ test: UserCase) throws {
        let user = try #require(parse("FROM debian\n" + test.line).instructions.last?.user)
        #expect(user.user == test.user)
        #expect(user.group == test.group)
        #expect(user.isNumeric == test.numeric)
        #expect(user.isRoot == test.root)
    }

    @Test func singleArgumentInstructions() {
        let dockerfile = parse(lines("FROM debian", "WORKDIR \"/app dir\"", "STOPSIGNAL SIGTERM", "MAINTAINER Jane <jane@example.com>"))
        #expect(dockerfile.errors.isEmpty)
        #expect(dockerfile.instructions.dropFirst().map { $0.textArgument?.value } == ["/app dir", "SIGTERM", "Jane <jane@example.com>"])
    }

    // MARK: - HEALTHCHECK

    @Test func healthcheckCommand() throws {
        let dockerfile = parse(lines(
            "FROM debian",
            "HEALTHCHECK --interval=30s --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 \\",
            "  CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')\"]"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let instruction = try #require(dockerfile.instructions.last)
        let check = try #require(instruction.healthcheck)
        #expect(!check.isNone)
        #expect(check.interval == 30)
        #expect(check.timeout == 3)
        #expect(check.startPeriod == 90)
        #expect(check.startInterval == 0.5)
        #expect(check.retries == 3)
        #expect(instruction.execArguments?.first == "python")
    }

    @Test func healthcheckShellFormAndNone() throws {
        let dockerfile = parse(lines("FROM debian", "HEALTHCHECK CMD curl -f http://localhost/ || exit 1", "HEALTHCHECK NONE"))
        #expect(dockerfile.errors.isEmpty)
        let checks = dockerfile.instructions(.healthcheck)
        #expect(checks[0].shellCommand?.script.commandTexts == ["curl -f http://localhost/", "exit 1"])
        #expect(checks[1].healthcheck?.isNone == true)
        #expect(checks[1].form == nil)
    }

    // MARK: - ONBUILD

    @Test func onbuildTrigger() throws {
        let dockerfile = parse(lines("FROM debian", "ONBUILD COPY --chown=app . /app", "ONBUILD RUN pip install -r /app/requirements.txt"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let triggers = dockerfile.instructions(.onbuild).compactMap(\.onbuildTrigger)
        #expect(triggers.map(\.keyword) == [.copy, .run])
        #expect(triggers[0].flag("chown")?.value == "app")
        #expect(triggers[0].keywordRange.start == position(2, 9))
        #expect(triggers[1].shellCommands.first?.program == "pip")
    }

    // MARK: - Comments and pragmas

    @Test func commentsAttachToTheNextInstruction() throws {
        let dockerfile = parse(lines("FROM debian", "# first", "", "# second", "RUN a", "RUN b"))
        let runs = dockerfile.instructions(.run)
        #expect(runs[0].comments.map(\.text) == ["first", "second"])
        #expect(runs[1].comments.isEmpty)
    }

    @Test func ignorePragmas() throws {
        let dockerfile = parse(lines(
            "FROM debian",
            "# bulwark:ignore dockerfile/sudo,dockerfile/curl-pipe-shell vendor script needs it",
            "RUN sudo sh -c 'curl x | sh'",
            "RUN a \\",
            "  # bulwark:ignore dockerfile/apt-no-recommends",
            "  && apt-get install -y b",
            "# bulwark:ignore",
            "USER 1",
            "# bulwark:ignore dockerfile/x trailing"))
        let pragmas = dockerfile.ignorePragmas
        #expect(pragmas.count == 4)
        #expect(pragmas[0].ruleIds == ["dockerfile/sudo", "dockerfile/curl-pipe-shell"])
        #expect(pragmas[0].reason == "vendor script needs it")
        #expect(pragmas[0].instructionIndex == 1)
        #expect(pragmas[1].ruleIds == ["dockerfile/apt-no-recommends"])
        #expect(pragmas[1].instructionIndex == 2)
        #expect(pragmas[2].ruleIds.isEmpty)
        #expect(pragmas[3].instructionIndex == nil)
        #expect(dockerfile.ignorePragma(for: "dockerfile/sudo", instructionAt: 1)?.line == 2)
        #expect(dockerfile.ignorePragma(for: "dockerfile/other", instructionAt: 1) == nil)
        #expect(dockerfile.warnings.map(\.description) == ["7:1: bulwark:ignore names no rule id, so it silences nothing"])
    }

    @Test func unicodeColumnsCountScalars() throws {
        let dockerfile = parse(lines("FROM debian", "LABEL description=\"café ☕\" owner=ünïcødé"))
        let pairs = try #require(dockerfile.instructions.last?.keyValues)
        #expect(pairs[0].value.value == "café ☕")
        #expect(pairs[1].key.range.start == position(2, 28))
        #expect(pairs[1].value.range == TextRange(start: position(2, 34), end: position(2, 41)))
    }
}
