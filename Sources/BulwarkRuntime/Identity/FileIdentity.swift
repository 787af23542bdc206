import Glibc

/// A file as the kernel knows it: its device (the kernel's `dev_t` encoding, `major << 20 | minor`, which is what
/// `inode->i_sb->s_dev` holds and what the BPF programs see) and inode number. Exec rules are resolved to this at
/// policy load, so a copy of a binary (a new inode) is not what was allowed, and a hard link (the same inode) is.
///
/// Caveat (docs/facts.md): overlayfs and btrfs subvolumes report a different `st_dev` through stat than the
/// superblock the kernel programs read; inside container root filesystems resolve from within the container's
/// mount namespace.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// From a `stat` result: converts glibc's `st_dev` to the kernel's encoding.
    public init(_ status: stat) {
        device = Self.kernelDevice(fromUserSpace: UInt64(status.st_dev))
        inode = UInt64(status.st_ino)
    }

    /// The file at `path` (symlinks followed); nil with `errno` set when it cannot be stat'ed.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }

    /// The file open at `descriptor`.
    public init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    /// glibc's `dev_t` (`gnu_dev_major`/`gnu_dev_minor` layout) → the kernel's `MKDEV(major, minor)`.
    public static func kernelDevice(fromUserSpace dev: UInt64) -> UInt64 {
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        return (major << 20) | minor
    }

    public var description: String { "dev \(device >> 20):\(device & 0xfffff) ino \(inode)" }
}
