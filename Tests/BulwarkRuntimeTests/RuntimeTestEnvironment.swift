import BulwarkRuntime
import Foundation
import Glibc

/// The guard of the tests that need root and cgroup v2: nil when they can run, else why not (printed; with
/// `SKIPPED-IN-CI` when CI is set, which makes `.ci/run` fail).
enum RuntimeTestEnvironment {
    static func unavailable(_ test: String) -> String? {
        var why: String?
        if geteuid() != 0 {
            why = "not root"
        } else if Cgroup.v2Mount() == nil {
            why = "no cgroup v2 hierarchy is mounted"
        }
        guard let why else { return nil }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            print("SKIPPED-IN-CI: \(test): \(why)")
        } else {
            print("skipped: \(test): \(why)")
        }
        return why
    }

    /// A fresh cgroup for one test (`bulwark-test-<suite>-<pid>-<n>`).
    static func cgroup(_ suite: String) throws -> Cgroup {
        try Cgroup.create("bulwark-test-\(suite)-\(getpid())-\(counter.next())")
    }

    private static let counter = Counter()

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
