import Foundation

/// Elasticsearch `_bulk`: `POST /_bulk` with `Content-Type: application/x-ndjson`, for each event the action
/// line `{"create":{"_index":"<index>"}}` and the document, and a final newline. `create` works for plain
/// indices and for data streams (which refuse `index`). The response says per item what happened: items
/// with 429/5xx are sent again, items refused otherwise (mapping conflicts) are dropped and counted.
public final class ElasticsearchSink: QueuedEventSink {
    public let name = "elasticsearch"
    public let index: String
    public let deliveryQueue: EventDeliveryQueue
    private let poster: HTTPEventPoster

    public init(endpoint: HTTPSinkEndpoint, index: String, encoder: any RuntimeEventEncoder,
                options: QueueOptions = QueueOptions(),
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        let poster = HTTPEventPoster(endpoint: endpoint)
        self.poster = poster
        self.index = index
        deliveryQueue = EventDeliveryQueue(options: options, transport: { events in
            let body = ElasticsearchSink.body(events, index: index, encoder: encoder)
            switch await poster.post(path: "/_bulk", contentType: "application/x-ndjson", body: body) {
            case .transportError(let error):
                return .retryAll(events.count, "elasticsearch: \(error)")
            case .response(let status, let responseBody):
                guard (200..<300).contains(status) else {
                    let reason = "elasticsearch: HTTP \(status) \(String(decoding: responseBody.prefix(200), as: UTF8.self))"
                    return HTTPPostOutcome.isRetryable(status: status)
                        ? .retryAll(events.count, reason) : .rejectAll(events.count, reason)
                }
                return ElasticsearchSink.itemResults(responseBody, count: events.count)
            }
        }, sleep: sleep, onDrop: onDrop, onSent: onSent)
    }

    static func body(_ events: [RuntimeEvent], index: String, encoder: any RuntimeEventEncoder) -> [UInt8] {
        let action = JSONValue.object(["create": .object(["_index": .string(index)])]).text
        var text = ""
        for event in events {
            text += action + "\n"
            encoder.encode(event).write(into: &text)
            text += "\n"
        }
        return Array(text.utf8)
    }

    /// Reads `errors` and `items[].<action>.status` of a 2xx bulk response. A response that cannot be read is
    /// taken as delivered: the request was accepted, and sending it again would duplicate documents.
    static func itemResults(_ body: [UInt8], count: Int) -> DeliveryResult {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return DeliveryResult(delivered: count, error: "elasticsearch: unreadable _bulk response")
        }
        if let errors = object["errors"] as? Bool, !errors { return .all(count) }
        guard let items = object["items"] as? [[String: Any]], items.count == count else {
            return DeliveryResult(delivered: count, error: "elasticsearch: _bulk response without one item per document")
        }
        var result = DeliveryResult(delivered: 0)
        for (position, item) in items.enumerated() {
            let detail = item.values.first as? [String: Any]
            let status = (detail?["status"] as? Int) ?? 0
            if (200..<300).contains(status) {
                result.delivered += 1
            } else {
                if HTTPPostOutcome.isRetryable(status: status) {
                    result.retryable.append(position)
                } else {
                    result.rejected += 1
                }
                let error = detail?["error"] as? [String: Any]
                result.error = "elasticsearch: item \(position) HTTP \(status) \(error?["type"] as? String ?? "")"
            }
        }
        return result
    }

    public func close() async {
        await deliveryQueue.close()
        await poster.shutdown()
    }
}
