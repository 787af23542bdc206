import BulwarkCore

/// A RoleBinding or ClusterRoleBinding from the input.
public struct RBACBinding: Sendable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case roleBinding = "RoleBinding"
        case clusterRoleBinding = "ClusterRoleBinding"
    }

    /// One entry of `subjects`, with where it is written.
    public struct Subject: Sendable {
        public let subject: RBACSubject
        /// The subject mapping.
        public let node: YAMLNode
        /// JSON path, e.g. `subjects[0]`.
        public let field: String

        /// The node a finding about this subject points at: its `name`.
        public var anchor: YAMLNode { node["name"] ?? node }
    }

    public let kind: Kind
    public let name: String
    /// The RoleBinding's namespace (`default` when not written); nil for a ClusterRoleBinding.
    public let namespace: String?
    /// `roleRef.kind`: a RoleBinding may reference a Role of its namespace or a ClusterRole; a
    /// ClusterRoleBinding only a ClusterRole.
    public let roleKind: RBACRole.Kind
    public let roleName: String
    public let subjects: [Subject]
    public let object: KubeObject

    /// Reads a binding; nil for other objects and for bindings without a usable `roleRef`.
    public init?(_ object: KubeObject) {
        guard object.group == "rbac.authorization.k8s.io" else { return nil }
        switch object.kind {
        case "RoleBinding": kind = .roleBinding
        case "ClusterRoleBinding": kind = .clusterRoleBinding
        default: return nil
        }
        guard let roleRef = object.root["roleRef"], let refKind = roleRef["kind"]?.string.flatMap(RBACRole.Kind.init(rawValue:)),
              let refName = roleRef["name"]?.string, !refName.isEmpty,
              kind == .roleBinding || refKind == .clusterRole
        else { return nil }
        roleKind = refKind
        roleName = refName
        name = object.name
        let namespace = kind == .roleBinding ? (object.namespace ?? "default") : nil
        self.namespace = namespace
        self.object = object
        subjects = (object.root["subjects"]?.items ?? []).enumerated().compactMap { index, node in
            guard let kindText = node["kind"]?.string, let subjectKind = RBACSubject.Kind(rawValue: kindText),
                  let subjectName = node["name"]?.string, !subjectName.isEmpty
            else { return nil }
            let subject: RBACSubject
            if subjectKind == .serviceAccount {
                // The authorizer defaults a ServiceAccount subject's namespace to the RoleBinding's;
                // a ClusterRoleBinding's ServiceAccount subject without one matches nobody.
                guard let subjectNamespace = node["namespace"]?.string.flatMap({ $0.isEmpty ? nil : $0 }) ?? namespace else { return nil }
                subject = .serviceAccount(subjectNamespace, subjectName)
            } else {
                subject = RBACSubject(kind: subjectKind, name: subjectName)
            }
            return Subject(subject: subject, node: node, field: "subjects[\(index)]")
        }
    }

    /// `RoleBinding ml/readers`, `ClusterRoleBinding admins`.
    public var displayName: String {
        namespace.map { "\(kind.rawValue) \($0)/\(name)" } ?? "\(kind.rawValue) \(name)"
    }

    /// Where the permissions apply: `namespace ml` or `the whole cluster`.
    public var scopeDescription: String {
        namespace.map { "namespace \($0)" } ?? "every namespace"
    }
}
