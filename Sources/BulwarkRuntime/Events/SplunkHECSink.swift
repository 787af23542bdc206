import Foundation

/// Splunk HTTP Event Collector: `POST /services/collector/event` with `Authorization: Splunk <token>` and a
/// body of concatenated JSON objects (`{"event":…,"host":…,"source":"bulwark","sourcetype":"bulwark:runtime",
/// "time":<epoch seconds>}`), one per event. HEC accepts or refuses a request as a whole, so a batch is
/// retried whole (429, 5xx, no answer) or dropped whole (other 4xx).
public final class SplunkHECSink: QueuedEventSink {
    public let name = "splunk-hec"
    public let deliveryQueue: EventDeliveryQueue
    private let poster: HTTPEventPoster

    public init(endpoint: HTTPSinkEndpoint, hostName: String, encoder: any RuntimeEventEncoder,
                options: QueueOptions = QueueOptions(),
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        let poster = HTTPEventPoster(endpoint: endpoint)
        self.poster = poster
        deliveryQueue = EventDeliveryQueue(options: options, transport: { events in
            let body = SplunkHECSink.body(events, hostName: hostName, encoder: encoder)
            switch await poster.post(path: "/services/collector/event", contentType: "application/json", body: body) {
            case .transportError(let error):
                return .retryAll(events.count, "splunk-hec: \(error)")
            case .response(let status, let responseBody):
                if (200..<300).contains(status) { return .all(events.count) }
                let reason = "splunk-hec: HTTP \(status) \(String(decoding: responseBody.prefix(200), as: UTF8.self))"
                return HTTPPostOutcome.isRetryable(status: status)
                    ? .retryAll(events.count, reason) : .rejectAll(events.count, reason)
            }
        }, sleep: sleep, onDrop: onDrop, onSent: onSent)
    }

    /// The request body: one HEC envelope per event, concatenated without separators (newlines are allowed
    /// by HEC too; none keeps the body byte-exact for tests).
    static func body(_ events: [RuntimeEvent], hostName: String, encoder: any RuntimeEventEncoder) -> [UInt8] {
        var text = ""
        for event in events {
            let envelope: JSONValue = .object([
                "time": .number(epochSeconds(event.timestamp)),
                "host": .string(hostName),
                "source": .string("bulwark"),
                "sourcetype": .string("bulwark:runtime"),
                "event": encoder.encode(event),
            ])
            envelope.write(into: &text)
        }
        return Array(text.utf8)
    }

    /// Seconds since the epoch with milliseconds (`1700000000.123`), what HEC's `time` takes.
    static func epochSeconds(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        let digits = String(fraction)
        return "\(seconds)." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    public func close() async {
        await deliveryQueue.close()
        await poster.shutdown()
    }
}
