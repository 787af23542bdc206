import Foundation
import Prometheus

/// The agent's Prometheus metrics, kept in a `PrometheusCollectorRegistry` of its own (not the process-wide
/// swift-metrics backend, so tests and several agents in one process do not share counters):
///
/// - `bulwark_runtime_decisions_total{kind,decision,backend}`
/// - `bulwark_runtime_events_sent_total{sink}` / `bulwark_runtime_events_dropped_total{sink}`
/// - `bulwark_runtime_kernel_events_dropped_total` (ring-buffer reservations that failed in the kernel)
/// - `bulwark_runtime_enforced_cgroups` (gauge)
public final class RuntimeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let kernelDropped: Counter
    private let enforcedCgroups: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        kernelDropped = registry.makeCounter(descriptor: Self.descriptor(
            "kernel_events_dropped", unit: "total", help: "Events the kernel side could not put on the ring buffer."))
        enforcedCgroups = registry.makeGauge(descriptor: Self.descriptor(
            "enforced_cgroups", unit: "", help: "Cgroups a runtime policy is enforced on."))
    }

    /// `bulwark_runtime_<name>_<unit>`.
    private static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "bulwark", subsystem: "runtime", metricName: name, unitName: unit, helpText: help)
    }

    public func recordDecision(_ event: RuntimeEvent) {
        registry.makeCounter(
            descriptor: Self.descriptor("decisions", unit: "total",
                                        help: "Decisions the runtime took, by operation, decision and backend."),
            labels: [("kind", event.kind.rawValue), ("decision", event.decision.rawValue),
                     ("backend", event.backend.rawValue)]
        ).increment()
    }

    public func recordSent(sink: String, count: Int) {
        registry.makeCounter(descriptor: Self.descriptor("events_sent", unit: "total", help: "Events a sink delivered."),
                             labels: [("sink", sink)]).increment(by: Int64(count))
    }

    public func recordDropped(sink: String, count: Int) {
        registry.makeCounter(
            descriptor: Self.descriptor("events_dropped", unit: "total",
                                        help: "Events a sink dropped (queue full, refused, retries exhausted)."),
            labels: [("sink", sink)]).increment(by: Int64(count))
    }

    /// `count` more kernel-side drops (the reader passes the growth of the BPF drop counter).
    public func recordKernelDropped(_ count: Int) {
        guard count > 0 else { return }
        kernelDropped.increment(by: Int64(count))
    }

    public func setEnforcedCgroups(_ count: Int) {
        enforcedCgroups.set(to: Double(count))
    }

    /// The Prometheus text exposition format 0.0.4.
    public func exposition() -> String {
        registry.emitToString()
    }
}
