import BulwarkCore
@testable import BulwarkDockerfile
import Testing

@Suite struct ExpansionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var word: String
        var expanded: String
        var literal: String
        var unresolved: [String] = []
        var escape: Character = "\\"
        var testDescription: String { word }
    }

    /// Variables: NAME=app, EMPTY="", PATH=/usr/bin:/bin, FILE=archive.tar.gz; UNSET is unset.
    static let cases: [Case] = [
        Case(word: "$NAME", expanded: "app", literal: "$NAME"),
        Case(word: "${NAME}", expanded: "app", literal: "${NAME}"),
        Case(word: "pre-${NAME}-post", expanded: "pre-app-post", literal: "pre-${NAME}-post"),
        Case(word: "$NAME.txt", expanded: "app.txt", literal: "$NAME.txt"),
        Case(word: "$UNSET", expanded: "", literal: "$UNSET", unresolved: ["UNSET"]),
        Case(word: "${UNSET:-fallback}", expanded: "fallback", literal: "${UNSET:-fallback}"),
        Case(word: "${EMPTY:-fallback}", expanded: "fallback", literal: "${EMPTY:-fallback}"),
        Case(word: "${EMPTY-fallback}", expanded: "", literal: "${EMPTY-fallback}"),
        Case(word: "${UNSET-fallback}", expanded: "fallback", literal: "${UNSET-fallback}"),
        Case(word: "${NAME:-fallback}", expanded: "app", literal: "${NAME:-fallback}"),
        Case(word: "${NAME:+alt}", expanded: "alt", literal: "${NAME:+alt}"),
        Case(word: "${EMPTY:+alt}", expanded: "", literal: "${EMPTY:+alt}"),
        Case(word: "${EMPTY+alt}", expanded: "alt", literal: "${EMPTY+alt}"),
        Case(word: "${UNSET+alt}", expanded: "", literal: "${UNSET+alt}"),
        Case(word: "${UNSET:-${NAME}}", expanded: "app", literal: "${UNSET:-${NAME}}"),
        Case(word: "${UNSET:-a b}", expanded: "a b", literal: "${UNSET:-a b}"),
        Case(word: "${FILE%.gz}", expanded: "archive.tar", literal: "${FILE%.gz}"),
        Case(word: "${FILE%%.*}", expanded: "archive", literal: "${FILE%%.*}"),
        Case(word: "${FILE#*.}", expanded: "tar.gz", literal: "${FILE#*.}"),
        Case(word: "${FILE##*.}", expanded: "gz", literal: "${FILE##*.}"),
        Case(word: "${PATH/bin/sbin}", expanded: "/usr/sbin:/bin", literal: "${PATH/bin/sbin}"),
        Case(word: "${PATH//bin/sbin}", expanded: "/usr/sbin:/sbin", literal: "${PATH//bin/sbin}"),
        Case(word: "\\$NAME", expanded: "$NAME", literal: "$NAME"),
        Case(word: "\\${NAME}", expanded: "${NAME}", literal: "${NAME}"),
        Case(word: "'$NAME'", expanded: "$NAME", literal: "$NAME"),
        Case(word: "\"$NAME\"", expanded: "app", literal: "$NAME"),
        Case(word: "\"a \\\"quoted\\\" $NAME\"", expanded: "a \"quoted\" app", literal: "a \"quoted\" $NAME"),
        Case(word: "\"keep \\n backslash\"", expanded: "keep \\n backslash", literal: "keep \\n backslash"),
        Case(word: "a\\ b", expanded: "a b", literal: "a b"),
        Case(word: "$", expanded: "$", literal: "$"),
        Case(word: "$-x", expanded: "x", literal: "$-x", unresolved: ["-"]),
        Case(word: "cost: 5$", expanded: "cost: 5$", literal: "cost: 5$"),
        Case(word: "`$NAME", expanded: "$NAME", literal: "$NAME", escape: "`"),
        Case(word: "C:\\$NAME", expanded: "C:\\app", literal: "C:\\$NAME", escape: "`"),
    ]

    static let variables: [String: String] = ["NAME": "app", "EMPTY": "", "PATH": "/usr/bin:/bin", "FILE": "archive.tar.gz"]

    @Test(arguments: cases)
    func expandsVariables(_ test: Case) {
        let escape = test.escape == "`" ? ASCII.backtick : ASCII.backslash
        var expander = WordProcessor(escape: escape, lookup: { Self.variables[$0] })
        #expect(expander.process(test.word) == test.expanded)
        #expect(expander.unresolved == test.unresolved)
        #expect(expander.errors.isEmpty)
        var literal = WordProcessor(escape: escape)
        #expect(literal.process(test.word) == test.literal)
    }

    @Test(arguments: [
        ("${UNSET:?must be set}", "UNSET: must be set"),
        ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("${UNSET?}", "UNSET: is not allowed to be unset"),
        ("${NAME:x}", "unsupported modifier (:x) in substitution"),
        ("${NAME!}", "unsupported modifier (!) in substitution"),
        ("\"open", "unexpected end of statement while looking for matching double-quote"),
        ("'open", "unexpected end of statement while looking for matching single-quote"),
        ("${:x}", "syntax error: bad substitution"),
        ("${NAME:-x", "unexpected end of statement while looking for matching }"),
    ])
    func reportsExpansionErrors(_ word: String, _ message: String) {
        var expander = WordProcessor(escape: ASCII.backslash, lookup: { Self.variables[$0] })
        _ = expander.process(word)
        #expect(expander.errors.first == message)
    }

    // MARK: - Scopes

    @Test func globalArgsResolveFromLines() throws {
        let dockerfile = parse(lines(
            "ARG REGISTRY=registry.example.com",
            "ARG PY=3.12",
            "ARG VARIANT",
            "FROM ${REGISTRY}/python:${PY}-${VARIANT:-slim} AS base",
            "FROM $REGISTRY/tools:$TAG"))
        #expect(dockerfile.stages[0].baseImage == "registry.example.com/python:3.12-slim")
        #expect(dockerfile.stages[0].baseReference?.registry == "registry.example.com")
        #expect(dockerfile.stages[0].baseReference?.tag == "3.12-slim")
        #expect(dockerfile.stages[1].baseImage == "registry.example.com/tools:")
        #expect(dockerfile.stages[1].unresolvedVariables == ["TAG"])
        #expect(dockerfile.stages[1].baseReference == nil)
        #expect(dockerfile.globalArguments["PY"] == .some("3.12"))
        #expect(dockerfile.globalArguments["VARIANT"] == .some(nil))
    }

    @Test func buildArgsOverrideDefaults() {
        let dockerfile = parse(lines("ARG PY=3.12", "FROM python:${PY}", "ARG MODE=prod", "ENV MODE=$MODE"), buildArgs: ["PY": "3.11", "MODE": "dev"])
        #expect(dockerfile.stages[0].baseImage == "python:3.11")
        #expect(dockerfile.stages[0].environment["MODE"] == "dev")
    }

    @Test func stageMustRedeclareAGlobalArg() throws {
        let dockerfile = parse(lines(
            "ARG VERSION=1.2.3",
            "FROM debian",
            "LABEL before=$VERSION",
            "ARG VERSION",
            "LABEL after=$VERSION",
            "FROM debian",
            "LABEL other=$VERSION"))
        let labels = dockerfile.instructions(.label).flatMap(\.keyValues)
        #expect(labels.map { $0.value.expanded } == ["", "1.2.3", ""])
        #expect(labels[0].value.unresolvedVariables == ["VERSION"])
        #expect(labels[1].value.isResolved)
    }

    @Test func envWinsOverArgAndIsInheritedFromAStage() {
        let dockerfile = parse(lines(
            "FROM debian AS base",
            "ARG APP_HOME=/from-arg",
            "ENV APP_HOME=/srv/app",
            "ARG APP_HOME=/again-arg",
            "WORKDIR $APP_HOME",
            "FROM base",
            "WORKDIR ${APP_HOME}/data",
            "USER ${APP_UID:-10001}"))
        let workdirs = dockerfile.instructions(.workdir).compactMap { $0.textArgument?.expanded }
        #expect(workdirs == ["/srv/app", "/srv/app/data"])
        #expect(dockerfile.instructions(.user).first?.user?.user == "10001")
        #expect(dockerfile.stages[1].environment["APP_HOME"] == "/srv/app")
        #expect(dockerfile.stages[1].arguments.isEmpty)
    }

    @Test func envPairsSeeTheEnvironmentBeforeTheInstruction() throws {
        let dockerfile = parse(lines("FROM debian", "ENV A=old", "ENV A=new B=$A", "ENV C=$A"))
        #expect(dockerfile.stages[0].environment == ["A": "new", "B": "old", "C": "new"])
    }

    @Test func copyAndFlagsAreExpanded() throws {
        let dockerfile = parse(lines(
            "FROM debian AS build", "FROM debian", "ARG UID=10001", "ARG SRC=app", "ARG STAGE=build",
            "COPY --from=$STAGE --chown=${UID}:${UID} ${SRC}/ /srv/${SRC}/"))
        let copy = try #require(dockerfile.instructions(.copy).first)
        #expect(copy.flag("chown")?.resolvedValue == "10001:10001")
        #expect(copy.flag("from")?.resolvedValue == "build")
        #expect(copy.fileTransfer?.fromStage == 0)
        #expect(copy.fileTransfer?.sources.map(\.resolved) == ["app/"])
        #expect(copy.fileTransfer?.destination?.resolved == "/srv/app/")
    }

    @Test func runAndCmdAreNotExpanded() throws {
        let dockerfile = parse(lines("FROM debian", "ARG TOKEN=x", "RUN echo $TOKEN", "CMD [\"$TOKEN\"]"))
        #expect(dockerfile.instructions(.run).first?.shellCommands.first?.words.last?.value == "$TOKEN")
        #expect(dockerfile.instructions(.cmd).first?.execArguments == ["$TOKEN"])
    }
}
