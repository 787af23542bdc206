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

    /// Alias-heavy seeds (nested aliases, merge keys, aliased keys, one large anchor aliased many
    /// times), mutated: every input finishes with positioned errors, whatever the aliases expand to.
    static let aliasSeeds: [String] = [
        YAMLAliasSeeds.billionLaughs,
        "m: &m {a: 1, b: 2, c: [x, y]}\nn:\n  <<: [*m, *m, *m]\n  d: *m\n? *m\n: v\nl: &l [*m, *m, *m, *m]\nk: [*l, *l, *l, *l]\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: &a " + String(repeating: "x", count: 20_000) + "\n"
            + (0..<300).map { "  k\($0): *a" }.joined(separator: "\n") + "\n",
    ]

    @Test(arguments: 0..<4)
    func mutatedAliasBombsStayBounded(shard: Int) {
        var mutator = Mutator(seed: 0xA11A5 &+ UInt64(shard))
        let scanner = KubernetesScanner()
        for iteration in 0..<150 {
            var input = Array(Self.aliasSeeds[(iteration + shard) % Self.aliasSeeds.count].utf8)
            for _ in 0..<(1 + mutator.below(3)) { input = mutator.mutate(input) }
            let inventory = KubernetesLoader.parse(bytes: input, file: "fuzz.yaml")
            let lineCount = Self.yamlLineCount(input)
            for error in inventory.errors {
                #expect((error.line ?? 0) >= 1 && (error.line ?? 0) <= lineCount + 1, "bad line in \(error)")
                #expect((error.column ?? 0) >= 1, "bad column in \(error)")
            }
            _ = scanner.scan(inventory)
        }
    }

    /// The seeds as UTF-16 with a byte-order mark, mutated: transcoding errors and YAML errors
    /// alike carry positions; valid text scans like its UTF-8 form.
    @Test(arguments: 0..<4)
    func mutatedUTF16InputsNeverCrash(shard: Int) {
        var mutator = Mutator(seed: 0x0016_0000 &+ UInt64(shard))
        for iteration in 0..<500 {
            let text = Self.seeds[(iteration * 4 + shard) % Self.seeds.count]
            let bigEndian = iteration % 2 == 0
            var input: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
            for unit in text.utf16 { input += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            if iteration % 5 != 0 { input = [input[0], input[1]] + mutator.mutate(Array(input.dropFirst(2))) }
            let inventory = KubernetesLoader.parse(bytes: input, file: "fuzz.yaml")
            for error in inventory.errors {
                #expect((error.line ?? 0) >= 1 && (error.column ?? 0) >= 1, "no position in \(error)")
            }
            if iteration % 5 == 0 {
                let utf8 = KubernetesLoader.parse(text: text, file: "fuzz.yaml")
                #expect(inventory.objects.map(\.position) == utf8.objects.map(\.position))
                #expect(inventory.errors.map(\.message) == utf8.errors.map(\.message))
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
