import BulwarkRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SinkFileTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bulwark-test-sinkfile-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func lines(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    static let options = QueueOptions(capacity: 10_000, batchSize: 7, flushInterval: .seconds(3600))

    @Test func rotatesBySizeAndLosesNothing() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.json").path
        let encoder = ECSEncoder(hostName: "n")
        let events = EventSamples.numbered(40)
        let lineLength = encoder.line(events[0]).utf8.count + 1
        // Four lines per file (lines differ by a digit or two in length; leave room for that).
        let maxBytes = lineLength * 4 + 8
        let sink = FileSink(path: path, maxBytes: maxBytes, keep: 20, encoder: encoder, options: Self.options)
        for event in events { sink.submit(event) }
        await sink.close()
        #expect(sink.statistics == SinkStatistics(sent: 40, dropped: 0, retries: 0))

        var files = [path]
        var index = 1
        while FileManager.default.fileExists(atPath: "\(path).\(index)") {
            files.append("\(path).\(index)")
            index += 1
        }
        #expect(files.count == 10)
        for file in files {
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? -1
            #expect(size > 0 && size <= maxBytes, "\(file) has \(size) bytes")
        }
        // Oldest first: path.9, …, path.1, path.
        let all = files.reversed().flatMap { Self.lines($0) }
        #expect(all == events.map { encoder.line($0) })
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == (["events.json"] + (1...9).map { "events.json.\($0)" }).sorted())
    }

    @Test func keepsOnlyTheNewestFiles() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.json").path
        let encoder = TetragonEncoder(nodeName: "n")
        let events = EventSamples.numbered(30)
        let maxBytes = (encoder.line(events[0]).utf8.count + 1) * 2 + 4
        let sink = FileSink(path: path, maxBytes: maxBytes, keep: 3, encoder: encoder, options: Self.options)
        for event in events { sink.submit(event) }
        await sink.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["events.json", "events.json.1", "events.json.2", "events.json.3"])
        let kept = ["\(path).3", "\(path).2", "\(path).1", path].flatMap { Self.lines($0) }
        #expect(kept == events.suffix(8).map { encoder.line($0) })
    }

    @Test func appendsToAnExistingFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.json").path
        try "earlier line\n".write(toFile: path, atomically: true, encoding: .utf8)
        let sink = FileSink(path: path, encoder: ECSEncoder(hostName: "n"), options: Self.options)
        sink.submit(EventSamples.execDenied)
        await sink.close()
        let lines = Self.lines(path)
        #expect(lines.count == 2 && lines.first == "earlier line")
    }

    @Test func unwritableFileIsRetriedThenCountedAsDropped() async throws {
        let sink = FileSink(path: "/proc/bulwark-no-such-dir/events.json", encoder: ECSEncoder(hostName: "n"),
                            options: QueueOptions(batchSize: 10, flushInterval: .seconds(3600),
                                                  retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(1))))
        sink.submit(EventSamples.execDenied)
        await sink.close()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 1, retries: 1))
        #expect(sink.lastError?.contains("/proc/bulwark-no-such-dir/events.json") == true)
    }

    @Test func stdoutSinkWritesWholeLines() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stdout.json").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let encoder = ECSEncoder(hostName: "n")
        // Two sinks on one descriptor, as two agents' threads would share stdout: lines stay whole.
        let first = StdoutSink(encoder: encoder, fileDescriptor: fd, options: Self.options)
        let second = StdoutSink(encoder: encoder, fileDescriptor: fd, options: Self.options)
        let events = EventSamples.numbered(50)
        for event in events {
            first.submit(event)
            second.submit(event)
        }
        await first.close()
        await second.close()
        let lines = Self.lines(path)
        #expect(lines.count == 100)
        let expected = Set(events.map { encoder.line($0) })
        #expect(lines.allSatisfy { expected.contains($0) })
    }

    @Test func stdoutSinkCountsFailedWrites() async {
        let sink = StdoutSink(encoder: ECSEncoder(hostName: "n"), fileDescriptor: -1, options: Self.options)
        sink.submit(EventSamples.execDenied)
        await sink.close()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 1, retries: 0))
        #expect(sink.lastError != nil)
    }
}
