import BulwarkCore

/// Options for reading Kubernetes inputs.
public struct LoadOptions: Sendable {
    /// Files larger than this are reported as errors without being read.
    public var maxFileSize: Int
    public var yamlLimits: YAMLLimits

    public init(maxFileSize: Int = 32 << 20, yamlLimits: YAMLLimits = .standard) {
        self.maxFileSize = maxFileSize
        self.yamlLimits = yamlLimits
    }
}

/// Reads Kubernetes manifests (YAML or JSON, multi-document, `kind: List`, Helm output).
public enum KubernetesLoader {
    /// Reads and parses the sources on all cores, and adds the documents handed over in memory.
    public static func load(sources: [SourceInput], documents: [MemoryDocument] = [], options: LoadOptions = LoadOptions()) -> Inventory {
        let parts = sources.parallelMap { source -> Inventory in
            switch source.read(limit: ByteLimit(bytes: options.maxFileSize)) {
            case .failure(let error):
                return Inventory(errors: [error], files: 1)
            case .success(let bytes):
                return parse(bytes: bytes, file: source.name, options: options)
            }
        }
        var inventory = Inventory()
        inventory.objects.reserveCapacity(parts.reduce(0) { $0 + $1.objects.count } + documents.count)
        for part in parts { inventory.merge(part) }
        for document in documents {
            inventory.files += 1
            collect(document.root, file: document.name, helmSource: nil, into: &inventory)
        }
        return inventory
    }

    /// Parses one file's bytes: UTF-8, or UTF-16 with a byte-order mark as kubectl also reads it
    /// (see `TextEncoding`; positions are those of the original text).
    public static func parse(bytes: [UInt8], file: String, options: LoadOptions = LoadOptions()) -> Inventory {
        var inventory = Inventory(files: 1)
        let text: [UInt8]
        switch TextEncoding.utf8(bytes, fileKind: "Kubernetes manifest") {
        case .failure(let error):
            inventory.errors.append(error.located(in: file))
            return inventory
        case .success(let utf8):
            text = utf8
        }
        let result = YAMLReader.read(bytes: text, limits: options.yamlLimits)
        for error in result.errors {
            inventory.errors.append(error.located(in: file))
        }
        for document in result.documents {
            guard let root = document.root, !root.isNull else { continue }
            collect(root, file: file, helmSource: document.helmSource, into: &inventory)
        }
        return inventory
    }

    public static func parse(text: String, file: String, options: LoadOptions = LoadOptions()) -> Inventory {
        parse(bytes: Array(text.utf8), file: file, options: options)
    }

    private static func collect(_ root: YAMLNode, file: String, helmSource: String?, into inventory: inout Inventory) {
        // A kustomization is instructions for building objects, never an object itself.
        if KustomizationDocument.isKustomization(root, file: file) {
            inventory.kustomizations.append(KustomizationDocument(file: file, root: root))
            return
        }
        guard let object = KubeObject(root: root, file: file, helmSource: helmSource) else {
            inventory.skippedDocuments += 1
            return
        }
        // `kubectl get -o yaml` prints a List (or FooList) whose items are the objects.
        if object.kind == "List" || (object.kind.hasSuffix("List") && root["items"]?.isSequence == true && object.metadata?["name"] == nil) {
            for item in root["items"]?.items ?? [] {
                collect(item, file: file, helmSource: helmSource, into: &inventory)
            }
            return
        }
        inventory.objects.append(object)
    }
}
