import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Foundation
import Testing

/// `examples/inference-stack/hardened/Dockerfile` is what `bulwark fix dockerfile
/// examples/inference-stack/Dockerfile` prints when it judges base images as of `date`
/// (`--as-of 2026-12-01`). Regenerate it on purpose with
/// `BULWARK_UPDATE_GOLDEN=1 swift test --filter DockerfileHardenerExampleTests`.
@Suite struct DockerfileHardenerExampleTests {
    static let example = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack")
    static let hardenedPath = example.appendingPathComponent("hardened/Dockerfile")
    static let date = CalendarDate(year: 2026, month: 12, day: 1) ?? CalendarDate(daysSinceEpoch: 0)

    /// The rewrite with the options the command derives from the Dockerfile's directory.
    static func rewrite(_ text: String) -> HardenResult {
        let context = DockerBuildContext.load(directory: example.path)
        return DockerfileHardener.harden(text: text, file: "examples/inference-stack/Dockerfile",
                                         options: context.options(HardenOptions(sourceName: "Dockerfile", evaluationDate: date)))
    }

    static func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    @Test func rewriteReproducesTheCommittedFile() throws {
        let result = Self.rewrite(try Self.read(Self.example.appendingPathComponent("Dockerfile")))
        #expect(result.errors.isEmpty)
        if ProcessInfo.processInfo.environment["BULWARK_UPDATE_GOLDEN"] == "1" {
            try Data(result.text.utf8).write(to: Self.hardenedPath)
        }
        let committed = try Self.read(Self.hardenedPath)
        #expect(result.text == committed, "\(result.unifiedDiff(oldLabel: "committed", newLabel: "rewrite"))")
    }

    @Test func rewritingTheHardenedFileChangesNothing() throws {
        let committed = try Self.read(Self.hardenedPath)
        let again = Self.rewrite(committed)
        #expect(again.text == committed)
        #expect(again.changes.isEmpty)
    }

    @Test func hardenedFileIsCleanWhereTheRulesLook() throws {
        let committed = try Self.read(Self.hardenedPath)
        let dockerfile = DockerfileParser.parse(text: committed, file: "hardened/Dockerfile")
        #expect(dockerfile.errors.isEmpty && dockerfile.warnings.isEmpty, "\(dockerfile.errorDescriptions)")
        #expect(dockerfile.stages.map(\.baseImage) == ["python:3.12-slim-trixie", "python:3.12-slim-trixie"])
        // The rules find nothing the hardener fixes, as of the day it was written and today.
        for day in [Self.date, CalendarDate.today()] where day < (CalendarDate(year: 2027, month: 10, day: 1) ?? day) {
            let findings = DockerfileScanner().scan(DockerfileAnalysis(dockerfile, evaluationDate: day))
            #expect(!findings.contains { $0.ruleId == "dockerfile/base-image-eol" }, "\(findings.map(\.message))")
        }
        let final = try #require(dockerfile.finalStage)
        let instructions = dockerfile.instructions(of: final)
        #expect(instructions.last { $0.keyword == .user }?.user?.word.value == "10001:10001")
        #expect(instructions.contains { $0.keyword == .healthcheck && $0.healthcheck?.isNone == false })
        #expect(instructions.filter { [.cmd, .entrypoint].contains($0.keyword) }.allSatisfy { $0.form?.isExec == true })
        // No package installs and no build tools in the final stage.
        #expect(!instructions.contains { $0.shellCommands.contains { ["apt-get", "apt", "pip", "gcc", "git", "curl"].contains($0.program ?? "") } })
        for instruction in dockerfile.instructions where instruction.keyword == .env || instruction.keyword == .arg {
            #expect(!instruction.sourceText.contains("TOKEN"), "\(instruction.sourceText)")
        }
        #expect(final.environment["PYTHONDONTWRITEBYTECODE"] == "1" && final.environment["PYTHONUNBUFFERED"] == "1")
    }

    @Test func healthCheckUsesTheRouteOfTheApplication() throws {
        let result = Self.rewrite(try Self.read(Self.example.appendingPathComponent("Dockerfile")))
        #expect(result.text.contains("urlopen('http://127.0.0.1:8080/healthz', timeout=2)"))
        #expect(!result.warnings.contains { $0.contains("health route") })
    }

    @Test func contextHasADockerignoreThatKeepsSecretsOut() throws {
        let context = DockerBuildContext.load(directory: Self.example.path)
        let dockerignore = try #require(context.dockerignore)
        for pattern in [".git", ".env", "**/*.pem", "k8s/", "hardened/", "**/__pycache__/"] {
            #expect(dockerignore.split(separator: "\n").contains(Substring(pattern)), "\(pattern)")
        }
        let result = Self.rewrite(try Self.read(Self.example.appendingPathComponent("Dockerfile")))
        #expect(result.recommendedDockerignore == nil)
        #expect(context.pythonSourcePaths == ["app/app.py", "app/train.py"])
    }
}
