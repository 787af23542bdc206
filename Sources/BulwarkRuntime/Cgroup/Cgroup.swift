import Foundation
import Glibc

/// A cgroup-v2 directory: its path, its id (the directory's inode number on cgroup2, which is what
/// `bpf_get_current_cgroup_id()` returns) and, while open, a descriptor for `CLONE_INTO_CGROUP` and BPF attach.
public struct Cgroup: Sendable, Hashable {
    public var path: String
    public var id: UInt64

    public init(path: String, id: UInt64) {
        self.path = path
        self.id = id
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The cgroup-v2 mount: `/sys/fs/cgroup` when it is cgroup2 (unified mode), `/sys/fs/cgroup/unified` in
    /// hybrid mode (this machine kind), else nil. Read from /proc/self/mountinfo.
    public static func v2Mount() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        var mounts: [String] = []
        for line in text.split(separator: "\n") {
            // "… mountpoint … - fstype source options"
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            if fields.count > 4 { mounts.append(String(fields[4])) }
        }
        return mounts.first { $0 == "/sys/fs/cgroup" } ?? mounts.first { $0 == "/sys/fs/cgroup/unified" } ?? mounts.first
    }

    /// The cgroup at `path` (absolute, or relative to the v2 mount).
    public static func open(_ path: String) throws -> Cgroup {
        let absolute = try resolve(path)
        var status = stat()
        guard stat(absolute, &status) == 0 else {
            throw Failure("\(absolute): \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR, FileManager.default.fileExists(atPath: absolute + "/cgroup.procs") else {
            throw Failure("\(absolute) is not a cgroup-v2 directory (no cgroup.procs)")
        }
        return Cgroup(path: absolute, id: UInt64(status.st_ino))
    }

    /// Creates `name` under `parent` (default: the v2 mount) and returns it.
    public static func create(_ name: String, under parent: String? = nil) throws -> Cgroup {
        guard let root = parent ?? v2Mount() else { throw Failure("no cgroup-v2 hierarchy is mounted") }
        let path = (try resolve(root)) + "/" + name
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure("mkdir \(path): \(String(cString: strerror(errno)))")
        }
        return try open(path)
    }

    /// An `O_DIRECTORY` descriptor the caller closes.
    public func openDescriptor() throws -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// The pids in this cgroup (not its descendants).
    public func processes() -> [Int32] {
        guard let text = try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// Kills what is left (cgroup.kill, Linux 5.14+) and removes the directory, retrying while the kernel
    /// reaps the processes.
    public func remove(killing: Bool = true) throws {
        if killing {
            let fd = Glibc.open(path + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = "1".withCString { write(fd, $0, 1) }
                close(fd)
            }
        }
        for _ in 0..<200 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            guard errno == EBUSY else { break }
            usleep(10_000)
        }
        throw Failure("rmdir \(path): \(String(cString: strerror(errno)))")
    }

    private static func resolve(_ path: String) throws -> String {
        if path.hasPrefix("/") { return path }
        guard let root = v2Mount() else { throw Failure("no cgroup-v2 hierarchy is mounted") }
        return root + "/" + path
    }
}

/// Kubernetes identities read off a kubepods cgroup path, as the kubelet's cgroup drivers write them:
/// systemd `kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope`, cgroupfs
/// `kubepods/burstable/pod<uid>/<id>`, and CRI-O `crio-<id>.scope`, Docker `docker-<id>.scope`.
public struct KubepodsPath: Sendable, Hashable {
    public var podUID: String?
    public var containerID: String?
    /// `containerd`, `cri-o`, `docker` when the path says.
    public var runtime: String?

    public init(podUID: String? = nil, containerID: String? = nil, runtime: String? = nil) {
        self.podUID = podUID
        self.containerID = containerID
        self.runtime = runtime
    }

    public init(path: String) {
        for component in path.split(separator: "/").map(String.init) {
            var name = component
            for suffix in [".slice", ".scope"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
            if let range = name.range(of: "pod", options: .backwards), name.hasPrefix("kubepods") || name.hasPrefix("pod") {
                let uid = String(name[range.upperBound...]).replacingOccurrences(of: "_", with: "-")
                if uid.count >= 32, uid.allSatisfy({ $0.isHexDigit || $0 == "-" }) { podUID = uid }
                continue
            }
            for (prefix, runtimeName) in [("cri-containerd-", "containerd"), ("crio-", "cri-o"), ("docker-", "docker"),
                                          ("containerd-", "containerd")] where name.hasPrefix(prefix) {
                let id = String(name.dropFirst(prefix.count))
                if id.count == 64, id.allSatisfy(\.isHexDigit) {
                    containerID = id
                    runtime = runtimeName
                }
            }
            if podUID != nil, containerID == nil, name.count == 64, name.allSatisfy(\.isHexDigit) {
                containerID = name
            }
        }
    }
}
