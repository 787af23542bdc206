import BulwarkCore

/// Host paths whose exposure to a container endangers the node, and how a hostPath volume's path
/// relates to them.
///
/// Paths are compared after lexical normalisation (`//`, `/./`, `..` and trailing slashes
/// removed; a relative path is taken from `/`, the kubelet's working directory). A volume is
/// sensitive when its path is a listed path, lies inside a listed subtree (`/proc/1/root` is
/// inside `/proc`) or contains a listed path (`/var` contains `/var/run/docker.sock`). Both
/// spellings of the run directory are listed (`/run/…` and `/var/run/…`): a symlink inside a
/// mounted directory resolves in the container, so `/var/run` and `/run` are distinct mounts.
public enum SensitiveHostPaths {
    public struct Entry: Sendable {
        public let path: String
        public let severity: Severity
        /// What the path holds, as a noun phrase for messages.
        public let what: String
        /// True when everything below the path is as sensitive as the path itself.
        public let subtree: Bool
    }

    public enum Relation: Sendable, Equatable {
        /// The volume mounts the listed path itself.
        case exact
        /// The volume mounts something below a listed subtree.
        case inside
        /// The volume mounts a parent of the listed path.
        case contains
    }

    public struct Match: Sendable {
        public let entry: Entry
        public let relation: Relation
        /// The volume's path after normalisation.
        public let path: String
        public var severity: Severity { entry.severity }
    }

    /// File names of container runtime sockets, sensitive wherever they are mounted from.
    public static let runtimeSocketNames: Set<String> = [
        "docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock", "podman.sock",
    ]

    public static let entries: [Entry] = {
        var entries: [Entry] = []
        func add(_ paths: [String], _ severity: Severity, _ what: String, subtree: Bool = true) {
            entries += paths.map { Entry(path: $0, severity: severity, what: what, subtree: subtree) }
        }
        let control = "control of every container on the node"
        add(["/"], .critical, "the node's whole filesystem", subtree: false)
        add(["/var/run/docker.sock", "/run/docker.sock"], .critical, "the Docker daemon socket: \(control)")
        add(["/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock"],
            .critical, "the containerd socket: \(control)")
        add(["/run/containerd", "/var/run/containerd"], .critical, "containerd's socket and state: \(control)")
        add(["/var/run/crio/crio.sock", "/run/crio/crio.sock"], .critical, "the CRI-O socket: \(control)")
        add(["/run/crio", "/var/run/crio"], .critical, "CRI-O's socket and state: \(control)")
        add(["/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock", "/var/run/dockershim.sock", "/run/dockershim.sock"],
            .critical, "the Docker CRI socket: \(control)")
        add(["/run/podman/podman.sock", "/var/run/podman/podman.sock"], .critical, "the Podman socket: \(control)")

        add(["/etc/kubernetes"], .high, "the node's Kubernetes configuration and keys (kubelet credentials, control-plane PKI)")
        add(["/var/lib/kubelet"], .high, "the kubelet's state: every pod's volumes and Secrets, kubelet credentials")
        add(["/var/lib/etcd"], .high, "the etcd database: every object and Secret of the cluster")
        add(["/var/lib/docker", "/var/lib/containerd", "/var/lib/containers"], .high, "the container runtime's images and container filesystems")
        add(["/var/log"], .high, "the node's logs, other pods' logs included")
        add(["/proc"], .high, "the node's processes and kernel settings")
        add(["/sys"], .high, "kernel, cgroup and device settings of the node")
        add(["/dev"], .high, "the node's devices")
        add(["/boot"], .high, "the node's kernel and boot loader")
        add(["/root"], .high, "root's home directory (SSH keys, credentials)")
        add(["/home"], .high, "users' home directories (SSH keys, credentials)")
        add(["/etc/shadow", "/etc/gshadow"], .high, "the node's password hashes")
        add(["/etc/passwd", "/etc/group", "/etc/sudoers", "/etc/sudoers.d"], .high, "the node's accounts and sudo rules")
        add(["/etc/ssh"], .high, "the node's SSH server keys and configuration")
        add(["/etc/crontab", "/etc/cron.d", "/etc/systemd"], .high, "commands the node runs as root")
        add(["/etc/ld.so.preload"], .high, "libraries preloaded into every process of the node")
        add(["/etc/containerd", "/etc/docker", "/etc/crio", "/etc/cni"], .high, "the container runtime and network configuration of the node")
        add(["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"], .high, "the node's executables")
        add(["/etc"], .high, "the node's configuration", subtree: false)
        add(["/run", "/var/run"], .high, "sockets and state of the node's services", subtree: false)
        add(["/usr", "/lib", "/lib64", "/usr/lib"], .high, "the node's programs and libraries", subtree: false)
        return entries
    }()

    /// `/var//run/./docker.sock/` → `/var/run/docker.sock`.
    public static func normalise(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// Whether normalised `path` lies strictly below normalised `ancestor`.
    static func isInside(_ path: String, _ ancestor: String) -> Bool {
        ancestor == "/" ? path != "/" : path.hasPrefix(ancestor + "/")
    }

    /// The most severe way the host path exposes something sensitive (a path itself before what
    /// it lies inside, before what it contains); nil when it exposes nothing listed.
    public static func match(_ rawPath: String) -> Match? {
        guard !rawPath.isEmpty else { return nil }
        let path = normalise(rawPath)
        var best: Match?
        func consider(_ candidate: Match) {
            guard let current = best else { best = candidate; return }
            if candidate.severity > current.severity
                || candidate.severity == current.severity && rank(candidate.relation) < rank(current.relation) {
                best = candidate
            }
        }
        for entry in entries {
            if path == entry.path {
                consider(Match(entry: entry, relation: .exact, path: path))
            } else if entry.subtree && isInside(path, entry.path) {
                consider(Match(entry: entry, relation: .inside, path: path))
            } else if isInside(entry.path, path) {
                consider(Match(entry: entry, relation: .contains, path: path))
            }
        }
        if let name = path.split(separator: "/").last, runtimeSocketNames.contains(String(name)), best?.severity != .critical {
            consider(Match(entry: Entry(path: path, severity: .critical, what: "a container runtime socket: control of every container on the node", subtree: true),
                           relation: .exact, path: path))
        }
        return best
    }

    private static func rank(_ relation: Relation) -> Int {
        switch relation {
        case .exact: 0
        case .inside: 1
        case .contains: 2
        }
    }
}
