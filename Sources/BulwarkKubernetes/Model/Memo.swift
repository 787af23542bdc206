import Synchronization

/// Results that several rules derive from the same model (model-server detection of a container,
/// the RBAC analysis of an inventory …), computed once on first use and shared by copies of the
/// value that owns it. Rules stay pure: a memo only caches what a pure function returns.
public final class Memo: Sendable {
    public enum Key: Hashable, Sendable {
        case modelServers, gpuImage, servingWorkload
        case custom(String)
    }

    /// One slot per key, locked while its value is computed, so that rules running in parallel
    /// wait for a value another thread is computing instead of computing it again.
    private final class Slot: Sendable {
        let value = Mutex<(any Sendable)?>(nil)
    }

    private let slots = Mutex<[Key: Slot]>([:])

    public init() {}

    /// The value for `key`, computing it the first time. `compute` must not ask this memo for the
    /// same key.
    public func value<T: Sendable>(_ key: Key, _ compute: () -> T) -> T {
        let slot = slots.withLock { slots in
            if let slot = slots[key] { return slot }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
        return slot.value.withLock { stored in
            // Unwrap the optional first: a stored `nil` result is a value, an empty slot is not.
            if let stored, let cached = stored as? T { return cached }
            let value = compute()
            stored = value
            return value
        }
    }
}
