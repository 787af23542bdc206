import CBulwarkBPF
import Foundation
import Glibc

/// securityfs and bpffs: neither is mounted on this machine kind (docs/facts.md), so the enforcer mounts them where it
/// needs them.
enum KernelFilesystems {
    static let bpffsMagic: Int = 0xcafe_4a11
    static let securityfsMagic: Int = 0x7365_6375
    /// Check-then-mount under one lock: two enforcers (or a probe) of this process mounting at once would stack a
    /// second, empty bpffs over the first and hide its pins.
    private static let mountLock = NSLock()

    /// The active LSM list (`/sys/kernel/security/lsm`), mounting securityfs first when it is not mounted.
    static func activeLSMs() -> Result<String, KernelError> {
        mountLock.lock()
        defer { mountLock.unlock() }
        let path = "/sys/kernel/security/lsm"
        if !FileManager.default.fileExists(atPath: path), !isMounted("/sys/kernel/security", magic: securityfsMagic) {
            if mount("securityfs", "/sys/kernel/security", "securityfs", 0, nil) != 0 {
                return .failure(KernelError("cannot read the LSM list: mount securityfs on /sys/kernel/security: "
                    + String(cString: strerror(errno))))
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(KernelError("cannot read \(path)"))
        }
        return .success(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Makes sure the bpffs that will hold `path` is mounted: `/sys/fs/bpf` is mounted when absent (elsewhere the
    /// caller must have mounted one).
    static func ensureBPFFS(for path: String = "/sys/fs/bpf/bulwark") -> Result<String, KernelError> {
        mountLock.lock()
        defer { mountLock.unlock() }
        var directory = path
        while !directory.isEmpty, directory != "/" {
            if isMounted(directory, magic: bpffsMagic) { return .success("bpffs mounted at \(directory)") }
            directory = (directory as NSString).deletingLastPathComponent
        }
        guard path == "/sys/fs/bpf" || path.hasPrefix("/sys/fs/bpf/") else {
            return .failure(KernelError("\(path) is not on a bpffs mount"))
        }
        if mount("bpf", "/sys/fs/bpf", "bpf", 0, nil) != 0 {
            return .failure(KernelError("mount -t bpf bpf /sys/fs/bpf: \(String(cString: strerror(errno)))"))
        }
        return .success("bpffs mounted at /sys/fs/bpf (by bulwark)")
    }

    static func isMounted(_ path: String, magic: Int) -> Bool {
        bw_filesystem_type(path) == magic
    }

    static func makeDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw KernelError("mkdir \(path): \(error.localizedDescription)")
        }
    }
}
