import BulwarkCore

/// The inventory indexed once per scan (by kind, namespace, name) so that no rule scans the whole
/// inventory per object.
public struct InventoryIndex: Sendable {
    public let objects: [KubeObject]
    /// Every pod spec of every object, in object order.
    public let podSpecs: [PodSpecView]
    /// Pod specs per object index.
    public let podSpecsByObject: [[PodSpecView]]
    public let namespaces: [String: KubeObject]
    private let byKind: [String: [Int]]

    public init(_ objects: [KubeObject]) {
        self.objects = objects
        let perObject = objects.parallelMap(PodSpecExtractor.podSpecs(in:))
        podSpecsByObject = perObject
        podSpecs = perObject.flatMap { $0 }
        var byKind: [String: [Int]] = [:]
        var namespaces: [String: KubeObject] = [:]
        for (index, object) in objects.enumerated() {
            byKind[object.kind, default: []].append(index)
            if object.kind == "Namespace", object.group.isEmpty { namespaces[object.name] = object }
        }
        self.byKind = byKind
        self.namespaces = namespaces
    }

    public func objects(ofKind kind: String) -> [KubeObject] {
        (byKind[kind] ?? []).map { objects[$0] }
    }

    /// Labels of a namespace: those of its Namespace object, plus the automatic
    /// `kubernetes.io/metadata.name` label every namespace carries.
    public func namespaceLabels(_ name: String) -> [String: String] {
        var labels = namespaces[name]?.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = name
        return labels
    }
}
