import Foundation
import Synchronization

/// How a sink retries a batch that failed for a reason that may pass (connection refused or reset, HTTP 429,
/// HTTP 5xx): exponential backoff with jitter, a bounded number of attempts, then the batch is dropped and
/// counted. Other failures (HTTP 4xx: the request itself is wrong) are never retried.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// Each delay is scaled by a random factor in `1 - jitter ... 1`, so agents that failed together do not
    /// retry together.
    public var jitter: Double

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
                jitter: Double = 0.5) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(retry, 1) {
            delay = delay * 2
            if delay >= maxDelay { break }
        }
        delay = min(delay, maxDelay)
        return delay * (1 - jitter * min(max(random, 0), 1))
    }
}

/// How a sink queues and batches (`capacity` bounds memory; a full queue drops the new event and counts it).
public struct QueueOptions: Sendable, Hashable {
    public var capacity: Int
    public var batchSize: Int
    /// A partial batch is sent at the latest after this long.
    public var flushInterval: Duration
    public var retry: RetryPolicy

    public init(capacity: Int = 10_000, batchSize: Int = 100, flushInterval: Duration = .seconds(1),
                retry: RetryPolicy = RetryPolicy()) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        self.retry = retry
    }
}

/// What a transport did with a batch.
public struct DeliveryResult: Sendable {
    /// Events accepted by the receiver.
    public var delivered: Int
    /// Indexes (into the batch given) worth sending again.
    public var retryable: [Int]
    /// Events the receiver refused for good (counted as dropped).
    public var rejected: Int
    /// Why something was not delivered, for the sink's last error.
    public var error: String?

    public init(delivered: Int, retryable: [Int] = [], rejected: Int = 0, error: String? = nil) {
        self.delivered = delivered
        self.retryable = retryable
        self.rejected = rejected
        self.error = error
    }

    public static func all(_ count: Int) -> DeliveryResult { DeliveryResult(delivered: count) }
    public static func retryAll(_ count: Int, _ error: String) -> DeliveryResult {
        DeliveryResult(delivered: 0, retryable: Array(0..<count), error: error)
    }
    public static func rejectAll(_ count: Int, _ error: String) -> DeliveryResult {
        DeliveryResult(delivered: 0, rejected: count, error: error)
    }
}

/// The queue, batcher and retry loop every sink shares. `submit` only takes a lock and appends (or counts a
/// drop); one worker task takes batches off the queue (when a batch is full, on a timer, or on `flush`) and
/// hands them to the transport, one batch at a time so events keep their order.
public final class EventDeliveryQueue: Sendable {
    public typealias Transport = @Sendable ([RuntimeEvent]) async -> DeliveryResult

    private enum Command: Sendable {
        case batchReady
        case tick
        case flush(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var queue: [RuntimeEvent] = []
        var head = 0
        var statistics = SinkStatistics()
        var lastError: String?
        var wakePending = false
        var closed = false
        var pendingCount: Int { queue.count - head }
    }

    /// The lock lives in a class of its own so the worker task can share it without holding the queue.
    private final class Storage: Sendable {
        let state = Mutex(State())
    }

    public let options: QueueOptions
    private let storage = Storage()
    private let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation
    private let worker: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let timer: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let sleep: @Sendable (Duration) async -> Void
    /// Called with the number of events dropped, for metrics.
    private let onDrop: @Sendable (Int) -> Void
    private let onSent: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - sleep: how to wait between retries (tests pass one that returns at once).
    ///   - onDrop / onSent: counters outside the sink (Prometheus).
    public init(options: QueueOptions, transport: @escaping Transport,
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.options = options
        self.sleep = sleep
        self.onDrop = onDrop
        self.onSent = onSent
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
        let commands = self.commands
        let state = self.storage
        let worker = Task { [options, sleep, onDrop, onSent] in
            for await command in commands {
                switch command {
                case .batchReady:
                    state.state.withLock { $0.wakePending = false }
                    await EventDeliveryQueue.drain(state: state, options: options, onlyFull: true, transport: transport,
                                                   sleep: sleep, onDrop: onDrop, onSent: onSent)
                case .tick:
                    await EventDeliveryQueue.drain(state: state, options: options, onlyFull: false, transport: transport,
                                                   sleep: sleep, onDrop: onDrop, onSent: onSent)
                case .flush(let continuation):
                    await EventDeliveryQueue.drain(state: state, options: options, onlyFull: false, transport: transport,
                                                   sleep: sleep, onDrop: onDrop, onSent: onSent)
                    continuation.resume()
                }
            }
        }
        self.worker.withLock { $0 = worker }
        let sink = commandSink
        let interval = options.flushInterval
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                sink.yield(.tick)
            }
        }
        self.timer.withLock { $0 = timer }
    }

    deinit {
        timer.withLock { $0?.cancel() }
        commandSink.finish()
    }

    /// Queues the event, or counts it as dropped when the queue is full or closed. Never waits.
    public func submit(_ event: RuntimeEvent) {
        let (accepted, wake) = storage.state.withLock { state -> (Bool, Bool) in
            guard !state.closed, state.pendingCount < options.capacity else {
                state.statistics.dropped += 1
                return (false, false)
            }
            state.queue.append(event)
            if state.pendingCount >= options.batchSize && !state.wakePending {
                state.wakePending = true
                return (true, true)
            }
            return (true, false)
        }
        if !accepted {
            onDrop(1)
        } else if wake {
            commandSink.yield(.batchReady)
        }
    }

    /// Sends everything queued before the call; returns when it is delivered or given up.
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if case .terminated = commandSink.yield(.flush(continuation)) {
                continuation.resume()
            }
        }
    }

    /// Flushes, then refuses further events (counted as dropped) and stops the worker.
    public func close() async {
        await flush()
        storage.state.withLock { $0.closed = true }
        timer.withLock { $0?.cancel() }
        commandSink.finish()
        let worker = self.worker.withLock { $0 }
        await worker?.value
    }

    public var statistics: SinkStatistics { storage.state.withLock { $0.statistics } }
    public var pending: Int { storage.state.withLock { $0.pendingCount } }
    /// The last delivery error, for logs.
    public var lastError: String? { storage.state.withLock { $0.lastError } }

    private static func drain(state storage: Storage, options: QueueOptions, onlyFull: Bool, transport: Transport,
                              sleep: @Sendable (Duration) async -> Void, onDrop: @Sendable (Int) -> Void,
                              onSent: @Sendable (Int) -> Void) async {
        while true {
            let batch = storage.state.withLock { state -> [RuntimeEvent] in
                let available = state.pendingCount
                if available == 0 || (onlyFull && available < options.batchSize) { return [] }
                let count = min(available, options.batchSize)
                let batch = Array(state.queue[state.head..<(state.head + count)])
                state.head += count
                // Compact once the consumed prefix dominates, so the array does not grow forever.
                if state.head > 1024 && state.head * 2 > state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return batch
            }
            if batch.isEmpty { return }
            await deliver(batch, state: storage, retry: options.retry, transport: transport, sleep: sleep,
                          onDrop: onDrop, onSent: onSent)
        }
    }

    private static func deliver(_ batch: [RuntimeEvent], state storage: Storage, retry: RetryPolicy, transport: Transport,
                                sleep: @Sendable (Duration) async -> Void, onDrop: @Sendable (Int) -> Void,
                                onSent: @Sendable (Int) -> Void) async {
        var pending = batch
        var attempt = 1
        while !pending.isEmpty {
            let result = await transport(pending)
            let retryable = result.retryable.filter { pending.indices.contains($0) }
            let giveUp = attempt >= retry.maxAttempts
            let dropped = result.rejected + (giveUp ? retryable.count : 0)
            storage.state.withLock { state in
                state.statistics.sent += result.delivered
                state.statistics.dropped += dropped
                if !giveUp && !retryable.isEmpty { state.statistics.retries += 1 }
                if let error = result.error { state.lastError = error }
            }
            if result.delivered > 0 { onSent(result.delivered) }
            if dropped > 0 { onDrop(dropped) }
            if giveUp || retryable.isEmpty { return }
            pending = retryable.map { pending[$0] }
            await sleep(retry.delay(beforeRetry: attempt))
            attempt += 1
        }
    }
}

/// A sink whose delivery is an `EventDeliveryQueue` (all of ours): the queue answers `submit`, `flush`,
/// `statistics` and `lastError`, and `close` unless the sink has a connection of its own to close after it.
public protocol QueuedEventSink: RuntimeEventSink {
    var deliveryQueue: EventDeliveryQueue { get }
}

extension QueuedEventSink {
    public func submit(_ event: RuntimeEvent) { deliveryQueue.submit(event) }
    public func flush() async { await deliveryQueue.flush() }
    public func close() async { await deliveryQueue.close() }
    public var statistics: SinkStatistics { deliveryQueue.statistics }
    public var lastError: String? { deliveryQueue.lastError }
}
