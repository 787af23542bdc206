/// Who a binding grants to, and who a permission question is asked for: a user, a group or a
/// ServiceAccount.
///
/// A ServiceAccount authenticates as the user `system:serviceaccount:<ns>:<name>` with the groups
/// `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`; a user
/// (impersonated as `kubectl auth can-i --as` does) is in `system:authenticated`, except
/// `system:anonymous`, which is in `system:unauthenticated`.
public struct RBACSubject: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case user = "User"
        case group = "Group"
        case serviceAccount = "ServiceAccount"
    }

    public var kind: Kind
    public var name: String
    /// Only for ServiceAccounts.
    public var namespace: String?

    public init(kind: Kind, name: String, namespace: String? = nil) {
        // `User system:serviceaccount:ns:name` is the ServiceAccount itself.
        if kind == .user, let account = RBACSubject.serviceAccount(userName: name) {
            self = account
            return
        }
        self.kind = kind
        self.name = name
        self.namespace = kind == .serviceAccount ? (namespace ?? "default") : nil
    }

    public static func serviceAccount(_ namespace: String, _ name: String) -> RBACSubject {
        RBACSubject(kind: .serviceAccount, name: name, namespace: namespace)
    }

    public static func user(_ name: String) -> RBACSubject { RBACSubject(kind: .user, name: name) }
    public static func group(_ name: String) -> RBACSubject { RBACSubject(kind: .group, name: name) }

    /// The ServiceAccount a `system:serviceaccount:<ns>:<name>` user name stands for.
    static func serviceAccount(userName: String) -> RBACSubject? {
        let prefix = "system:serviceaccount:"
        guard userName.hasPrefix(prefix) else { return nil }
        let parts = userName.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return RBACSubject(kind: .serviceAccount, name: String(parts[1]), namespace: String(parts[0]))
    }

    /// Parses the `--subject` argument: `serviceaccount:NS:NAME` (or `sa:NS:NAME`), `user:NAME`,
    /// `group:NAME`. Names may contain colons (`group:system:serviceaccounts:ml`).
    public init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let kind = argument[..<colon].lowercased()
        let rest = String(argument[argument.index(after: colon)...])
        guard !rest.isEmpty else { return nil }
        switch kind {
        case "serviceaccount", "sa":
            let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self = .serviceAccount(String(parts[0]), String(parts[1]))
        case "user": self = .user(rest)
        case "group": self = .group(rest)
        default: return nil
        }
    }

    /// The user name the API server sees (nil for a group).
    public var userName: String? {
        switch kind {
        case .user: name
        case .group: nil
        case .serviceAccount: "system:serviceaccount:\(namespace ?? "default"):\(name)"
        }
    }

    /// The groups the API server puts the subject in (for a group: the group itself).
    public var groups: [String] {
        switch kind {
        case .group: [name]
        case .user: name == "system:anonymous" ? ["system:unauthenticated"] : ["system:authenticated"]
        case .serviceAccount:
            ["system:serviceaccounts", "system:serviceaccounts:\(namespace ?? "default")", "system:authenticated"]
        }
    }

    /// `ServiceAccount ml/model-server`, `User alice`, `Group system:authenticated`.
    public var description: String {
        switch kind {
        case .serviceAccount: "ServiceAccount \(namespace ?? "default")/\(name)"
        case .user: "User \(name)"
        case .group: "Group \(name)"
        }
    }

    /// The `--subject` spelling: `serviceaccount:ml:model-server`.
    public var argument: String {
        switch kind {
        case .serviceAccount: "serviceaccount:\(namespace ?? "default"):\(name)"
        case .user: "user:\(name)"
        case .group: "group:\(name)"
        }
    }

    public static func < (lhs: RBACSubject, rhs: RBACSubject) -> Bool {
        (lhs.kind.rawValue, lhs.namespace ?? "", lhs.name) < (rhs.kind.rawValue, rhs.namespace ?? "", rhs.name)
    }

    /// The well-known groups that stand for many identities.
    public static let allAuthenticated = "system:authenticated"
    public static let allUnauthenticated = "system:unauthenticated"
    public static let allServiceAccounts = "system:serviceaccounts"
    public static let anonymousUser = "system:anonymous"
    /// Members of this group pass every authorization check (kube-apiserver's privileged-group authorizer).
    public static let mastersGroup = "system:masters"
    public static let serviceAccountsGroupPrefix = "system:serviceaccounts:"
}
