import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
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

    /// The corpus with complex mapping keys (`? [a, b]` / `: v`, `[a, b]: v`, `? {x: 1}`) put in
    /// front of random block mapping entries: every document is fixed with its keys kept, or is an
    /// input error with a position; never "internal error", never a result that does not read back.
    @Test(arguments: 0..<4)
    func complexKeysAreFixedOrAnErrorWithAPosition(_ round: Int) {
        var mutator = Mutator(seed: 0xC0DE &+ UInt64(round))
        let keys = ["? [zz, %d]\n%: v%d", "[zz, %d]: v%d", "? {zz: %d}\n%: v%d", "? [zz,\n%  %d]\n%: v%d"]
        var fixed = 0
        for (index, example) in ManifestFixerCorpusTests.examples.enumerated() where index % 4 == round {
            var lines = example.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // Block mapping entries: `key:` or `key: value` lines (not sequence items, comments or flow).
            let entries = lines.indices.filter { line in
                let text = lines[line].drop { $0 == " " }
                return !text.isEmpty && !text.hasPrefix("-") && !text.hasPrefix("#") && !text.hasPrefix("{") && !text.hasPrefix("[")
                    && !text.hasPrefix("?") && !text.hasPrefix(":") && (text.contains(": ") || text.hasSuffix(":"))
            }
            guard !entries.isEmpty else { continue }
            for _ in 0..<(1 + mutator.below(2)) {
                let line = entries[mutator.below(entries.count)]
                let indent = String(lines[line].prefix { $0 == " " })
                let template = keys[mutator.below(keys.count)]
                let key = template.replacingOccurrences(of: "%d", with: String(index)).replacingOccurrences(of: "%", with: indent)
                lines.insert(indent + key, at: line)
            }
            let text = lines.joined(separator: "\n")
            guard YAMLReader.read(text).errors.isEmpty else { continue }
            let result = ManifestFixer().fix(files: [ManifestFixInput(file: "keys.yaml", bytes: Array(text.utf8))])[0]
            for error in result.errors {
                #expect(error.line != nil && error.column != nil, "\(error)\n\(text)")
                #expect(!error.message.contains("please report"), "\(error)\n\(text)")
            }
            #expect(!result.warnings.contains { $0.message.contains("internal error") }, "\(result.warnings)\n\(text)")
            guard result.isChanged else { continue }
            fixed += 1
            #expect(YAMLReader.read(result.fixed).errors.isEmpty, "\(text)\n---\n\(result.fixed)")
            let again = ManifestFixer().fix(text: result.fixed, file: "keys.yaml")
            #expect(again.fixed == result.fixed,
                    "unstable:\n\(text)\n---\n\(LineDiff.unified(old: result.fixed, new: again.fixed, oldLabel: "1", newLabel: "2"))")
        }
        #expect(fixed > 10, "only \(fixed) inputs were fixed")
    }
}
