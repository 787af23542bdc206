import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// Mutated manifests: the fixer never crashes, and whatever it returns parses and is stable.
@Suite struct ManifestFixerFuzzTests {
    @Test(arguments: 0..<4)
    func mutatedExamplesNeverBreakTheFixer(_ round: Int) {
        var mutator = Mutator(seed: 0xF1C5 &+ UInt64(round))
        let seeds = ManifestFixerCorpusTests.examples.map { Array($0.text.utf8) }
        var changed = 0
        for index in 0..<400 {
            var bytes = seeds[(index * 7 + round) % seeds.count]
            bytes = mutator.mutate(bytes)
            let result = ManifestFixer().fix(bytes: bytes, file: "fuzz.yaml")
            guard result.isChanged else { continue }
            changed += 1
            let reread = YAMLReader.read(result.fixed)
            #expect(reread.errors.isEmpty, "\(reread.errors)\n\(result.original)")
            let again = ManifestFixer().fix(text: result.fixed, file: "fuzz.yaml")
            #expect(again.errors.isEmpty)
            #expect(again.fixed == result.fixed,
                    "unstable:\n\(result.original)\n---\n\(LineDiff.unified(old: result.fixed, new: again.fixed, oldLabel: "1", newLabel: "2"))")
        }
        // Most mutants still hold a workload to fix.
        #expect(changed > 30, "only \(changed) mutants were fixable")
    }
}
