import Foundation

/// The driver's command line. Parsed by hand: swift-argument-parser would be one more package to
/// build for eleven flags.
struct Options: Sendable {
    var host = "127.0.0.1"
    var port = 8443
    /// The name the serving certificate must carry (SNI and hostname verification).
    var serverName = "localhost"
    var caPath = ""
    /// Requests per second, scheduled at fixed times; 0 runs closed loop (each connection sends its
    /// next request when the previous answer arrived: a saturation measurement, hides queueing).
    var rate: Double = 1000
    var duration: Double = 60
    var warmup: Double = 5
    /// 0: sized to the rate, clamped to 16…64.
    var connections = 0
    var mixPath = ""
    /// A request not answered this long after it was sent counts as a timeout; its connection is closed.
    var timeout: Double = 10
    /// After the run, how long requests still on the wire may take before they count as timeouts.
    var drain: Double = 5
    /// The server's pid: VmRSS is read from /proc/PID/status at the start and end of the measured window.
    var rssPid: Int32 = 0
    /// Every Nth answer is decoded and checked (uid echoed, `allowed` as the mix expects); 0 never.
    var verifyEvery = 10
    var label = ""

    static let usage = """
        usage: admission-load --ca CA.pem --mix mix.json [--host 127.0.0.1] [--port 8443] [--server-name localhost]
                              [--rate R|0] [--duration S] [--warmup S] [--connections N] [--timeout S] [--drain S]
                              [--rss-pid PID] [--verify-every N] [--label TEXT]
        Prints one JSON object with the run's numbers on stdout.
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Double {
            let text = try value(flag)
            guard let parsed = Double(text), parsed >= 0, parsed.isFinite else {
                throw UsageError("\(flag) takes a non-negative number, got '\(text)'")
            }
            return parsed
        }
        while let flag = iterator.next() {
            switch flag {
            case "--host": options.host = try value(flag)
            case "--port": options.port = Int(try number(flag))
            case "--server-name": options.serverName = try value(flag)
            case "--ca": options.caPath = try value(flag)
            case "--rate": options.rate = try number(flag)
            case "--duration": options.duration = try number(flag)
            case "--warmup": options.warmup = try number(flag)
            case "--connections": options.connections = Int(try number(flag))
            case "--mix": options.mixPath = try value(flag)
            case "--timeout": options.timeout = try number(flag)
            case "--drain": options.drain = try number(flag)
            case "--rss-pid": options.rssPid = Int32(try number(flag))
            case "--verify-every": options.verifyEvery = Int(try number(flag))
            case "--label": options.label = try value(flag)
            case "-h", "--help": throw UsageError(nil)
            default: throw UsageError("unknown argument \(flag)")
            }
        }
        guard !options.caPath.isEmpty, !options.mixPath.isEmpty else { throw UsageError("--ca and --mix are required") }
        guard options.duration > 0 else { throw UsageError("--duration must be > 0") }
        if options.connections == 0 {
            options.connections = options.rate == 0 ? 64 : min(64, max(16, Int(options.rate / 100)))
        }
        return options
    }
}

struct UsageError: Error {
    var message: String?
    init(_ message: String?) { self.message = message }
}
