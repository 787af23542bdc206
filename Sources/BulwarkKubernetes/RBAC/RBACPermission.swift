/// One row of an effective-permission table (`kubectl auth can-i --list`): verbs on one resource
/// of one API group, in one namespace (`*` = every namespace and the cluster-scoped resources).
///
/// Wildcards are expanded against `ResourceCatalog`; what lies beyond the catalogue keeps its `*`
/// (`apiGroup: "*"`, `resource: "*"`), so ask questions with `allows`, not by comparing strings.
public struct RBACPermission: Sendable, Hashable, Codable {
    /// The namespace, or `*` for a cluster-wide grant.
    public var namespace: String
    public var apiGroup: String
    /// With the subresource (`pods/exec`); empty for a non-resource URL.
    public var resource: String
    /// Empty = every object.
    public var resourceNames: [String]
    /// A non-resource URL (`/metrics`, `/logs/*`), for rows that are not about resources.
    public var nonResourceURL: String?
    public var verbs: [String]

    public init(namespace: String, apiGroup: String, resource: String, resourceNames: [String] = [],
                nonResourceURL: String? = nil, verbs: [String]) {
        self.namespace = namespace
        self.apiGroup = apiGroup
        self.resource = resource
        self.resourceNames = resourceNames
        self.nonResourceURL = nonResourceURL
        self.verbs = verbs
    }

    enum CodingKeys: String, CodingKey {
        case namespace, apiGroup, resource, resourceNames, nonResourceURL, verbs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        namespace = try container.decode(String.self, forKey: .namespace)
        apiGroup = try container.decodeIfPresent(String.self, forKey: .apiGroup) ?? ""
        resource = try container.decodeIfPresent(String.self, forKey: .resource) ?? ""
        resourceNames = try container.decodeIfPresent([String].self, forKey: .resourceNames) ?? []
        nonResourceURL = try container.decodeIfPresent(String.self, forKey: .nonResourceURL)
        verbs = try container.decode([String].self, forKey: .verbs)
    }

    /// The keys docs/cli.md names always; `resourceNames` and `nonResourceURL` only when they say something.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(apiGroup, forKey: .apiGroup)
        try container.encode(resource, forKey: .resource)
        if !resourceNames.isEmpty { try container.encode(resourceNames, forKey: .resourceNames) }
        try container.encodeIfPresent(nonResourceURL, forKey: .nonResourceURL)
        try container.encode(verbs, forKey: .verbs)
    }

    /// Whether this row allows a request, with RBAC's matching rules (`*`, `*/scale`, names).
    /// `namespace` nil = a cluster-scoped request.
    public func allows(verb: String, group: String, resource: String, namespace: String?, name: String? = nil) -> Bool {
        guard nonResourceURL == nil, self.namespace == "*" || self.namespace == namespace else { return false }
        let rule = RBACPolicyRule(apiGroups: [apiGroup], resources: [self.resource], resourceNames: resourceNames, verbs: verbs)
        return rule.allows(verb: verb, group: group, resource: resource, name: name)
    }

    /// `kubectl`'s verb order first (get, list, watch, create, update, patch, delete,
    /// deletecollection), then the special verbs alphabetically, `*` last.
    static func sortedVerbs(_ verbs: Set<String>) -> [String] {
        let order = Dictionary(uniqueKeysWithValues: ResourceCatalog.standard.enumerated().map { ($1, $0) })
        return verbs.sorted { lhs, rhs in
            let left = lhs == "*" ? Int.max : order[lhs] ?? ResourceCatalog.standard.count
            let right = rhs == "*" ? Int.max : order[rhs] ?? ResourceCatalog.standard.count
            return left != right ? left < right : lhs < rhs
        }
    }
}

/// Builds permission rows from grants, merging rows that differ only in verbs.
struct RBACPermissionTable {
    private struct Key: Hashable, Comparable {
        let namespace: String
        let group: String
        let resource: String
        let url: String
        let names: [String]

        static func < (lhs: Key, rhs: Key) -> Bool {
            let left = (lhs.namespace == "*" ? "" : "~" + lhs.namespace, lhs.url, lhs.group, lhs.resource, lhs.names.joined(separator: ","))
            let right = (rhs.namespace == "*" ? "" : "~" + rhs.namespace, rhs.url, rhs.group, rhs.resource, rhs.names.joined(separator: ","))
            return left < right
        }
    }

    private var verbs: [Key: Set<String>] = [:]

    mutating func add(_ rule: RBACPolicyRule, namespace: String?) {
        let scope = namespace ?? "*"
        let names = rule.resourceNames.sorted()
        if namespace == nil {
            for url in rule.nonResourceURLs {
                insert(Key(namespace: scope, group: "", resource: "", url: url, names: []), rule.verbs)
            }
        }
        guard !rule.resources.isEmpty, !rule.apiGroups.isEmpty, !rule.verbs.isEmpty else { return }
        let literalVerbs = rule.verbs.filter { $0 != "*" }
        for entry in ResourceCatalog.entries where rule.matchesGroup(entry.group) && rule.matchesResource(entry.resource) {
            let possible = entry.verbs(namespaced: namespace != nil)
            var granted = possible.filter(rule.matchesVerb)
            if entry.namespaced || namespace == nil, rule.apiGroups.contains(entry.group) && rule.resources.contains(entry.resource) {
                granted += literalVerbs.filter { !granted.contains($0) }
            }
            if !granted.isEmpty {
                insert(Key(namespace: scope, group: entry.group, resource: entry.resource, url: "", names: names), granted)
            }
        }
        // What the catalogue does not cover stays as written: wildcards, and unknown resources.
        for group in rule.apiGroups {
            for resource in rule.resources {
                let wildcard = group == "*" || resource.contains("*")
                if !wildcard && ResourceCatalog.entry(group: group, resource: resource) != nil { continue }
                if namespace != nil && !resource.contains("*") {
                    let base = String(RBACPolicyRule.split(resource).resource)
                    if group == "*" ? ResourceCatalog.isClusterScopedInEveryGroup(resource: base)
                        : ResourceCatalog.isClusterScoped(group: group, resource: base) { continue }
                }
                insert(Key(namespace: scope, group: group, resource: resource, url: "", names: names), rule.verbs)
            }
        }
    }

    private mutating func insert(_ key: Key, _ newVerbs: [String]) {
        verbs[key, default: []].formUnion(newVerbs)
    }

    var rows: [RBACPermission] {
        verbs.keys.sorted().map { key in
            RBACPermission(namespace: key.namespace, apiGroup: key.group, resource: key.resource, resourceNames: key.names,
                           nonResourceURL: key.url.isEmpty ? nil : key.url, verbs: RBACPermission.sortedVerbs(verbs[key] ?? []))
        }
    }
}
