import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// Mutation fuzzing of the YAML/JSON loader and the rule engine: hostile bytes must give errors
/// with sane positions, never a crash or a hang. (scripts/fuzz runs the same target under libFuzzer.)
@Suite struct LoaderFuzzTests {
    static let seeds: [String] = {
        var seeds = KubernetesRules.all.flatMap { $0.descriptor.failing + $0.descriptor.passing }.map { $0.stripped.text }
        seeds.append(KubernetesLoaderTests.pod)
        seeds.append("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"j\"}}]}")
        seeds.append("a: &x {b: [1, 2, *x]}\nc: !!str 5\nd: |\n  text\n<<: {e: 1}\n")
        return seeds
    }()

    @Test(arguments: 0..<8)
    func mutatedInputsNeverCrashTheLoaderOrTheRules(shard: Int) {
        var mutator = Mutator(seed: 0xB17_0000 + UInt64(shard))
        let scanner = KubernetesScanner()
        for iteration in 0..<1000 {
            let seed = Array(Self.seeds[(iteration * 8 + shard) % Self.seeds.count].utf8)
            let input = mutator.mutate(seed)
            let inventory = KubernetesLoader.parse(bytes: input, file: "fuzz.yaml")
            let lineCount = Self.yamlLineCount(input)
            for error in inventory.errors {
                #expect((error.line ?? 0) >= 1 && (error.line ?? 0) <= lineCount + 1, "bad line in \(error) for \(input)")
                #expect((error.column ?? 0) >= 1, "bad column in \(error)")
            }
            for finding in scanner.scan(inventory) {
                #expect(finding.location.line >= 1 && finding.location.line <= lineCount + 1)
            }
        }
    }

    /// Lines as YAML counts them: LF, CR, CRLF, NEL, LS and PS all end a line.
    static func yamlLineCount(_ bytes: [UInt8]) -> Int {
        var lines = 1
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 10: lines += 1
            case 13 where index + 1 >= bytes.count || bytes[index + 1] != 10: lines += 1
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: lines += 1
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                lines += 1
            default: break
            }
            index += 1
        }
        return lines
    }
}
