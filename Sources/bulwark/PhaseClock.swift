import BulwarkCore
import Foundation
import Synchronization

/// Prints the time of each phase to standard error when BULWARK_TIMINGS is set, and the time of
/// each rule (CPU time summed over threads) when it is `rules`.
final class PhaseClock: Sendable {
    private let enabled = ProcessInfo.processInfo.environment["BULWARK_TIMINGS"] != nil
    let ruleTimings = ProcessInfo.processInfo.environment["BULWARK_TIMINGS"] == "rules" ? RuleTimings() : nil
    private let last = Mutex(DispatchTime.now())

    @Sendable func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        let milliseconds = last.withLock { Double(now.uptimeNanoseconds - $0.uptimeNanoseconds) / 1e6 }
        Console.current.error(String(format: "%8.1f ms  %@%@", milliseconds, phase, Self.memory()))
        // The next phase starts after this line is out: the clock's own cost is in no phase.
        last.withLock { $0 = DispatchTime.now() }
    }

    /// `  (RSS 120.5 MB, peak 130.2 MB)` from /proc/self/status, or nothing elsewhere.
    static func memory() -> String {
        guard case .success(let bytes) = InputFile.read("/proc/self/status", limit: ByteLimit(bytes: 1 << 16)) else { return "" }
        let status = String(decoding: bytes, as: UTF8.self)
        func megabytes(_ key: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        guard let rss = megabytes("VmRSS"), let peak = megabytes("VmHWM") else { return "" }
        return String(format: "  (RSS %.1f MB, peak %.1f MB)", rss, peak)
    }

    /// The rules that took longest (at most 15, and those over 1 ms).
    func reportRules() {
        guard let ruleTimings else { return }
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        }
        let all = ruleTimings.sorted
        Console.current.error(String(format: "%8.1f ms    all %d rules (CPU)", milliseconds(all.reduce(.zero) { $0 + $1.duration }), all.count))
        for (id, duration) in all.prefix(15) where milliseconds(duration) >= 1 {
            Console.current.error(String(format: "%8.1f ms    rule %@", milliseconds(duration), id))
        }
    }
}
