import BulwarkCore

extension ClusterRules {
    /// The ServiceAccounts an RBAC subject stands for.
    enum CoveredAccounts: CustomStringConvertible {
        case account(namespace: String, name: String)
        case namespace(String)
        case all

        var description: String {
            switch self {
            case .account(let namespace, let name): "ServiceAccount \(namespace)/\(name)"
            case .namespace(let namespace): "every ServiceAccount in namespace \(namespace)"
            case .all: "every ServiceAccount in the cluster"
            }
        }
    }

    /// Nil for subjects that are not ServiceAccounts (users, other groups).
    static func coveredAccounts(_ subject: YAMLNode, binding: KubeObject) -> CoveredAccounts? {
        guard let kind = subject["kind"]?.string, let name = subject["name"]?.string else { return nil }
        switch kind {
        case "ServiceAccount":
            // A RoleBinding's ServiceAccount subject may omit the namespace: it is the binding's.
            let namespace = subject["namespace"]?.string ?? (binding.kind == "RoleBinding" ? binding.effectiveNamespace : nil)
            return namespace.map { .account(namespace: $0, name: name) }
        case "User":
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount" else { return nil }
            return .account(namespace: String(parts[2]), name: String(parts[3]))
        case "Group":
            if name == "system:serviceaccounts" || name == "system:authenticated" { return .all }
            let prefix = "system:serviceaccounts:"
            return name.hasPrefix(prefix) ? .namespace(String(name.dropFirst(prefix.count))) : nil
        default:
            return nil
        }
    }
}
