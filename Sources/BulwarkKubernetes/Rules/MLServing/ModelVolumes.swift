import BulwarkCore
import Foundation

/// A `volumeMounts` entry of a container at a path where a model lives. It names its container rather
/// than holding the `ContainerView`: the mounts are memoised in that view's memo, and a view held by
/// its own memo is a reference cycle that outlives the scan (a leak per request in the webhook).
struct ModelMount: Sendable {
    /// The container's name, `displayName` and JSON path.
    let containerName: String
    let containerDisplayName: String
    let containerPath: String
    /// The `volumeMounts` item.
    let mount: YAMLNode
    /// Its index in `volumeMounts`.
    let index: Int
    let volume: String
    let mountPath: String
    /// Why the path holds a model, for messages: `a model path`, `which holds --model-repository=/models`.
    let why: String
    /// Whether the server is told to load its model from the mount (`--model-repository`, `--model
    /// /models/x`, `vllm serve /path`, `MODEL_PATH` …) and no cache or download directory it writes
    /// (`HF_HOME`, `--download-dir` …) lies in it: then it only reads the mount.
    let loadsFrom: Bool

    var isReadOnly: Bool { mount["readOnly"]?.bool == true }
    /// JSON path of the mount.
    var field: String { "\(containerPath).volumeMounts[\(index)]" }
}

/// Which containers of a pod serve models, and which of their volumes hold the model: the one
/// answer the model-integrity rules (`serving/model-volume-writable`,
/// `serving/model-download-unverified`, `serving/model-volume-memory-without-size-limit`) and
/// `serving/shm-without-size-limit` (which leaves model volumes to the last of them) share.
///
/// A mount holds a model when its path is a model path the container declares (a server flag
/// such as `--model-repository`, `--model-store`, `--model`, `--download-dir`; `vllm serve
/// /path`; a hub cache variable such as `HF_HOME`, or `MODEL_PATH`), contains one or lies inside
/// one; or, by name, when it looks like a model directory (`/models`, `/mnt/models` (KServe),
/// `/model-store`, `…/huggingface`, `…/.ollama`; for model servers also `…/.cache`).
enum ModelVolumes {
    /// Recognised servers that write where they work (notebooks, tracking servers, Ray nodes):
    /// their mounts are not judged as model volumes of a server.
    static let writingKinds: Set<ServingWorkload.Kind> = [.jupyter, .mlflow, .ray]

    /// Volume sources the kubelet always mounts read-only.
    static let readOnlySources: Set<String> = ["configMap", "secret", "downwardAPI", "projected", "image"]

    /// A long-running container recognised as a model server (KServe's model containers included).
    static func isModelServer(_ container: ContainerView) -> Bool {
        guard container.isLongRunning else { return false }
        if container.kind == .embedded { return true }
        guard let workload = ServingWorkload.detect(container) else { return false }
        return !writingKinds.contains(workload.kind)
    }

    /// The model servers of a pod: the containers recognised as such, else, when only the pod's kind
    /// or labels say that it serves models, every long-running container.
    static func servers(_ pod: PodSpecView) -> [ContainerView] {
        let recognised = pod.containers.filter(isModelServer)
        if !recognised.isEmpty { return recognised }
        guard let workload = ServingWorkload.detect(pod), !writingKinds.contains(workload.kind) else { return [] }
        return pod.containers.filter(\.isLongRunning)
    }

    /// Flags of `ModelCachePaths.modelFlags` that name a directory the server downloads into.
    static let downloadFlags: Set<String> = ["--download-dir", "--huggingface-hub-cache"]
    /// Variables naming the directory a server loads its model from, and those plus the hub caches.
    static let loadingVariables = Set(ModelCachePaths.modelPathVariables)
    static let pathVariables = Set(ModelCachePaths.envVariables).union(loadingVariables)

    /// The model paths a container declares on its command line and in its environment; `loads`:
    /// the server loads its model from there (false for caches and download directories, which it writes).
    static func declaredPaths(_ container: ContainerView) -> [(path: String, why: String, loads: Bool)] {
        var paths: [(path: String, why: String, loads: Bool)] = []
        for match in ServerFlags.of(container).options(ModelCachePaths.modelFlags) {
            if let value = match.value, let path = absolutePath(ServerFlags.unquoted(value)) {
                paths.append((path, match.display, !downloadFlags.contains(ServerFlags.normalized(match.name))))
            }
        }
        for server in ModelServer.detect(container) where server.kind == .vllm {
            // `vllm serve /models/llama`: the model is the first positional argument.
            if let first = server.flags.words.first, let path = absolutePath(first.text) { paths.append((path, "vllm serve \(path)", true)) }
        }
        for env in ServingEnv.all(in: container) where pathVariables.contains(env.name) {
            if let value = env.value, let path = absolutePath(value) {
                paths.append((path, "\(env.name)=\(value)", loadingVariables.contains(env.name)))
            }
        }
        return paths
    }

    /// The mounts of a container that hold a model (see the type's documentation); /dev/shm never does.
    static func mounts(of container: ContainerView) -> [ModelMount] {
        container.memo.value(.custom("modelMounts")) { computeMounts(container) }
    }

    private static func computeMounts(_ container: ContainerView) -> [ModelMount] {
        guard let items = container.node["volumeMounts"]?.items, !items.isEmpty else { return [] }
        let declared = declaredPaths(container)
        let server = isModelServer(container)
        var mounts: [ModelMount] = []
        for (index, mount) in items.enumerated() {
            guard let mountPath = mount["mountPath"]?.string, let name = mount["name"]?.string else { continue }
            let base = mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath
            guard !base.isEmpty, base != "/dev/shm" else { continue }
            let covered = declared.filter { covers(base, $0.path) }
            let loadsFrom = !covered.isEmpty && covered.allSatisfy(\.loads)
            let why: String
            if let hit = covered.first {
                why = "which holds \(hit.why)"
            } else if server ? ModelCachePaths.looksLikeCache(base) : ModelCachePaths.looksLikeModelDirectory(base) {
                why = "a model path"
            } else {
                continue
            }
            mounts.append(ModelMount(containerName: container.name, containerDisplayName: container.displayName, containerPath: container.path,
                                     mount: mount, index: index, volume: name, mountPath: mountPath, why: why, loadsFrom: loadsFrom))
        }
        return mounts
    }

    /// The model mounts of every container of the pod but ephemeral ones.
    static func mounts(in pod: PodSpecView) -> [ModelMount] {
        pod.containers.filter { $0.kind != .ephemeral }.flatMap(mounts(of:))
    }

    /// A model server's writable mount of a model volume that outlives the pod or that another
    /// container fills: what `serving/model-volume-writable` reports and `bulwark fix manifests`
    /// mounts `readOnly: true`.
    struct WritableModelMount {
        let server: ContainerView
        let mount: ModelMount
        /// The volume's source: `persistentVolumeClaim`, `emptyDir`, `nfs` …
        let sourceType: String
        /// For a pod-scoped volume (emptyDir, ephemeral): the container that fills it.
        let writer: ContainerView?
    }

    /// The writable model mounts of the pod's model servers. Left out: mounts with `readOnly: true`,
    /// volumes the kubelet mounts read-only, sources set `readOnly: true`, hostPath volumes
    /// (serving/model-cache-host-path) and an emptyDir only the server itself writes.
    static func writableModelMounts(_ pod: PodSpecView) -> [WritableModelMount] {
        guard !pod.volumes.isEmpty else { return [] }
        var found: [WritableModelMount] = []
        for container in servers(pod) {
            for mount in mounts(of: container) where !mount.isReadOnly {
                guard let (_, volume) = volume(mount.volume, in: pod), let source = source(of: volume),
                      !readOnlySources.contains(source.type), source.type != "hostPath",
                      source.node["readOnly"]?.bool != true else { continue }
                var writer: ContainerView?
                if source.type == "emptyDir" || source.type == "ephemeral" {
                    // Pod-scoped: only worth a read-only mount when someone else fills it.
                    writer = pod.containers.first { other in
                        other.path != container.path && other.kind != .ephemeral
                            && !writableMounts(of: other, volume: mount.volume).isEmpty
                    }
                    guard writer != nil else { continue }
                }
                found.append(WritableModelMount(server: container, mount: mount, sourceType: source.type, writer: writer))
            }
        }
        return found
    }

    /// Memory-backed emptyDir volumes without sizeLimit that hold a model and are not mounted at
    /// /dev/shm, by name, with their first model mount: what
    /// `serving/model-volume-memory-without-size-limit` reports and `serving/shm-without-size-limit` leaves to it.
    static func unboundedMemoryModelVolumes(_ pod: PodSpecView) -> [String: ModelMount] {
        // Most pods have no unbounded memory-backed volume: answer before looking at any mount.
        guard pod.volumes.contains(where: isUnboundedMemory) else { return [:] }
        var shm: Set<String> = []
        for container in pod.containers {
            for mount in container.node["volumeMounts"]?.items ?? [] {
                guard let path = mount["mountPath"]?.string, let name = mount["name"]?.string else { continue }
                if path == "/dev/shm" || path == "/dev/shm/" { shm.insert(name) }
            }
        }
        let mounts = mounts(in: pod)
        var volumes: [String: ModelMount] = [:]
        for volume in pod.volumes {
            guard let name = volume["name"]?.string, !shm.contains(name), isUnboundedMemory(volume),
                  let mount = mounts.first(where: { $0.volume == name }) else { continue }
            volumes[name] = mount
        }
        return volumes
    }

    /// An emptyDir with `medium: Memory` and no (or a null) sizeLimit.
    static func isUnboundedMemory(_ volume: YAMLNode) -> Bool {
        guard let emptyDir = volume["emptyDir"], emptyDir["medium"]?.string?.lowercased() == "memory" else { return false }
        if let size = emptyDir["sizeLimit"], !size.isNull { return false }
        return true
    }

    /// The volume of the pod with this name, with its index in `volumes`.
    static func volume(_ name: String, in pod: PodSpecView) -> (index: Int, node: YAMLNode)? {
        for (index, volume) in pod.volumes.enumerated() where volume["name"]?.string == name { return (index, volume) }
        return nil
    }

    /// The source of a volume (`persistentVolumeClaim`, `emptyDir` …): its first key other than `name`.
    static func source(of volume: YAMLNode) -> (type: String, node: YAMLNode)? {
        for pair in volume.pairs ?? [] {
            guard let key = pair.key.scalar, key != "name" else { continue }
            return (key, pair.value)
        }
        return nil
    }

    /// The container's writable mounts (no `readOnly: true`) of the named volume.
    static func writableMounts(of container: ContainerView, volume: String) -> [YAMLNode] {
        (container.node["volumeMounts"]?.items ?? []).filter { mount in
            mount["name"]?.string == volume && mount["readOnly"]?.bool != true
        }
    }

    /// Whether a mount at `mount` holds `path` or lies inside it.
    static func covers(_ mount: String, _ path: String) -> Bool {
        let path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return path == mount || path.hasPrefix(mount + "/") || mount.hasPrefix(path + "/")
    }

    /// `/models/x` and `file:///models/x` → `/models/x`; anything else (a hub id, `s3://…`) → nil.
    static func absolutePath(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let path = trimmed.hasPrefix("file://") ? String(trimmed.dropFirst("file://".count)) : trimmed
        guard path.hasPrefix("/"), path.count > 1 else { return nil }
        return path
    }
}
