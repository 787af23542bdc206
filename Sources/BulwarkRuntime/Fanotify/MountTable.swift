import Foundation

/// The mounts of /proc/self/mountinfo the fanotify backend marks: every filesystem that can hold an executable.
/// Pseudo filesystems (proc, sysfs, cgroup, bpf, debugfs, …) cannot, and marking them would only add work.
public struct MountTable: Sendable, Hashable {
    public struct Mount: Sendable, Hashable {
        /// `major:minor` of the superblock (one filesystem mark covers every mount of it).
        public var device: String
        /// Unescaped (`\040` → space).
        public var mountPoint: String
        public var fileSystemType: String
    }

    public var mounts: [Mount]

    /// Filesystem types that hold no executables a workload could run (or that fanotify refuses anyway).
    public static let skippedTypes: Set<String> = [
        "proc", "sysfs", "cgroup", "cgroup2", "bpf", "debugfs", "tracefs", "securityfs", "devpts", "mqueue", "pstore",
        "configfs", "fusectl", "binfmt_misc", "autofs", "nsfs", "efivarfs", "selinuxfs", "hugetlbfs", "rpc_pipefs",
        "nfsd",
    ]

    /// Parses mountinfo text; malformed lines are skipped (the file comes from the kernel).
    public init(mountinfo text: String) {
        var mounts: [Mount] = []
        for line in text.split(separator: "\n") {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
            guard let separator = line.range(of: " - ") else { continue }
            let fields = line[..<separator.lowerBound].split(separator: " ", omittingEmptySubsequences: true)
            let tail = line[separator.upperBound...].split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let type = tail.first else { continue }
            mounts.append(Mount(device: String(fields[2]), mountPoint: Self.unescape(String(fields[4])),
                                fileSystemType: String(type)))
        }
        self.mounts = mounts
    }

    /// The mounts to mark, pseudo filesystems left out.
    public var markable: [Mount] {
        mounts.filter { !Self.skippedTypes.contains($0.fileSystemType) }
    }

    /// mountinfo escapes space, tab, newline and backslash as `\ooo`.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
