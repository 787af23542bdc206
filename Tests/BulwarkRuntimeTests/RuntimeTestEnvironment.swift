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

    /// Numbers the cgroups, pin directories and scratch files of one test process.
    static let counter = TestCounter()
}

final class TestCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}

/// What a backend reported from its own thread (ring-buffer reader, fanotify handler), for a test to wait on:
/// events arrive after the syscall's result, so a test waits (bounded) for the one it expects.
final class Collected<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    func append(_ element: Element) { lock.withLock { elements.append(element) } }

    var all: [Element] { lock.withLock { elements } }

    /// The first element matching `predicate`, waiting up to `attempts` × 50 ms for it.
    func wait(attempts: Int = 200, for predicate: (Element) -> Bool) -> Element? {
        for _ in 0..<attempts {
            if let found = all.first(where: predicate) { return found }
            usleep(50_000)
        }
        return nil
    }

    func first(where predicate: (Element) -> Bool) -> Element? { wait(for: predicate) }
}
