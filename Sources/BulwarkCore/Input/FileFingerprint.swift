#if canImport(Glibc)
import Glibc
#endif

/// What identifies a version of a file for "has it changed?" checks: device, inode, size, and the
/// modification and status-change times. cert-manager and the kubelet replace Secret volume files by
/// swapping a symbolic link (`..data`), which changes the inode; an editor or `cp` over the file
/// changes the size or the times. (Kept in Core, with Glibc's `stat`, so that modules importing
/// Foundation need not know which clang module owns `struct stat`.)
public struct FileFingerprint: Equatable, Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let modifiedSeconds: Int
    public let modifiedNanoseconds: Int
    public let changedSeconds: Int
    public let changedNanoseconds: Int

    /// nil when the file cannot be examined (being replaced, removed).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        changedSeconds = Int(info.st_ctim.tv_sec)
        changedNanoseconds = Int(info.st_ctim.tv_nsec)
    }
}
