import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the exposition to a `.prom` file for node_exporter's textfile collector (`--metrics-file`):
/// to a temporary file in the same directory, `fsync`, then `rename`, so the collector never reads half a file.
public struct MetricsTextfileWriter: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    public func write(_ metrics: RuntimeMetrics) throws(EventSinkError) {
        try write(text: metrics.exposition())
    }

    public func write(text: String) throws(EventSinkError) {
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EventSinkError("\(temporary): cannot create: \(String(cString: strerror(errno)))") }
        do {
            try FileDescriptorIO.writeAll(fd, Array(text.utf8))
            guard fsync(fd) == 0 else { throw EventSinkError("fsync failed: \(String(cString: strerror(errno)))") }
        } catch {
            close(fd)
            unlink(temporary)
            throw EventSinkError("\(temporary): \(error)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw EventSinkError("\(path): cannot rename \(temporary) into place: \(reason)")
        }
    }
}
