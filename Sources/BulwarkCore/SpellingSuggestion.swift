/// "Did you mean …?" for a misspelt key or id: the known names within a small edit distance.
public enum SpellingSuggestion {
    /// The known names closest to `word` (edit distance over Unicode scalars, a swap of two
    /// neighbours counting as one edit, at most
    /// `max(1, min(3, word.count / 4))`), best first, at most three; a name that ends with
    /// `/word` (a rule id written without its domain, `latest-tag` for `k8s/latest-tag`) also counts.
    public static func candidates(for word: String, among names: some Sequence<String>) -> [String] {
        let scalars = Array(word.unicodeScalars)
        let limit = max(1, min(3, scalars.count / 4))
        var scored: [(name: String, distance: Int)] = []
        for name in names where name != word {
            if !word.contains("/"), name.hasSuffix("/" + word) {
                scored.append((name, 0))
                continue
            }
            let other = Array(name.unicodeScalars)
            guard abs(other.count - scalars.count) <= limit else { continue }
            let distance = Self.distance(scalars, other, limit: limit)
            if distance <= limit { scored.append((name, distance)) }
        }
        guard let best = scored.map(\.distance).min() else { return [] }
        return Array(Set(scored.filter { $0.distance == best }.map(\.name)).sorted().prefix(3))
    }

    /// ` (did you mean "a"?)`, ` (did you mean "a" or "b"?)`, or "" when nothing is close.
    public static func didYouMean(_ word: String, among names: some Sequence<String>, quoted: Bool = true) -> String {
        let found = candidates(for: word, among: names).map { quoted ? "\"\($0)\"" : $0 }
        guard let last = found.last else { return "" }
        let list = found.count == 1 ? last : found.dropLast().joined(separator: ", ") + " or " + last
        return " (did you mean \(list)?)"
    }

    /// Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours
    /// as one edit (optimal string alignment), giving up (returning `limit + 1`) once every path is
    /// over `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                var best = min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, beforePrevious[j - 2] + 1)
                }
                current[j] = best
                rowMinimum = min(rowMinimum, best)
            }
            if rowMinimum > limit { return limit + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
