import Foundation
import Glibc

/// Small reads of /proc done on the fanotify handler's hot path: one open, one read into a stack-sized buffer, one
/// close, without Foundation (String(contentsOfFile:) costs several allocations and a stat per call, and this runs
/// once per exec on the whole machine).
enum ProcessFiles {
    /// The contents of a small file (at most `limit` bytes), or nil.
    static func read(_ path: String, limit: Int = 4096) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var total = 0
        while total < limit {
            let count = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.read(descriptor, base + total, limit - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            total += count
        }
        return Array(buffer[0..<total])
    }

    /// The cgroup-v2 path of `pid` relative to the v2 mount (`/bulwark-run-42`), from its `0::/path` line in
    /// /proc/<pid>/cgroup; nil when the process is gone or has no v2 line.
    ///
    /// The path is relative to the root of the *reader's* cgroup namespace, so the agent must run in the host's
    /// cgroup namespace (the DaemonSet does). A pid that was reused between the event and this read would be
    /// misattributed; the task doing the exec is blocked in the kernel until we answer, so that needs it to be
    /// SIGKILLed in between (the wait is killable) and its pid recycled at once.
    static func cgroupV2Path(of pid: Int32) -> String? {
        guard pid > 0, let bytes = read("/proc/\(pid)/cgroup", limit: 8192) else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("0::".utf8)) {
            return String(decoding: line.dropFirst(3), as: UTF8.self)
        }
        return nil
    }

    /// The target of a symlink (readlink), or nil.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { bytes -> Int in
            guard let base = bytes.baseAddress else { return -1 }
            return readlink(path, base, Int(PATH_MAX))
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `PPid:` of /proc/<pid>/status.
    static func parentPID(of pid: Int32) -> Int32? {
        guard let bytes = read("/proc/\(pid)/status") else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("PPid:".utf8)) {
            let value = String(decoding: line.dropFirst(5), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return Int32(value)
        }
        return nil
    }

    /// The task's command name (/proc/<pid>/comm), which is still the old image's during the exec.
    static func commandName(of pid: Int32) -> String? {
        guard let bytes = read("/proc/\(pid)/comm", limit: 64) else { return nil }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        return name.isEmpty ? nil : name
    }
}
