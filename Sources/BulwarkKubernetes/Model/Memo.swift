import Synchronization

/// Results that several rules derive from the same model (model-server detection of a container,
/// the RBAC analysis of an inventory …), computed once on first use and shared by copies of the
/// value that owns it. Rules stay pure: a memo only caches what a pure function returns.
public final class Memo: Sendable {
    public enum Key: Hashable, Sendable {
        case modelServers, gpuImage, servingWorkload, rbacAssessment
        case custom(String)
    }

    /// Computed values: the fast path, one uncontended lock per read.
    private let values = Mutex<[Key: any Sendable]>([:])
    /// One lock per key, held while its value is computed, so that rules running in parallel wait
    /// for a value another thread is computing instead of computing it again.
    private let computing = Mutex<[Key: Slot]>([:])

    private final class Slot: Sendable {
        let lock = Mutex<Void>(())
    }

    public init() {}

    /// Forgets every value. Values may hold the owner of the memo (the reachability engine holds its
    /// `InventoryIndex`, whose memo holds it): the scanner clears an index's memo when its scan
    /// ends, so nothing outlives the scan in a reference cycle.
    public func removeAll() {
        values.withLock { $0.removeAll() }
        computing.withLock { $0.removeAll() }
    }

    /// The value for `key`, computing it the first time. `compute` must not ask this memo for the
    /// same key.
    public func value<T: Sendable>(_ key: Key, _ compute: () -> T) -> T {
        // Unwrap the dictionary's optional first: a stored `nil` result is a value, a missing key is not.
        if let stored = values.withLock({ $0[key] }), let cached = stored as? T { return cached }
        let slot = computing.withLock { slots in
            if let slot = slots[key] { return slot }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
        return slot.lock.withLock { _ in
            if let stored = values.withLock({ $0[key] }), let cached = stored as? T { return cached }
            let value = compute()
            values.withLock { $0[key] = value }
            return value
        }
    }
}
