import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Foundation
import Testing

/// The demo scenario's "day one" Dockerfile: every problem it was written to show is found, at
/// its line, and nothing else.
@Suite struct DockerfileRuleInferenceStackTests {
    static let path = "examples/inference-stack/Dockerfile"

    static func load() throws -> String {
        try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    struct Expected: Hashable, CustomStringConvertible {
        let line: Int
        let column: Int
        let ruleId: String
        let severity: Severity
        var description: String { "\(line):\(column) \(ruleId) \(severity.rawValue)" }
    }

    static let expected: Set<Expected> = [
        Expected(line: 7, column: 1, ruleId: "dockerfile/root-user", severity: .high),
        Expected(line: 7, column: 1, ruleId: "dockerfile/no-healthcheck", severity: .low),
        Expected(line: 7, column: 6, ruleId: "dockerfile/base-image-eol", severity: .medium),
        Expected(line: 7, column: 6, ruleId: "dockerfile/full-base-image", severity: .low),
        Expected(line: 7, column: 6, ruleId: "dockerfile/base-image-not-pinned", severity: .info),
        Expected(line: 10, column: 13, ruleId: "dockerfile/apt-lists-not-removed", severity: .low),
        Expected(line: 10, column: 31, ruleId: "dockerfile/apt-no-install-recommends", severity: .low),
        Expected(line: 10, column: 42, ruleId: "dockerfile/build-tools-in-final-stage", severity: .low),
        Expected(line: 13, column: 26, ruleId: "dockerfile/secret-in-env", severity: .medium),
        Expected(line: 19, column: 9, ruleId: "dockerfile/pip-no-cache-dir", severity: .low),
        Expected(line: 19, column: 9, ruleId: "dockerfile/pip-without-hashes", severity: .info),
        Expected(line: 22, column: 6, ruleId: "dockerfile/copy-context-without-dockerignore", severity: .medium),
        Expected(line: 29, column: 1, ruleId: "dockerfile/shell-form-entrypoint", severity: .low),
    ]

    @Test func findsWhatTheDemoDockerfileWasWrittenToShow() throws {
        let (findings, errors) = DockerfileScanner().scan(text: try Self.load(), file: Self.path)
        #expect(errors.isEmpty)
        let actual = Set(findings.map { Expected(line: $0.location.line, column: $0.location.column, ruleId: $0.ruleId, severity: $0.severity) })
        #expect(actual.subtracting(Self.expected).sorted { $0.description < $1.description } == [], "unexpected findings")
        #expect(Self.expected.subtracting(actual).sorted { $0.description < $1.description } == [], "missing findings")
        #expect(findings.allSatisfy { $0.location.file == Self.path && $0.object == nil && !$0.suppressed })
    }

    @Test func messagesNameTheStageAndTheValue() throws {
        let findings = DockerfileScanner().scan(text: try Self.load(), file: Self.path).findings
        func message(_ ruleId: String) -> String { findings.first { $0.ruleId == ruleId }?.message ?? "" }
        #expect(message("dockerfile/base-image-eol").contains("Python 3.9"))
        #expect(message("dockerfile/base-image-eol").hasPrefix("stage 0 (python:3.9)"))
        #expect(message("dockerfile/full-base-image").contains("python:3.9-slim"))
        #expect(message("dockerfile/build-tools-in-final-stage").contains("build-essential, gcc and git"))
        #expect(message("dockerfile/secret-in-env").contains("MODEL_REGISTRY_TOKEN"))
        #expect(!message("dockerfile/secret-in-env").contains("changeme-not-a-real-token"), "the value must be redacted")
        #expect(message("dockerfile/shell-form-entrypoint").contains("gunicorn"))
    }

    @Test func aDockerignoreThatExcludesSecretsSilencesTheContextFinding() throws {
        let context = DockerfileScanContext(dockerignore: ".git\n.env*\n*.pem\n*.key\nid_*\n", dockerignorePath: "examples/inference-stack/.dockerignore")
        let findings = DockerfileScanner().scan(DockerfileParser.parse(text: try Self.load(), file: Self.path), context: context)
        #expect(!findings.contains { $0.ruleId == "dockerfile/copy-context-without-dockerignore" })
        #expect(findings.count == Self.expected.count - 1)
    }
}
