import BulwarkRuntime
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite struct MetricsTests {
    @Test func countersAppearInTheExposition() {
        let metrics = RuntimeMetrics()
        metrics.recordDecision(EventSamples.execDenied)
        metrics.recordDecision(EventSamples.execDenied)
        metrics.recordDecision(EventSamples.connectDenied)
        metrics.recordSent(sink: "file", count: 3)
        metrics.recordDropped(sink: "syslog", count: 2)
        metrics.recordKernelDropped(7)
        metrics.setEnforcedCgroups(4)
        let text = metrics.exposition()
        #expect(text.contains(#"bulwark_runtime_decisions_total{kind="exec",decision="denied",backend="lsm"} 2"#))
        #expect(text.contains(
            #"bulwark_runtime_decisions_total{kind="connect",decision="denied",backend="cgroup-sock-addr"} 1"#))
        #expect(text.contains(#"bulwark_runtime_events_sent_total{sink="file"} 3"#))
        #expect(text.contains(#"bulwark_runtime_events_dropped_total{sink="syslog"} 2"#))
        #expect(text.contains("bulwark_runtime_kernel_events_dropped_total 7"))
        #expect(text.contains("bulwark_runtime_enforced_cgroups 4"))
        #expect(text.contains("# TYPE bulwark_runtime_decisions_total counter"))
    }

    @Test func sinksFeedTheDropAndSentCounters() async throws {
        let metrics = RuntimeMetrics()
        let configuration = try EventSinkConfiguration.parse("stdout")
        let sink = try configuration.makeSink(
            format: .ecs, hostName: "n", queue: QueueOptions(capacity: 1, batchSize: 100, flushInterval: .seconds(3600)),
            metrics: metrics)
        // Capacity 1: the second and third are dropped before anything is written.
        sink.submit(EventSamples.execDenied)
        sink.submit(EventSamples.execDenied)
        sink.submit(EventSamples.execDenied)
        await sink.close()
        #expect(sink.statistics.dropped == 2)
        #expect(metrics.exposition().contains(#"bulwark_runtime_events_dropped_total{sink="stdout"} 2"#))
        #expect(metrics.exposition().contains(#"bulwark_runtime_events_sent_total{sink="stdout"} 1"#))
    }

    /// Sends one raw HTTP/1.1 request with `Connection: close` and returns the whole response.
    static func httpGet(port: Int, path: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            var response = ""
            for try await buffer in inbound {
                response += String(buffer: buffer)
            }
            return response
        }
    }

    @Test func serverAnswersMetricsAndNotFound() async throws {
        let metrics = RuntimeMetrics()
        metrics.recordDecision(EventSamples.execKilled)
        metrics.recordKernelDropped(1)
        let server = MetricsServer(metrics: metrics, host: "127.0.0.1", port: 0)
        let port = try await server.start()
        do {
            let response = try await Self.httpGet(port: port, path: "/metrics")
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(response.contains("text/plain; version=0.0.4"))
            #expect(response.contains(
                #"bulwark_runtime_decisions_total{kind="exec",decision="killed",backend="tracepoint-kill"} 1"#))
            #expect(response.contains("bulwark_runtime_kernel_events_dropped_total 1"))
            let missing = try await Self.httpGet(port: port, path: "/")
            #expect(missing.hasPrefix("HTTP/1.1 404 Not Found"))
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func textfileIsWrittenAtomically() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bulwark-test-metrics-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bulwark.prom").path
        let metrics = RuntimeMetrics()
        metrics.setEnforcedCgroups(2)
        try MetricsTextfileWriter(path: path).write(metrics)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == metrics.exposition())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bulwark.prom"])
        #expect(throws: EventSinkError.self) {
            try MetricsTextfileWriter(path: directory.appendingPathComponent("no/such/dir.prom").path).write(metrics)
        }
    }
}
