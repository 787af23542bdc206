import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request due at `scheduled` (uptime nanoseconds). Latency is measured from this time, not from
/// when a connection was free to send it: a server that falls behind makes the queue in front of
/// it grow, and that wait is part of what a caller sees (no coordinated omission).
struct Pending {
    var scheduled: UInt64
    var fixture: Int
}

/// Everything the run measured; printed as JSON.
struct RunResult: Codable, Sendable {
    struct FixtureCheck: Codable, Sendable {
        var name: String
        var path: String
        var bytes: Int
        var weight: Int
        var status: Int?
        var allowed: Bool?
        var expectAllowed: Bool?
        var uidEchoed: Bool?
        var ok: Bool
    }

    var label: String
    var mode: String
    var rate: Double
    var connections: Int
    var duration: Double
    var warmup: Double
    var scheduled: Int
    var completedOK: Int
    var achievedRps: Double
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var p999Ms: Double
    var maxMs: Double
    var meanMs: Double
    var errors: [String: Int]
    var errorsTotal: Int
    var warmupErrors: Int
    var connectFailures: [String: Int]
    var verified: Int
    var maxQueue: Int
    var rssStartKiB: Int?
    var rssEndKiB: Int?
    var rssPeakKiB: Int?
    /// CPU time over the measured window, as a share of one core (100 = one core busy): the server's
    /// from /proc/PID/stat, the driver's own from getrusage. A driver near 100 is the bottleneck.
    var serverCpuPercent: Double?
    var driverCpuPercent: Double?
    var fixtures: [FixtureCheck]
}

/// One open-loop (or closed-loop) run. Every member is touched only on `loop`, the driver's single
/// event loop thread, so it needs no locks.
final class LoadRun {
    let options: Options
    let fixtures: [Fixture]
    let sequence: [Int]
    let loop: any EventLoop
    let sslContext: NIOSSLContext
    let promise: EventLoopPromise<RunResult>

    private var idle: [Connection] = []
    private var live: [ObjectIdentifier: Connection] = [:]
    private var pending = CircularBuffer<Pending>(initialCapacity: 1024)
    private var issued = 0
    private var start: UInt64 = 0
    private var measureStart: UInt64 = 0
    private var measureEnd: UInt64 = 0
    private var interval: Double = 0
    private var stopping = false
    private var finished = false
    private var inFlight = 0

    private var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    private var scheduledMeasured = 0
    private var completedOK = 0
    private var completionsInWindow = 0
    private var errors: [String: Int] = [:]
    private var warmupErrors = 0
    private var connectFailures: [String: Int] = [:]
    private var verified = 0
    private var maxQueue = 0
    private var rssStart: Int?
    private var rssEnd: Int?
    private var rssPeak: Int?
    private var serverCPUStart: Double?
    private var serverCPUEnd: Double?
    private var driverCPUStart: Double = 0
    private var driverCPUEnd: Double = 0
    private var checks: [RunResult.FixtureCheck]
    private var checked: [Bool]

    init(options: Options, fixtures: [Fixture], loop: any EventLoop, sslContext: NIOSSLContext,
         promise: EventLoopPromise<RunResult>) {
        self.options = options
        self.fixtures = fixtures
        self.sequence = Mix.sequence(fixtures)
        self.loop = loop
        self.sslContext = sslContext
        self.promise = promise
        self.checks = fixtures.map {
            .init(name: $0.name, path: $0.path, bytes: $0.body.readableBytes, weight: $0.weight,
                  expectAllowed: $0.expectAllowed, ok: false)
        }
        self.checked = fixtures.map { _ in false }
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    func begin() {
        start = Self.now() + 200_000_000  // let the first connections finish their TLS handshakes
        measureStart = start + UInt64(options.warmup * 1e9)
        measureEnd = measureStart + UInt64(options.duration * 1e9)
        interval = options.rate > 0 ? 1e9 / options.rate : 0
        for _ in 0..<options.connections { connect(delay: 0) }
        let isolated = loop.assumeIsolated()
        isolated.scheduleTask(deadline: .uptimeNanoseconds(measureStart)) {
            self.rssStart = self.readRSS()
            self.serverCPUStart = self.serverCPUSeconds()
            self.driverCPUStart = Self.driverCPUSeconds()
        }
        isolated.scheduleTask(deadline: .uptimeNanoseconds(measureEnd)) { self.endIssuing() }
        sampleRSS()
        if interval > 0 {
            isolated.scheduleTask(deadline: .uptimeNanoseconds(start)) { self.tick() }
        } else {
            isolated.scheduleTask(deadline: .uptimeNanoseconds(start)) { self.dispatch() }
        }
    }

    // MARK: scheduling

    /// Queues every request whose time has come, hands them to idle connections, and sleeps until the
    /// next one is due.
    private func tick() {
        guard !stopping else { return }
        let now = Self.now()
        while true {
            let due = start + UInt64(Double(issued) * interval)
            if due > now || due >= measureEnd { break }
            pending.append(Pending(scheduled: due, fixture: sequence[issued % sequence.count]))
            if due >= measureStart { scheduledMeasured += 1 }
            issued += 1
        }
        maxQueue = max(maxQueue, pending.count)
        dispatch()
        let next = start + UInt64(Double(issued) * interval)
        if next < measureEnd {
            loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(next)) { self.tick() }
        }
    }

    private func dispatch() {
        guard !stopping else { return }
        if interval == 0 {
            // Closed loop: every idle connection sends at once; latency counts from the send.
            let now = Self.now()
            guard now >= start else { return }
            while let connection = idle.popLast() {
                if now >= measureStart { scheduledMeasured += 1 }
                send(Pending(scheduled: now, fixture: sequence[issued % sequence.count]), on: connection)
                issued += 1
            }
            return
        }
        while !pending.isEmpty, let connection = idle.popLast() {
            send(pending.removeFirst(), on: connection)
        }
    }

    private func send(_ request: Pending, on connection: Connection) {
        let fixture = fixtures[request.fixture]
        var verify = !checked[request.fixture]
        checked[request.fixture] = true
        if options.verifyEvery > 0 && issued % options.verifyEvery == 0 { verify = true }
        inFlight += 1
        connection.send(request, fixture: fixture, serverName: options.serverName, verify: verify,
                        timeout: .nanoseconds(Int64(options.timeout * 1e9)))
    }

    private func endIssuing() {
        stopping = true
        rssEnd = readRSS()
        serverCPUEnd = serverCPUSeconds()
        driverCPUEnd = Self.driverCPUSeconds()
        let now = Self.now()
        // Requests still queued were due but never sent: the server did not keep up. They count as
        // errors, and their wait so far goes into the histogram as a lower bound.
        for request in pending where request.scheduled >= measureStart {
            errors["unsent", default: 0] += 1
            record(latencyNanos: now - request.scheduled)
        }
        pending.removeAll()
        let drainEnd = now + UInt64(options.drain * 1e9)
        loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(drainEnd)) { self.finish() }
        if inFlight == 0 { finish() }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        let now = Self.now()
        for connection in live.values {
            if let request = connection.abandon() {
                inFlight -= 1
                if request.scheduled >= measureStart {
                    errors["unfinished", default: 0] += 1
                    record(latencyNanos: now - request.scheduled)
                }
            }
            connection.close()
        }
        promise.succeed(result())
    }

    // MARK: connections

    private func connect(delay: Int64) {
        guard !stopping else { return }
        let isolated = loop.assumeIsolated()
        guard delay == 0 else {
            isolated.scheduleTask(in: .milliseconds(delay)) { self.connect(delay: 0) }
            return
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        let sslContext = self.sslContext
        let serverName = options.serverName
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    try operations.addHTTPClientHandlers()
                    try operations.addHandler(Connection(run: bound.value))
                }
            }
            .connect(host: options.host, port: options.port)
            .assumeIsolated()
            .whenFailure { error in
                self.connectFailures[Self.kind(of: error), default: 0] += 1
                self.connect(delay: 50)
            }
    }

    func ready(_ connection: Connection) {
        live[ObjectIdentifier(connection)] = connection
        if stopping {
            connection.close()
            return
        }
        idle.append(connection)
        dispatch()
    }

    func completed(_ connection: Connection, request: Pending, status: UInt, body: ByteBuffer?) {
        inFlight -= 1
        let now = Self.now()
        let measured = request.scheduled >= measureStart && request.scheduled < measureEnd
        if now >= measureStart && now < measureEnd { completionsInWindow += 1 }
        if let body { verify(body, status: status, fixture: request.fixture, measured: measured) }
        if status == 200 {
            if measured {
                completedOK += 1
                record(latencyNanos: now - request.scheduled)
            }
        } else if measured {
            errors["http-\(status)", default: 0] += 1
        } else {
            warmupErrors += 1
        }
        if stopping {
            if inFlight == 0 { finish() }
            return
        }
        idle.append(connection)
        dispatch()
    }

    /// A request that failed on its connection (timeout, TLS error, connection closed).
    func failed(_ connection: Connection, request: Pending?, kind: String) {
        guard let request else { return }
        inFlight -= 1
        if request.scheduled >= measureStart && request.scheduled < measureEnd {
            errors[kind, default: 0] += 1
        } else {
            warmupErrors += 1
        }
        if stopping && inFlight == 0 { finish() }
    }

    func closed(_ connection: Connection, wasHealthy: Bool, error: String?) {
        live[ObjectIdentifier(connection)] = nil
        idle.removeAll { $0 === connection }
        if let error, !wasHealthy { connectFailures[error, default: 0] += 1 }
        if !finished && !stopping { connect(delay: wasHealthy ? 0 : 50) }
    }

    static func kind(of error: any Error) -> String {
        switch error {
        case is NIOSSLError, is BoringSSLError: "tls"
        case is NIOConnectionError, is ChannelError: "connection"
        case is IOError: "io"
        default: "other"
        }
    }

    // MARK: checks and numbers

    private func verify(_ body: ByteBuffer, status: UInt, fixture index: Int, measured: Bool) {
        let fixture = fixtures[index]
        var allowed: Bool?
        var uidEchoed = false
        if let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
           let response = object["response"] as? [String: Any] {
            allowed = response["allowed"] as? Bool
            uidEchoed = (response["uid"] as? String) == fixture.uid
        }
        let ok = status == 200 && uidEchoed && allowed != nil
            && (fixture.expectAllowed == nil || fixture.expectAllowed == allowed)
        if checks[index].status == nil {
            checks[index].status = Int(status)
            checks[index].allowed = allowed
            checks[index].uidEchoed = uidEchoed
            checks[index].ok = ok
        }
        verified += 1
        if !ok && status == 200 {
            if measured { errors["wrong-answer", default: 0] += 1 } else { warmupErrors += 1 }
        }
    }

    private func record(latencyNanos: UInt64) {
        _ = histogram.record(min(latencyNanos / 1000, histogram.highestTrackableValue))
    }

    private func sampleRSS() {
        guard !finished else { return }
        if let rss = readRSS() { rssPeak = max(rssPeak ?? 0, rss) }
        loop.assumeIsolated().scheduleTask(in: .seconds(1)) { self.sampleRSS() }
    }

    private func readRSS() -> Int? {
        guard options.rssPid > 0,
              let status = try? String(contentsOfFile: "/proc/\(options.rssPid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    /// utime + stime of the server (fields 14 and 15 of /proc/PID/stat, after the parenthesised name).
    private func serverCPUSeconds() -> Double? {
        guard options.rssPid > 0,
              let stat = try? String(contentsOfFile: "/proc/\(options.rssPid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so utime (14) and stime (15) are fields[11] and fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func driverCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private func result() -> RunResult {
        func percent(_ seconds: Double) -> Double { (seconds / options.duration * 1000).rounded() / 10 }
        func ms(_ micros: UInt64) -> Double { (Double(micros) / 1000 * 1000).rounded() / 1000 }
        let empty = histogram.totalCount == 0
        return RunResult(
            label: options.label, mode: interval > 0 ? "open-loop" : "closed-loop", rate: options.rate,
            connections: options.connections, duration: options.duration, warmup: options.warmup,
            scheduled: scheduledMeasured, completedOK: completedOK,
            achievedRps: (Double(completionsInWindow) / options.duration * 10).rounded() / 10,
            p50Ms: empty ? 0 : ms(histogram.valueAtPercentile(50)),
            p90Ms: empty ? 0 : ms(histogram.valueAtPercentile(90)),
            p99Ms: empty ? 0 : ms(histogram.valueAtPercentile(99)),
            p999Ms: empty ? 0 : ms(histogram.valueAtPercentile(99.9)),
            maxMs: empty ? 0 : ms(histogram.max),
            meanMs: empty ? 0 : (histogram.mean / 1000 * 1000).rounded() / 1000,
            errors: errors, errorsTotal: errors.values.reduce(0, +), warmupErrors: warmupErrors,
            connectFailures: connectFailures, verified: verified, maxQueue: maxQueue,
            rssStartKiB: rssStart, rssEndKiB: rssEnd, rssPeakKiB: rssPeak,
            serverCpuPercent: serverCPUStart.flatMap { start in serverCPUEnd.map { percent($0 - start) } },
            driverCpuPercent: percent(driverCPUEnd - driverCPUStart), fixtures: checks)
    }
}

/// One keep-alive HTTPS connection carrying one request at a time (HTTP/1.1 without pipelining; the
/// API server's Go client would use HTTP/2 where the webhook offers it, which this driver does not
/// measure).
final class Connection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let run: LoadRun
    private var context: ChannelHandlerContext?
    private var current: Pending?
    private var status: UInt = 0
    private var body: ByteBuffer?
    private var verify = false
    private var timeoutTask: Scheduled<Void>?
    private var answered = 0
    private var lastError: String?

    init(run: LoadRun) { self.run = run }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        run.ready(self)
        context.fireChannelActive()
    }

    func send(_ request: Pending, fixture: Fixture, serverName: String, verify: Bool, timeout: TimeAmount) {
        guard let context else {
            run.failed(self, request: request, kind: "connection")
            return
        }
        current = request
        status = 0
        body = nil
        self.verify = verify
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: fixture.path)
        head.headers.add(name: "Host", value: serverName)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(fixture.body.readableBytes))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(fixture.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { self.timedOut() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status.code
        case .body(var part):
            guard verify else { return }
            if body == nil { body = part } else { body?.writeBuffer(&part) }
        case .end:
            timeoutTask?.cancel()
            timeoutTask = nil
            guard let request = current else { return }
            current = nil
            answered += 1
            run.completed(self, request: request, status: status, body: verify ? (body ?? ByteBuffer()) : nil)
        }
    }

    private func timedOut() {
        let request = current
        current = nil
        run.failed(self, request: request, kind: "timeout")
        close()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastError = LoadRun.kind(of: error)
        let request = current
        current = nil
        timeoutTask?.cancel()
        run.failed(self, request: request, kind: lastError ?? "connection")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeoutTask?.cancel()
        let request = current
        current = nil
        run.failed(self, request: request, kind: "connection-closed")
        run.closed(self, wasHealthy: answered > 0, error: lastError ?? (answered > 0 ? nil : "closed-before-answer"))
        context.fireChannelInactive()
    }

    /// Hands back the request on the wire, if any, so that the run can count it; the connection is
    /// then closed.
    func abandon() -> Pending? {
        let request = current
        current = nil
        timeoutTask?.cancel()
        return request
    }

    func close() { context?.close(promise: nil) }
}
