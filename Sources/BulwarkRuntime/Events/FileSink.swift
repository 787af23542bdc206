import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// JSON lines appended to a file, rotated by size: when the next line would pass `maxBytes`, `path.N-1` moves
/// to `path.N` (the oldest is removed), …, `path` to `path.1`, and a new `path` is started. Each batch ends
/// with `fsync`, so a flushed event survives a crash of the node.
public final class FileSink: QueuedEventSink {
    public let name = "file"
    public let path: String
    public let deliveryQueue: EventDeliveryQueue

    public init(path: String, maxBytes: Int = 10 * 1024 * 1024, keep: Int = 5, encoder: any RuntimeEventEncoder,
                options: QueueOptions = QueueOptions(batchSize: 256, flushInterval: .milliseconds(500)),
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.path = path
        let writer = RotatingFile(path: path, maxBytes: max(1, maxBytes), keep: max(0, keep))
        deliveryQueue = EventDeliveryQueue(options: options, transport: { events in
            writer.append(events.map { Array((encoder.line($0) + "\n").utf8) })
        }, onDrop: onDrop, onSent: onSent)
    }

}

/// The file and its size; only the delivery worker touches it, the lock makes that checkable.
final class RotatingFile: Sendable {
    private struct State {
        var fd: Int32 = -1
        var size = 0
    }

    let path: String
    let maxBytes: Int
    let keep: Int
    private let state = Mutex(State())

    init(path: String, maxBytes: Int, keep: Int) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
    }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    func append(_ lines: [[UInt8]]) -> DeliveryResult {
        state.withLock { state in
            var delivered = 0
            for (index, line) in lines.enumerated() {
                do {
                    if state.fd >= 0 && state.size > 0 && state.size + line.count > maxBytes {
                        try rotate(&state)
                    }
                    if state.fd < 0 { try open(&state) }
                    try FileDescriptorIO.writeAll(state.fd, line)
                    state.size += line.count
                    delivered += 1
                } catch {
                    // The disk may come back (full disk, rotated away by an operator): retry what is left.
                    if state.fd >= 0 { close(state.fd) }
                    state.fd = -1
                    return DeliveryResult(delivered: delivered, retryable: Array(index..<lines.count),
                                          error: "\(path): \(error)")
                }
            }
            if state.fd >= 0 && fsync(state.fd) != 0 {
                return DeliveryResult(delivered: delivered, error: "\(path): fsync failed: \(String(cString: strerror(errno)))")
            }
            return DeliveryResult(delivered: delivered)
        }
    }

    private func open(_ state: inout State) throws(EventSinkError) {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw EventSinkError("cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        state.size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        state.fd = fd
    }

    private func rotate(_ state: inout State) throws(EventSinkError) {
        _ = fsync(state.fd)
        close(state.fd)
        state.fd = -1
        state.size = 0
        if keep == 0 {
            guard unlink(path) == 0 || errno == ENOENT else {
                throw EventSinkError("cannot remove for rotation: \(String(cString: strerror(errno)))")
            }
            return
        }
        _ = unlink("\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) {
            _ = rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        guard rename(path, "\(path).1") == 0 || errno == ENOENT else {
            throw EventSinkError("cannot rotate to \(path).1: \(String(cString: strerror(errno)))")
        }
    }
}
