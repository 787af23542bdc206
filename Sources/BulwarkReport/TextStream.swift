import BulwarkCore

/// The output of a text reporter (table, JUnit, HTML): kept whole for `render`, or handed to a
/// sink in chunks of about 1 MiB for `write`, so a report with hundreds of thousands of findings
/// is never held in memory as one string (and then copied into bytes). `rows` encodes runs of
/// rows on all cores, in order.
struct TextStream {
    private(set) var bytes: [UInt8] = []
    private let sink: (@Sendable ([UInt8]) -> Void)?
    private let chunkSize: Int

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
        sink = nil
        chunkSize = .max
    }

    init(chunkSize: Int = 1 << 20, sink: @escaping @Sendable ([UInt8]) -> Void) {
        bytes.reserveCapacity(chunkSize + 64 * 1024)
        self.sink = sink
        self.chunkSize = chunkSize
    }

    /// The whole text `body` writes: a reporter's `render`.
    static func render(reservingCapacity capacity: Int, _ body: (inout TextStream) -> Void) -> [UInt8] {
        var stream = TextStream(reservingCapacity: capacity)
        body(&stream)
        return stream.finish()
    }

    /// Hands what `body` writes to `sink` in chunks: a reporter's `write(_:to:)`.
    static func stream(to sink: @escaping @Sendable ([UInt8]) -> Void, _ body: (inout TextStream) -> Void) {
        var stream = TextStream(sink: sink)
        body(&stream)
        _ = stream.finish()
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        flushIfNeeded()
    }

    static func += (stream: inout TextStream, text: String) {
        stream.append(text)
    }

    /// Appends `row(item)` for each item, in order, encoding batches of them on all cores.
    mutating func rows<T: Sendable>(_ items: [T], batch: Int = 256, _ row: @escaping @Sendable (T) -> String) {
        guard items.count > batch else {
            for item in items { append(row(item)) }
            return
        }
        let batches = stride(from: 0, to: items.count, by: batch).map { $0..<min($0 + batch, items.count) }
        let round = 16
        for start in stride(from: 0, to: batches.count, by: round) {
            let encoded: [[UInt8]] = Array(batches[start..<min(start + round, batches.count)]).parallelMap { range in
                var text = ""
                for index in range { text += row(items[index]) }
                return Array(text.utf8)
            }
            for fragment in encoded { bytes += fragment }
            flushIfNeeded()
        }
    }

    private mutating func flushIfNeeded() {
        guard let sink, bytes.count >= chunkSize else { return }
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// The whole text (`render`); for a streaming stream, hands the rest to the sink.
    consuming func finish() -> [UInt8] {
        guard let sink else { return bytes }
        if !bytes.isEmpty { sink(bytes) }
        return []
    }
}
