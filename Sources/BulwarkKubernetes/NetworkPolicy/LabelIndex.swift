/// Items (pods, namespaces) indexed by their labels, so that a selector is matched only against
/// the items that carry one of the labels it requires instead of against every item.
///
/// ```swift
/// var index = LabelIndex()
/// index.add(0, labels: ["app": "web", "tier": "frontend"])
/// index.add(1, labels: ["app": "db"])
/// index.candidates(LabelSelector(matchLabels: ["app": "db"]))   // [1]
/// index.candidates(.everything)                                 // nil: every item can match
/// ```
struct LabelIndex: Sendable {
    private var byPair: [LabelPair: [Int]] = [:]
    private var byKey: [String: [Int]] = [:]

    /// Adds an item; items must be added in ascending order.
    mutating func add(_ item: Int, labels: [String: String]) {
        for (key, value) in labels {
            byPair[LabelPair(key: key, value: value), default: []].append(item)
            byKey[key, default: []].append(item)
        }
    }

    /// The items that can match `selector`, ascending: those with the rarest label it requires (a
    /// `matchLabels` pair, one of the values of an `In`, the key of an `Exists`); none for an invalid
    /// selector; nil when it requires no label, so that every item can match. A superset of the
    /// matches: the caller still applies the selector.
    func candidates(_ selector: LabelSelector) -> [Int]? {
        guard selector.isValid else { return [] }
        var best: [Int]?
        func offer(_ list: [Int]) {
            if best.map({ list.count < $0.count }) ?? true { best = list }
        }
        for (key, value) in selector.matchLabels {
            offer(byPair[LabelPair(key: key, value: value)] ?? [])
        }
        for requirement in selector.requirements {
            switch requirement.op {
            case .in:
                let lists = requirement.values.map { byPair[LabelPair(key: requirement.key, value: $0)] ?? [] }
                let total = lists.reduce(0) { $0 + $1.count }
                // An item has one value per key, so the lists are disjoint.
                if best.map({ total < $0.count }) ?? true { best = lists.count == 1 ? lists[0] : lists.flatMap { $0 }.sorted() }
            case .exists:
                offer(byKey[requirement.key] ?? [])
            case .notIn, .doesNotExist:
                continue
            }
        }
        return best
    }
}
