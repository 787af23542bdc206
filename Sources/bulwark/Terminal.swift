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
