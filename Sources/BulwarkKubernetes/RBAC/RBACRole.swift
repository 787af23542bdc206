import BulwarkCore

/// A Role (namespaced) or ClusterRole, from the input or built into Kubernetes.
public struct RBACRole: Sendable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case role = "Role"
        case clusterRole = "ClusterRole"
    }

    public let kind: Kind
    public let name: String
    /// The Role's namespace (`default` when not written); nil for a ClusterRole.
    public let namespace: String?
    /// The rules as written (for an aggregated ClusterRole, what the input holds, which the
    /// aggregation controller overwrites).
    public let rules: [RBACPolicyRule]
    public let labels: [String: String]
    /// `aggregationRule.clusterRoleSelectors`, when the ClusterRole is aggregated.
    let aggregationSelectors: [RBACLabelSelector]?
    /// The object in the input; nil for a built-in role that the input does not redefine.
    public let object: KubeObject?

    public var isAggregated: Bool { aggregationSelectors != nil }
    public var isBuiltIn: Bool { object == nil }

    init(kind: Kind, name: String, namespace: String?, rules: [RBACPolicyRule], labels: [String: String],
         aggregationSelectors: [RBACLabelSelector]?, object: KubeObject?) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.rules = rules
        self.labels = labels
        self.aggregationSelectors = aggregationSelectors
        self.object = object
    }

    /// Reads a Role or ClusterRole of `rbac.authorization.k8s.io`; nil for any other object.
    public init?(_ object: KubeObject) {
        guard object.group == "rbac.authorization.k8s.io" else { return nil }
        let kind: Kind
        switch object.kind {
        case "Role": kind = .role
        case "ClusterRole": kind = .clusterRole
        default: return nil
        }
        let rules = (object.root["rules"]?.items ?? []).enumerated().compactMap { index, node in
            RBACPolicyRule(node, field: "rules[\(index)]")
        }
        var selectors: [RBACLabelSelector]?
        if kind == .clusterRole, let aggregation = object.root["aggregationRule"], aggregation.isMapping {
            selectors = (aggregation["clusterRoleSelectors"]?.items ?? []).map(RBACLabelSelector.init)
        }
        self.init(kind: kind, name: object.name, namespace: kind == .role ? (object.namespace ?? "default") : nil,
                  rules: rules, labels: object.labels, aggregationSelectors: selectors, object: object)
    }

    /// `ClusterRole edit`, `Role ml/reader`; built-in roles say so.
    public var displayName: String {
        let base = namespace.map { "\(kind.rawValue) \($0)/\(name)" } ?? "\(kind.rawValue) \(name)"
        return isBuiltIn ? "built-in \(base)" : base
    }
}
