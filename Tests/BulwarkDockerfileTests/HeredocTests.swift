import BulwarkCore
import BulwarkDockerfile
import Testing

/// Heredocs as BuildKit reads them, including the cases hadolint gets wrong (hadolint#1137:
/// quoted delimiters and several heredocs per RUN; hadolint#1019: `<<-` tab stripping and
/// instructions after a `RUN <<EOF`).
@Suite struct HeredocTests {
    struct Expected: Sendable {
        var delimiter: String
        var quoted: Bool
        var stripTabs: Bool
        var body: String
        var startLine: Int
        var endLine: Int
        var interpreter: String?
        var isScript: Bool
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var heredocs: [Expected]
        /// Keywords of all instructions, in order (checks that parsing resumes after the bodies).
        var keywords: [Keyword]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "RUN <<EOF then more instructions",
            text: lines("FROM debian", "RUN <<EOF", "apt-get update", "apt-get install -y curl", "EOF", "USER 10001", "CMD [\"app\"]"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "apt-get update\napt-get install -y curl\n", startLine: 3, endLine: 5, interpreter: "sh", isScript: true)],
            keywords: [.from, .run, .user, .cmd]),
        Case(
            name: "double-quoted delimiter",
            text: lines("FROM debian", "RUN <<\"EOF\"", "echo $HOME", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: true, stripTabs: false, body: "echo $HOME\n", startLine: 3, endLine: 4, interpreter: "sh", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "single-quoted delimiter",
            text: lines("FROM debian", "RUN <<'EOT' bash", "echo \"$PATH\"", "EOT", "WORKDIR /app"),
            heredocs: [Expected(delimiter: "EOT", quoted: true, stripTabs: false, body: "echo \"$PATH\"\n", startLine: 3, endLine: 4, interpreter: "bash", isScript: true)],
            keywords: [.from, .run, .workdir]),
        Case(
            name: "partly quoted delimiter",
            text: lines("FROM debian", "RUN <<E\"O\"F", "x", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: true, stripTabs: false, body: "x\n", startLine: 3, endLine: 4, interpreter: "sh", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "<<- strips leading tabs from body and terminator",
            text: lines("FROM debian", "RUN <<-EOF", "\tapt-get update", "\t\techo   indented", "  spaces stay", "\tEOF", "USER 1"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: true, body: "apt-get update\necho   indented\n  spaces stay\n", startLine: 3, endLine: 6, interpreter: "sh", isScript: true)],
            keywords: [.from, .run, .user]),
        Case(
            name: "<< keeps tabs and needs the terminator at column 1",
            text: lines("FROM debian", "RUN <<EOF", "\techo a", "\tEOF", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "\techo a\n\tEOF\n", startLine: 3, endLine: 5, interpreter: "sh", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "two heredocs in one RUN",
            text: lines("FROM debian", "RUN cat <<EOF > /a.txt && cat <<'EOT' > /b.txt", "first", "EOF", "second $X", "EOT", "EXPOSE 8080"),
            heredocs: [
                Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "first\n", startLine: 3, endLine: 4, interpreter: "cat", isScript: false),
                Expected(delimiter: "EOT", quoted: true, stripTabs: false, body: "second $X\n", startLine: 5, endLine: 6, interpreter: "cat", isScript: false),
            ],
            keywords: [.from, .run, .expose]),
        Case(
            name: "two heredocs read by two shells",
            text: lines("FROM debian", "RUN <<A bash && <<B sh", "echo a", "A", "echo b", "B"),
            heredocs: [
                Expected(delimiter: "A", quoted: false, stripTabs: false, body: "echo a\n", startLine: 3, endLine: 4, interpreter: "bash", isScript: true),
                Expected(delimiter: "B", quoted: false, stripTabs: false, body: "echo b\n", startLine: 5, endLine: 6, interpreter: "sh", isScript: true),
            ],
            keywords: [.from, .run]),
        Case(
            name: "RUN python3 <<PY",
            text: lines("FROM python:3.12", "RUN python3 <<PY", "import os", "print(os.getcwd())", "PY"),
            heredocs: [Expected(delimiter: "PY", quoted: false, stripTabs: false, body: "import os\nprint(os.getcwd())\n", startLine: 3, endLine: 5, interpreter: "python3", isScript: false)],
            keywords: [.from, .run]),
        Case(
            name: "shebang picks the interpreter",
            text: lines("FROM python:3.12", "RUN <<EOF", "#!/usr/bin/env python3", "print(1)", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "#!/usr/bin/env python3\nprint(1)\n", startLine: 3, endLine: 5, interpreter: "python3", isScript: false)],
            keywords: [.from, .run]),
        Case(
            name: "COPY <<EOF /dest",
            text: lines("FROM debian", "COPY <<EOF /etc/app.conf", "port=8080", "EOF", "COPY <<-EOT --chmod=0644 /x", "\tline", "\tEOT"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "port=8080\n", startLine: 3, endLine: 4, interpreter: nil, isScript: false)],
            keywords: [.from, .copy, .copy]),
        Case(
            name: "ADD with two heredoc sources",
            text: lines("FROM debian", "ADD <<one <<two /dest/", "1", "one", "2", "two"),
            heredocs: [
                Expected(delimiter: "one", quoted: false, stripTabs: false, body: "1\n", startLine: 3, endLine: 4, interpreter: nil, isScript: false),
                Expected(delimiter: "two", quoted: false, stripTabs: false, body: "2\n", startLine: 5, endLine: 6, interpreter: nil, isScript: false),
            ],
            keywords: [.from, .add]),
        Case(
            name: "empty body",
            text: lines("FROM debian", "RUN <<EOF", "EOF", "USER 1"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "", startLine: 3, endLine: 3, interpreter: "sh", isScript: true)],
            keywords: [.from, .run, .user]),
        Case(
            name: "heredoc after flags and a continuation",
            text: lines("FROM debian", "RUN --mount=type=cache,target=/var/cache/apt \\", "    <<EOF", "apt-get update", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "apt-get update\n", startLine: 4, endLine: 5, interpreter: "sh", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "file descriptor before <<",
            text: lines("FROM debian", "RUN cat 3<<EOF", "x", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "x\n", startLine: 3, endLine: 4, interpreter: "cat", isScript: false)],
            keywords: [.from, .run]),
        Case(
            name: "CRLF terminator",
            text: "FROM debian\r\nRUN <<EOF\r\necho a\r\nEOF\r\nUSER 1\r\n",
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "echo a\r\n", startLine: 3, endLine: 4, interpreter: "sh", isScript: true)],
            keywords: [.from, .run, .user]),
        Case(
            name: "hadolint#1137: RUN <<EOF bash with pipefail",
            text: lines("FROM debian", "RUN <<EOF bash", "    set -euxo pipefail", "    echo 123 | cat", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "    set -euxo pipefail\n    echo 123 | cat\n", startLine: 3, endLine: 5, interpreter: "bash", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "hadolint#1137: empty heredoc then RUN on the next line",
            text: lines("FROM debian", "RUN <<EOF bash", "EOF", "RUN echo next"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "", startLine: 3, endLine: 3, interpreter: "bash", isScript: true)],
            keywords: [.from, .run, .run]),
        Case(
            name: "hadolint#1019: heredoc after a line continuation",
            text: lines("# syntax=docker/dockerfile:1.7-labs", "FROM scratch", "", "RUN foo && \\", "    bar <<BAR", "blah", "BAR"),
            heredocs: [Expected(delimiter: "BAR", quoted: false, stripTabs: false, body: "blah\n", startLine: 6, endLine: 7, interpreter: "bar", isScript: false)],
            keywords: [.from, .run]),
        Case(
            name: "hadolint#923: heredoc in the middle of continuation lines",
            text: lines("FROM golang", "RUN ls && \\", "    cat <<EOF >> go.mod && \\", "    cat go.mod", "replace (", "    github.com/user/repo => ../dir", ")", "EOF"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "replace (\n    github.com/user/repo => ../dir\n)\n", startLine: 5, endLine: 8, interpreter: "cat", isScript: false)],
            keywords: [.from, .run]),
        Case(
            name: "hadolint#960: comment and instruction right after the terminator",
            text: lines("FROM alpine:3.17", "RUN <<EOF", "    echo \"test\"", "EOF", "# comment", "COPY --from=build /app ./"),
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "    echo \"test\"\n", startLine: 3, endLine: 4, interpreter: "sh", isScript: true)],
            keywords: [.from, .run, .copy]),
        Case(
            name: "hadolint#1051: backslash before the delimiter (BuildKit still expands)",
            text: lines("FROM debian", "COPY <<-\\EOT /data.txt", "  echo '$TARGETBUILDARCH'", "EOT", "CMD [\"cat\", \"/data.txt\"]"),
            heredocs: [Expected(delimiter: "EOT", quoted: false, stripTabs: true, body: "  echo '$TARGETBUILDARCH'\n", startLine: 3, endLine: 4, interpreter: nil, isScript: false)],
            keywords: [.from, .copy, .cmd]),
        Case(
            name: "hadolint#736: last heredoc without a final newline",
            text: "FROM debian\nRUN <<EOF\necho \"GOODBYE WORLD\" > /tmp/goodbye\nEOF",
            heredocs: [Expected(delimiter: "EOF", quoted: false, stripTabs: false, body: "echo \"GOODBYE WORLD\" > /tmp/goodbye\n", startLine: 3, endLine: 4, interpreter: "sh", isScript: true)],
            keywords: [.from, .run]),
        Case(
            name: "ONBUILD RUN <<EOF",
            text: lines("FROM debian", "ONBUILD RUN <<EOF", "echo hi", "EOF", "USER 1"),
            heredocs: [],
            keywords: [.from, .onbuild, .user]),
    ]

    @Test(arguments: cases)
    func readsHeredocs(_ test: Case) throws {
        let dockerfile = parse(test.text)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        #expect(dockerfile.instructions.map(\.keyword) == test.keywords)
        let instruction = try #require(dockerfile.instructions.first { !$0.heredocs.isEmpty } ?? (test.heredocs.isEmpty ? dockerfile.instructions[0] : nil))
        #expect(instruction.heredocs.count == test.heredocs.count)
        for (heredoc, expected) in zip(instruction.heredocs, test.heredocs) {
            #expect(heredoc.delimiter == expected.delimiter)
            #expect(heredoc.quoted == expected.quoted)
            #expect(heredoc.stripTabs == expected.stripTabs)
            #expect(heredoc.body == expected.body)
            #expect(heredoc.startLine == expected.startLine)
            #expect(heredoc.endLine == expected.endLine)
            #expect(heredoc.interpreter == expected.interpreter)
            #expect((heredoc.script != nil) == expected.isScript)
            #expect(heredoc.isTerminated)
        }
        if let last = test.heredocs.last {
            #expect(instruction.endLine == last.endLine)
        }
    }

    @Test func bashHeredocScriptSeesPipefail() throws {
        let dockerfile = parse(lines("FROM debian", "RUN <<EOF bash", "    set -euxo pipefail", "    echo 123 | cat", "EOF"))
        let run = try #require(dockerfile.instructions(.run).first)
        let commands = run.shellCommands
        #expect(commands.contains { $0.program == "set" && $0.hasOption("-o") && $0.argumentValues.contains("pipefail") })
        #expect(run.heredocs.first?.script?.pipelines.map { $0.map(\.description) } == [["set -euxo pipefail"], ["echo 123", "cat"]])
    }

    @Test func heredocsAreNotReadInsideQuotesOrJSON() {
        let dockerfile = parse(lines("FROM debian", "RUN echo '<<EOF' \"<<EOT\"", "RUN [\"sh\", \"-c\", \"cat <<EOF\"]", "USER 1"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        #expect(dockerfile.instructions.map(\.keyword) == [.from, .run, .run, .user])
        #expect(dockerfile.instructions.allSatisfy { $0.heredocs.isEmpty })
    }

    @Test func heredocOperatorInsideAWordIsNotReadByBuildKit() {
        let dockerfile = parse(lines("FROM debian", "RUN cat<<EOF > /x", "hello", "EOF"))
        #expect(dockerfile.instructions.map(\.keyword) == [.from, .run, .unknown, .unknown])
        #expect(dockerfile.warnings.map(\.description) == [
            "2:8: BuildKit does not read this heredoc: <<EOF must start a word (put a space before it); the lines below become instructions"
        ])
    }

    @Test func heredocsAreOnlyForRunCopyAndAdd() {
        let dockerfile = parse(lines("FROM debian", "CMD cat <<EOF", "ENV A=b"))
        #expect(dockerfile.instructions.map(\.keyword) == [.from, .cmd, .env])
    }

    @Test func onbuildTriggerKeepsItsHeredoc() throws {
        let dockerfile = parse(lines("FROM debian", "ONBUILD RUN <<EOF", "echo hi", "EOF"))
        let onbuild = try #require(dockerfile.instructions(.onbuild).first)
        #expect(onbuild.onbuildTrigger?.heredocs.first?.body == "echo hi\n")
        #expect(onbuild.endLine == 4)
    }

    @Test func heredocScriptCommandsHaveFilePositions() throws {
        let dockerfile = parse(lines("FROM debian", "RUN <<-EOF", "\tset -eux", "\tcurl -fsSL https://example.com/install.sh | sh", "EOF"))
        let run = try #require(dockerfile.instructions(.run).first)
        let commands = run.shellCommands
        #expect(commands.map(\.description) == ["", "set -eux", "curl -fsSL https://example.com/install.sh", "sh"])
        #expect(commands[2].words[0].range.start == position(4, 2))
        #expect(commands[2].separator == .pipe)
        #expect(commands[3].words[0].range == TextRange(start: position(4, 46), end: position(4, 48)))
    }

    @Test func nestedHeredocInsideAHeredocScript() throws {
        let dockerfile = parse(lines(
            "FROM debian", "RUN <<EOF", "cat > /etc/pip.conf <<CONF", "[global]", "trusted-host = pypi.example.com", "CONF", "pip install flask", "EOF"))
        let script = try #require(dockerfile.instructions(.run).first?.heredocs.first?.script)
        #expect(script.commandTexts == ["cat", "pip install flask"])
        #expect(script.commands[0].redirections.last?.heredocBody == "[global]\ntrusted-host = pypi.example.com\n")
    }

    @Test func unterminatedHeredocIsAnErrorAtTheOperator() throws {
        let dockerfile = parse(lines("FROM debian", "RUN echo x && cat <<EOF", "line", "USER 1"))
        #expect(dockerfile.errorDescriptions == ["2:19: unterminated heredoc: no line \"EOF\" ends the heredoc started here"])
        let heredoc = try #require(dockerfile.instructions(.run).first?.heredocs.first)
        #expect(!heredoc.isTerminated)
        #expect(heredoc.body == "line\nUSER 1")
        #expect(heredoc.endLine == 4)
    }

    @Test func terminatorWithTrailingSpaceGetsAHint() {
        let dockerfile = parse(lines("FROM debian", "RUN <<EOF", "echo", "EOF  "))
        #expect(dockerfile.errors.count == 1)
        #expect(dockerfile.errors.first?.message.contains("line 4 has spaces or tabs around EOF") == true)
    }

    @Test func heredocDestinationIsAnError() {
        let dockerfile = parse(lines("FROM debian", "COPY /src <<EOF", "x", "EOF"))
        #expect(dockerfile.errorDescriptions == ["2:11: COPY cannot accept a heredoc as a destination"])
    }

    @Test func copyHeredocSourcesAreSeparated() throws {
        let dockerfile = parse(lines("FROM debian", "COPY a.txt <<EOF b.txt /dest/", "x", "EOF"))
        let transfer = try #require(dockerfile.instructions(.copy).first?.fileTransfer)
        #expect(transfer.sources.map(\.value) == ["a.txt", "b.txt"])
        #expect(transfer.heredocSources.map(\.value) == ["<<EOF"])
        #expect(transfer.destination?.value == "/dest/")
    }
}
