import BulwarkCore

/// Kubernetes strategic merge patch over `YAMLNode` trees, as kustomize applies
/// `patchesStrategicMerge` and `patches`: maps merge recursively, scalars are replaced, `null`
/// deletes a key, `$patch: delete` deletes a map (or a list item), `$patch: replace` replaces it.
/// Lists of the built-in pod and Service types merge by their merge key (`containers` by `name`,
/// `volumeMounts` by `mountPath`, container `ports` by `containerPort` …); other lists, and every
/// list of other kinds (custom resources, which kustomize merges without a schema), are replaced.
///
/// A merged list holds the patch's items first (in the patch's order, each merged with the base's
/// item of the same key), then the base's other items, as kustomize writes it.
///
/// The result shares every untouched node with the inputs; a merged map is a new node at the
/// position of the base's map, so a value keeps the file and line it was written at.
struct StrategicMerge {
    /// Kinds whose lists merge by key (kustomize knows their schema).
    static let builtInKinds: Set<String> = [
        "Pod", "PodTemplate", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
        "ReplicationController", "Service",
    ]

    /// Whether lists merge by key (the target is a built-in kind).
    let mergesLists: Bool

    /// The merge key of the list at `path` (field names from the root), or nil when it is replaced.
    static func mergeKey(path: [String]) -> String? {
        guard let field = path.last else { return nil }
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "volumes", "env", "imagePullSecrets",
             "resourceClaims", "readinessGates":
            return field == "readinessGates" ? "conditionType" : "name"
        case "volumeMounts": return "mountPath"
        case "volumeDevices": return "devicePath"
        case "hostAliases": return "ip"
        case "topologySpreadConstraints": return "topologyKey"
        case "ports":
            let inContainer = path.dropLast().contains { $0 == "containers" || $0 == "initContainers" || $0 == "ephemeralContainers" }
            return inContainer ? "containerPort" : "port"
        default: return nil
        }
    }

    /// Merges a patch document into an object. The patch's `apiVersion`, `kind`, `metadata.name` and
    /// `metadata.namespace` only select the target and are not merged.
    func mergeObject(_ base: YAMLNode, patch: YAMLNode, origins: inout NodeOriginsBuilder) -> YAMLNode? {
        guard case .mapping(let pairs) = patch.content else { return base }
        var kept: [YAMLNode.Pair] = []
        for pair in pairs {
            switch pair.key.scalar {
            case "apiVersion", "kind": continue
            case "metadata":
                if case .mapping(let metadata) = pair.value.content {
                    let rest = metadata.filter { $0.key.scalar != "name" && $0.key.scalar != "namespace" }
                    if rest.isEmpty { continue }
                    kept.append(YAMLNode.Pair(key: pair.key, value: rest.count == metadata.count ? pair.value
                                              : origins.derive(.mapping(rest), from: pair.value)))
                } else {
                    kept.append(pair)
                }
            default: kept.append(pair)
            }
        }
        let selection = origins.derive(.mapping(kept), from: patch)
        return merge(base, selection, path: [], origins: &origins)
    }

    /// The merge of `patch` into `base` at `path`; nil when the patch deletes it.
    func merge(_ base: YAMLNode?, _ patch: YAMLNode, path: [String], origins: inout NodeOriginsBuilder) -> YAMLNode? {
        switch patch.content {
        case .scalar:
            return patch.isNull ? nil : patch
        case .mapping(let patchPairs):
            switch patch["$patch"]?.string {
            case "delete": return nil
            case "replace": return clean(patch, origins: &origins)
            default: break
            }
            guard let base, case .mapping(let basePairs) = base.content else { return clean(patch, origins: &origins) }
            var result: [YAMLNode.Pair?] = basePairs
            var position: [String: Int] = [:]
            for (index, pair) in basePairs.enumerated() {
                if let key = pair.key.scalar, position[key] == nil { position[key] = index }
            }
            for pair in patchPairs {
                guard let key = pair.key.scalar else { continue }
                // Directives other than $patch ($retainKeys, $setElementOrder/…, $deleteFromPrimitiveList/…)
                // only order or prune what the merge already decides.
                if key.hasPrefix("$") { continue }
                if let index = position[key], let existing = result[index] {
                    if let merged = merge(existing.value, pair.value, path: path + [key], origins: &origins) {
                        result[index] = YAMLNode.Pair(key: existing.key, value: merged)
                    } else {
                        result[index] = nil
                    }
                } else if !pair.value.isNull, let value = clean(pair.value, origins: &origins) {
                    position[key] = result.count
                    result.append(YAMLNode.Pair(key: pair.key, value: value))
                }
            }
            return origins.derive(.mapping(result.compactMap { $0 }), from: base)
        case .sequence(let patchItems):
            guard mergesLists, let base, case .sequence(let baseItems) = base.content, let key = Self.mergeKey(path: path) else {
                return clean(patch, origins: &origins)
            }
            if patchItems.contains(where: { $0["$patch"]?.string == "replace" }) {
                let rest = patchItems.filter { $0["$patch"]?.string != "replace" }.compactMap { clean($0, origins: &origins) }
                return origins.derive(.sequence(rest), from: patch)
            }
            // kustomize's order: the patch's items (merged with the base's item of the same key) in
            // the patch's order, then the base's items the patch does not name, in the base's order.
            var position: [String: Int] = [:]
            for (index, item) in baseItems.enumerated() {
                if let value = item[key]?.scalar, position[value] == nil { position[value] = index }
            }
            var named = Set<Int>()
            var result: [YAMLNode?] = []
            for item in patchItems {
                guard item.isMapping, let value = item[key]?.scalar else {
                    result.append(clean(item, origins: &origins))
                    continue
                }
                if let index = position[value] {
                    guard named.insert(index).inserted else { continue }
                    result.append(merge(baseItems[index], item, path: path, origins: &origins))
                } else if item["$patch"]?.string != "delete" {
                    result.append(clean(item, origins: &origins))
                }
            }
            for (index, item) in baseItems.enumerated() where !named.contains(index) {
                result.append(item)
            }
            return origins.derive(.sequence(result.compactMap { $0 }), from: base)
        }
    }

    /// A patch value with its directives removed (`$patch: delete` → nil, other `$` keys dropped);
    /// the node itself when it holds none, so its identity (and file) is kept.
    func clean(_ node: YAMLNode, origins: inout NodeOriginsBuilder) -> YAMLNode? {
        switch node.content {
        case .scalar:
            return node
        case .mapping(let pairs):
            if node["$patch"]?.string == "delete" { return nil }
            var changed = false
            var kept: [YAMLNode.Pair] = []
            kept.reserveCapacity(pairs.count)
            for pair in pairs {
                if pair.key.scalar?.hasPrefix("$") == true {
                    changed = true
                    continue
                }
                // `key: null` deletes: where there is nothing to delete, the key is not written.
                if !pair.value.isNull, let value = clean(pair.value, origins: &origins) {
                    if value !== pair.value { changed = true }
                    kept.append(YAMLNode.Pair(key: pair.key, value: value))
                } else {
                    changed = true
                }
            }
            return changed ? origins.derive(.mapping(kept), from: node) : node
        case .sequence(let items):
            var changed = false
            var kept: [YAMLNode] = []
            kept.reserveCapacity(items.count)
            for item in items {
                if let value = clean(item, origins: &origins) {
                    if value !== item { changed = true }
                    kept.append(value)
                } else {
                    changed = true
                }
            }
            return changed ? origins.derive(.sequence(kept), from: node) : node
        }
    }
}
