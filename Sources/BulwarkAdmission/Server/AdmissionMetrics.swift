import Prometheus
import Synchronization

/// The webhook's Prometheus metrics, kept in a `PrometheusCollectorRegistry` of its own (not the process-wide
/// swift-metrics backend, so tests and several servers in one process do not share counters):
///
/// - `bulwark_admission_requests_total{operation,kind,decision}`
/// - `bulwark_admission_request_duration_seconds` (histogram, 0.25 ms … 2.5 s)
/// - `bulwark_admission_rule_evaluations_total`
/// - `bulwark_admission_violations_total{rule}`
/// - `bulwark_admission_certificate_reloads_total{result}` (`success` | `failure`)
/// - `bulwark_admission_inflight_requests` (gauge)
///
/// Label values are bounded: `kind` comes from the request body (anyone who can reach the port chooses
/// it), so it is cut to 63 characters of `[A-Za-z0-9._-]` and only the first `maximumKinds` distinct kinds
/// get a series of their own; anything else is `other`. `rule` is a rule id from the catalogue.
public final class AdmissionMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Distinct `kind` label values before new ones become `other` (the catalogue covers a few dozen kinds).
    public static let maximumKinds = 64
    /// The longest label value kept (a Kubernetes kind is a DNS-1035 label: 63 characters at most).
    public static let maximumLabelLength = 63

    private let duration: DurationHistogram
    private let ruleEvaluations: Counter
    private let inflight: Gauge
    private let seenKinds = Mutex<Set<String>>([])

    /// 0.25 ms to 2.5 s: the decision takes well under a millisecond; the top buckets show the deadline.
    static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        duration = registry.makeDurationHistogram(
            descriptor: Self.descriptor("request_duration", unit: "seconds",
                                        help: "Time from the request head to the answer, body reading included."),
            labels: [], buckets: Self.durationBuckets)
        ruleEvaluations = registry.makeCounter(descriptor: Self.descriptor(
            "rule_evaluations", unit: "total", help: "Rule evaluations made (rules times objects judged)."))
        inflight = registry.makeGauge(descriptor: Self.descriptor(
            "inflight_requests", unit: "", help: "Admission requests being answered."))
    }

    /// `bulwark_admission_<name>_<unit>`.
    private static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "bulwark", subsystem: "admission", metricName: name, unitName: unit, helpText: help)
    }

    /// One answered request (every status: reviews, 400, 404, 413, 415, timeouts).
    public func record(_ outcome: AdmissionOutcome, duration elapsed: Duration) {
        registry.makeCounter(
            descriptor: Self.descriptor("requests", unit: "total",
                                        help: "Admission requests answered, by operation, kind and decision."),
            labels: [("operation", outcome.operation.rawValue), ("kind", kindLabel(outcome.kind)),
                     ("decision", outcome.decision.rawValue)]
        ).increment()
        duration.record(elapsed)
        if outcome.rulesEvaluated > 0 { ruleEvaluations.increment(by: Int64(outcome.rulesEvaluated)) }
        for rule in outcome.violations {
            registry.makeCounter(
                descriptor: Self.descriptor("violations", unit: "total", help: "Violations found, by rule id."),
                labels: [("rule", Self.sanitized(rule, extra: ["/"]))]
            ).increment()
        }
    }

    /// A certificate reload attempt: the new pair is in use (`success`) or was refused and the old one kept.
    public func recordCertificateReload(success: Bool) {
        registry.makeCounter(
            descriptor: Self.descriptor("certificate_reloads", unit: "total",
                                        help: "Certificate and key reloads, by result."),
            labels: [("result", success ? "success" : "failure")]
        ).increment()
    }

    public func requestStarted() { inflight.increment() }
    public func requestFinished() { inflight.decrement() }

    /// The Prometheus text exposition format 0.0.4.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// The `kind` label for a kind from a request: sanitised, and `other` once `maximumKinds` are taken.
    func kindLabel(_ kind: String) -> String {
        let label = Self.sanitized(kind)
        if label == "other" { return label }
        return seenKinds.withLock { seen in
            if seen.contains(label) { return label }
            guard seen.count < Self.maximumKinds else { return "other" }
            seen.insert(label)
            return label
        }
    }

    /// `value` when it is 1–63 characters of `[A-Za-z0-9._-]` (plus `extra`), else `other`.
    static func sanitized(_ value: String, extra: Set<Character> = []) -> String {
        guard !value.isEmpty, value.utf8.count <= maximumLabelLength else { return "other" }
        for character in value {
            guard character.isASCII, character.isLetter || character.isNumber || "._-".contains(character)
                || extra.contains(character) else { return "other" }
        }
        return value
    }
}
