import Synchronization

/// Counts the steps an analysis takes (rules looked at, candidates tried, entries added), so that
/// tests can hold its cost to the growth of the input without timing it.
final class WorkCounter: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ steps: Int) {
        value.add(steps, ordering: .relaxed)
    }

    var total: Int { value.load(ordering: .relaxed) }
}
