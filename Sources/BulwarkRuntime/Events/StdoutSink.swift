import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors of the sinks' own I/O, with the path or address they were about.
public struct EventSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

enum FileDescriptorIO {
    /// Writes all bytes with as few `write(2)` calls as the kernel allows; one call per line in practice, so
    /// lines from different writers to the same pipe (≤ PIPE_BUF) cannot interleave.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(EventSinkError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw EventSinkError("write to descriptor \(fd) failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// JSON lines on standard output (or any descriptor the caller owns), one `write(2)` per line.
public final class StdoutSink: QueuedEventSink {
    public let name: String
    public let deliveryQueue: EventDeliveryQueue

    /// - Parameter fileDescriptor: 1 for standard output; tests pass a pipe or a file.
    public init(encoder: any RuntimeEventEncoder, fileDescriptor: Int32 = STDOUT_FILENO, name: String = "stdout",
                options: QueueOptions = QueueOptions(batchSize: 64, flushInterval: .milliseconds(200)),
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.name = name
        deliveryQueue = EventDeliveryQueue(options: options, transport: { events in
            var delivered = 0
            var failure: String?
            for event in events {
                do {
                    try FileDescriptorIO.writeAll(fileDescriptor, Array((encoder.line(event) + "\n").utf8))
                    delivered += 1
                } catch {
                    failure = "\(error)"
                }
            }
            // A failed write to stdout is not retried: the descriptor does not recover, and retrying would
            // duplicate the lines that did go through.
            return DeliveryResult(delivered: delivered, rejected: events.count - delivered, error: failure)
        }, onDrop: onDrop, onSent: onSent)
    }

}
