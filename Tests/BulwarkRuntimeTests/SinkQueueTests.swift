import BulwarkRuntime
import Foundation
import Synchronization
import Testing

/// Records what a transport was given and answers from a script.
final class ScriptedTransport: Sendable {
    let batches = Mutex<[[Int32]]>([])
    let answers: Mutex<[@Sendable (Int) -> DeliveryResult]>
    /// While locked "closed", the transport waits (to fill the queue).
    let gate = Mutex(true)

    init(answers: [@Sendable (Int) -> DeliveryResult] = []) {
        self.answers = Mutex(answers)
    }

    func deliver(_ events: [RuntimeEvent]) async -> DeliveryResult {
        while !gate.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
        batches.withLock { $0.append(events.map(\.process.pid)) }
        let answer = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        return answer?(events.count) ?? .all(events.count)
    }
}

@Suite struct SinkQueueTests {
    /// No timer flushes in these tests: only full batches and explicit flushes move events.
    static func options(capacity: Int = 100, batchSize: Int = 10, attempts: Int = 4) -> QueueOptions {
        QueueOptions(capacity: capacity, batchSize: batchSize, flushInterval: .seconds(3600),
                     retry: RetryPolicy(maxAttempts: attempts, initialDelay: .milliseconds(100), maxDelay: .seconds(1)))
    }

    @Test func batchesByCountAndKeepsOrder() async {
        let transport = ScriptedTransport()
        let queue = EventDeliveryQueue(options: Self.options(batchSize: 4), transport: transport.deliver)
        for event in EventSamples.numbered(10) { queue.submit(event) }
        await queue.flush()
        let batches = transport.batches.withLock { $0 }
        #expect(batches.flatMap { $0 } == Array(0..<10))
        #expect(batches.allSatisfy { $0.count <= 4 })
        #expect(queue.statistics == SinkStatistics(sent: 10, dropped: 0, retries: 0))
        await queue.close()
    }

    @Test func overflowIsCountedAsDropped() async {
        let transport = ScriptedTransport()
        transport.gate.withLock { $0 = false }
        let queue = EventDeliveryQueue(options: Self.options(capacity: 5, batchSize: 1000), transport: transport.deliver)
        for event in EventSamples.numbered(12) { queue.submit(event) }
        #expect(queue.statistics.dropped == 7)
        #expect(queue.pending == 5)
        transport.gate.withLock { $0 = true }
        await queue.flush()
        #expect(queue.statistics.sent == 5)
        #expect(transport.batches.withLock { $0.flatMap { $0 } } == Array(0..<5))
        await queue.close()
        queue.submit(EventSamples.execDenied)
        #expect(queue.statistics.dropped == 8)
    }

    @Test func retriesRetryableFailuresWithBackoff() async {
        let transport = ScriptedTransport(answers: [
            { .retryAll($0, "503") }, { .retryAll($0, "connection refused") }, { .all($0) },
        ])
        let delays = Mutex<[Duration]>([])
        let queue = EventDeliveryQueue(options: Self.options(), transport: transport.deliver,
                                       sleep: { delay in delays.withLock { $0.append(delay) } })
        for event in EventSamples.numbered(3) { queue.submit(event) }
        await queue.flush()
        #expect(queue.statistics == SinkStatistics(sent: 3, dropped: 0, retries: 2))
        #expect(transport.batches.withLock { $0.count } == 3)
        let waits = delays.withLock { $0 }
        #expect(waits.count == 2)
        // Jitter scales each delay into [d/2, d]: 50…100 ms, then 100…200 ms.
        #expect(waits.count == 2 && waits[0] <= .milliseconds(100) && waits[0] >= .milliseconds(50))
        #expect(waits.count == 2 && waits[1] <= .milliseconds(200) && waits[1] >= .milliseconds(100))
        await queue.close()
    }

    @Test func givesUpAfterMaxAttemptsAndCountsDrops() async {
        let transport = ScriptedTransport(answers: Array(repeating: { .retryAll($0, "503") }, count: 10))
        let queue = EventDeliveryQueue(options: Self.options(attempts: 3), transport: transport.deliver, sleep: { _ in })
        for event in EventSamples.numbered(2) { queue.submit(event) }
        await queue.flush()
        #expect(queue.statistics == SinkStatistics(sent: 0, dropped: 2, retries: 2))
        #expect(queue.lastError == "503")
        await queue.close()
    }

    @Test func rejectedIsNotRetried() async {
        let transport = ScriptedTransport(answers: [{ .rejectAll($0, "HTTP 400") }])
        let queue = EventDeliveryQueue(options: Self.options(), transport: transport.deliver, sleep: { _ in })
        for event in EventSamples.numbered(4) { queue.submit(event) }
        await queue.flush()
        #expect(queue.statistics == SinkStatistics(sent: 0, dropped: 4, retries: 0))
        #expect(transport.batches.withLock { $0.count } == 1)
        await queue.close()
    }

    @Test func retriesOnlyTheFailedItems() async {
        let transport = ScriptedTransport(answers: [
            { _ in DeliveryResult(delivered: 2, retryable: [1, 3], rejected: 1) }, { .all($0) },
        ])
        let queue = EventDeliveryQueue(options: Self.options(), transport: transport.deliver, sleep: { _ in })
        for event in EventSamples.numbered(5) { queue.submit(event) }
        await queue.flush()
        #expect(transport.batches.withLock { $0 } == [[0, 1, 2, 3, 4], [1, 3]])
        #expect(queue.statistics == SinkStatistics(sent: 4, dropped: 1, retries: 1))
        await queue.close()
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .milliseconds(100), maxDelay: .milliseconds(500), jitter: 0.5)
        #expect(policy.delay(beforeRetry: 1, random: 0) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 2, random: 0) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 4, random: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 9, random: 1) == .milliseconds(250))
    }

    @Test func pipelineFansOutAndCounts() async {
        let first = ScriptedTransport()
        let second = ScriptedTransport()
        let metrics = RuntimeMetrics()
        let sinks: [any RuntimeEventSink] = [
            QueueBackedTestSink(name: "a", queue: EventDeliveryQueue(options: Self.options(), transport: first.deliver)),
            QueueBackedTestSink(name: "b", queue: EventDeliveryQueue(options: Self.options(), transport: second.deliver)),
        ]
        let pipeline = EventPipeline(sinks: sinks, metrics: metrics)
        for event in EventSamples.all { pipeline.submit(event) }
        await pipeline.close()
        #expect(pipeline.statistics.map(\.statistics.sent) == [5, 5])
        #expect(metrics.exposition().contains(#"bulwark_runtime_decisions_total{kind="exec",decision="denied",backend="lsm"} 1"#))
    }
}

struct QueueBackedTestSink: RuntimeEventSink {
    let name: String
    let queue: EventDeliveryQueue
    func submit(_ event: RuntimeEvent) { queue.submit(event) }
    func flush() async { await queue.flush() }
    func close() async { await queue.close() }
    var statistics: SinkStatistics { queue.statistics }
}
