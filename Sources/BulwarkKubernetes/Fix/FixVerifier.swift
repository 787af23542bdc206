import BulwarkCore

/// What the fixer must prove before it changes a pod: a change that could take away something the
/// workload needs is not made, and the fix result says why (a warning).
///
/// - The API token: a pod whose ServiceAccount is bound to a Role or ClusterRole (by a RoleBinding or
///   ClusterRoleBinding of the input or of the `--rbac` files), or whose containers name the token's
///   path (`/var/run/secrets/kubernetes.io/serviceaccount`) in `command`, `args` or `env`, keeps its
///   token: `automountServiceAccountToken` is left as it is (`APIAccessIndex`), or with
///   `projectedServiceAccountToken` the token becomes a short-lived projected volume at that path.
/// - The node: a pod that needs the node it runs on (host namespaces, hostPath volumes of the
///   node's system paths, and in a DaemonSet privileged containers or node capabilities) keeps its
///   pod spec; only the token rule above applies to it, and its namespace is proposed for a Pod
///   Security Admission exemption instead (`NodeAccess`).
/// - Writable paths: emptyDir volumes the fixer adds always have a `sizeLimit`; memory-backed
///   ones (`medium: Memory`, `ManifestFixOptions.memoryBackedScratch`) only when the container's
///   memory limit is known, sized inside it (`PodHardener+Filesystem`).
public struct APIAccessIndex: Sendable {
    /// `namespace/name` of a ServiceAccount → the bindings that give it a role, described.
    private var bindings: [String: [String]] = [:]

    public init() {}

    /// The ServiceAccounts bound by the bindings of `inputs` (the files being fixed) and
    /// `context` (files read only for their bindings, `--rbac`). With `objectsFixed`, the
    /// bindings of the input to the cluster-admin ClusterRole are not counted: the object pass removes
    /// the workload identities from them (`rbac/workload-cluster-admin`), so they are no proof
    /// that the workload calls the API.
    public init(inputs: [ManifestFixInput], context: [ManifestFixInput], objectsFixed: Bool) {
        let found = (inputs.map { ($0, false) } + context.map { ($0, true) }).parallelMap { input, isContext in
            Self.bindings(in: input).filter { binding in
                isContext || !objectsFixed
                    || !(binding.roleKind == .clusterRole && binding.roleName == "cluster-admin")
            }.map { ($0, isContext) }
        }
        // A file named both as input and with --rbac counts once.
        var seen: Set<String> = []
        for (binding, isContext) in found.joined() where seen.insert("\(binding.object.file):\(binding.object.root.position.line)").inserted {
            let role = "\(binding.roleKind.rawValue) \(binding.roleName)"
            let place = "\(binding.object.file):\(binding.object.root.position.line)\(isContext ? ", --rbac" : "")"
            for subject in binding.subjects {
                guard subject.subject.kind == .serviceAccount, let namespace = subject.subject.namespace else { continue }
                bindings["\(namespace)/\(subject.subject.name)", default: []].append("\(binding.displayName) → \(role) (\(place))")
            }
        }
    }

    /// The bindings that give the ServiceAccount a role, described (empty when it is unbound).
    public func bindings(namespace: String, serviceAccount: String) -> [String] {
        bindings["\(namespace)/\(serviceAccount)"] ?? []
    }

    public var isEmpty: Bool { bindings.isEmpty }

    static func bindings(in input: ManifestFixInput) -> [RBACBinding] {
        guard case .success(let utf8) = TextEncoding.utf8(input.bytes, fileKind: "Kubernetes manifest") else { return [] }
        let text = String(decoding: utf8, as: UTF8.self)
        guard text.contains("RoleBinding") else { return [] }
        let read = YAMLReader.read(text)
        var found: [RBACBinding] = []
        for document in read.documents {
            guard let root = document.root, !root.isNull else { continue }
            for object in ManifestFixer.objects(in: root, file: input.file, helmSource: document.helmSource) {
                if let binding = RBACBinding(object) { found.append(binding) }
            }
        }
        return found
    }

    /// Where the kubelet mounts the API token.
    static let tokenPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The containers that name the token's path in `command`, `args` or a literal `env` value.
    static func tokenReferences(_ pod: PodSpecView) -> [String] {
        pod.containers.filter { container in
            container.commandLine.contains { $0.contains(tokenPath) }
                || container.env.contains { $0.node["value"]?.string?.contains(tokenPath) == true }
        }.map(\.displayName)
    }
}

/// Pods that need the node they run on: node agents (metrics exporters, CNI and CSI plugins,
/// GPU device plugins, log shippers). Hardening them into restricted pods breaks them, so the
/// fixer leaves their pod spec as it is.
enum NodeAccess {
    /// hostPath prefixes that only a node agent mounts: the node's kernel interfaces and devices,
    /// the kubelet's plugin and device-plugin sockets (CSI, GPUs), container runtime sockets,
    /// CNI configuration and binaries, kernel modules and the node's logs.
    static let nodePaths = [
        "/proc", "/sys", "/dev", "/var/lib/kubelet", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio",
        "/run/docker.sock", "/var/run/docker.sock", "/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock", "/var/lib/docker",
        "/etc/cni", "/opt/cni", "/var/lib/cni", "/run/netns", "/var/run/netns", "/lib/modules", "/usr/lib/modules",
        "/run/xtables.lock", "/var/run/cilium", "/run/nvidia", "/var/run/nvidia", "/var/log", "/etc/kubernetes",
    ]

    /// Capabilities that only make sense for an agent that manages the node.
    static let nodeCapabilities: Set<String> = [
        "SYS_ADMIN", "SYS_TIME", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_RESOURCE",
        "BPF", "PERFMON", "NET_RAW", "DAC_READ_SEARCH", "SYSLOG", "IPC_LOCK", "ALL",
    ]

    /// Why the pod needs the node (`hostNetwork: true`, `hostPath /proc`, …); empty when it does not.
    /// Host namespaces and node hostPaths count in every kind; privileged containers and node
    /// capabilities count in a DaemonSet, or next to one of those (elsewhere they are usually left
    /// over from debugging, and the fixer removes them with a warning).
    static func reasons(_ pod: PodSpecView) -> [String] {
        var reasons: [String] = []
        for key in ["hostNetwork", "hostPID", "hostIPC"] where pod.spec[key]?.bool == true {
            reasons.append("\(key): true")
        }
        for volume in pod.volumes {
            guard let path = volume["hostPath"]?["path"]?.string, isNodePath(path) else { continue }
            reasons.append("hostPath \(path)")
        }
        guard !reasons.isEmpty || pod.object.kind == "DaemonSet" else { return [] }
        for container in pod.containers {
            let context = container.securityContext
            if context?["privileged"]?.bool == true { reasons.append("privileged \(container.displayName)") }
            let added = (context?["capabilities"]?["add"]?.items ?? []).compactMap(\.string).filter { nodeCapabilities.contains($0) }
            if !added.isEmpty { reasons.append("\(added.joined(separator: ", ")) in \(container.displayName)") }
        }
        return reasons
    }

    static func isNodePath(_ raw: String) -> Bool {
        var path = raw
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path == "/" { return true }
        return nodePaths.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// The sentence that proposes the namespace exemption.
    static func exemption(namespace: String) -> String {
        "label namespace \(namespace) pod-security.kubernetes.io/enforce=privileged (keep node agents in a namespace of their own, and audit/warn at restricted) instead"
    }
}
