import BulwarkCore

/// A kustomization (or kustomize Component) document as read: the file it is in and its tree.
public struct KustomizationDocument: Sendable {
    /// The names kustomize looks for in a directory, in its order.
    public static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    public let file: String
    public let root: YAMLNode

    public init(file: String, root: YAMLNode) {
        self.file = file
        self.root = root
    }

    /// Whether a document is a kustomization: `kind: Kustomization` or `kind: Component` with a
    /// `kustomize.config.k8s.io` apiVersion, or any mapping without `apiVersion`/`kind` in a file
    /// kustomize would read as one (kustomize allows both to be left out), or anything else in such
    /// a file (then an error says it is not a mapping).
    public static func isKustomization(_ root: YAMLNode, file: String) -> Bool {
        // A kustomization file that is not a mapping is a broken kustomization, not a skipped document.
        guard root.isMapping else { return fileNames.contains(KustomizePath.lastComponent(file)) }
        let apiVersion = root["apiVersion"]?.string
        let kind = root["kind"]?.string
        if kind == "Kustomization" || kind == "Component" {
            return apiVersion == nil || apiVersion?.hasPrefix("kustomize.config.k8s.io/") == true
        }
        guard fileNames.contains(KustomizePath.lastComponent(file)) else { return false }
        return kind == nil && (apiVersion == nil || apiVersion?.hasPrefix("kustomize.config.k8s.io/") == true)
    }
}

/// A reference written in a kustomization (a path or an inline patch) with the node it is at.
struct KustomizationEntry {
    let text: String
    let node: YAMLNode
}

/// What a `patches:` or `patchesJson6902:` entry selects (`target:`); empty fields select all.
struct PatchTarget {
    var group: String?
    var version: String?
    var kind: String?
    var name: String?
    var namespace: String?
    var labelSelector: String?
    var annotationSelector: String?
}

/// One patch of a kustomization: a file (`path`) or inline text (`patch`), and an optional target.
struct KustomizationPatch {
    enum Source {
        case file(String)
        case inline(String)
    }

    let source: Source
    let target: PatchTarget?
    /// Where the entry is written.
    let node: YAMLNode
    /// Whether the content must be a JSON 6902 patch (`patchesJson6902:`); otherwise its shape decides.
    let jsonOnly: Bool
}

/// An `images:` override.
struct ImageOverride {
    let name: String
    let newName: YAMLNode?
    let newTag: YAMLNode?
    let digest: YAMLNode?
}

/// A `labels:` entry (or `commonLabels:`, which is `includeSelectors: true`).
struct LabelEntry {
    let pairs: [YAMLNode.Pair]
    let includeSelectors: Bool
    let includeTemplates: Bool
}

/// A kustomization, parsed: the fields Bulwark applies, and warnings for those it does not.
struct Kustomization {
    let file: String
    /// The directory its paths are relative to, as written (`""` for the working directory).
    let directory: String
    let isComponent: Bool
    var resources: [KustomizationEntry] = []
    var components: [KustomizationEntry] = []
    var patches: [KustomizationPatch] = []
    var namespace: YAMLNode?
    var namePrefix: YAMLNode?
    var nameSuffix: YAMLNode?
    var labels: [LabelEntry] = []
    var annotations: [YAMLNode.Pair] = []
    var images: [ImageOverride] = []
    var replicas: [(name: String, count: YAMLNode)] = []
    var errors: [InputError] = []
    var warnings: [InputWarning] = []

    /// Fields whose absence from the rendering does not change what is deployed.
    static let harmlessFields: Set<String> = ["apiVersion", "kind", "metadata", "sortOptions", "buildMetadata", "generatorOptions"]
    /// Fields Bulwark does not apply, with what is lost.
    static let unsupportedFields: [String: String] = [
        "helmCharts": "the Helm charts it inflates are not scanned",
        "helmGlobals": "the Helm charts it inflates are not scanned",
        "replacements": "values it copies between objects are not applied",
        "vars": "variables it substitutes are not applied",
        "configMapGenerator": "the ConfigMaps it generates are not scanned",
        "secretGenerator": "the Secrets it generates are not scanned",
        "generators": "the objects its generator plugins make are not scanned",
        "transformers": "its transformer plugins are not applied",
        "validators": "its validator plugins are not run",
        "crds": "its CRD schemas are not used for merging",
        "openapi": "its OpenAPI schema is not used for merging",
        "configurations": "its transformer configurations are not applied",
    ]

    init(document: KustomizationDocument) {
        file = document.file
        directory = KustomizePath.directory(of: document.file)
        let root = document.root
        isComponent = root["kind"]?.string == "Component"
        guard let pairs = root.pairs else {
            errors.append(Self.error(file, root, "a kustomization must be a mapping"))
            return
        }
        for pair in pairs {
            guard let key = pair.key.scalar else {
                warnings.append(Self.warning(file, pair.key, "kustomization key that is not a string ignored"))
                continue
            }
            let value = pair.value
            if value.isNull { continue }
            switch key {
            case "resources", "bases":
                resources += strings(value, field: key)
            case "components":
                components += strings(value, field: key)
            case "patchesStrategicMerge":
                for entry in strings(value, field: key) {
                    let inline = entry.text.contains("\n") || entry.text.contains(":")
                    patches.append(KustomizationPatch(source: inline ? .inline(entry.text) : .file(entry.text), target: nil,
                                                      node: entry.node, jsonOnly: false))
                }
            case "patches", "patchesJson6902":
                patches += patchEntries(value, field: key)
            case "namespace":
                namespace = scalar(value, field: key)
            case "namePrefix":
                namePrefix = scalar(value, field: key)
            case "nameSuffix":
                nameSuffix = scalar(value, field: key)
            case "commonLabels":
                if let map = mapping(value, field: key) {
                    labels.append(LabelEntry(pairs: map, includeSelectors: true, includeTemplates: true))
                }
            case "labels":
                labels += labelEntries(value)
            case "commonAnnotations":
                annotations += mapping(value, field: key) ?? []
            case "images":
                images += imageEntries(value)
            case "replicas":
                for item in sequence(value, field: key) {
                    if let name = item["name"]?.string, let count = item["count"] {
                        replicas.append((name, count))
                    } else {
                        errors.append(Self.error(file, item, "a replicas entry needs name and count"))
                    }
                }
            default:
                if Self.harmlessFields.contains(key) { continue }
                if let loss = Self.unsupportedFields[key] {
                    warnings.append(Self.warning(file, pair.key, "kustomization only partly applied: \(key) is not supported by Bulwark" + (loss.isEmpty ? "" : "; \(loss)")))
                } else {
                    warnings.append(Self.warning(file, pair.key, "kustomization only partly applied: unknown field \(key) ignored"))
                }
            }
        }
    }

    static func error(_ file: String, _ node: YAMLNode, _ message: String) -> InputError {
        InputError(file: file, line: node.position.line, column: node.position.column, message: message)
    }

    static func warning(_ file: String, _ node: YAMLNode, _ message: String) -> InputWarning {
        InputWarning(file: file, line: node.position.line, column: node.position.column, message: message)
    }

    private mutating func sequence(_ node: YAMLNode, field: String) -> [YAMLNode] {
        guard let items = node.sequence else {
            errors.append(Self.error(file, node, "\(field) must be a list"))
            return []
        }
        return items
    }

    private mutating func strings(_ node: YAMLNode, field: String) -> [KustomizationEntry] {
        sequence(node, field: field).compactMap { item in
            guard let text = item.string, !text.isEmpty else {
                errors.append(Self.error(file, item, "\(field) entries must be strings"))
                return nil
            }
            return KustomizationEntry(text: text, node: item)
        }
    }

    private mutating func scalar(_ node: YAMLNode, field: String) -> YAMLNode? {
        guard node.scalar != nil else {
            errors.append(Self.error(file, node, "\(field) must be a string"))
            return nil
        }
        return node
    }

    private mutating func mapping(_ node: YAMLNode, field: String) -> [YAMLNode.Pair]? {
        guard let pairs = node.pairs else {
            errors.append(Self.error(file, node, "\(field) must be a mapping"))
            return nil
        }
        return pairs.filter { $0.key.scalar != nil && $0.value.scalar != nil }
    }

    private mutating func patchEntries(_ node: YAMLNode, field: String) -> [KustomizationPatch] {
        sequence(node, field: field).compactMap { item in
            guard item.isMapping else {
                errors.append(Self.error(file, item, "a \(field) entry must be a mapping with path or patch"))
                return nil
            }
            var target: PatchTarget?
            if let selector = item["target"], !selector.isNull {
                guard selector.isMapping else {
                    errors.append(Self.error(file, selector, "target must be a mapping"))
                    return nil
                }
                target = PatchTarget(group: selector["group"]?.string, version: selector["version"]?.string,
                                     kind: selector["kind"]?.string, name: selector["name"]?.string,
                                     namespace: selector["namespace"]?.string, labelSelector: selector["labelSelector"]?.string,
                                     annotationSelector: selector["annotationSelector"]?.string)
            }
            let jsonOnly = field == "patchesJson6902"
            if jsonOnly && target == nil {
                errors.append(Self.error(file, item, "a patchesJson6902 entry needs a target"))
                return nil
            }
            if let path = item["path"]?.string {
                return KustomizationPatch(source: .file(path), target: target, node: item["path"] ?? item, jsonOnly: jsonOnly)
            }
            if let text = item["patch"]?.string {
                return KustomizationPatch(source: .inline(text), target: target, node: item["patch"] ?? item, jsonOnly: jsonOnly)
            }
            errors.append(Self.error(file, item, "a \(field) entry needs path or patch"))
            return nil
        }
    }

    private mutating func labelEntries(_ node: YAMLNode) -> [LabelEntry] {
        sequence(node, field: "labels").compactMap { item in
            guard let pairs = item["pairs"]?.pairs else {
                errors.append(Self.error(file, item, "a labels entry needs pairs"))
                return nil
            }
            let includeSelectors = item["includeSelectors"]?.bool ?? false
            return LabelEntry(pairs: pairs.filter { $0.key.scalar != nil && $0.value.scalar != nil },
                              includeSelectors: includeSelectors,
                              includeTemplates: includeSelectors || (item["includeTemplates"]?.bool ?? false))
        }
    }

    private mutating func imageEntries(_ node: YAMLNode) -> [ImageOverride] {
        sequence(node, field: "images").compactMap { item in
            guard let name = item["name"]?.string else {
                errors.append(Self.error(file, item, "an images entry needs a name"))
                return nil
            }
            return ImageOverride(name: name, newName: item["newName"].flatMap { $0.string == nil ? nil : $0 },
                                 newTag: item["newTag"].flatMap { $0.scalar == nil || $0.isNull ? nil : $0 },
                                 digest: item["digest"].flatMap { $0.string == nil ? nil : $0 })
        }
    }
}

/// Lexical path arithmetic for the paths kustomizations write (relative to their directory).
enum KustomizePath {
    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The directory of a file path as written (`""` when it has none; `./` kept).
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        let directory = String(file[..<slash])
        return directory.isEmpty ? "/" : normalize(directory)
    }

    /// `directory/relative`, normalised; an absolute `relative` stands alone. The result is a path
    /// to show and to open (a leading `./` of the directory is kept); compare paths by `key`.
    static func join(_ directory: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || directory.isEmpty { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    /// Removes `.` components (but a leading `./`), empty components and `name/..` pairs,
    /// lexically (`./a/../b` is `./b`).
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                if let last = components.last, last != ".." {
                    components.removeLast()
                } else if !absolute {
                    components.append(component)
                }
            default: components.append(component)
            }
        }
        let joined = components.joined(separator: "/")
        if absolute { return "/" + joined }
        if joined.isEmpty { return "." }
        return path.hasPrefix("./") ? "./" + joined : joined
    }

    /// The form paths are compared in: normalised, without a leading `./` (`./a/b` and `a/b` are one file).
    static func key(_ path: String) -> String {
        let normalized = normalize(path)
        return normalized.hasPrefix("./") ? String(normalized.dropFirst(2)) : normalized
    }

    /// Whether a resource names something kustomize fetches over the network.
    static func isRemote(_ reference: String) -> Bool {
        reference.contains("://") || reference.hasPrefix("github.com/") || reference.hasPrefix("gitlab.com/")
            || reference.hasPrefix("bitbucket.org/") || reference.hasPrefix("git@") || reference.contains("?ref=")
    }
}
