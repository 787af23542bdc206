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
    /// Whole-inventory analyses shared by several rules (e.g. RBAC), computed once per index.
    public let memo = Memo()
    /// ServiceAccounts by `namespace/name` (namespace defaulted to `default`); the first wins.
    public let serviceAccounts: [String: KubeObject]
    /// LimitRanges per namespace (defaulted to `default`), in input order.
    public let limitRanges: [String: [KubeObject]]
    /// When set, the RBAC rules consider only the bindings that apply to this identity (its user
    /// name or one of its groups): what `bulwark rbac --subject` reports.
    public let rbacSubject: RBACSubject?
    /// Objects made by a controller that is in the input (live dumps): judged through it.
    public let ownership: Ownership
    private let byKind: [String: [Int]]

    public init(_ objects: [KubeObject], rbacSubject: RBACSubject? = nil) {
        self.objects = objects
        self.rbacSubject = rbacSubject
        let perObject = objects.parallelMap(PodSpecExtractor.podSpecs(in:))
        ownership = Ownership(objects, hasPodSpecs: perObject.map { !$0.isEmpty })
        podSpecsByObject = perObject
        podSpecs = perObject.flatMap { $0 }
        var byKind: [String: [Int]] = [:]
        var namespaces: [String: KubeObject] = [:]
        var serviceAccounts: [String: KubeObject] = [:]
        var limitRanges: [String: [KubeObject]] = [:]
        for (index, object) in objects.enumerated() {
            byKind[object.kind, default: []].append(index)
            guard object.group.isEmpty else { continue }
            switch object.kind {
            case "Namespace": namespaces[object.name] = object
            case "ServiceAccount":
                let key = "\(object.namespace ?? "default")/\(object.name)"
                if serviceAccounts[key] == nil { serviceAccounts[key] = object }
            case "LimitRange": limitRanges[object.namespace ?? "default", default: []].append(object)
            default: break
            }
        }
        self.byKind = byKind
        self.namespaces = namespaces
        self.serviceAccounts = serviceAccounts
        self.limitRanges = limitRanges
    }

    /// The ServiceAccount `name` of `namespace`, if the inventory holds it (O(1)).
    public func serviceAccount(_ name: String, namespace: String) -> KubeObject? {
        serviceAccounts["\(namespace)/\(name)"]
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
