/// A `bitnami.com/v1alpha1` SealedSecret (docs/facts.md §4.3) as `bulwark seal` writes it.
public struct SealedSecret: Sendable, Equatable {
    public static let apiVersion = "bitnami.com/v1alpha1"
    public static let kind = "SealedSecret"

    /// `spec.template`: what the controller copies onto the Secret it creates.
    public struct Template: Sendable, Equatable {
        public var name: String?
        public var namespace: String?
        public var labels: [String: String]
        public var annotations: [String: String]
        public var type: String?
        public var immutable: Bool?

        public init(name: String?, namespace: String?, labels: [String: String] = [:], annotations: [String: String] = [:],
                    type: String? = nil, immutable: Bool? = nil) {
            self.name = name
            self.namespace = namespace
            self.labels = labels
            self.annotations = annotations
            self.type = type
            self.immutable = immutable
        }
    }

    public var name: String
    public var namespace: String?
    /// The SealedSecret's own annotations: the scope annotation only.
    public var annotations: [String: String]
    /// Key → base64 blob.
    public var encryptedData: [String: String]
    public var template: Template

    public init(name: String, namespace: String?, annotations: [String: String] = [:], encryptedData: [String: String],
                template: Template) {
        self.name = name
        self.namespace = namespace
        self.annotations = annotations
        self.encryptedData = encryptedData
        self.template = template
    }

    /// The scope the controller will unseal with, read from the annotations.
    public var scope: SealingScope { SealingScope(annotations: annotations) }

    /// One YAML document starting with `---`. Keys are in alphabetical order at every level, as
    /// kubeseal's `-o yaml` writes them (less its `creationTimestamp: null`), so the output is
    /// deterministic and diffs cleanly.
    public var yaml: String {
        var metadata: [(String, YAMLWriter.Value)] = []
        if !annotations.isEmpty { metadata.append(("annotations", Self.map(annotations))) }
        metadata.append(("name", .string(name)))
        if let namespace { metadata.append(("namespace", .string(namespace))) }

        var templateMetadata: [(String, YAMLWriter.Value)] = []
        if !template.annotations.isEmpty { templateMetadata.append(("annotations", Self.map(template.annotations))) }
        if !template.labels.isEmpty { templateMetadata.append(("labels", Self.map(template.labels))) }
        if let name = template.name { templateMetadata.append(("name", .string(name))) }
        if let namespace = template.namespace { templateMetadata.append(("namespace", .string(namespace))) }

        var templateFields: [(String, YAMLWriter.Value)] = []
        if let immutable = template.immutable { templateFields.append(("immutable", .bool(immutable))) }
        templateFields.append(("metadata", .mapping(templateMetadata)))
        if let type = template.type { templateFields.append(("type", .string(type))) }

        let document: [(String, YAMLWriter.Value)] = [
            ("apiVersion", .string(Self.apiVersion)),
            ("kind", .string(Self.kind)),
            ("metadata", .mapping(metadata)),
            ("spec", .mapping([
                ("encryptedData", Self.map(encryptedData)),
                ("template", .mapping(templateFields)),
            ])),
        ]
        return "---\n" + YAMLWriter.render(document)
    }

    private static func map(_ dictionary: [String: String]) -> YAMLWriter.Value {
        .mapping(dictionary.keys.sorted(by: byteOrder).map { ($0, .string(dictionary[$0] ?? "")) })
    }
}

/// Go's string order (bytewise), which kubeseal's map output follows.
func byteOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
