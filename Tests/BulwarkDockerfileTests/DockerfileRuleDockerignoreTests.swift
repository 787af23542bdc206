import BulwarkDockerfile
import Foundation
import Testing

/// `.dockerignore` matching as moby/patternmatcher does it.
@Suite struct DockerfileRuleDockerignoreTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let patterns: String
        let path: String
        let excluded: Bool
        var testDescription: String { "\(patterns.replacingOccurrences(of: "\n", with: " | ")) → \(path): \(excluded)" }
    }

    @Test("patterns", arguments: [
        Case(patterns: ".git", path: ".git", excluded: true),
        Case(patterns: ".git", path: ".git/config", excluded: true),
        Case(patterns: ".git", path: "sub/.git", excluded: false),
        Case(patterns: "**/.git", path: "sub/.git/HEAD", excluded: true),
        Case(patterns: "**/.git", path: ".git", excluded: true),
        Case(patterns: "/secrets", path: "secrets/a.key", excluded: true),
        Case(patterns: "./build/../dist", path: "dist/app", excluded: true),
        Case(patterns: "*.pem", path: "key.pem", excluded: true),
        Case(patterns: "*.pem", path: "certs/key.pem", excluded: false),
        Case(patterns: "*/*.pem", path: "certs/key.pem", excluded: true),
        Case(patterns: "docs/**", path: "docs", excluded: false),
        Case(patterns: "docs/**", path: "docs/a/b.md", excluded: true),
        Case(patterns: "id_?sa", path: "id_rsa", excluded: true),
        Case(patterns: "id_[dr]sa", path: "id_dsa", excluded: true),
        Case(patterns: "id_[!r]sa", path: "id_rsa", excluded: false),
        Case(patterns: "*\n!app", path: "app/main.py", excluded: false),
        Case(patterns: "*\n!app", path: ".env", excluded: true),
        Case(patterns: "*.md\n!README.md", path: "README.md", excluded: false),
        Case(patterns: "*.md\n!README.md\nREADME*", path: "README.md", excluded: true),
        Case(patterns: "# .env\n", path: ".env", excluded: false),
        Case(patterns: "  .env  \r\n", path: ".env", excluded: true),
        Case(patterns: "\u{FEFF}.env", path: ".env", excluded: true),
        Case(patterns: "\\#notes", path: "#notes", excluded: true),
        Case(patterns: "**", path: "anything/at/all", excluded: true),
    ])
    func matches(_ testCase: Case) {
        #expect(Dockerignore(contents: testCase.patterns).excludes(testCase.path) == testCase.excluded)
    }

    @Test func keepsPatternsWithTheirLines() {
        let ignore = Dockerignore(contents: "# comment\n\n.git\n!keep.env\n")
        #expect(ignore.patterns.map(\.text) == [".git", "keep.env"])
        #expect(ignore.patterns.map(\.line) == [3, 4])
        #expect(ignore.patterns.map(\.isExclusion) == [false, true])
    }
}
