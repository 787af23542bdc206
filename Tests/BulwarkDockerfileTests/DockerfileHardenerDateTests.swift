import BulwarkCore
import BulwarkDockerfile
import Testing

/// The hardener reads the base-image table at its evaluation date, the date the rule judges by:
/// what it writes is supported on that day, and the same input gives the same rewrite on any day
/// when the date is pinned.
@Suite struct DockerfileHardenerDateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let from: String
        let date: String
        /// The FROM lines of the rewrite.
        let expected: [String]
        var testDescription: String { "\(from) on \(date)" }
    }

    static func rewrite(_ text: String, on date: String) throws -> HardenResult {
        let day = try #require(CalendarDate(date))
        return DockerfileHardener.harden(text: text, file: "Dockerfile", options: HardenOptions(evaluationDate: day))
    }

    @Test("base images at a date", arguments: [
        Case(from: "python:3.9", date: "2026-12-01", expected: ["FROM python:3.12-slim-trixie"]),
        Case(from: "python:3.9", date: "2027-10-02", expected: ["FROM python:3.13-slim-trixie"]),
        // Before bookworm left regular security support it was a fine target and stayed.
        Case(from: "python:3.12-slim-bookworm", date: "2026-06-09", expected: ["FROM python:3.12-slim-bookworm"]),
        Case(from: "python:3.12-slim-bookworm", date: "2026-06-10", expected: ["FROM python:3.12-slim-trixie"]),
        Case(from: "python:3.10-slim-bookworm", date: "2026-05-01", expected: ["FROM python:3.10-slim-bookworm"]),
        Case(from: "python:3.10-slim-bookworm", date: "2026-10-01", expected: ["FROM python:3.12-slim-trixie"]),
        Case(from: "python:3.11-slim", date: "2026-12-01", expected: ["FROM python:3.11-slim"]),
        // Images of an older patch release were never built on the newer Debian release.
        Case(from: "python:3.11.4-slim-bookworm", date: "2026-12-01", expected: ["FROM python:3.11-slim-trixie"]),
        Case(from: "python:3.12.8-slim-trixie", date: "2026-12-01", expected: ["FROM python:3.12.8-slim-trixie"]),
        // Alpine stays Alpine; an Alpine release past its end moves to the current one.
        Case(from: "python:3.12-alpine3.20", date: "2026-12-01", expected: ["FROM python:3.12-alpine"]),
        Case(from: "python:3.12-alpine3.22", date: "2026-12-01", expected: ["FROM python:3.12-alpine3.22"]),
    ])
    func baseImages(_ testCase: Case) throws {
        let input = "FROM \(testCase.from)\nCOPY app.py /app/app.py\nCMD [\"python\", \"/app/app.py\"]\n"
        let result = try Self.rewrite(input, on: testCase.date)
        #expect(result.errors.isEmpty)
        let froms = result.text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }.map(String.init)
        #expect(froms == testCase.expected, "\(result.changes)")
        // What the rewrite picked is not reported by the rule at the same date.
        let dockerfile = DockerfileParser.parse(text: result.text, file: "Dockerfile")
        let day = try #require(CalendarDate(testCase.date))
        let findings = DockerfileScanner().scan(DockerfileAnalysis(dockerfile, evaluationDate: day))
        #expect(!findings.contains { $0.ruleId == "dockerfile/base-image-eol" }, "\(findings.map(\.message))")
    }

    @Test func changeSaysWhenTheReleaseEnded() throws {
        let result = try Self.rewrite("FROM python:3.12-slim-bookworm\nCMD [\"python\"]\n", on: "2026-12-01")
        #expect(result.changes.first == "FROM python:3.12-slim-bookworm → python:3.12-slim-trixie: Debian 12 (bookworm) has had long-term support only since 2026-06-10.")
    }

    @Test func anOldTableIsAWarning() throws {
        let input = "FROM python:3.12-slim-trixie\nCMD [\"python\"]\n"
        let late = try Self.rewrite(input, on: "2027-06-15")
        #expect(late.warnings.contains("The base-image end-of-life table was checked on 2026-11-27, 200 days before 2027-06-15; update Bulwark."))
        let recent = try Self.rewrite(input, on: "2026-12-01")
        #expect(!recent.warnings.contains { $0.contains("end-of-life table") })
        // Not a Python image: the hardener does not consult the table.
        let node = try Self.rewrite("FROM node:22-slim\nCMD [\"node\", \"app.js\"]\n", on: "2027-06-15")
        #expect(!node.warnings.contains { $0.contains("end-of-life table") })
    }
}
