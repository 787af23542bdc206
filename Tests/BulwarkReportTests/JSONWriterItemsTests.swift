import BulwarkCore
import BulwarkReport
import Synchronization
import Testing

/// `JSONWriter.items` encodes array members on all cores; the bytes must be those of writing
/// them one by one, in memory and streamed, whatever the count and nesting.
@Suite struct JSONWriterItemsTests {
    static func member(_ number: Int, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("n", number)
        writer.field("text", "line \"\(number)\"\n\u{2028}é")
        writer.key("list")
        writer.beginArray()
        for value in 0..<(number % 3) { writer.int(value) }
        writer.endArray()
        writer.endObject()
    }

    static func document(_ count: Int, parallel: Bool, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("before", true)
        writer.key("outer")
        writer.beginArray()
        writer.int(-1)
        writer.beginArray()
        let numbers = Array(0..<count)
        if parallel {
            writer.items(numbers, batch: 7) { number, writer in member(number, &writer) }
        } else {
            for number in numbers { member(number, &writer) }
        }
        writer.endArray()
        writer.endArray()
        writer.field("after", 1)
        writer.endObject()
    }

    @Test(arguments: [0, 1, 6, 7, 8, 111, 7 * 16, 7 * 16 + 1, 2_000])
    func parallelItemsWriteTheSameBytes(_ count: Int) {
        var sequential = JSONWriter()
        Self.document(count, parallel: false, into: &sequential)
        var parallel = JSONWriter()
        Self.document(count, parallel: true, into: &parallel)
        #expect(parallel.finish() == sequential.finish())

        let chunks = Mutex<[[UInt8]]>([])
        var streamed = JSONWriter(chunkSize: 512) { chunk in chunks.withLock { $0.append(chunk) } }
        Self.document(count, parallel: true, into: &streamed)
        let tail = streamed.finish()
        var reference = JSONWriter()
        Self.document(count, parallel: false, into: &reference)
        #expect(chunks.withLock { $0.flatMap { $0 } } + tail == reference.finish())
    }
}
