import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension Array where Element: Sendable {
    /// Maps the elements on all cores, keeping order. For CPU-bound work on independent items.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let results = Mutex<[T?]>(Array<T?>(repeating: nil, count: count))
        let chunkCount = Swift.min(count, ProcessCores.count * 4)
        let chunkSize = (count + chunkCount - 1) / chunkCount
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = chunk * chunkSize
            let end = Swift.min(start + chunkSize, count)
            guard start < end else { return }
            var local: [T] = []
            local.reserveCapacity(end - start)
            for index in start..<end {
                local.append(transform(self[index]))
            }
            results.withLock { buffer in
                for (offset, value) in local.enumerated() {
                    buffer[start + offset] = value
                }
            }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}

/// The number of online CPUs (cores the scan can use).
public enum ProcessCores {
    public static let count: Int = {
        #if os(Linux)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 4
        #endif
    }()
}
