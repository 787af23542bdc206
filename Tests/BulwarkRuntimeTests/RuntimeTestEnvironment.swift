import BulwarkRuntime
import CBulwarkBPF
import Foundation
import Glibc

/// The guards of the tests that need root and cgroup v2 (and, for the kernel tests, libbpf and the netprobe
/// binary): nil when they can run, else why not (printed; with `SKIPPED-IN-CI` when CI is set, which makes
/// `.ci/run` fail).
enum RuntimeTestEnvironment {
    static func unavailable(_ test: String) -> String? {
        var why: String?
        if geteuid() != 0 {
            why = "not root"
        } else if Cgroup.v2Mount() == nil {
            why = "no cgroup v2 hierarchy is mounted"
        }
        return report(test, why)
    }

    /// `unavailable`, and libbpf.so.1 loads and netprobe compiles.
    static func kernelUnavailable(_ test: String) -> String? {
        if let why = unavailable(test) { return why }
        var why: String?
        if bw_libbpf_open() != 0 {
            why = String(cString: bw_libbpf_error())
        } else if case .failure(let failure) = NetProbe.binary {
            why = failure.description
        }
        return report(test, why)
    }

    /// Prints why `test` is skipped (nil: it is not) and returns it.
    static func report(_ test: String, _ why: String?) -> String? {
        guard let why else { return nil }
        print((ProcessInfo.processInfo.environment["CI"] != nil ? "SKIPPED-IN-CI: " : "skipped: ") + "\(test): \(why)")
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
