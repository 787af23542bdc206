import BulwarkCore

/// The Kustomize step of the Kubernetes domain: builds what the kustomizations found among the
/// inputs deploy, so the rules judge the merged objects rather than the fragments.
///
/// - A kustomization (or Component) document is never an object.
/// - Every file a kustomization names as a patch is never judged alone.
/// - Each *root* kustomization (one no other kustomization of the inputs uses as a resource or
///   component: an overlay, or a base scanned on its own) is rendered: its resources (files, and
///   directories with a kustomization, rendered recursively), components, patches
///   (`patchesStrategicMerge`, `patches`, `patchesJson6902`), `namespace`, `namePrefix`/`nameSuffix`,
///   `commonLabels`/`labels`, `commonAnnotations`, `images`, `replicas`. The files it consumed are
///   judged only through its output; a base two overlays share is judged once per overlay, each in
///   the overlay's directory (`KubeObject.renderedBy`, see `InventoryPartition`).
/// - Fields it does not apply (generators, Helm charts, replacements, remote resources …) are
///   warnings at the field; broken references and patches that do not apply are errors at the entry.
///
/// Files a kustomization names that are not among the inputs (`../base` when only the overlay is
/// scanned) are read from disk with the same limits. Linear in the inputs: patch targets are found
/// through an index by kind and name; each kustomization is rendered once.
public enum Kustomize {
    /// The inventory with kustomizations rendered: the objects of files no kustomization consumed,
    /// then the rendered objects; errors and warnings added.
    public static func render(_ inventory: Inventory, options: LoadOptions = LoadOptions()) -> Inventory {
        guard !inventory.kustomizations.isEmpty else { return inventory }
        var renderer = KustomizeRenderer(inventory: inventory, options: options)
        return renderer.run()
    }
}

/// An object while kustomizations transform it.
struct KustomizeResource {
    var root: YAMLNode
    /// The file the object was read from.
    let file: String
    let helmSource: String?
    /// Every name it had (patches of an overlay may name the base's object before its prefix).
    var names: [String]

    var kind: String { root["kind"]?.string ?? "" }
    var name: String { names.last ?? "" }
    var namespace: String? { root["metadata"]?["namespace"]?.string }
    var apiVersion: String { root["apiVersion"]?.string ?? "" }

    init(object: KubeObject) {
        root = object.root
        file = object.file
        helmSource = object.helmSource
        names = [object.root["metadata"]?["name"]?.string ?? object.name]
    }
}

struct KustomizeRenderer {
    let options: LoadOptions
    var original: Inventory
    var origins = NodeOriginsBuilder()
    var errors: [InputError] = []
    var warnings: [InputWarning] = []
    /// Remote resources and components skipped so far; a build that skipped any is partial, and
    /// its patches may target objects Bulwark never read.
    var skippedRemote = 0
    /// Whether the build whose patches are being applied skipped remote content.
    var buildIsPartial = false
    /// Normalised files whose objects are judged only through a rendering (resources, patches).
    var consumed: Set<String> = []
    /// Kustomization documents of the inputs by normalised directory.
    var documents: [String: KustomizationDocument] = [:]
    /// Parsed kustomizations by normalised directory (problems reported once).
    var parsed: [String: Kustomization] = [:]
    /// Objects of the inputs by normalised file.
    var objectsByFile: [String: [Int]] = [:]
    /// Files read from disk by normalised path.
    var diskFiles: [String: [YAMLNode]] = [:]
    var rendered: [String: [KustomizeResource]] = [:]
    var visiting: Set<String> = []

    init(inventory: Inventory, options: LoadOptions) {
        self.options = options
        original = inventory
        for (index, object) in inventory.objects.enumerated() {
            objectsByFile[KustomizePath.key(object.file), default: []].append(index)
        }
        for document in inventory.kustomizations {
            let directory = KustomizePath.key(KustomizePath.directory(of: document.file))
            if let existing = documents[directory] {
                errors.append(InputError(file: document.file, line: document.root.position.line, column: document.root.position.column,
                                         message: "a second kustomization in one directory (\(existing.file) is the first); ignored"))
                continue
            }
            documents[directory] = document
        }
    }

    mutating func run() -> Inventory {
        // Which kustomizations others use; the patch files of all are never judged alone.
        var used: Set<String> = []
        let inputs = documents.keys.sorted().compactMap { documents[$0] }
        for document in inputs {
            guard let kustomization = kustomization(in: KustomizePath.directory(of: document.file)) else { continue }
            consumed.insert(KustomizePath.key(kustomization.file))
            for entry in kustomization.resources + kustomization.components where !KustomizePath.isRemote(entry.text) {
                used.insert(KustomizePath.key(KustomizePath.join(kustomization.directory, entry.text)))
            }
            for patch in kustomization.patches {
                if case .file(let path) = patch.source { consumed.insert(KustomizePath.key(KustomizePath.join(kustomization.directory, path))) }
            }
        }
        var output: [KubeObject] = []
        for document in inputs {
            let directory = KustomizePath.directory(of: document.file)
            guard !used.contains(KustomizePath.key(directory)), let kustomization = parsed[KustomizePath.key(directory)],
                  !kustomization.isComponent else { continue }
            let resources = render(directory: directory, at: nil, from: kustomization.file) ?? []
            for resource in resources {
                let file = origins.file(of: resource.root) ?? resource.file
                guard var object = KubeObject(root: resource.root, file: file, helmSource: resource.helmSource) else {
                    errors.append(InputError(file: file, line: resource.root.position.line, column: resource.root.position.column,
                                             message: "the object rendered by \(kustomization.file) has no apiVersion or kind"))
                    continue
                }
                object.renderedBy = kustomization.file
                output.append(object)
            }
        }
        let table = origins.build()
        var result = original
        result.objects = original.objects.filter { !consumed.contains(KustomizePath.key($0.file)) }
        result.objects += output.map { object in
            var object = object
            object.origins = table
            return object
        }
        result.kustomizations = []
        // A file among the inputs that is read again (a patch) must not repeat the loader's errors.
        var seen = Set(original.errors)
        result.errors += errors.filter { seen.insert($0).inserted }
        var seenWarnings = Set(original.warnings)
        result.warnings += warnings.filter { seenWarnings.insert($0).inserted }
        return result
    }

    // MARK: - Kustomizations

    /// The kustomization of a directory: among the inputs, or read from disk. Nil when there is none.
    mutating func kustomization(in directory: String) -> Kustomization? {
        let key = KustomizePath.key(directory)
        if let known = parsed[key] { return known }
        var document = documents[key]
        if document == nil {
            for name in KustomizationDocument.fileNames {
                let path = directory.isEmpty ? name : directory + "/" + name
                guard case .success(.regular) = FileKind.of(path), let roots = read(path) else { continue }
                document = roots.first.map { KustomizationDocument(file: path, root: $0) }
                break
            }
        }
        guard let document else { return nil }
        let kustomization = Kustomization(document: document)
        errors += kustomization.errors
        warnings += kustomization.warnings
        parsed[key] = kustomization
        return kustomization
    }

    /// The objects a kustomization deploys (memoised); nil when the directory has none or is in a cycle.
    mutating func render(directory: String, at entry: YAMLNode?, from file: String) -> [KustomizeResource]? {
        let key = KustomizePath.key(directory)
        if let done = rendered[key] { return done }
        guard let kustomization = kustomization(in: directory) else { return nil }
        guard !visiting.contains(key) else {
            if let entry {
                errors.append(InputError(file: file, line: entry.position.line, column: entry.position.column,
                                         message: "kustomization cycle through \(directory)"))
            }
            return []
        }
        visiting.insert(key)
        defer { visiting.remove(key) }
        consumed.insert(KustomizePath.key(kustomization.file))
        let resources = build(kustomization, onto: [])
        rendered[key] = resources
        return resources
    }

    /// Applies a kustomization (or a Component) to the objects so far.
    mutating func build(_ kustomization: Kustomization, onto initial: [KustomizeResource]) -> [KustomizeResource] {
        let skippedBefore = skippedRemote
        var resources = initial
        for entry in kustomization.resources {
            resources += load(entry, of: kustomization)
        }
        for entry in kustomization.components {
            if KustomizePath.isRemote(entry.text) {
                warnings.append(Kustomization.warning(kustomization.file, entry.node,
                                                      "kustomization only partly applied: remote component \(entry.text) is not fetched; its patches are not applied"))
                skippedRemote += 1
                continue
            }
            let directory = KustomizePath.join(kustomization.directory, entry.text)
            guard let component = self.kustomization(in: directory) else {
                errors.append(Kustomization.error(kustomization.file, entry.node, "component \(entry.text) has no kustomization"))
                continue
            }
            let key = KustomizePath.key(directory)
            guard !visiting.contains(key) else {
                errors.append(Kustomization.error(kustomization.file, entry.node, "kustomization cycle through \(directory)"))
                continue
            }
            visiting.insert(key)
            consumed.insert(KustomizePath.key(component.file))
            resources = build(component, onto: resources)
            visiting.remove(key)
        }
        buildIsPartial = skippedRemote > skippedBefore
        applyPatches(kustomization, to: &resources)
        applyTransformers(kustomization, to: &resources)
        return resources
    }

    /// The objects of one `resources:` entry.
    mutating func load(_ entry: KustomizationEntry, of kustomization: Kustomization) -> [KustomizeResource] {
        if KustomizePath.isRemote(entry.text) {
            warnings.append(Kustomization.warning(kustomization.file, entry.node,
                                                  "kustomization only partly applied: remote resource \(entry.text) is not fetched; its objects are not scanned"))
            skippedRemote += 1
            return []
        }
        let path = KustomizePath.join(kustomization.directory, entry.text)
        if let objects = render(directory: path, at: entry.node, from: kustomization.file) { return objects }
        if let indices = objectsByFile[KustomizePath.key(path)] {
            consumed.insert(KustomizePath.key(path))
            return indices.map { KustomizeResource(object: original.objects[$0]) }
        }
        switch FileKind.of(path) {
        case .success(.directory):
            errors.append(Kustomization.error(kustomization.file, entry.node, "resource directory \(entry.text) has no kustomization"))
            return []
        case .success(.regular):
            consumed.insert(KustomizePath.key(path))
            guard let roots = read(path) else { return [] }
            var resources: [KustomizeResource] = []
            for root in roots {
                if let object = KubeObject(root: root, file: path, helmSource: nil) {
                    if object.kind == "List" {
                        for item in root["items"]?.items ?? [] {
                            if let inner = KubeObject(root: item, file: path, helmSource: nil) { resources.append(KustomizeResource(object: inner)) }
                        }
                    } else {
                        resources.append(KustomizeResource(object: object))
                    }
                }
            }
            return resources
        default:
            errors.append(Kustomization.error(kustomization.file, entry.node, "resource \(entry.text) not found"))
            return []
        }
    }

    /// The YAML documents of a file read from disk (cached); nil when it cannot be read (an error is added).
    mutating func read(_ path: String) -> [YAMLNode]? {
        let key = KustomizePath.key(path)
        if let cached = diskFiles[key] { return cached }
        let bytes: [UInt8]
        switch InputFile.read(path, limit: ByteLimit(bytes: options.maxFileSize)) {
        case .failure(let error):
            errors.append(error)
            diskFiles[key] = []
            return nil
        case .success(let read):
            bytes = read
        }
        let roots = documents(of: bytes, file: path)
        diskFiles[key] = roots
        return roots
    }

    /// Parses text into document roots, errors located in `file` (lines moved down by `lineOffset`,
    /// for an inline patch).
    mutating func documents(of bytes: [UInt8], file: String, lineOffset: Int = 0) -> [YAMLNode] {
        let text: [UInt8]
        switch TextEncoding.utf8(bytes, fileKind: "Kubernetes manifest") {
        case .failure(let error):
            errors.append(error.located(in: file))
            return []
        case .success(let utf8):
            text = utf8
        }
        let result = YAMLReader.read(bytes: text, limits: options.yamlLimits)
        for error in result.errors {
            var located = error.located(in: file)
            located.line = located.line.map { $0 + lineOffset }
            errors.append(located)
        }
        return result.documents.compactMap { document in
            guard let root = document.root, !root.isNull else { return nil }
            return root
        }
    }
}
