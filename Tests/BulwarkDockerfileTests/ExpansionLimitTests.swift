import BulwarkCore
import Foundation
@testable import BulwarkDockerfile
import Testing

/// Variable expansion must stay bounded however the variables are chained: an error names the
/// line and the variable, the word is left unexpanded, and the rest of the file is still read.
/// No timing assertions: each case must simply finish (before the limits, the first one needed
/// 11 GB).
@Suite struct ExpansionLimitTests {
    /// `ENV V1=${V0}${V0}` … thirty doublings of a 32-byte value: 2^35 bytes unbounded.
    static let doublings: String = {
        var lines = ["# syntax=docker/dockerfile:1", "FROM python:3.12-slim AS app", "ENV V0=0123456789abcdef0123456789abcdef"]
        for index in 1...30 { lines.append("ENV V\(index)=${V\(index - 1)}${V\(index - 1)}") }
        lines += ["RUN pip install flask", "LABEL size=${V30}", "USER root", "CMD [\"python\", \"app.py\"]"]
        lines.append("# " + String(repeating: "-", count: 74))  // padding to the reported file's size
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func thirtyDoublingsStopAtTheWordLimitWithAnErrorAtItsLine() throws {
        #expect(Self.doublings.utf8.count == 851)
        let dockerfile = parse(Self.doublings)
        let error = try #require(dockerfile.errors.first)
        // V15 is 32 × 2^15 = 1 MiB (allowed); V16 would be 2 MiB. ENV V16 is on line 3 + 16.
        #expect(error.line == 19)
        #expect(error.column == 9)
        #expect(error.message == "expanding $V15 makes this word longer than 1048576 bytes (variable expansion bomb?); the word is left unexpanded")
        #expect(dockerfile.errors.count == 1)
        let environment = dockerfile.stages[0].environment
        #expect(environment["V15"]?.utf8.count == 1 << 20)
        // V16 is unknown, so the later doublings are unresolved and empty.
        #expect(environment["V16"] == nil)
        #expect(environment["V30"] == "")
        let label = try #require(dockerfile.instructions(.label).first?.keyValues.first?.value)
        #expect(label.expanded == "")
        // The rest of the file is read and scanned.
        #expect(dockerfile.instructions(.user).first?.user?.user == "root")
        let scan = DockerfileScanner().scan(text: Self.doublings, file: "Dockerfile")
        #expect(scan.errors.map(\.line) == [19])
        #expect(scan.findings.contains { $0.ruleId == "dockerfile/root-user" })
    }

    /// The word limit, the file budget and the ENV inheritance allowance of the tests below.
    static func limited(_ text: String, maxWord: Int = 1 << 20, floor: Int = 4 << 20, patternSteps: Int = 16_000_000,
                        inherited: Int = 1 << 20) -> Dockerfile {
        DockerfileParser.parse(text: text, file: "Dockerfile", options: .init(
            maxExpandedWordBytes: maxWord, expansionByteFloor: floor, expansionByteFactor: 10, maxPatternSteps: patternSteps,
            maxInheritedEnvironmentEntries: inherited))
    }

    /// Doubling chains through ARG defaults (global and in a stage) and the `${V:-…}`, `${V:+…}`,
    /// `${V-…}` and `${V/…/…}` forms, each stopped at the line of the word that crosses 1 MiB
    /// (with a file budget large enough not to stop them first).
    @Test(arguments: [
        ("global ARG defaults", "ARG A0=0123456789abcdef0123456789abcdef", "ARG A%d=${A%p}${A%p}", "FROM alpine", 17),
        ("stage ARG defaults", "FROM alpine\nARG A0=0123456789abcdef0123456789abcdef", "ARG A%d=${A%p}${A%p}", "", 18),
        (":- default", "FROM alpine\nENV A0=0123456789abcdef0123456789abcdef", "ENV A%d=${UNSET:-${A%p}${A%p}}", "", 18),
        (":+ alternative", "FROM alpine\nENV A0=0123456789abcdef0123456789abcdef", "ENV A%d=${A%p:+${A%p}${A%p}}", "", 18),
        ("- default", "FROM alpine\nENV A0=0123456789abcdef0123456789abcdef", "ENV A%d=\"${UNSET-$A%p}$A%p\"", "", 18),
        ("pattern replacement", "FROM alpine\nENV A0=0123456789abcdef0123456789abcdef", "ENV A%d=${A%p/*/$A%p$A%p}", "", 17),
    ])
    func doublingChainsInEveryFormStop(_ name: String, _ head: String, _ step: String, _ tail: String, _ line: Int) throws {
        var lines = [head]
        for index in 1...30 {
            lines.append(step.replacingOccurrences(of: "%d", with: "\(index)").replacingOccurrences(of: "%p", with: "\(index - 1)"))
        }
        if !tail.isEmpty { lines.append(tail) }
        lines.append("USER 10001")
        let dockerfile = Self.limited(lines.joined(separator: "\n"), floor: 64 << 20)
        #expect(dockerfile.errors.count == 1, "\(name): \(dockerfile.errorDescriptions)")
        let error = try #require(dockerfile.errors.first, "\(name)")
        #expect(error.line == line, "\(name): \(error)")
        // The pattern form counts its replacement and its result: it stops one line earlier.
        let variable = step.contains("/*/") ? "$A14" : "$A15"
        #expect(error.message.contains("\(variable) makes this word longer than 1048576 bytes"), "\(name): \(error)")
        #expect(dockerfile.instructions(.user).first?.user?.user == "10001", "\(name)")
    }

    /// `${V//?/$W}` multiplies the lengths of V and W in one word.
    @Test func aMultiplyingReplacementStopsAtTheWordLimit() throws {
        let value = String(repeating: "x", count: 700)
        let dockerfile = parse(lines("FROM alpine", "ENV V=\(value)", "ENV W=$V$V$V", "ENV X=${V//?/$W}", "ENV Y=ok"))
        let error = try #require(dockerfile.errors.first)
        #expect(dockerfile.errors.count == 1)
        #expect(error.line == 4)
        #expect(error.message.contains("expanding $V makes this word longer than 1048576 bytes"))
        #expect(dockerfile.stages[0].environment["X"] == nil)
        #expect(dockerfile.stages[0].environment["W"]?.utf8.count == 2_100)
        #expect(dockerfile.stages[0].environment["Y"] == "ok")
    }

    /// Many words each under the word limit exhaust the file's budget: one error, and the words
    /// after it are left unexpanded with their variables unresolved.
    @Test func theFileBudgetStopsManyLargeWords() throws {
        var lines = ["FROM alpine", "ENV V0=0123456789abcdef0123456789abcdef"]
        for index in 1...10 { lines.append("ENV V\(index)=${V\(index - 1)}${V\(index - 1)}") }  // V10: 32 KiB
        for index in 0..<100 { lines.append("LABEL l\(index)=$V10") }
        let dockerfile = Self.limited(lines.joined(separator: "\n"), floor: 1 << 20)
        #expect(dockerfile.errors.count == 1)
        let error = try #require(dockerfile.errors.first)
        #expect(error.message == "variable expansion in this file exceeds 1048576 bytes at $V10 (variable expansion bomb?); this word and the later ones are left unexpanded")
        let labels = dockerfile.instructions(.label).flatMap(\.keyValues).map(\.value)
        let first = try #require(labels.firstIndex { $0.expanded == nil })
        #expect(error.line == 13 + first)
        #expect(labels[first...].allSatisfy { $0.expanded == nil && $0.unresolvedVariables == ["V10"] })
        #expect(labels[..<first].allSatisfy { $0.expanded?.utf8.count == 32 << 10 })
    }

    /// Pattern operations share the file's comparisons; past them values are used unchanged.
    @Test func patternOperationsShareABudget() throws {
        let value = String(repeating: "a", count: 3_000)
        var lines = ["FROM alpine", "ENV V=\(value)"]
        for index in 0..<50 { lines.append("LABEL l\(index)=${V##*a*a*b}") }
        let dockerfile = Self.limited(lines.joined(separator: "\n"), patternSteps: 2_000_000)
        let error = try #require(dockerfile.errors.first)
        #expect(dockerfile.errors.count == 1)
        #expect(error.message.contains("pattern substitutions in this file need more than 2000000 comparisons (at $V)"))
        #expect(dockerfile.instructions(.label).flatMap(\.keyValues).allSatisfy { $0.value.expanded == value })
    }

    /// ONBUILD triggers and heredoc bodies are not expanded at parse time: a chain in them costs nothing.
    @Test func onbuildAndHeredocsAreNotExpanded() throws {
        var lines = ["FROM alpine", "ENV V0=0123456789abcdef0123456789abcdef"]
        for index in 1...30 { lines.append("ONBUILD ENV V\(index)=${V\(index - 1)}${V\(index - 1)}") }
        lines += ["COPY <<EOF /etc/app.conf", "\(String(repeating: "${V0}", count: 1000))", "EOF", "RUN <<EOF", "echo $V0$V0$V0", "EOF"]
        let dockerfile = parse(lines.joined(separator: "\n"))
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        #expect(dockerfile.instructions(.onbuild).count == 30)
        #expect(dockerfile.instructions(.copy).first?.heredocs.first?.body.hasPrefix("${V0}${V0}") == true)
    }

    /// Flags (`--chown`, `--mount` options) are words too.
    @Test func flagsAreBounded() throws {
        var lines = ["FROM alpine", "ENV V0=0123456789abcdef0123456789abcdef"]
        for index in 1...15 { lines.append("ENV V\(index)=${V\(index - 1)}${V\(index - 1)}") }
        lines.append("COPY --chown=${V15}${V15} app /app")
        lines.append("RUN --mount=type=cache,target=/$V15$V15 pip install flask")
        let dockerfile = parse(lines.joined(separator: "\n"))
        #expect(dockerfile.errors.map(\.line) == [18, 19])
        #expect(dockerfile.errors.allSatisfy { $0.message.contains("expanding $V15 makes this word longer") })
        let copy = try #require(dockerfile.instructions(.copy).first)
        #expect(copy.flag("chown")?.expandedValue == nil)
    }

    /// A chain of stages, each built FROM the one before and adding a variable, would give every
    /// stage its own copy of all the variables before it.
    @Test func aLongChainOfStagesStopsInheritingAtTheAllowance() throws {
        var lines = ["FROM alpine AS s0"]
        for index in 1..<400 { lines += ["FROM s\(index - 1) AS s\(index)", "ENV K\(index)=v"] }
        let dockerfile = Self.limited(lines.joined(separator: "\n"), inherited: 10_000)
        #expect(dockerfile.errors.count == 1)
        let error = try #require(dockerfile.errors.first)
        #expect(error.message.contains("inherit more than 10000 ENV variables in total"))
        // Stage n inherits n - 1 variables: the allowance runs out at stage 142 (141·142/2 > 10,000).
        #expect(error.line == 2 * 142)
        #expect(dockerfile.stages[141].environment.count == 141)
        #expect(dockerfile.stages[142].environment == ["K142": "v"])
        #expect(dockerfile.stages.count == 400)
    }

    /// The environment each instruction sees: shared tables, same values as before.
    @Test func instructionsSeeTheEnvironmentBeforeThem() throws {
        let dockerfile = parse(lines(
            "FROM debian AS base", "ENV A=1", "RUN one", "ENV A=2 B=$A", "RUN two",
            "FROM base", "RUN three", "ENV A=3", "RUN four", "FROM alpine", "RUN five"))
        let analysis = DockerfileAnalysis(dockerfile)
        let runs = dockerfile.instructions.indices.filter { dockerfile.instructions[$0].keyword == .run }
        let environments = runs.map { analysis.instruction(at: $0).environment.dictionary }
        #expect(environments == [["A": "1"], ["A": "2", "B": "1"], ["A": "2", "B": "1"], ["A": "3", "B": "1"], [:]])
        #expect(analysis.instruction(at: runs[3]).environment["A"] == "3")
        #expect(analysis.instruction(at: runs[3]).environment["C"] == nil)
        #expect(analysis.instruction(at: 0).environment.isEmpty)
    }

    /// 20,000 ENV lines: a dictionary per instruction needed 12 GB; the shared tables need a few MB.
    @Test func manyEnvLinesAreScannedInLinearMemory() throws {
        var lines = ["FROM python:3.12-slim"]
        for index in 0..<20_000 { lines.append("ENV K\(index)=v") }
        lines += ["RUN pip install flask", "USER 10001"]
        let dockerfile = parse(lines.joined(separator: "\n"))
        #expect(dockerfile.errors.isEmpty)
        let analysis = DockerfileAnalysis(dockerfile)
        #expect(analysis.instruction(at: 20_001).environment["K19999"] == "v")
        #expect(analysis.instruction(at: 10_000).environment["K19999"] == nil)
        #expect(!DockerfileScanner().scan(analysis).isEmpty)
    }

    @Test func serverArgumentsAreSubstitutedOnlyUpToALength() {
        let large = String(repeating: "z", count: 40_000)
        #expect(ServerInvocation.substitute("--bind=$HOST:$PORT", ["HOST": "0.0.0.0", "PORT": "8080"]) == "--bind=0.0.0.0:8080")
        #expect(ServerInvocation.substitute("$V$V$V$V", ["V": large]) == "$V$V$V$V")
    }
}
