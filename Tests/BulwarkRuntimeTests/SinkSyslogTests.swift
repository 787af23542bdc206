import BulwarkRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Syslog framing checked by a real rsyslog (Debian's package) on loopback: it parses what the sink sends
/// and writes the fields it understood (PRI, APP-NAME, MSGID, MSG) through a template to a file.
@Suite(.serialized) struct SinkSyslogTests {
    /// Prints why the test cannot run (and `SKIPPED-IN-CI` under CI, which then fails the job).
    static func skip(_ reason: String) {
        print("SinkSyslogTests skipped: \(reason)")
        if ProcessInfo.processInfo.environment["CI"] != nil { print("SKIPPED-IN-CI") }
    }

    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `rsyslogd`, installing Debian's package when it is missing (root only).
    static func rsyslogd() -> String? {
        let path = "/usr/sbin/rsyslogd"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        guard getuid() == 0 else { return nil }
        _ = run("/usr/bin/apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "rsyslog"])
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A port nothing listens on right now (bound to 0, read back, closed).
    static func freePort(_ type: Int32) -> UInt16? {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : nil
    }

    static func waitForLines(_ path: String, count: Int) async -> [String] {
        for _ in 0..<200 {
            let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.count >= count { return lines }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func waitForListener(port: UInt16) async -> Bool {
        for _ in 0..<200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = port.bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func rsyslogParsesUDPAndTCPMessages() async throws {
        guard let rsyslogd = Self.rsyslogd() else {
            Self.skip(getuid() == 0 ? "rsyslog could not be installed" : "not root, and rsyslog is not installed")
            return
        }
        guard let udpPort = Self.freePort(Int32(SOCK_DGRAM.rawValue)), let tcpPort = Self.freePort(Int32(SOCK_STREAM.rawValue))
        else {
            Self.skip("no free loopback port")
            return
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bulwark-test-syslog-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("received.log").path
        let configuration = """
            global(workDirectory="\(directory.path)")
            module(load="imudp")
            module(load="imtcp")
            template(name="bulwarkFields" type="string"
                     string="%pri%|%syslogfacility-text%|%syslogseverity%|%app-name%|%procid%|%msgid%|%hostname%|%msg%\\n")
            ruleset(name="bulwark") {
                action(type="omfile" file="\(output)" template="bulwarkFields")
            }
            input(type="imudp" address="127.0.0.1" port="\(udpPort)" ruleset="bulwark")
            input(type="imtcp" address="127.0.0.1" port="\(tcpPort)" ruleset="bulwark")
            """
        let configurationPath = directory.appendingPathComponent("rsyslog.conf").path
        try configuration.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: rsyslogd)
        daemon.arguments = ["-n", "-f", configurationPath, "-i", directory.appendingPathComponent("rsyslogd.pid").path]
        let log = directory.appendingPathComponent("rsyslogd.out")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        daemon.standardOutput = logHandle
        daemon.standardError = logHandle
        try daemon.run()
        defer {
            // Only the daemon this test started.
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGTERM)
                daemon.waitUntilExit()
            }
        }
        guard await Self.waitForListener(port: tcpPort) else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            Issue.record("rsyslogd did not listen on 127.0.0.1:\(tcpPort): \(text)")
            return
        }

        let encoder = ECSEncoder(hostName: "node-1")
        let options = QueueOptions(batchSize: 10, flushInterval: .seconds(3600),
                                   retry: RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(50)))
        let udp = SyslogSink(host: "127.0.0.1", port: udpPort, transport: .udp, facility: 4, hostName: "node-1",
                             encoder: encoder, options: options)
        let tcp = SyslogSink(host: "127.0.0.1", port: tcpPort, transport: .tcp, facility: 16, hostName: "node-1",
                             encoder: encoder, options: options)
        udp.submit(EventSamples.execDenied)
        udp.submit(EventSamples.connectDenied)
        tcp.submit(EventSamples.execKilled)
        tcp.submit(EventSamples.sendmsgAlerted)
        tcp.submit(EventSamples.execAllowed)
        await udp.close()
        await tcp.close()
        #expect(udp.statistics.sent == 2)
        #expect(tcp.statistics == SinkStatistics(sent: 3, dropped: 0, retries: 0))

        let lines = await Self.waitForLines(output, count: 5)
        try #require(lines.count == 5, "rsyslog wrote: \(lines)")
        struct Received: Hashable {
            var pri: String, facility: String, severity: String, app: String, msgid: String, host: String, msg: String
        }
        let received = Set(lines.compactMap { line -> Received? in
            let fields = line.split(separator: "|", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8 else { return nil }
            return Received(pri: fields[0], facility: fields[1], severity: fields[2], app: fields[3], msgid: fields[5],
                            host: fields[6], msg: fields[7].trimmingCharacters(in: .whitespaces))
        })
        let expected: Set<Received> = [
            Received(pri: "36", facility: "auth", severity: "4", app: "bulwark", msgid: "exec-denied", host: "node-1",
                     msg: encoder.line(EventSamples.execDenied)),
            Received(pri: "36", facility: "auth", severity: "4", app: "bulwark", msgid: "connect-denied", host: "node-1",
                     msg: encoder.line(EventSamples.connectDenied)),
            Received(pri: "131", facility: "local0", severity: "3", app: "bulwark", msgid: "exec-killed", host: "node-1",
                     msg: encoder.line(EventSamples.execKilled)),
            Received(pri: "133", facility: "local0", severity: "5", app: "bulwark", msgid: "sendmsg-alerted", host: "node-1",
                     msg: encoder.line(EventSamples.sendmsgAlerted)),
            Received(pri: "134", facility: "local0", severity: "6", app: "bulwark", msgid: "exec-allowed", host: "node-1",
                     msg: encoder.line(EventSamples.execAllowed)),
        ]
        #expect(received == expected)
    }

    @Test func tcpCollectorDownIsRetriedThenDropped() async throws {
        guard let port = Self.freePort(Int32(SOCK_STREAM.rawValue)) else {
            Self.skip("no free loopback port")
            return
        }
        let sink = SyslogSink(host: "127.0.0.1", port: port, transport: .tcp, hostName: "n", encoder: ECSEncoder(hostName: "n"),
                              options: QueueOptions(batchSize: 10, flushInterval: .seconds(3600),
                                                    retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(1))))
        sink.submit(EventSamples.execDenied)
        await sink.close()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 1, retries: 1))
        #expect(sink.lastError?.contains("syslog tcp://127.0.0.1:\(port)") == true)
    }

    @Test(arguments: [
        (RuntimeEvent.Decision.killed, 3), (.denied, 4), (.alerted, 5), (.allowed, 6),
    ])
    func severityFollowsTheDecision(decision: RuntimeEvent.Decision, severity: Int) {
        #expect(SyslogSink.severity(decision) == severity)
    }
}
