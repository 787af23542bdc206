import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Testing

/// Every rule over mutated Dockerfiles (the rules' own examples and the demo file): no trap, every
/// finding inside the file, and the same findings for the same input.
@Suite struct DockerfileRuleFuzzTests {
    static let seeds: [[UInt8]] = DockerfileRules.all.flatMap { rule in
        (rule.descriptor.failing + rule.descriptor.passing).map { Array($0.stripped.text.utf8) }
    }

    @Test(arguments: 0..<4)
    func mutatedDockerfilesScan(_ shard: Int) {
        var mutator = Mutator(seed: 0x5EC0_12E5 &+ UInt64(shard))
        let scanner = DockerfileScanner()
        let context = DockerfileScanContext(dockerignore: ".git\n!x\n**/*.pem\n[a-\n")
        for iteration in 0..<400 {
            var bytes = Self.seeds[(iteration * 4 + shard) % Self.seeds.count]
            for _ in 0..<(1 + mutator.below(3)) { bytes = mutator.mutate(bytes) }
            let dockerfile = DockerfileParser.parse(bytes: bytes, file: "Dockerfile")
            let findings = scanner.scan(dockerfile, context: context)
            for finding in findings where finding.location.line < 1 || finding.location.line > max(dockerfile.lineCount, 1) || finding.location.column < 1 {
                Issue.record("\(finding.ruleId) at \(finding.location.line):\(finding.location.column) outside a \(dockerfile.lineCount)-line file (iteration \(iteration))")
            }
            #expect(findings == scanner.scan(dockerfile, context: context))
        }
    }

    /// Every seed in one file scans in one pass (bench/dockerfile-vs-hadolint measures how fast).
    @Test func allSeedsInOneFileScan() {
        let text = Self.seeds.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        let dockerfile = DockerfileParser.parse(text: text, file: "Dockerfile")
        #expect(dockerfile.instructions.count > 300)
        #expect(!DockerfileScanner().scan(dockerfile).isEmpty)
    }
}
