import BulwarkCore
import BulwarkTestSupport
import Testing

/// The glob automaton against a plain backtracking matcher (exponential, so only on short
/// inputs), over seeded random patterns and texts: same answers in both dialects, and never more
/// steps than pattern × text.
@Suite struct GlobFuzzTests {
    /// A direct reading of the dialects, for comparison only.
    static func reference(_ pattern: [Character], _ text: [Character], shell: Bool) -> Bool {
        func match(_ p: Int, _ t: Int) -> Bool {
            if p == pattern.count { return t == text.count }
            let token = pattern[p]
            if token == "*" {
                if !shell, p + 1 < pattern.count, pattern[p + 1] == "*" {
                    // `**/`: any whole directories; `**` at the end: anything.
                    var next = p + 2
                    if next < pattern.count, pattern[next] == "/" { next += 1 }
                    if next == pattern.count { return true }
                    if match(next, t) { return true }
                    var k = t
                    while k < text.count {
                        if text[k] == "/" && match(next, k + 1) { return true }
                        k += 1
                    }
                    return false
                }
                var k = t
                while true {
                    if match(p + 1, k) { return true }
                    if k >= text.count || (!shell && text[k] == "/") { return false }
                    k += 1
                }
            }
            guard t < text.count else { return false }
            if token == "?" { return (shell || text[t] != "/") && match(p + 1, t + 1) }
            return token == text[t] && match(p + 1, t + 1)
        }
        return match(0, 0)
    }

    @Test(arguments: [false, true])
    func automatonAgreesWithBacktracking(shell: Bool) {
        var random = Mutator(seed: shell ? 7 : 11)
        let alphabet: [Character] = ["a", "b", "/", "*", "?"]
        let textAlphabet: [Character] = ["a", "b", "/"]
        for _ in 0..<4000 {
            let pattern = (0..<random.below(7)).map { _ in alphabet[random.below(alphabet.count)] }
            let text = (0..<random.below(9)).map { _ in textAlphabet[random.below(textAlphabet.count)] }
            let glob = Glob(String(pattern), dialect: shell ? .shell : .path)
            let expected = Self.reference(pattern, text, shell: shell)
            #expect(glob.matches(String(text)) == expected, "\(String(pattern)) ~ \(String(text))")
        }
    }

    @Test func budgetBoundsEveryMatch() {
        var random = Mutator(seed: 3)
        for _ in 0..<200 {
            let pattern = String((0..<random.below(40)).map { _ in Character(["a", "*", "?", "[", "]", "\\", "/"][random.below(7)]) })
            let text = String(repeating: "a", count: random.below(2000))
            var budget = Glob.defaultBudget
            let glob = Glob(pattern, dialect: .shell)
            _ = glob.matches(text, budget: &budget)
            #expect(Glob.defaultBudget - budget <= (pattern.count + 2) * (text.count + 1))
        }
    }
}
