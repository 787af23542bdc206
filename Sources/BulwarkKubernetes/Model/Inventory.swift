import BulwarkCore

/// Every object read from the inputs, with the errors met on the way.
public struct Inventory: Sendable {
    public var objects: [KubeObject]
    public var errors: [InputError]
    /// Files read (including those that failed).
    public var files: Int
    /// YAML documents that were not Kubernetes objects.
    public var skippedDocuments: Int
    /// Kustomization (and kustomize Component) documents: never objects, rendered by `Kustomize`.
    public var kustomizations: [KustomizationDocument] = []
    /// Problems that did not stop the reading (a kustomization only partly applied).
    public var warnings: [InputWarning] = []

    public init(objects: [KubeObject] = [], errors: [InputError] = [], files: Int = 0, skippedDocuments: Int = 0) {
        self.objects = objects
        self.errors = errors
        self.files = files
        self.skippedDocuments = skippedDocuments
    }

    public mutating func merge(_ other: Inventory) {
        objects += other.objects
        errors += other.errors
        files += other.files
        skippedDocuments += other.skippedDocuments
        kustomizations += other.kustomizations
        warnings += other.warnings
    }
}
