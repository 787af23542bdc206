/// Stacks walked layers in order into the image's final filesystem, as far as the files of interest
/// go (OCI image spec "Applying Changesets"): a layer's whiteouts and opaque directories delete
/// what lower layers put there; its entries then replace lower ones at the same path (a non-directory
/// replacing a directory deletes what was under it). Whatever a later layer deleted or replaced is
/// kept as `removed`: it is still in the image's history (`docker save` ships it).
struct LayerMerger {
    private(set) var current: [String: LayerFile] = [:]
    private(set) var removed: [LayerFile] = []
    /// Every symbolic link of the final filesystem (path → target), for resolving files of interest.
    private var symlinks: [String: String] = [:]

    mutating func apply(_ layer: WalkedLayer) {
        let whiteouts = Set(layer.whiteouts)
        let opaques = Set(layer.opaques)
        // Lower layers' files this layer deletes.
        if !current.isEmpty && (!whiteouts.isEmpty || !opaques.isEmpty || !layer.entries.isEmpty) {
            for (path, file) in current where deletes(layer, whiteouts: whiteouts, opaques: opaques, path: path) {
                removed.append(file)
                current[path] = nil
            }
        }
        if !symlinks.isEmpty && (!whiteouts.isEmpty || !opaques.isEmpty) {
            for path in symlinks.keys where deletes(layer, whiteouts: whiteouts, opaques: opaques, path: path) { symlinks[path] = nil }
        }
        for (path, target) in layer.symlinks { symlinks[path] = target }
        for (path, isDirectory) in layer.entries where !isDirectory && layer.symlinks[path] == nil { symlinks[path] = nil }
        // This layer's files, in tar order: a duplicate replaces the earlier one.
        for file in layer.files {
            if let earlier = current[file.path], !(earlier.kind == .directory && file.kind == .directory) {
                removed.append(earlier)
            }
            current[file.path] = file
        }
    }

    /// Whether `layer` deletes (or replaces) a lower layer's file at `path`.
    private func deletes(_ layer: WalkedLayer, whiteouts: Set<String>, opaques: Set<String>, path: String) -> Bool {
        if whiteouts.contains(path) { return true }
        if let isDirectory = layer.entries[path] {
            // A directory over a directory merges; anything else replaces.
            if !(isDirectory && current[path]?.kind == .directory) { return true }
        }
        for ancestor in LayerPath.ancestors(path) {
            if whiteouts.contains(ancestor) || opaques.contains(ancestor) { return true }
            if layer.entries[ancestor] == false { return true }
        }
        // An opaque marker at the root (`.wh..wh..opq` at the top) hides every lower file.
        return opaques.contains("")
    }

    /// The files of interest present at the end, sorted by path, with symbolic and hard links of
    /// interest given their target's contents when the target is a kept file inside the root.
    func finalFiles() -> [LayerFile] {
        current.values.map { file in
            guard file.contents == nil, file.kind == .symlink || file.kind == .hardlink, let target = file.linkTarget else { return file }
            var resolved = file
            let start: String? = file.kind == .symlink
                ? LayerPath.resolveSymlink(at: file.path, target: target)
                : { if case .path(let path) = LayerPath.normalize(target) { return path } else { return nil } }()
            if let start, let landing = follow(start), let found = current[landing], found.kind == .regular {
                resolved.contents = found.contents
                resolved.truncated = found.truncated
            }
            return resolved
        }.sorted { $0.path < $1.path }
    }

    /// Follows symbolic links (in any component) inside the root, at most 40 times (Linux's
    /// MAXSYMLINKS); nil when a link leaves the root or loops.
    private func follow(_ path: String) -> String? {
        var path = path
        for _ in 0..<40 {
            var changed = false
            for prefix in LayerPath.ancestors(path) + [path] {
                guard let target = symlinks[prefix] else { continue }
                guard let landing = LayerPath.resolveSymlink(at: prefix, target: target) else { return nil }
                path = landing + String(path.dropFirst(prefix.count))
                if path.hasPrefix("/") { path.removeFirst() }
                changed = true
                break
            }
            if !changed { return path }
        }
        return nil
    }

    /// Removed files in layer order, then by path.
    func removedFiles() -> [LayerFile] {
        removed.sorted { ($0.layerIndex, $0.path) < ($1.layerIndex, $1.path) }
    }
}
