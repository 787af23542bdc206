import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Foundation
import Testing

/// Every Dockerfile the tests know (hardener and parser fixtures, fuzz seeds, the example stack,
/// every Dockerfile rule example, and the generated benchmark corpus when python3 is there),
/// hardened and then scanned with all Dockerfile rules at the same evaluation date: the rewrite
/// never trips a rule for something the hardener says it fixes (issue 8: a fixed file was
/// flagged by `dockerfile/base-image-eol`).
@Suite struct DockerfileHardenerCorpusTests {
    struct Input: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let date = hardenerTestDate

    /// The fixtures written in the test sources and the rule examples.
    static let fixtures: [Input] = {
        var inputs = DockerfileHardenerFuzzTests.seeds.enumerated().map { Input(name: "seed \($0.offset)", text: $0.element) }
        let example = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/Dockerfile")
        if let text = try? String(contentsOf: example, encoding: .utf8) { inputs.append(Input(name: "examples/inference-stack/Dockerfile", text: text)) }
        for rule in DockerfileRules.all {
            for (index, example) in (rule.descriptor.failing + rule.descriptor.passing).enumerated() {
                inputs.append(Input(name: "\(rule.id) example \(index)", text: example.stripped.text))
            }
        }
        return inputs
    }()

    /// Rules whose findings the hardener removes from the final stage of every file it rewrites
    /// (a numeric non-root USER, exec form, package-manager hygiene, no secrets in ENV or ARG).
    static let fixedInFinalStage: Set<String> = [
        "dockerfile/root-user", "dockerfile/shell-form-entrypoint", "dockerfile/pip-no-cache-dir", "dockerfile/apt-lists-not-removed",
        "dockerfile/apt-no-install-recommends", "dockerfile/apk-without-no-cache", "dockerfile/secret-in-env", "dockerfile/secret-in-arg",
    ]

    /// Findings in the rewrite of one input that the hardener claims to have fixed.
    static func problems(_ text: String) -> [String] {
        let result = DockerfileHardener.harden(
            text: text, file: "Dockerfile", options: HardenOptions(appSource: [DockerfileHardenerTests.flaskSource], evaluationDate: date))
        guard result.errors.isEmpty, result.isChanged else { return [] }
        let dockerfile = DockerfileParser.parse(text: result.text, file: "Dockerfile")
        guard dockerfile.errors.isEmpty, let final = dockerfile.finalStage else { return ["the rewrite does not parse: \(dockerfile.errorDescriptions)"] }
        let findings = DockerfileScanner().scan(DockerfileAnalysis(dockerfile, evaluationDate: date)).filter { !$0.suppressed }
        let line = { (stage: Stage) in dockerfile.instructions.indices.contains(stage.fromIndex) ? dockerfile.instructions[stage.fromIndex].startLine : 0 }
        var problems: [String] = []
        // A stage on the official python image with a literal tag is one the hardener rewrites:
        // it must not be end of life (or in long-term support only) at the same date.
        for stage in dockerfile.stages {
            guard stage.baseStage == nil, stage.unresolvedVariables.isEmpty, let reference = stage.baseReference,
                  BaseImageCatalog.officialName(reference) == "python",
                  dockerfile.instructions.indices.contains(stage.fromIndex), dockerfile.instructions[stage.fromIndex].from?.image.raw.contains("$") == false
            else { continue }
            for finding in findings where finding.ruleId == "dockerfile/base-image-eol" && finding.location.line == line(stage) {
                problems.append("\(finding.location.line): \(finding.message)")
            }
        }
        let finalLine = line(final)
        for finding in findings where finding.location.line >= finalLine {
            let claimed = fixedInFinalStage.contains(finding.ruleId)
                || finding.ruleId == "dockerfile/no-healthcheck" && result.changes.contains { $0.hasPrefix("HEALTHCHECK added") }
                || finding.ruleId == "dockerfile/full-base-image" && result.changes.contains { $0.contains("the slim variant") }
            if claimed { problems.append("\(finding.location.line): \(finding.ruleId): \(finding.message)") }
        }
        return problems
    }

    @Test("hardened fixtures trip no rule for what the hardener fixed", arguments: fixtures)
    func fixture(_ input: Input) {
        let problems = Self.problems(input.text)
        #expect(problems.isEmpty, "\(problems)\n--- input\n\(input.text)")
    }

    /// The benchmark's generated corpus (`bench/gen-dockerfile-corpus.py`, deterministic): ML
    /// servers and general services in hardened, default and insecure postures.
    @Test func generatedCorpus() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-harden-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CommandRunner.packageRoot.appendingPathComponent("bench/gen-dockerfile-corpus.py").path,
                             "--count", "200", "--out", directory.path, "--seed", "42", "--no-repo-examples"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "bench/gen-dockerfile-corpus.py needs python3")
        let files = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).filter {
            DockerfileDetector.matchesName($0)
        }.sorted()
        #expect(files.count >= 200)
        for file in files {
            let text = String(decoding: try Data(contentsOf: directory.appendingPathComponent(file)), as: UTF8.self)
            let problems = Self.problems(text)
            #expect(problems.isEmpty, "\(file): \(problems)")
        }
    }
}
