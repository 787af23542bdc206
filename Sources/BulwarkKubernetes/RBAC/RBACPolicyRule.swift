import BulwarkCore

/// One entry of a Role's or ClusterRole's `rules`, matched exactly as the Kubernetes RBAC
/// authorizer matches it (`plugin/pkg/auth/authorizer/rbac/rbac.go: RuleAllows` and
/// `pkg/apis/rbac/v1/evaluation_helpers.go`):
///
/// - a verb matches when `verbs` holds it or `*`;
/// - an API group matches when `apiGroups` holds it or `*` (`""` is the core group, which only
///   `""` and `*` match);
/// - a resource matches when `resources` holds `*`, the resource with its subresource exactly
///   (`pods/exec`), or `*/<subresource>` (`*/scale`). `pods/*` is **not** a wildcard in
///   Kubernetes: it only matches a request for the literal subresource `*`, so it grants nothing;
/// - `resourceNames`, when not empty, restricts the rule to requests naming one of them
///   (a `list`, `watch`, `create` or `deletecollection` without a name never matches);
/// - `nonResourceURLs` match exactly, or by prefix when the entry ends in `*`.
public struct RBACPolicyRule: Sendable, Hashable {
    public var apiGroups: [String]
    public var resources: [String]
    public var resourceNames: [String]
    public var verbs: [String]
    public var nonResourceURLs: [String]
    /// The rule's mapping in the input (nil for built-in roles).
    public let node: YAMLNode?
    /// JSON path of the rule in its role, e.g. `rules[2]`.
    public let field: String?

    public init(apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [], verbs: [String],
                nonResourceURLs: [String] = [], node: YAMLNode? = nil, field: String? = nil) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.verbs = verbs
        self.nonResourceURLs = nonResourceURLs
        self.node = node
        self.field = field
    }

    /// Reads a rule mapping; nil for anything that is not a mapping.
    public init?(_ node: YAMLNode, field: String?) {
        guard node.isMapping else { return nil }
        self.init(
            apiGroups: node["apiGroups"]?.items.compactMap(\.scalar) ?? [],
            resources: node["resources"]?.items.compactMap(\.scalar) ?? [],
            resourceNames: node["resourceNames"]?.items.compactMap(\.scalar) ?? [],
            verbs: node["verbs"]?.items.compactMap(\.scalar) ?? [],
            nonResourceURLs: node["nonResourceURLs"]?.items.compactMap(\.scalar) ?? [],
            node: node, field: field
        )
    }

    public static func == (lhs: RBACPolicyRule, rhs: RBACPolicyRule) -> Bool {
        lhs.apiGroups == rhs.apiGroups && lhs.resources == rhs.resources && lhs.resourceNames == rhs.resourceNames
            && lhs.verbs == rhs.verbs && lhs.nonResourceURLs == rhs.nonResourceURLs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(apiGroups)
        hasher.combine(resources)
        hasher.combine(resourceNames)
        hasher.combine(verbs)
        hasher.combine(nonResourceURLs)
    }

    // MARK: - Matching (Kubernetes semantics)

    public func matchesVerb(_ verb: String) -> Bool {
        verbs.contains { $0 == "*" || $0 == verb }
    }

    public func matchesGroup(_ group: String) -> Bool {
        apiGroups.contains { $0 == "*" || $0 == group }
    }

    /// `resource` may carry a subresource (`pods/exec`).
    public func matchesResource(_ resource: String) -> Bool {
        let subresource = RBACPolicyRule.split(resource).subresource
        for entry in resources {
            if entry == "*" || entry == resource { return true }
            if let subresource, entry.count == subresource.count + 2, entry.hasPrefix("*/"), entry.hasSuffix(subresource) {
                return true
            }
        }
        return false
    }

    /// `ResourceNameMatches`: no names match every request; otherwise the requested name (empty
    /// for a request without one, such as list) must be listed — so `resourceNames: [""]` matches
    /// exactly the requests without a name, as in the authorizer.
    public func matchesName(_ name: String?) -> Bool {
        if resourceNames.isEmpty { return true }
        return resourceNames.contains(name ?? "")
    }

    /// `NonResourceURLMatches`: `*`, the exact path, or a prefix ending in `*` with every trailing
    /// `*` removed (`strings.TrimRight(ruleURL, "*")`, so `/healthz**` is the prefix `/healthz`).
    public func matchesNonResourceURL(_ path: String) -> Bool {
        nonResourceURLs.contains { entry in
            if entry == "*" || entry == path { return true }
            guard entry.hasSuffix("*") else { return false }
            var prefix = Substring(entry)
            while prefix.hasSuffix("*") { prefix = prefix.dropLast() }
            return path.hasPrefix(prefix)
        }
    }

    /// Whether the rule allows a resource request (`RuleAllows` for resource attributes).
    public func allows(verb: String, group: String, resource: String, name: String? = nil) -> Bool {
        matchesVerb(verb) && matchesGroup(group) && matchesResource(resource) && matchesName(name)
    }

    /// Whether the rule allows the request for some object names (ignoring `resourceNames`).
    public func allowsSome(verb: String, group: String, resource: String) -> Bool {
        matchesVerb(verb) && matchesGroup(group) && matchesResource(resource)
    }

    /// Whether the rule allows a non-resource request.
    public func allows(verb: String, nonResourceURL path: String) -> Bool {
        matchesVerb(verb) && matchesNonResourceURL(path)
    }

    /// `*` verbs on `*` resources in `*` API groups for every name: cluster-admin's first rule.
    public var isFullWildcard: Bool {
        verbs.contains("*") && apiGroups.contains("*") && resources.contains("*") && resourceNames.isEmpty
    }

    /// Splits `pods/exec` into `pods` and `exec`.
    public static func split(_ resource: String) -> (resource: Substring, subresource: Substring?) {
        guard let slash = resource.firstIndex(of: "/") else { return (Substring(resource), nil) }
        return (resource[..<slash], resource[resource.index(after: slash)...])
    }

    /// The scalar node of an entry of one of the rule's lists (for finding positions).
    public func entryNode(_ key: String, _ value: String) -> YAMLNode? {
        node?[key]?.items.first { $0.scalar == value }
    }
}
