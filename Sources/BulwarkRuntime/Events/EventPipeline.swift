import Foundation

/// Fans every event out to all configured sinks and counts the decisions. Like the sinks, `submit` never waits.
public final class EventPipeline: Sendable {
    public let sinks: [any RuntimeEventSink]
    public let metrics: RuntimeMetrics?

    public init(sinks: [any RuntimeEventSink], metrics: RuntimeMetrics? = nil) {
        self.sinks = sinks
        self.metrics = metrics
    }

    public func submit(_ event: RuntimeEvent) {
        metrics?.recordDecision(event)
        for sink in sinks { sink.submit(event) }
    }

    public func flush() async {
        for sink in sinks { await sink.flush() }
    }

    public func close() async {
        for sink in sinks { await sink.close() }
    }

    /// Per sink, in configuration order.
    public var statistics: [(name: String, statistics: SinkStatistics)] {
        sinks.map { ($0.name, $0.statistics) }
    }
}
