import BulwarkCore

/// One rule a subject holds through one binding.
public struct RBACGrant: Sendable {
    /// The binding; nil for the permissions `system:masters` holds without any binding.
    public let binding: RBACBinding?
    /// The binding's subject entry that matched (the subject itself, or one of its groups).
    public let via: RBACSubject
    public let role: RBACRole
    public let rule: RBACPolicyRule
    /// The namespace the grant is limited to (a RoleBinding's); nil for a cluster-wide grant.
    public let namespace: String?
}

/// Effective RBAC permissions of every subject of an inventory, decided as the Kubernetes RBAC
/// authorizer decides them.
///
/// Built once from the inventory (linear in its Roles, bindings and pod specs): Roles and
/// ClusterRoles by name (the built-in `cluster-admin`, `admin`, `edit`, `view` and
/// `system:aggregate-to-*` unless the input redefines them), the `aggregationRule` selector graph
/// (`RBACAggregation`: each aggregated role gets the union of the rules of every ClusterRole its
/// selectors match, recursively, computed when first asked for and shared along cycles), and
/// bindings indexed by the user and group names they grant to.
public struct RBACAnalyzer: Sendable {
    public let roles: [RBACRole]
    public let bindings: [RBACBinding]
    public let workloads: RBACWorkloadMap
    private let roleIndex: [String: Int]
    /// The rules of each role with aggregation resolved, by position in `roles`.
    let aggregation: RBACAggregation
    /// `user:<name>` / `group:<name>` → (binding, subject entry) positions.
    private let bindingsBySubject: [String: [(binding: Int, subject: Int)]]
    /// ServiceAccounts named by a binding, per namespace, sorted.
    private let boundServiceAccountsByNamespace: [String: [RBACSubject]]

    public init(_ inventory: Inventory) {
        self.init(index: InventoryIndex(inventory.objects))
    }

    public init(index: InventoryIndex) {
        var roles: [RBACRole] = []
        var roleIndex: [String: Int] = [:]
        for object in index.objects(ofKind: "Role") + index.objects(ofKind: "ClusterRole") {
            guard let role = RBACRole(object) else { continue }
            let key = RBACAnalyzer.roleKey(role.kind, role.namespace, role.name)
            if roleIndex[key] == nil {
                roleIndex[key] = roles.count
                roles.append(role)
            }
        }
        for role in BuiltInClusterRoles.all {
            let key = RBACAnalyzer.roleKey(role.kind, nil, role.name)
            if roleIndex[key] == nil {
                roleIndex[key] = roles.count
                roles.append(role)
            }
        }
        self.roles = roles
        self.roleIndex = roleIndex
        aggregation = RBACAggregation(roles)

        var bindings: [RBACBinding] = []
        var bindingsBySubject: [String: [(binding: Int, subject: Int)]] = [:]
        for object in index.objects(ofKind: "RoleBinding") + index.objects(ofKind: "ClusterRoleBinding") {
            guard let binding = RBACBinding(object) else { continue }
            for (position, entry) in binding.subjects.enumerated() {
                bindingsBySubject[RBACAnalyzer.subjectKey(entry.subject), default: []].append((bindings.count, position))
            }
            bindings.append(binding)
        }
        self.bindings = bindings
        self.bindingsBySubject = bindingsBySubject
        var accounts: [String: Set<RBACSubject>] = [:]
        for binding in bindings {
            for entry in binding.subjects where entry.subject.kind == .serviceAccount {
                accounts[entry.subject.namespace ?? "default", default: []].insert(entry.subject)
            }
        }
        boundServiceAccountsByNamespace = accounts.mapValues { $0.sorted() }
        workloads = RBACWorkloadMap(index)
    }

    private static func roleKey(_ kind: RBACRole.Kind, _ namespace: String?, _ name: String) -> String {
        kind == .clusterRole ? "ClusterRole|\(name)" : "Role|\(namespace ?? "default")|\(name)"
    }

    private static func subjectKey(_ subject: RBACSubject) -> String {
        subject.kind == .group ? "group:\(subject.name)" : "user:\(subject.userName ?? subject.name)"
    }

    // MARK: - Roles and bindings

    /// The role a binding references, if the input or the built-in roles hold it.
    public func role(of binding: RBACBinding) -> RBACRole? {
        roleIndex[RBACAnalyzer.roleKey(binding.roleKind, binding.namespace, binding.roleName)].map { roles[$0] }
    }

    /// A role's rules with aggregation resolved: its own, then those of every ClusterRole one of
    /// its selectors matches, recursively (`admin` aggregates `edit`, which aggregates `view`), each
    /// rule once. The aggregation controller overwrites `rules`; keeping the written ones too lets a
    /// dump of a live cluster, whose rules are the last aggregation, be read as is.
    public func rules(of role: RBACRole) -> [RBACPolicyRule] {
        roleIndex[RBACAnalyzer.roleKey(role.kind, role.namespace, role.name)].map(aggregation.rules(of:)) ?? role.rules
    }

    /// A number shared by the roles that hold the same rules (the roles of an aggregation cycle), so
    /// that what is derived from a role's rules can be computed once per number.
    func ruleSetID(of role: RBACRole) -> Int? {
        roleIndex[RBACAnalyzer.roleKey(role.kind, role.namespace, role.name)].map(aggregation.ruleSetOwner(of:))
    }

    /// Every subject named by a binding, sorted.
    public var subjects: [RBACSubject] {
        Array(Set(bindings.flatMap { $0.subjects.map(\.subject) })).sorted()
    }

    /// The ServiceAccounts of a namespace that some binding names.
    public func boundServiceAccounts(in namespace: String) -> [RBACSubject] {
        boundServiceAccountsByNamespace[namespace] ?? []
    }

    /// The bindings (and their matching subject entries) that apply to a subject: to its user name
    /// or to one of its groups.
    public func bindings(for subject: RBACSubject) -> [(binding: RBACBinding, entry: RBACBinding.Subject)] {
        var keys = subject.userName.map { ["user:\($0)"] } ?? []
        keys += subject.groups.map { "group:\($0)" }
        var seen: Set<Int> = []
        var result: [(binding: RBACBinding, entry: RBACBinding.Subject)] = []
        for key in keys {
            for (bindingPosition, subjectPosition) in bindingsBySubject[key] ?? [] where seen.insert(bindingPosition).inserted {
                let binding = bindings[bindingPosition]
                result.append((binding, binding.subjects[subjectPosition]))
            }
        }
        return result
    }

    /// Every rule the subject holds, with the binding and namespace it holds it through.
    /// Members of `system:masters` hold cluster-admin's rules without a binding.
    public func grants(for subject: RBACSubject) -> [RBACGrant] {
        var grants: [RBACGrant] = []
        if subject.groups.contains(RBACSubject.mastersGroup) {
            let superuser = BuiltInClusterRoles.clusterAdmin
            grants += superuser.rules.map {
                RBACGrant(binding: nil, via: .group(RBACSubject.mastersGroup), role: superuser, rule: $0, namespace: nil)
            }
        }
        for (binding, entry) in bindings(for: subject) {
            guard let role = role(of: binding) else { continue }
            for rule in rules(of: role) {
                grants.append(RBACGrant(binding: binding, via: entry.subject, role: role, rule: rule, namespace: binding.namespace))
            }
        }
        return grants
    }

    // MARK: - Questions

    /// Whether the subject may make a resource request, exactly as the RBAC authorizer decides:
    /// a RoleBinding's grants count only in its namespace, a ClusterRoleBinding's everywhere.
    /// `resource` may carry a subresource (`pods/exec`); `namespace` nil = a cluster-scoped
    /// request (a namespace given for a resource the catalogue knows as cluster-scoped is
    /// ignored, as the API server sends none); `name` nil = a request without a name (list,
    /// create …), which `resourceNames` rules never allow.
    public func can(_ subject: RBACSubject, _ verb: String, group: String, resource: String, namespace: String?,
                    name: String? = nil) -> Bool {
        let requestNamespace = RBACAnalyzer.requestNamespace(verb: verb, group: group, resource: resource, namespace: namespace, name: name)
        return grants(for: subject).contains { grant in
            (grant.namespace == nil || grant.namespace == requestNamespace)
                && grant.rule.allows(verb: verb, group: group, resource: resource, name: name)
        }
    }

    /// Whether the subject may make a non-resource request (`/metrics`); only cluster-wide grants count.
    public func can(_ subject: RBACSubject, _ verb: String, nonResourceURL path: String) -> Bool {
        grants(for: subject).contains { $0.namespace == nil && $0.rule.allows(verb: verb, nonResourceURL: path) }
    }

    /// The namespace attribute the API server gives a request: none for cluster-scoped resources
    /// (except `bind` on `clusterroles`, checked in the RoleBinding's namespace), the namespace's
    /// own name for `namespaces/<name>`.
    static func requestNamespace(verb: String, group: String, resource: String, namespace: String?, name: String?) -> String? {
        let base = String(RBACPolicyRule.split(resource).resource)
        if group.isEmpty && base == "namespaces" { return name ?? namespace }
        let entryResource = ResourceCatalog.entry(group: group, resource: resource) != nil ? resource : base
        return ResourceCatalog.isClusterScopedRequest(verb: verb, group: group, resource: entryResource) ? nil : namespace
    }

    /// The subject's effective permissions as a table, wildcards expanded against
    /// `ResourceCatalog`; rows of a RoleBinding never list cluster-scoped resources (it cannot
    /// grant them).
    public func permissions(for subject: RBACSubject) -> [RBACPermission] {
        var table = RBACPermissionTable()
        for grant in grants(for: subject) {
            table.add(grant.rule, namespace: grant.namespace)
        }
        return table.rows
    }
}
