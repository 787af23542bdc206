import BulwarkCore

/// Finds the escalation paths and risky grants of an inventory's RBAC: what `RBACRules` report.
///
/// Subject-centric checks look at each subject of each binding with the rules of the role it
/// references (aggregation resolved, built-in roles included), limited to the binding's
/// namespace, and point at the subject; role-centric checks point at a rule of a Role or
/// ClusterRole of the input. Severity follows who runs with the identity (`RBACExposure`).
///
/// With a `subject`, only the binding subjects that apply to it (its user name or one of its
/// groups) and the roles bound to them are considered: the findings `bulwark rbac --subject`
/// shows.
public struct RBACAssessment: Sendable {
    public let analyzer: RBACAnalyzer
    public let subject: RBACSubject?
    /// Whether `rbac/cluster-admin-equivalent` also reports a workload ServiceAccount bound
    /// cluster-wide to the built-in cluster-admin, which the scan leaves to
    /// `rbac/workload-cluster-admin` (the `bulwark rbac` subject summary wants every subject).
    public let reportsWorkloadClusterAdmin: Bool

    /// The subjects of every binding whose role is known (filtered to `subject`), joined once.
    let bound: [BoundSubject]

    public init(analyzer: RBACAnalyzer, subject: RBACSubject? = nil, reportsWorkloadClusterAdmin: Bool = false) {
        self.analyzer = analyzer
        self.subject = subject
        self.reportsWorkloadClusterAdmin = reportsWorkloadClusterAdmin
        bound = RBACAssessment.boundSubjects(analyzer, subject: subject)
    }

    public init(index: InventoryIndex, subject: RBACSubject? = nil) {
        self.init(analyzer: RBACAnalyzer(index: index), subject: subject)
    }

    /// The assessment the RBAC rules of a scan share, built once per index (kept in its memo) and
    /// limited to the index's `rbacSubject` when it has one.
    public static func of(_ index: InventoryIndex) -> RBACAssessment {
        index.memo.value(.rbacAssessment) {
            RBACAssessment(analyzer: RBACAnalyzer(index: index), subject: index.rbacSubject)
        }
    }

    /// The findings of every RBAC check, in the order of `RBACRules.all`.
    public func allRisks() -> [RBACRisk] {
        clusterAdminEquivalent() + wildcardRules() + ineffectiveWildcards() + anonymousAccess() + broadGroupBindings()
            + defaultServiceAccountBindings() + RBACCapability.all.flatMap(risks(of:))
    }

    // MARK: - Binding subjects

    /// One subject of one binding, with the role's rules and who runs with the identity.
    struct BoundSubject {
        let binding: RBACBinding
        let entry: RBACBinding.Subject
        let role: RBACRole
        let rules: [RBACPolicyRule]
        /// Roles with the same number hold the same rules (`RBACAnalyzer.ruleSetID`).
        let ruleSet: String
        /// Whether a rule is `*` on `*` in `*`, computed once per rule set.
        let grantsEverything: Bool
        let workloads: [RBACWorkload]
        /// Computed once: a group subject (`system:authenticated`) can stand for every workload.
        let exposure: RBACExposure

        var subject: RBACSubject { entry.subject }
        var isGroup: Bool { subject.kind == .group }

        /// `through RoleBinding ml/x → ClusterRole edit`.
        var path: String { "through \(binding.displayName) → \(role.displayName)" }

        func risk(_ ruleId: String, _ severity: Severity, _ message: String) -> RBACRisk {
            RBACRisk(ruleId: ruleId, severity: severity,
                     message: "\(message); \(RBACExposure.describe(workloads, isGroup ? .group : .identity))",
                     subject: subject, object: binding.object, node: entry.anchor,
                     field: "\(entry.field).name", workloads: workloads)
        }
    }

    /// The subjects of every binding whose role is known, filtered to `subject` when set.
    static func boundSubjects(_ analyzer: RBACAnalyzer, subject: RBACSubject?) -> [BoundSubject] {
        var result: [BoundSubject] = []
        // Many bindings name the same subject (a namespace's service accounts group); look each up once.
        var known: [RBACSubject: (workloads: [RBACWorkload], exposure: RBACExposure)] = [:]
        // Roles of an aggregation cycle share their rules, which may be thousands: scan them once.
        var wildcards: [String: Bool] = [:]
        for binding in analyzer.bindings {
            guard let role = analyzer.role(of: binding) else { continue }
            let rules = analyzer.rules(of: role)
            let ruleSet = analyzer.ruleSetID(of: role).map { "#\($0)" } ?? RBACAssessment.key(role)
            let grantsEverything = wildcards[ruleSet] ?? {
                let value = rules.contains(where: \.isFullWildcard)
                wildcards[ruleSet] = value
                return value
            }()
            for entry in binding.subjects where subject.map({ RBACAssessment.applies(entry.subject, to: $0) }) ?? true {
                let found = known[entry.subject] ?? {
                    let workloads = analyzer.workloads.workloads(for: entry.subject)
                    let value = (workloads: workloads, exposure: RBACExposure(workloads))
                    known[entry.subject] = value
                    return value
                }()
                result.append(BoundSubject(binding: binding, entry: entry, role: role, rules: rules, ruleSet: ruleSet,
                                           grantsEverything: grantsEverything, workloads: found.workloads, exposure: found.exposure))
            }
        }
        return result
    }

    /// Whether a binding subject grants to an identity: the same user, or one of its groups.
    static func applies(_ bindingSubject: RBACSubject, to identity: RBACSubject) -> Bool {
        switch bindingSubject.kind {
        case .group: identity.groups.contains(bindingSubject.name)
        case .user, .serviceAccount: bindingSubject.userName != nil && bindingSubject.userName == identity.userName
        }
    }

    /// The built-in `cluster-admin` bound cluster-wide to a ServiceAccount that workloads run as:
    /// what `rbac/workload-cluster-admin` reports, so not reported twice.
    static func isWorkloadClusterAdmin(_ bound: BoundSubject) -> Bool {
        bound.binding.kind == .clusterRoleBinding && bound.role.isBuiltIn && bound.role.name == "cluster-admin"
            && bound.subject.kind == .serviceAccount && !bound.workloads.isEmpty
    }

    func risks(of capability: RBACCapability) -> [RBACRisk] {
        // Many bindings share a role (edit, view, a team's Role), and the roles of an aggregation
        // cycle share their rules: match each rule set once per scope.
        var matchesByRole: [String: [RBACCapability.Match]] = [:]
        return bound.compactMap { bound in
            guard !bound.grantsEverything else { return nil }
            let namespaced = bound.binding.namespace != nil
            let key = bound.ruleSet + (namespaced ? "|ns" : "|cluster")
            let matches = matchesByRole[key] ?? {
                let matches = capability.matches(in: bound.rules, namespaced: namespaced)
                matchesByRole[key] = matches
                return matches
            }()
            guard !matches.isEmpty else { return nil }
            let context = RBACCapability.Context(matches: matches, namespace: bound.binding.namespace, subject: bound.subject, analyzer: analyzer)
            if context.isRestricted && capability.ignoresNamedGrants { return nil }
            var base = capability.severity?(context)
                ?? (bound.binding.namespace == nil ? capability.clusterSeverity : capability.namespaceSeverity ?? capability.clusterSeverity)
            if context.isRestricted { base = base.rbacLowered }
            let message = "\(bound.subject) can \(capability.phrase) (\(RBACCapability.describe(matches))) \(context.placement) "
                + "\(bound.path), \(capability.consequence(context))"
            return bound.risk(capability.ruleId, bound.exposure.adjust(base), message)
        }
    }

    // MARK: - Subject-centric checks

    func clusterAdminEquivalent() -> [RBACRisk] {
        bound.compactMap { bound in
            guard bound.grantsEverything, reportsWorkloadClusterAdmin || !RBACAssessment.isWorkloadClusterAdmin(bound) else { return nil }
            let clusterWide = bound.binding.namespace == nil
            let what = clusterWide ? "do anything to any resource of the cluster" : "do anything to any resource of namespace \(bound.binding.namespace ?? "")"
            return bound.risk("rbac/cluster-admin-equivalent", bound.exposure.adjust(clusterWide ? .critical : .high),
                              "\(bound.subject) can \(what) (* verbs on * resources in * API groups) \(bound.path)")
        }
    }

    /// Whether a role grants more than API discovery and self-reviews (what the default bindings
    /// of `system:authenticated` and `system:unauthenticated` hold).
    static func grantsResourceAccess(_ rules: [RBACPolicyRule]) -> Bool {
        let harmless: Set<String> = ["selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"]
        return rules.contains { rule in
            !rule.resources.isEmpty && !rule.verbs.isEmpty && !rule.apiGroups.isEmpty
                && !(rule.resources.allSatisfy(harmless.contains) && rule.verbs.allSatisfy { $0 == "create" })
        }
    }

    /// What the default bindings already show unauthenticated clients: health, version, discovery
    /// and the service-account issuer's public keys.
    static let publicURLs: Set<String> = [
        "/healthz", "/livez", "/readyz", "/version", "/version/", "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*",
        "/.well-known/openid-configuration", "/openid/v1/jwks",
    ]

    func anonymousAccess() -> [RBACRisk] {
        bound.compactMap { bound in
            let subject = bound.subject
            guard subject == .user(RBACSubject.anonymousUser) || subject == .group(RBACSubject.allUnauthenticated) else { return nil }
            let resources = RBACAssessment.grantsResourceAccess(bound.rules)
            let urls = bound.binding.namespace == nil ? bound.rules.flatMap(\.nonResourceURLs).filter { !RBACAssessment.publicURLs.contains($0) } : []
            guard resources || !urls.isEmpty else { return nil }
            let grant = resources ? "API resources" : "the non-resource URLs \(urls.joined(separator: ", "))"
            return RBACRisk(ruleId: "rbac/anonymous-access", severity: resources ? .critical : .medium,
                            message: "\(bound.binding.displayName) grants \(bound.role.displayName) to \(subject): anyone who can reach the API server, without credentials, gets \(grant) in \(bound.binding.scopeDescription)",
                            subject: subject, object: bound.binding.object, node: bound.entry.anchor,
                            field: "\(bound.entry.field).name", workloads: [])
        }
    }

    func broadGroupBindings() -> [RBACRisk] {
        bound.compactMap { bound in
            guard bound.isGroup, RBACAssessment.grantsResourceAccess(bound.rules) else { return nil }
            let name = bound.subject.name
            let members: String
            let base: Severity
            switch name {
            case RBACSubject.allAuthenticated:
                members = "every authenticated user and every ServiceAccount of the cluster"
                base = .high
            case RBACSubject.allServiceAccounts:
                members = "every ServiceAccount of the cluster, so every pod that mounts a token"
                base = .high
            case _ where name.hasPrefix(RBACSubject.serviceAccountsGroupPrefix):
                members = "every ServiceAccount of namespace \(name.dropFirst(RBACSubject.serviceAccountsGroupPrefix.count)), so every pod there that mounts a token"
                base = .medium
            default:
                return nil
            }
            return bound.risk("rbac/broad-group-binding", base,
                              "\(bound.binding.displayName) grants \(bound.role.displayName) to group \(name), that is to \(members), in \(bound.binding.scopeDescription)")
        }
    }

    func defaultServiceAccountBindings() -> [RBACRisk] {
        bound.compactMap { bound in
            guard bound.subject.kind == .serviceAccount, bound.subject.name == "default",
                  RBACAssessment.grantsResourceAccess(bound.rules) else { return nil }
            let namespace = bound.subject.namespace ?? "default"
            return bound.risk("rbac/default-service-account-binding", bound.exposure.adjust(.medium),
                              "\(bound.binding.displayName) grants \(bound.role.displayName) to the default ServiceAccount of namespace \(namespace), which every pod there that names no ServiceAccount runs as")
        }
    }

    // MARK: - Role-centric checks

    /// The roles of the input that some (filtered) binding references, with who runs with them.
    func roleUse() -> [String: (scopes: Set<String>, workloads: [RBACWorkload])] {
        var use: [String: (scopes: Set<String>, workloads: [RBACWorkload])] = [:]
        // A subject's workloads are added once per role, however many bindings repeat it (a group
        // such as system:authenticated bound in every namespace would otherwise be quadratic).
        var added: Set<String> = []
        for entry in bound where !entry.role.isBuiltIn {
            let key = RBACAssessment.key(entry.role)
            use[key, default: ([], [])].scopes.insert(entry.binding.namespace.map { "namespace \($0)" } ?? "the whole cluster")
            if added.insert("\(key)|\(entry.subject.kind.rawValue)|\(entry.subject.namespace ?? "")|\(entry.subject.name)").inserted {
                use[key, default: ([], [])].workloads += entry.workloads
            }
        }
        return use
    }

    static func key(_ role: RBACRole) -> String { "\(role.kind.rawValue)|\(role.namespace ?? "")|\(role.name)" }

    /// The input roles to look at: all of them, or those bound to the subject.
    func inputRoles() -> [(role: RBACRole, use: (scopes: Set<String>, workloads: [RBACWorkload])?)] {
        let use = roleUse()
        return analyzer.roles.compactMap { role in
            guard !role.isBuiltIn else { return nil }
            let roleUse = use[RBACAssessment.key(role)]
            if subject != nil && roleUse == nil { return nil }
            return (role, roleUse)
        }
    }

    static func describeUse(_ use: (scopes: Set<String>, workloads: [RBACWorkload])?) -> String {
        guard let use else { return "no binding of the input references it" }
        let scopes = use.scopes.sorted().joined(separator: ", ")
        var seen: Set<String> = []
        let workloads = use.workloads.filter { seen.insert($0.pod.displayName).inserted }
        return "bound in \(scopes); " + RBACExposure.describe(workloads, .role)
    }

    func wildcardRules() -> [RBACRisk] {
        var risks: [RBACRisk] = []
        for (role, use) in inputRoles() {
            guard let object = role.object else { continue }
            for rule in role.rules {
                let verbs = rule.verbs.contains("*")
                let resources = rule.resources.contains("*")
                guard verbs || resources, !rule.apiGroups.isEmpty, !rule.resources.isEmpty else { continue }
                let groups = rule.apiGroups.contains("*")
                let everything = verbs && resources && groups
                let node = verbs ? rule.entryNode("verbs", "*") : rule.entryNode("resources", "*")
                let key = verbs ? "verbs" : "resources"
                var what: String
                if everything {
                    what = "* verbs on * resources in * API groups (cluster-admin's rule), which covers every resource and verb, later additions included"
                } else {
                    let verbText = verbs ? "* verbs" : rule.verbs.joined(separator: ", ")
                    let resourceText = resources ? "* resources" : rule.resources.joined(separator: ", ")
                    let groupText = groups ? "every API group"
                        : (rule.apiGroups.count == 1 ? "API group " : "API groups ") + rule.apiGroups.map { $0.isEmpty ? "\"\" (core)" : $0 }.joined(separator: ", ")
                    let includes = verbs && resources ? "every verb on every resource of the group, escalation verbs, subresources and later additions included"
                        : verbs ? "every verb, escalate, bind, impersonate and later additions included"
                        : "every resource of the group, subresources (pods/exec, serviceaccounts/token) and later additions included"
                    what = "\(verbText) on \(resourceText) in \(groupText), which covers \(includes)"
                }
                if !rule.resourceNames.isEmpty { what += ", for the names \(rule.resourceNames.joined(separator: ", "))" }
                let base: Severity = everything ? .high : .medium
                let workloads = use?.workloads ?? []
                let severity = use == nil ? base.rbacLowered : RBACExposure(workloads).adjust(base)
                risks.append(RBACRisk(
                    ruleId: "rbac/wildcard-rule", severity: severity,
                    message: "\(role.displayName) grants \(what) (\(rule.field ?? "a rule")); \(RBACAssessment.describeUse(use))",
                    subject: nil, object: object, node: node ?? rule.node, field: rule.field.map { "\($0).\(key)" }, workloads: workloads
                ))
            }
        }
        return risks
    }

    func ineffectiveWildcards() -> [RBACRisk] {
        var risks: [RBACRisk] = []
        for (role, use) in inputRoles() {
            guard let object = role.object else { continue }
            for rule in role.rules {
                for resource in rule.resources {
                    let parts = RBACPolicyRule.split(resource)
                    guard parts.subresource == "*", parts.resource != "*" else { continue }
                    let base = String(parts.resource)
                    risks.append(RBACRisk(
                        ruleId: "rbac/ineffective-subresource-wildcard", severity: .info,
                        message: "\(role.displayName) lists \"\(resource)\" in \(rule.field ?? "a rule"), which Kubernetes RBAC matches only literally: it grants no subresource of \(base) (write them out, e.g. \(base)/log, or use */<subresource>); \(RBACAssessment.describeUse(use))",
                        subject: nil, object: object, node: rule.entryNode("resources", resource) ?? rule.node,
                        field: rule.field.map { "\($0).resources" }, workloads: use?.workloads ?? []
                    ))
                }
            }
        }
        return risks
    }
}
