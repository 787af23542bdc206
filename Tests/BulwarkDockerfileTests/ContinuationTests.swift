import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct ContinuationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        /// The RUN's logical text (what the shell receives).
        var command: String
        var startLine: Int
        var endLine: Int
        var warnings = 0
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one continuation", text: lines("FROM scratch", "RUN apt-get update && \\", "    apt-get install -y curl"),
             command: "apt-get update &&     apt-get install -y curl", startLine: 2, endLine: 3),
        Case(name: "trailing spaces after the escape", text: lines("FROM scratch", "RUN echo a \\   ", "  b"),
             command: "echo a   b", startLine: 2, endLine: 3),
        Case(name: "trailing tab after the escape", text: lines("FROM scratch", "RUN echo a \\\t", "b"),
             command: "echo a b", startLine: 2, endLine: 3),
        Case(name: "comment lines inside are removed", text: lines("FROM scratch", "RUN apt-get update \\", "# install curl", "    # and wget", "  && apt-get install curl wget"),
             command: "apt-get update   && apt-get install curl wget", startLine: 2, endLine: 5),
        Case(name: "empty continuation lines are skipped with a warning", text: lines("FROM scratch", "RUN echo a \\", "", "   ", "  b"),
             command: "echo a   b", startLine: 2, endLine: 5, warnings: 1),
        Case(name: "escaped escape does not continue", text: lines("FROM scratch", "RUN echo a\\\\", "RUN echo b"),
             command: "echo a\\\\", startLine: 2, endLine: 2),
        Case(name: "continuation at the end of the file", text: lines("FROM scratch", "RUN echo a \\"),
             command: "echo a", startLine: 2, endLine: 2),
        Case(name: "escape alone on a line", text: lines("FROM scratch", "RUN echo a \\", "\\", "b"),
             command: "echo a b", startLine: 2, endLine: 4),
        Case(name: "CRLF line ends", text: "FROM scratch\r\nRUN echo a \\\r\n  b\r\n",
             command: "echo a   b", startLine: 2, endLine: 3),
        Case(name: "several continuations", text: lines("FROM scratch", "RUN a \\", " b \\", " c \\", " d"),
             command: "a  b  c  d", startLine: 2, endLine: 5),
        Case(name: "keyword on a continuation line", text: lines("FROM scratch", "RUN \\", "  echo hi"),
             command: "echo hi", startLine: 2, endLine: 3),
    ]

    @Test(arguments: cases)
    func joinsContinuationLines(_ test: Case) throws {
        let dockerfile = parse(test.text)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.shellCommand?.text == test.command)
        #expect(run.startLine == test.startLine)
        #expect(run.endLine == test.endLine)
        #expect(dockerfile.warnings.count == test.warnings, "\(dockerfile.warnings)")
    }

    @Test func wordPositionsFollowContinuationLines() throws {
        let dockerfile = parse(lines("FROM scratch", "RUN apt-get update && \\", "    apt-get install -y \\", "      curl"))
        let run = try #require(dockerfile.instructions(.run).first)
        let commands = run.shellCommands
        #expect(commands.count == 2)
        let install = commands[1]
        #expect(install.words.map(\.value) == ["apt-get", "install", "-y", "curl"])
        #expect(install.words[0].range == TextRange(start: position(3, 5), end: position(3, 12)))
        #expect(install.words[3].range == TextRange(start: position(4, 7), end: position(4, 11)))
        #expect(install.range.start == position(3, 5))
        // The word before a continuation ends on its own line.
        #expect(install.words[2].range.end == position(3, 23))
    }

    @Test func commentsInsideContinuationsAreRecorded() {
        let dockerfile = parse(lines("FROM scratch", "RUN a \\", "  # inside", "  b"))
        #expect(dockerfile.comments.map(\.text) == ["inside"])
        #expect(dockerfile.comments.first?.insideInstruction == true)
        #expect(dockerfile.comments.first?.column == 3)
    }

    @Test func tenThousandContinuationLines() throws {
        var text = "FROM scratch\nRUN echo start"
        for index in 0..<10_000 { text += " \\\n  && echo \(index)" }
        text += "\nUSER 10001\n"
        let dockerfile = parse(text)
        #expect(dockerfile.errors.isEmpty)
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.endLine == 10_002)
        #expect(run.shellCommands.count == 10_001)
        #expect(run.shellCommands.last?.words.last?.range.start == position(10_002, 11))
        #expect(dockerfile.instructions(.user).first?.startLine == 10_003)
    }

    @Test func sourceTextAndByteRangeCoverTheWholeInstruction() throws {
        let text = lines("FROM scratch", "  RUN a \\", "  # c", "  b", "USER 1")
        let dockerfile = parse(text)
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.sourceText == "RUN a \\\n  # c\n  b")
        #expect(run.original == "RUN a   b")
        #expect(run.column == 3)
        let utf8 = Array(text.utf8)
        #expect(String(decoding: utf8[run.byteRange], as: UTF8.self) == run.sourceText)
    }
}
