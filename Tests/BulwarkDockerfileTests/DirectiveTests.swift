import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct DirectiveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var syntax: String?
        var escape: Character
        var directiveCount: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "syntax", text: lines("# syntax=docker/dockerfile:1", "FROM scratch"), syntax: "docker/dockerfile:1", escape: "\\", directiveCount: 1),
        Case(name: "spaces around =", text: lines("#  syntax = docker/dockerfile:1.7  ", "FROM scratch"), syntax: "docker/dockerfile:1.7", escape: "\\", directiveCount: 1),
        Case(name: "upper-case name", text: lines("# SYNTAX=docker/dockerfile:1", "FROM scratch"), syntax: "docker/dockerfile:1", escape: "\\", directiveCount: 1),
        Case(name: "escape backtick", text: lines("# escape=`", "FROM scratch"), syntax: nil, escape: "`", directiveCount: 1),
        Case(name: "escape backslash", text: lines("# escape=\\", "FROM scratch"), syntax: nil, escape: "\\", directiveCount: 1),
        Case(name: "all three", text: lines("# syntax=docker/dockerfile:1", "# escape=`", "# check=skip=all", "FROM scratch"), syntax: "docker/dockerfile:1", escape: "`", directiveCount: 3),
        Case(name: "indented directive", text: lines("   # escape=`", "FROM scratch"), syntax: nil, escape: "`", directiveCount: 1),
        Case(name: "after a comment: a comment", text: lines("# hello", "# escape=`", "FROM scratch"), syntax: nil, escape: "\\", directiveCount: 0),
        Case(name: "after a blank line: a comment", text: lines("", "# escape=`", "FROM scratch"), syntax: nil, escape: "\\", directiveCount: 0),
        Case(name: "after an instruction: a comment", text: lines("FROM scratch", "# escape=`"), syntax: nil, escape: "\\", directiveCount: 0),
        Case(name: "unknown directive ends the directives", text: lines("# foo=bar", "# escape=`", "FROM scratch"), syntax: nil, escape: "\\", directiveCount: 0),
        Case(name: "no value: a comment", text: lines("# escape=", "FROM scratch"), syntax: nil, escape: "\\", directiveCount: 0),
        Case(name: "byte-order mark", text: "\u{FEFF}# escape=`\nFROM scratch", syntax: nil, escape: "`", directiveCount: 1),
    ]

    @Test(arguments: cases)
    func readsDirectives(_ test: Case) {
        let dockerfile = parse(test.text)
        #expect(dockerfile.directives.syntax == test.syntax)
        #expect(dockerfile.directives.escape == test.escape)
        #expect(dockerfile.directives.all.count == test.directiveCount)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
    }

    @Test func directiveLinesAreNotComments() {
        let dockerfile = parse(lines("# syntax=docker/dockerfile:1", "# a comment", "FROM scratch"))
        #expect(dockerfile.comments.map(\.text) == ["a comment"])
        #expect(dockerfile.directives.all.first?.valueRange == TextRange(start: position(1, 10), end: position(1, 29)))
    }

    @Test func checkDirectiveIsParsed() throws {
        let dockerfile = parse(lines("# check=skip=JSONArgsRecommended,StageNameCasing;error=true", "FROM scratch"))
        let check = try #require(dockerfile.directives.check)
        #expect(check.skip == ["JSONArgsRecommended", "StageNameCasing"])
        #expect(check.error)
        #expect(!check.skipsAll)
        #expect(parse(lines("# check=skip=all", "FROM scratch")).directives.check?.skipsAll == true)
    }

    @Test func duplicateDirectiveIsAnError() {
        let dockerfile = parse(lines("# escape=`", "# escape=\\", "FROM scratch"))
        #expect(dockerfile.errorDescriptions == ["2:1: only one escape parser directive can be used"])
        #expect(dockerfile.directives.escape == "`")
    }

    @Test func invalidEscapeIsAnError() {
        let dockerfile = parse(lines("# escape=x", "FROM scratch"))
        #expect(dockerfile.errorDescriptions == ["1:10: invalid escape token 'x' does not match ` or \\"])
        #expect(dockerfile.directives.escape == "\\")
    }

    @Test func backtickEscapeDrivesContinuationsOnWindowsStyleFiles() throws {
        let dockerfile = parse(
            lines(
                "# escape=`",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
                "COPY testfile.txt c:\\",
                "RUN dir c:\\ `",
                "    && echo done",
                "ENV PATH=C:\\Tools;C:\\Windows",
                "WORKDIR C:\\app"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        #expect(dockerfile.instructions.count == 5)
        let copy = try #require(dockerfile.instructions(.copy).first?.fileTransfer)
        #expect(copy.destination?.value == "c:\\")
        let run = try #require(dockerfile.instructions(.run).first)
        #expect(run.startLine == 4 && run.endLine == 5)
        #expect(run.shellCommand?.text == "dir c:\\     && echo done")
        #expect(dockerfile.instructions(.env).first?.keyValues.first?.value.value == "C:\\Tools;C:\\Windows")
        #expect(dockerfile.instructions(.workdir).first?.textArgument?.value == "C:\\app")
    }

    @Test func backslashDoesNotContinueWhenTheEscapeIsABacktick() {
        let dockerfile = parse(lines("# escape=`", "FROM scratch", "RUN echo \\", "RUN echo two"))
        #expect(dockerfile.instructions(.run).count == 2)
    }
}
