import BulwarkCore

extension PodHardener {
    /// `readOnlyRootFilesystem: true`, with an emptyDir for every writable path not mounted yet.
    /// Never the other way round: a read-only root that is already there stays.
    func requireReadOnlyRoot(_ container: ContainerView, _ context: MapRef, _ existing: YAMLNode?, label: String) {
        let field = existing?["readOnlyRootFilesystem"]
        guard field?.bool != true else { return }
        // With additions only an explicit value (even false) stays, and so do the volumes it would need.
        if additionsOnly, let field, !field.isNull { return }
        let was = field.flatMap { $0.isNull ? nil : $0.scalar }
        guard set(context, "readOnlyRootFilesystem", .bool(true),
                  comment: was.map { "bulwark: was readOnlyRootFilesystem: \($0); writable paths are emptyDir volumes" }) else { return }
        log.change(field ?? existing ?? container.node, "\(label): set securityContext.readOnlyRootFilesystem: true")
        for path in WritablePaths.paths(for: container) {
            addScratchVolume(container, at: path, label: label)
        }
    }

    func mountPaths(_ container: ContainerView) -> [String] {
        (container.node["volumeMounts"]?.items ?? []).compactMap { $0["mountPath"]?.string }
    }

    /// Adds an emptyDir volume and mounts it at `path` unless a mount already covers the path.
    func addScratchVolume(_ container: ContainerView, at path: String, label: String) {
        let id = ObjectIdentifier(container.node)
        guard !WritablePaths.isCovered(path, by: mountPaths(container) + (addedMounts[id] ?? [])) else { return }
        let base = WritablePaths.volumeName(for: path)
        var name = base
        if volumeNames.contains(name) {
            name = WritablePaths.label("\(base)-\(container.name)")
            var suffix = 2
            while volumeNames.contains(name) {
                name = WritablePaths.label("\(base)-\(container.name)-\(suffix)")
                suffix += 1
            }
        }
        guard let volumes = patch.childSequence(.node(spec), "volumes"),
              let mounts = patch.childSequence(.node(container.node), "volumeMounts")
        else {
            log.warn(container.node, "\(label): cannot add an emptyDir volume for \(path) (volumes or volumeMounts is not a list, or is shared through a YAML anchor and alias)")
            return
        }
        let source = scratchSource(container, label: label)
        patch.append(volumes, .map(PendingMap([("name", .scalar(.string(name))), ("emptyDir", .map(source.map))])))
        patch.append(mounts, .map(PendingMap([("name", .scalar(.string(name))), ("mountPath", .scalar(.string(path)))])))
        volumeNames.insert(name)
        addedMounts[id, default: []].append(path)
        log.change(container.node, "\(label): mounted emptyDir volume \"\(name)\" at \(path) (\(source.description))")
    }

    /// The emptyDir of an added writable path: disk-backed with `options.scratchSizeLimit`, or with
    /// `memoryBackedScratch` memory-backed, when the sum of the container's memory-backed volumes
    /// can be proven to stay inside its memory limit (tmpfs pages are charged to it; a full /tmp
    /// would be an OOM kill). The added ones share a quarter of the limit.
    func scratchSource(_ container: ContainerView, label: String) -> (map: PendingMap, description: String) {
        let disk = options.scratchSizeLimit
        let diskSource = (PendingMap([("sizeLimit", .scalar(.string(disk)))]), "disk-backed, sizeLimit \(disk)")
        guard options.memoryBackedScratch else { return diskSource }
        guard let limit = memoryLimit(container) else {
            log.warn(container.node, "\(label): no memory limit is known, so the writable paths stay disk-backed emptyDirs (a memory-backed one could not be sized inside the limit)")
            return diskSource
        }
        guard let existing = mountedMemoryVolumes(container) else {
            log.warn(container.node, "\(label) mounts a memory-backed emptyDir without sizeLimit; the writable paths stay disk-backed emptyDirs (set its sizeLimit below the memory limit)")
            return diskSource
        }
        let count = Double(max(1, WritablePaths.paths(for: container).count))
        let share = min(limit / 4 / count, Quantity.parse(disk) ?? .infinity)
        let mebibytes = Int(share / 1_048_576)
        guard mebibytes >= 1, existing + Double(mebibytes) * 1_048_576 * count < limit else {
            log.warn(container.node, "\(label): the memory-backed volumes would not fit inside the memory limit; the writable paths stay disk-backed emptyDirs")
            return diskSource
        }
        let size = "\(mebibytes)Mi"
        let map = PendingMap([("medium", .scalar(.string("Memory"))), ("sizeLimit", .scalar(.string(size)))])
        return (map, "memory-backed, sizeLimit \(size), inside the memory limit")
    }

    /// The memory limit of the container after the fix: its own, the pod's, or the default the
    /// fixer adds (never below the container's request, as `addResources` does).
    func memoryLimit(_ container: ContainerView) -> Double? {
        let resources = container.node["resources"]
        if let text = resources?["limits"]?["memory"]?.scalar, Quantity.isSet(resources?["limits"]?["memory"]) { return Quantity.parse(text) }
        if let text = spec["resources"]?["limits"]?["memory"]?.scalar, Quantity.isSet(spec["resources"]?["limits"]?["memory"]) { return Quantity.parse(text) }
        guard options.addResources, container.kind != .embedded, let added = options.resourceLimits.first(where: { $0.resource == "memory" }),
              var limit = Quantity.parse(added.quantity) else { return nil }
        if let request = resources?["requests"]?["memory"]?.scalar.flatMap(Quantity.parse) { limit = max(limit, request) }
        return limit
    }

    /// The sum of the `sizeLimit`s of the memory-backed emptyDirs the container mounts; nil when one
    /// has none (it may fill the whole limit).
    func mountedMemoryVolumes(_ container: ContainerView) -> Double? {
        let names = Set((container.node["volumeMounts"]?.items ?? []).compactMap { $0["name"]?.string })
        var total = 0.0
        for volume in pod.volumes {
            guard let name = volume["name"]?.string, names.contains(name), let emptyDir = volume["emptyDir"],
                  emptyDir["medium"]?.string == "Memory" else { continue }
            guard let size = emptyDir["sizeLimit"]?.scalar.flatMap(Quantity.parse), size > 0 else { return nil }
            total += size
        }
        return total
    }

    /// For model servers that cache under `~/.cache`: once the container no longer runs as root,
    /// point the caches at a writable place (a mounted cache under /root/.cache, else /tmp).
    func setModelCacheEnvironment(_ container: ContainerView, userChanged: Bool, label: String) {
        guard userChanged, WritablePaths.usesHomeCache(container) else { return }
        let names = Set(container.env.map(\.name))
        let mounts = mountPaths(container)
        let comment = "bulwark: caches outside the read-only root filesystem (the container no longer runs as root, whose home was /root)"
        var additions: [(String, String)] = []
        if !names.contains("XDG_CACHE_HOME") {
            additions.append(("XDG_CACHE_HOME", mounts.contains("/root/.cache") ? "/root/.cache" : "/tmp/.cache"))
        }
        let hubVariables: Set<String> = ["HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE"]
        if names.isDisjoint(with: hubVariables), !mounts.contains("/root/.cache"),
           let mount = mounts.first(where: { $0.hasPrefix("/root/.cache/huggingface") }) {
            let trimmed = mount.hasSuffix("/") ? String(mount.dropLast()) : mount
            additions.append((trimmed.hasSuffix("/hub") ? "HF_HUB_CACHE" : "HF_HOME", trimmed))
        }
        guard !additions.isEmpty else { return }
        if let env = container.node["env"], !env.isNull, !env.isSequence {
            log.warn(env, "\(label): env is not a list; cache variables not added")
            return
        }
        guard let env = patch.childSequence(.node(container.node), "env") else { return }
        for (index, (name, value)) in additions.enumerated() {
            let item = PendingMap([("name", .scalar(.string(name))), ("value", .scalar(.string(value)))])
            if index == 0 { item.entry("name")?.comment = comment }
            patch.append(env, .map(item))
            log.change(container.node, "\(label): set environment variable \(name)=\(value)")
            if value.hasPrefix("/tmp/") { addScratchVolume(container, at: "/tmp", label: label) }
        }
    }
}
