import BulwarkCore

extension KustomizeRenderer {
    /// Workload kinds whose pod template (and selector) kustomize labels.
    static let selectorKinds: Set<String> = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]
    static let templateKinds: Set<String> = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"]
    static let replicaKinds: Set<String> = ["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]

    /// `namespace`, `namePrefix`/`nameSuffix`, labels, annotations, `images`, `replicas`, in kustomize's order.
    mutating func applyTransformers(_ kustomization: Kustomization, to resources: inout [KustomizeResource]) {
        let file = kustomization.file
        if let namespace = kustomization.namespace, namespace.string != nil {
            origins.record(node: namespace, file: file)
            setNamespace(namespace, in: &resources)
        }
        let prefix = kustomization.namePrefix?.string ?? ""
        let suffix = kustomization.nameSuffix?.string ?? ""
        if !prefix.isEmpty || !suffix.isEmpty {
            rename(prefix: prefix, suffix: suffix, in: &resources)
        }
        for entry in kustomization.labels {
            for pair in entry.pairs {
                origins.record(node: pair.key, file: file)
                origins.record(node: pair.value, file: file)
            }
            for position in resources.indices {
                let kind = resources[position].kind
                var root = set(entry.pairs, at: ["metadata", "labels"], in: resources[position].root, create: true)
                if entry.includeSelectors {
                    if Self.selectorKinds.contains(kind) {
                        root = set(entry.pairs, at: ["spec", "selector", "matchLabels"], in: root, create: true)
                    } else if kind == "Service" || kind == "ReplicationController" {
                        root = set(entry.pairs, at: ["spec", "selector"], in: root, create: true)
                    }
                }
                if entry.includeTemplates {
                    root = setOnTemplates(entry.pairs, field: "labels", kind: kind, in: root)
                }
                resources[position].root = root
            }
        }
        if !kustomization.annotations.isEmpty {
            for pair in kustomization.annotations {
                origins.record(node: pair.key, file: file)
                origins.record(node: pair.value, file: file)
            }
            for position in resources.indices {
                let root = set(kustomization.annotations, at: ["metadata", "annotations"], in: resources[position].root, create: true)
                resources[position].root = setOnTemplates(kustomization.annotations, field: "annotations", kind: resources[position].kind, in: root)
            }
        }
        if !kustomization.images.isEmpty {
            for image in kustomization.images {
                for node in [image.newName, image.newTag, image.digest].compactMap({ $0 }) { origins.record(node: node, file: file) }
            }
            var byName: [String: ImageOverride] = [:]
            for image in kustomization.images where byName[image.name] == nil { byName[image.name] = image }
            for position in resources.indices {
                resources[position].root = overridingImages(resources[position].root, byName, parent: nil)
            }
        }
        for replica in kustomization.replicas {
            origins.record(node: replica.count, file: file)
            for position in resources.indices
            where Self.replicaKinds.contains(resources[position].kind) && resources[position].names.contains(replica.name) {
                let key = origins.derive(.scalar("replicas", .plain), from: replica.count)
                resources[position].root = set([YAMLNode.Pair(key: key, value: replica.count)], at: ["spec"], in: resources[position].root, create: true)
            }
        }
    }

    // MARK: - Namespace and names

    private mutating func setNamespace(_ namespace: YAMLNode, in resources: inout [KustomizeResource]) {
        let key = origins.derive(.scalar("namespace", .plain), from: namespace)
        // ServiceAccount name → the namespace it had (`default` when none), before it moves.
        var serviceAccounts: [String: String] = [:]
        for resource in resources where resource.kind == "ServiceAccount" {
            for name in resource.names { serviceAccounts[name] = resource.namespace ?? "default" }
        }
        for position in resources.indices {
            let kind = resources[position].kind
            var root = resources[position].root
            if !KubeObject.clusterScopedKinds.contains(kind) {
                root = set([YAMLNode.Pair(key: key, value: namespace)], at: ["metadata"], in: root, create: true)
            }
            // Bindings follow the ServiceAccounts of the kustomization they name (in the namespace
            // the account had) into the namespace; other subjects stay.
            if kind == "RoleBinding" || kind == "ClusterRoleBinding", let subjects = root["subjects"]?.sequence {
                var changed = false
                let moved: [YAMLNode] = subjects.map { subject in
                    guard subject["kind"]?.string == "ServiceAccount", let name = subject["name"]?.string,
                          let accountNamespace = serviceAccounts[name], (subject["namespace"]?.string ?? "default") == accountNamespace
                    else { return subject }
                    changed = true
                    return set([YAMLNode.Pair(key: key, value: namespace)], at: [], in: subject, create: true)
                }
                if changed, let node = root["subjects"] {
                    root = set([YAMLNode.Pair(key: root.keyNode("subjects") ?? key, value: origins.derive(.sequence(moved), from: node))],
                               at: [], in: root, create: true)
                }
            }
            resources[position].root = root
        }
    }

    /// Prefixes and suffixes names, and the references to the renamed objects (ServiceAccounts,
    /// ConfigMaps, Secrets, claims, Services, roles) in the other objects.
    private mutating func rename(prefix: String, suffix: String, in resources: inout [KustomizeResource]) {
        var renames: [String: [String: String]] = [:]
        for position in resources.indices {
            let kind = resources[position].kind
            guard kind != "Namespace", kind != "CustomResourceDefinition",
                  let nameNode = resources[position].root["metadata"]?["name"], let name = nameNode.string else { continue }
            let renamed = prefix + name + suffix
            renames[kind, default: [:]][name] = renamed
            let value = origins.derive(.scalar(renamed, .plain), from: nameNode)
            let key = resources[position].root["metadata"]?.keyNode("name") ?? value
            resources[position].root = set([YAMLNode.Pair(key: key, value: value)], at: ["metadata"], in: resources[position].root, create: false)
            resources[position].names.append(renamed)
        }
        guard !renames.isEmpty else { return }
        for position in resources.indices {
            resources[position].root = renamingReferences(resources[position].root, parent: nil, renames)
        }
    }

    /// The kind a name field refers to, by the field and the key above it.
    static func referenceKind(parent: String?, key: String, in mapping: YAMLNode) -> String? {
        switch (parent, key) {
        case (_, "serviceAccountName"): "ServiceAccount"
        case ("configMap", "name"), ("configMapKeyRef", "name"), ("configMapRef", "name"): "ConfigMap"
        case ("secret", "secretName"), ("secretKeyRef", "name"), ("secretRef", "name"), ("imagePullSecrets", "name"): "Secret"
        case ("persistentVolumeClaim", "claimName"): "PersistentVolumeClaim"
        case ("service", "name"), (_, "serviceName"): "Service"
        case ("roleRef", "name"), ("subjects", "name"): mapping["kind"]?.string
        default: nil
        }
    }

    private mutating func renamingReferences(_ node: YAMLNode, parent: String?, _ renames: [String: [String: String]]) -> YAMLNode {
        rewriting(node, parent: parent) { renderer, pair, key, parent, map in
            if key == "metadata" && parent == nil { return .keep }
            if let name = pair.value.string, let kind = Self.referenceKind(parent: parent, key: key, in: map),
               let renamed = renames[kind]?[name] {
                return .replace(renderer.origins.derive(.scalar(renamed, .plain), from: pair.value))
            }
            return .descend
        }
    }

    /// What `rewriting` does with one pair of a map.
    enum PairRewrite {
        case keep
        case replace(YAMLNode)
        case descend
    }

    /// `node` with some values of its maps replaced, at any depth: `decide` sees each pair (with
    /// its key, the key of the map's parent and the map) and keeps it, replaces its value, or
    /// descends into it. Unchanged subtrees are shared; a changed map or sequence is derived from
    /// the original (same origin and position).
    private mutating func rewriting(
        _ node: YAMLNode, parent: String?,
        _ decide: (inout KustomizeRenderer, YAMLNode.Pair, String, String?, YAMLNode) -> PairRewrite
    ) -> YAMLNode {
        switch node.content {
        case .scalar:
            return node
        case .sequence(let items):
            var changed = false
            var updated: [YAMLNode] = []
            updated.reserveCapacity(items.count)
            for item in items {
                let result = rewriting(item, parent: parent, decide)
                if result !== item { changed = true }
                updated.append(result)
            }
            return changed ? origins.derive(.sequence(updated), from: node) : node
        case .mapping(let pairs):
            var changed = false
            var updated: [YAMLNode.Pair] = []
            updated.reserveCapacity(pairs.count)
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    updated.append(pair)
                    continue
                }
                switch decide(&self, pair, key, parent, node) {
                case .keep:
                    updated.append(pair)
                case .replace(let value):
                    changed = true
                    updated.append(YAMLNode.Pair(key: pair.key, value: value))
                case .descend:
                    let value = rewriting(pair.value, parent: key, decide)
                    if value === pair.value {
                        updated.append(pair)
                    } else {
                        changed = true
                        updated.append(YAMLNode.Pair(key: pair.key, value: value))
                    }
                }
            }
            return changed ? origins.derive(.mapping(updated), from: node) : node
        }
    }

    // MARK: - Maps

    /// Labels or annotations on the pod templates of workloads (and a CronJob's job template).
    private mutating func setOnTemplates(_ pairs: [YAMLNode.Pair], field: String, kind: String, in root: YAMLNode) -> YAMLNode {
        if Self.templateKinds.contains(kind) {
            return set(pairs, at: ["spec", "template", "metadata", field], in: root, create: true)
        }
        if kind == "CronJob" {
            let job = set(pairs, at: ["spec", "jobTemplate", "metadata", field], in: root, create: true)
            return set(pairs, at: ["spec", "jobTemplate", "spec", "template", "metadata", field], in: job, create: true)
        }
        return root
    }

    /// `root` with the pairs set in the map at `path` (maps on the way created when `create`; the
    /// tree is unchanged where the path meets something other than a map).
    mutating func set(_ pairs: [YAMLNode.Pair], at path: [String], in root: YAMLNode, create: Bool) -> YAMLNode {
        guard let model = pairs.first?.value else { return root }
        return setting(pairs, at: path[...], in: root, model: model, create: create) ?? root
    }

    private mutating func setting(_ pairs: [YAMLNode.Pair], at path: ArraySlice<String>, in node: YAMLNode?, model: YAMLNode,
                                  create: Bool) -> YAMLNode? {
        let existing: [YAMLNode.Pair]
        if let node {
            guard case .mapping(let nodePairs) = node.content else { return node }
            existing = nodePairs
        } else {
            guard create else { return nil }
            existing = []
        }
        var result = existing
        if let key = path.first {
            let index = existing.firstIndex { $0.key.scalar == key }
            let child = index.map { existing[$0].value }
            if child == nil || child?.isNull == true, !create { return node }
            guard let updated = setting(pairs, at: path.dropFirst(), in: child?.isNull == true ? nil : child, model: model, create: create) else {
                return node
            }
            if let index {
                result[index] = YAMLNode.Pair(key: existing[index].key, value: updated)
            } else {
                result.append(YAMLNode.Pair(key: origins.derive(.scalar(key, .plain), from: model), value: updated))
            }
        } else {
            for pair in pairs {
                if let index = result.firstIndex(where: { $0.key.scalar == pair.key.scalar }) {
                    result[index] = YAMLNode.Pair(key: result[index].key, value: pair.value)
                } else {
                    result.append(pair)
                }
            }
        }
        return origins.derive(.mapping(result), from: node ?? model)
    }

    // MARK: - Images

    private mutating func overridingImages(_ node: YAMLNode, _ images: [String: ImageOverride], parent: String?) -> YAMLNode {
        rewriting(node, parent: parent) { renderer, pair, key, parent, _ in
            let inContainer = parent == "containers" || parent == "initContainers" || parent == "ephemeralContainers"
            if inContainer, key == "image", let image = pair.value.string, let replaced = renderer.overridden(image, images) {
                return .replace(replaced)
            }
            return .descend
        }
    }

    /// The image an `images:` entry makes of `image`, as a node of the kustomization; nil when none applies.
    private mutating func overridden(_ image: String, _ images: [String: ImageOverride]) -> YAMLNode? {
        let reference = ImageParts(image)
        guard let override = images[reference.name] else { return nil }
        var result = override.newName?.string ?? reference.name
        if let digest = override.digest?.string {
            result += "@" + digest
        } else if let tag = override.newTag?.scalar {
            result += ":" + tag
        } else {
            result += reference.suffix
        }
        guard result != image, let model = override.digest ?? override.newTag ?? override.newName else { return nil }
        return origins.derive(.scalar(result, .plain), from: model)
    }
}

/// An image reference split as kustomize's `images:` matches it: the name, and the `:tag` and/or
/// `@digest` after it.
struct ImageParts {
    let name: String
    let suffix: String

    init(_ image: String) {
        var name = Substring(image)
        var suffix = ""
        if let at = name.firstIndex(of: "@") {
            suffix = String(name[at...])
            name = name[..<at]
        }
        let lastSlash = name.lastIndex(of: "/")
        if let colon = name.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            suffix = String(name[colon...]) + suffix
            name = name[..<colon]
        }
        self.name = String(name)
        self.suffix = suffix
    }
}
