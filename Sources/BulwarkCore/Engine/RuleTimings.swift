import Synchronization

/// Time spent in each rule's checks, summed over the threads that run them (so per-object rules
/// show CPU time, not wall time). `BULWARK_TIMINGS=rules bulwark scan …` prints it.
public final class RuleTimings: Sendable {
    private let totals = Mutex<[String: Duration]>([:])

    public init() {}

    /// Runs `body` and adds its duration to the rule's total.
    @inline(__always)
    public func measure<T>(_ id: String, _ body: () -> T) -> T {
        let start = ContinuousClock.now
        let result = body()
        let elapsed = ContinuousClock.now - start
        totals.withLock { $0[id, default: .zero] += elapsed }
        return result
    }

    /// Rule ids with their time, longest first.
    public var sorted: [(id: String, duration: Duration)] {
        totals.withLock { $0 }.map { (id: $0.key, duration: $0.value) }.sorted { $0.duration > $1.duration }
    }
}
