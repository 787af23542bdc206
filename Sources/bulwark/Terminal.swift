import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Standard output and error without glibc's non-Sendable globals (Swift 6).
enum Terminal {
    static var isTerminal: Bool { isatty(1) == 1 }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func write(_ text: String) { write(Array(text.utf8)) }

    static func error(_ text: String) {
        let line = Array(("bulwark: " + text + "\n").utf8)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// A file (or standard output) that report chunks are written to as they are produced.
final class OutputStream: Sendable {
    private let descriptor: Int32
    private let path: String?

    /// Opens `path` for writing (truncating); nil or "-" is standard output.
    init(path: String?) throws {
        if let path, path != "-" {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                Terminal.error("cannot write \(path): \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
            self.descriptor = descriptor
            self.path = path
        } else {
            descriptor = 1
            self.path = nil
        }
    }

    @Sendable func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = Glibc.write(descriptor, pointer, remaining)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                pointer += written
                remaining -= written
            }
        }
    }

    func close() throws {
        if path != nil, Glibc.close(descriptor) != 0 {
            Terminal.error("cannot write \(path ?? ""): \(String(cString: strerror(errno)))")
            throw ExitCode(2)
        }
    }
}
