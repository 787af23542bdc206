import BulwarkKubernetes
import Foundation

/// Prints the time of each phase to standard error when BULWARK_TIMINGS is set, and the time of
/// each Kubernetes rule (CPU time summed over threads) when it is `rules`.
final class PhaseClock {
    private let enabled = ProcessInfo.processInfo.environment["BULWARK_TIMINGS"] != nil
    let ruleTimings = ProcessInfo.processInfo.environment["BULWARK_TIMINGS"] == "rules"
    private var last = DispatchTime.now()

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e6
        Terminal.error(String(format: "%8.1f ms  %@", milliseconds, phase))
        last = now
    }

    /// The rules that took longest (at most 15, and those over 1 ms).
    func report(_ timings: RuleTimings) {
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        }
        let all = timings.sorted
        Terminal.error(String(format: "%8.1f ms    all %d rules (CPU)", milliseconds(all.reduce(.zero) { $0 + $1.duration }), all.count))
        for (id, duration) in all.prefix(15) where milliseconds(duration) >= 1 {
            Terminal.error(String(format: "%8.1f ms    rule %@", milliseconds(duration), id))
        }
    }
}
