import BulwarkCore
import BulwarkDockerfile
import Testing

/// What BuildKit rejects becomes an error with a line and column; parsing goes on.
@Suite struct MalformedInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var errors: [String]
        /// Instructions still parsed (keywords).
        var keywords: [Keyword]? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty file", text: "", errors: ["1:1: file with no instructions"], keywords: []),
        Case(name: "only comments and blank lines", text: lines("# hello", "", "   # world", ""), errors: ["3:1: file with no instructions"], keywords: []),
        Case(name: "unknown instruction with a suggestion", text: lines("FROM debian", "RUNN apt-get update", "USER 1"),
             errors: ["2:1: unknown instruction: RUNN (did you mean RUN?)"], keywords: [.from, .unknown, .user]),
        Case(name: "unknown instruction without a suggestion", text: lines("FROM debian", "  FOOBARBAZ x"),
             errors: ["2:3: unknown instruction: FOOBARBAZ"]),
        Case(name: "instruction before FROM", text: lines("ARG A=1", "RUN echo hi", "FROM debian"),
             errors: ["2:1: no build stage in current context (RUN before the first FROM)"], keywords: [.arg, .run, .from]),
        Case(name: "no FROM at all", text: lines("ARG A=1"), errors: ["1:1: dockerfile contains no stages to build (no FROM instruction)"]),
        Case(name: "FROM without an image", text: lines("FROM", "RUN x"), errors: ["1:1: FROM requires either one or three arguments"]),
        Case(name: "FROM with two words", text: lines("FROM debian bookworm"), errors: ["1:13: FROM requires either one or three arguments"]),
        Case(name: "invalid stage name", text: lines("FROM debian AS 1st"),
             errors: ["1:16: invalid name for build stage: \"1st\", name can't start with a number or contain symbols"]),
        Case(name: "duplicate stage name", text: lines("FROM debian AS base", "FROM alpine AS Base"), errors: ["2:16: duplicate stage name \"base\""]),
        Case(name: "unknown flag", text: lines("FROM debian", "RUN --mnt=type=cache,target=/x true"), errors: ["2:5: unknown flag: mnt (did you mean mount?)"]),
        Case(name: "flag on an instruction without flags", text: lines("FROM debian", "CMD --help"), errors: ["2:5: unknown flag: help"]),
        Case(name: "string flag without value", text: lines("FROM debian", "COPY --from a b"), errors: ["2:6: missing a value on flag: from"]),
        Case(name: "bool flag with a bad value", text: lines("FROM debian", "COPY --link=yes a b"), errors: ["2:6: expecting boolean value for flag link, not: yes"]),
        Case(name: "duplicate flag", text: lines("FROM debian", "COPY --chown=a --chown=b x y"), errors: ["2:16: duplicate flag specified: chown"]),
        Case(name: "bad network", text: lines("FROM debian", "RUN --network=bridge true"), errors: ["2:5: unsupported network mode \"bridge\" (none, host or default)"]),
        Case(name: "bad security", text: lines("FROM debian", "RUN --security=root true"), errors: ["2:5: unsupported security mode \"root\" (insecure or sandbox)"]),
        Case(name: "COPY with one argument", text: lines("FROM debian", "COPY app.py"),
             errors: ["2:6: COPY requires at least two arguments, but only one was provided. Destination could not be determined."]),
        Case(name: "ENV without value", text: lines("FROM debian", "ENV FOO"), errors: ["2:5: ENV must have two arguments"]),
        Case(name: "ENV without arguments", text: lines("FROM debian", "ENV"), errors: ["2:1: ENV requires at least one argument"]),
        Case(name: "ENV pair without =", text: lines("FROM debian", "ENV A=1 B"),
             errors: ["2:9: Syntax error - can't find = in \"B\". Must be of the form: name=value"]),
        Case(name: "LABEL blank name", text: lines("FROM debian", "LABEL =x"), errors: ["2:7: LABEL names can not be blank"]),
        Case(name: "ARG without name", text: lines("ARG", "FROM debian"), errors: ["1:1: ARG requires at least one argument"]),
        Case(name: "unterminated quote in ENV", text: lines("FROM debian", "ENV A=\"abc"),
             errors: ["2:7: unexpected end of statement while looking for matching double-quote"]),
        Case(name: "bad substitution", text: lines("FROM debian", "ENV A=${}"), errors: ["2:7: syntax error: bad substitution"]),
        Case(name: "missing brace", text: lines("FROM debian", "WORKDIR ${APP"), errors: ["2:9: syntax error: missing '}'"]),
        Case(name: "SHELL in shell form", text: lines("FROM debian", "SHELL /bin/bash -c"), errors: ["2:7: SHELL requires the arguments to be in JSON form"]),
        Case(name: "SHELL empty", text: lines("FROM debian", "SHELL []"), errors: ["2:7: SHELL requires at least one argument"]),
        Case(name: "HEALTHCHECK unknown type", text: lines("FROM debian", "HEALTHCHECK RUN true"), errors: ["2:13: Unknown type \"RUN\" in HEALTHCHECK (try CMD)"]),
        Case(name: "HEALTHCHECK NONE with arguments", text: lines("FROM debian", "HEALTHCHECK NONE x"), errors: ["2:18: HEALTHCHECK NONE takes no arguments"]),
        Case(name: "HEALTHCHECK CMD without command", text: lines("FROM debian", "HEALTHCHECK CMD"), errors: ["2:13: Missing command after HEALTHCHECK CMD"]),
        Case(name: "HEALTHCHECK bad duration", text: lines("FROM debian", "HEALTHCHECK --interval=5 CMD true"), errors: ["2:13: time: invalid duration \"5\""]),
        Case(name: "HEALTHCHECK tiny duration", text: lines("FROM debian", "HEALTHCHECK --timeout=10us CMD true"),
             errors: ["2:13: Interval \"timeout\" cannot be less than 1ms"]),
        Case(name: "HEALTHCHECK bad retries", text: lines("FROM debian", "HEALTHCHECK --retries=0 CMD true"), errors: ["2:13: --retries must be at least 1 (not 0)"]),
        Case(name: "ONBUILD ONBUILD", text: lines("FROM debian", "ONBUILD ONBUILD RUN x"), errors: ["2:9: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"]),
        Case(name: "ONBUILD FROM", text: lines("FROM debian", "ONBUILD FROM alpine"), errors: ["2:9: FROM isn't allowed as an ONBUILD trigger"]),
        Case(name: "ONBUILD unknown trigger", text: lines("FROM debian", "ONBUILD FOO"), errors: ["2:9: unknown instruction: FOO (did you mean FROM?)"]),
        Case(name: "WORKDIR without path", text: lines("FROM debian", "WORKDIR"), errors: ["2:1: WORKDIR requires exactly one argument"]),
        Case(name: "EXPOSE without ports", text: lines("FROM debian", "EXPOSE"), errors: ["2:1: EXPOSE requires at least one argument"]),
        Case(name: "VOLUME empty string", text: lines("FROM debian", "VOLUME [\"\"]"), errors: ["2:9: VOLUME specified can not be an empty string"]),
        Case(name: "non-string JSON", text: lines("FROM debian", "ENTRYPOINT [\"a\", 2]"),
             errors: ["2:12: when using JSON array syntax, arrays must be comprised of strings only"]),
        Case(name: "errors on several lines, all reported", text: lines("FROM debian", "RUNN a", "COPY x", "USER 1", "WORKDIR"),
             errors: ["2:1: unknown instruction: RUNN (did you mean RUN?)",
                      "3:6: COPY requires at least two arguments, but only one was provided. Destination could not be determined.",
                      "5:1: WORKDIR requires exactly one argument"],
             keywords: [.from, .unknown, .copy, .user, .workdir]),
    ]

    @Test(arguments: cases)
    func reportsErrors(_ test: Case) {
        let dockerfile = parse(test.text)
        #expect(dockerfile.errorDescriptions == test.errors)
        if let keywords = test.keywords {
            #expect(dockerfile.instructions.map(\.keyword) == keywords)
        }
        #expect(dockerfile.inputErrors.allSatisfy { $0.file == "Dockerfile" && $0.line != nil })
    }

    @Test func unterminatedJSONIsAShellCommandWithAWarning() throws {
        let dockerfile = parse(lines("FROM debian", "ENTRYPOINT [\"python\", \"app.py\"", "USER 1"))
        #expect(dockerfile.errors.isEmpty)
        #expect(dockerfile.warnings.map(\.description) == [
            "2:12: ENTRYPOINT arguments look like a JSON array but are not valid JSON (unexpected end of JSON input); they run as a shell command"
        ])
        #expect(dockerfile.instructions[1].shellCommand?.text == "[\"python\", \"app.py\"")
        #expect(dockerfile.instructions.map(\.keyword) == [.from, .entrypoint, .user])
    }

    @Test func binaryGarbageDoesNotCrash() {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.insert(contentsOf: Array("FROM debian\n".utf8), at: 0)
        let dockerfile = DockerfileParser.parse(bytes: bytes, file: "garbage")
        #expect(!dockerfile.errors.isEmpty)
        #expect(dockerfile.errors.count <= 1001)
        #expect(dockerfile.errors.allSatisfy { $0.line >= 1 && $0.column >= 1 })
    }

    @Test func invalidUTF8IsReplaced() throws {
        let bytes: [UInt8] = Array("FROM debian\nLABEL a=".utf8) + [0xFF, 0xFE, 0xC3] + Array(" b=c\n".utf8)
        let dockerfile = DockerfileParser.parse(bytes: bytes, file: "Dockerfile")
        #expect(dockerfile.errors.isEmpty)
        let pairs = try #require(dockerfile.instructions.last?.keyValues)
        #expect(pairs[0].value.value == "\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(pairs[1].key.range.start == position(2, 13))
    }

    @Test func oneMegabyteSingleLine() throws {
        let payload = String(repeating: "a", count: 1 << 20)
        let shellLine = "FROM debian\nRUN echo \(payload) && echo \"\(payload)\" | tee x\nUSER 1\n"
        let dockerfile = parse(shellLine)
        #expect(dockerfile.errors.isEmpty)
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.shellCommands.map(\.program) == ["echo", "echo", "tee"])
        #expect(run.shellCommands[2].words[0].range.start.column == 2 * (1 << 20) + 24)

        let envLine = "FROM debian\nENV " + (0..<50_000).map { "K\($0)=v\($0)" }.joined(separator: " ") + "\n"
        let env = parse(envLine)
        #expect(env.errors.isEmpty)
        #expect(env.instructions.last?.keyValues.count == 50_000)

        let unterminated = parse("FROM debian\nENV A=\"" + payload + "\nRUN x \"" + payload)
        #expect(unterminated.errors.count == 1)
        #expect(unterminated.instructions.count == 3)
        #expect(unterminated.instructions.last?.shellCommand?.script.issues.count == 1)
    }

    @Test func longNonASCIILinesStayLinear() throws {
        // Positions on a long line with multi-byte characters are counted incrementally, also
        // when a command's start is looked up after its last word.
        let script = String(repeating: "é>ü; ", count: 100_000)
        let dockerfile = parse("FROM debian\nRUN " + script + "\n")
        let commands = try #require(dockerfile.instructions.last?.shellCommands)
        #expect(commands.count == 100_000)
        #expect(commands.last?.range.start == position(2, 5 + 5 * 99_999))
        #expect(commands.last?.redirections.first?.target?.range.start == position(2, 7 + 5 * 99_999))
    }

    @Test func tooManyErrorsAreCapped() {
        let text = "FROM debian\n" + String(repeating: "BOGUS x\n", count: 5000)
        let dockerfile = DockerfileParser.parse(text: text, file: "Dockerfile", options: .init(maxErrors: 100))
        #expect(dockerfile.errors.count == 101)
        #expect(dockerfile.errors.last?.message == "4900 more errors not shown")
        #expect(dockerfile.instructions.count == 5001)
    }

    @Test func deepVariableNestingIsBounded() {
        let nested = String(repeating: "${A:-", count: 10_000) + "x" + String(repeating: "}", count: 10_000)
        let dockerfile = parse("FROM debian\nENV B=" + nested)
        #expect(dockerfile.instructions.count == 2)
        #expect(dockerfile.errors.contains { $0.message == "variable substitutions nested too deeply" })
    }

    @Test func deepShellNestingIsBounded() {
        let deep = String(repeating: "$(", count: 50_000) + String(repeating: ")", count: 50_000)
        let quotes = String(repeating: "\"$(echo ", count: 20_000)
        let dockerfile = parse("FROM debian\nRUN echo \(deep)\nRUN sh -c \(quotes)\n")
        #expect(dockerfile.instructions.count == 3)
    }
}
