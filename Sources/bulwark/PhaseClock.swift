import Foundation

/// Prints the time of each phase to standard error when BULWARK_TIMINGS is set.
final class PhaseClock {
    private let enabled = ProcessInfo.processInfo.environment["BULWARK_TIMINGS"] != nil
    private var last = DispatchTime.now()

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e6
        Terminal.error(String(format: "%8.1f ms  %@", milliseconds, phase))
        last = now
    }
}
