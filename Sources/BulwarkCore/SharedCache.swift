import Synchronization

/// A get-or-compute cache for a pure function, safe to share between threads. It never blocks on a
/// computation: two threads asking for the same missing key may both compute it (and store equal
/// values). With a `capacity`, the cache starts over when full, so a long-running process stays
/// bounded. (`Memo` in BulwarkKubernetes is the blocking, compute-once kind for expensive values.)
public final class SharedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let storage = Mutex<[Key: Value]>([:])
    private let capacity: Int

    public init(capacity: Int = .max) {
        self.capacity = capacity
    }

    public func value(_ key: Key, _ compute: () -> Value) -> Value {
        if let value = storage.withLock({ $0[key] }) { return value }
        let value = compute()
        storage.withLock { values in
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
        return value
    }
}
