import BulwarkCore
@testable import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// `aggregationRule`s resolved over the selector graph (`RBACAggregation`), held to the recursive
/// resolution Bulwark used before (`previousResolution`) and to the least fixpoint of "own rules
/// plus the rules of every selected role" (`fixpoint`), and to the growth of the input.
@Suite struct RBACAggregationTests {
    /// A ClusterRole named `name`, labelled `label=name`, with one rule on resource `name`,
    /// aggregating the roles labelled with each of `selects`.
    static func role(_ name: String, selects: [String]? = nil, extraLabels: [String: String] = [:], rules: [String]? = nil) -> RBACRole {
        RBACRole(kind: .clusterRole, name: name, namespace: nil,
                 rules: (rules ?? [name]).map { RBACPolicyRule(apiGroups: ["example.com"], resources: [$0], verbs: ["get"]) },
                 labels: ["example.com/role": name].merging(extraLabels) { $1 },
                 aggregationSelectors: selects.map { $0.map { RBACLabelSelector(matchLabels: ["example.com/role": $0]) } }, object: nil)
    }

    /// What `RBACAnalyzer` computed before the selector graph: a recursive walk in input order
    /// that, on a cycle, takes the written rules of the role it is still resolving.
    static func previousResolution(_ roles: [RBACRole]) -> [[RBACPolicyRule]] {
        var resolved: [[RBACPolicyRule]?] = roles.map { $0.isAggregated ? nil : $0.rules }
        let clusterRoles = roles.indices.filter { roles[$0].kind == .clusterRole }
        var visiting: Set<Int> = []
        func resolve(_ position: Int) -> [RBACPolicyRule] {
            if let done = resolved[position] { return done }
            let role = roles[position]
            guard let selectors = role.aggregationSelectors, visiting.insert(position).inserted else { return role.rules }
            var rules = role.rules
            var seen = Set(rules)
            for other in clusterRoles where other != position && selectors.contains(where: { $0.matches(roles[other].labels) }) {
                for rule in resolve(other) where seen.insert(rule).inserted {
                    rules.append(rule)
                }
            }
            visiting.remove(position)
            resolved[position] = rules
            return rules
        }
        return roles.indices.map(resolve)
    }

    /// The least fixpoint, by iterating until nothing changes.
    static func fixpoint(_ roles: [RBACRole]) -> [Set<RBACPolicyRule>] {
        var sets = roles.map { Set($0.rules) }
        var changed = true
        while changed {
            changed = false
            for (position, role) in roles.enumerated() {
                guard let selectors = role.aggregationSelectors else { continue }
                for (other, candidate) in roles.enumerated() where other != position && candidate.kind == .clusterRole
                    && selectors.contains(where: { $0.matches(candidate.labels) }) && !sets[other].isSubset(of: sets[position]) {
                    sets[position].formUnion(sets[other])
                    changed = true
                }
            }
        }
        return sets
    }

    static func resolved(_ roles: [RBACRole]) -> [[RBACPolicyRule]] {
        let aggregation = RBACAggregation(roles)
        return roles.indices.map(aggregation.rules(of:))
    }

    static let acyclic: [(String, [RBACRole])] = [
        ("chain", [role("a", selects: ["b"]), role("b", selects: ["c"]), role("c", selects: ["d"]), role("d")]),
        ("chain in reverse input order", [role("d"), role("c", selects: ["d"]), role("b", selects: ["c"]), role("a", selects: ["b"])]),
        ("diamond", [role("a", selects: ["b", "c"]), role("b", selects: ["d"]), role("c", selects: ["d"]), role("d", rules: ["d", "e"])]),
        ("shared rules are listed once", [role("a", selects: ["b", "c"]), role("b", rules: ["x", "y"]), role("c", rules: ["y", "x", "z"])]),
        ("own duplicate rules are kept", [role("a", selects: ["b"], rules: ["x", "x"]), role("b", rules: ["x", "w", "w"])]),
        ("self-selection", [role("a", selects: ["a", "b"]), role("b")]),
        ("self-selection only", [role("a", selects: ["a"])]),
        ("nothing selected", [role("a", selects: ["nobody"]), role("b")]),
        ("one selector, several roles",
         [role("a", selects: ["shared"]), role("b", extraLabels: ["example.com/role": "shared"]), role("c", extraLabels: ["example.com/role": "shared"])]),
    ]

    @Test(arguments: acyclic.indices)
    func acyclicAggregationIsThePreviousResolution(_ index: Int) {
        let (name, roles) = Self.acyclic[index]
        #expect(Self.resolved(roles) == Self.previousResolution(roles), "\(name)")
    }

    static let cyclic: [(String, [RBACRole])] = [
        ("ring of two", [role("a", selects: ["b"]), role("b", selects: ["a"])]),
        ("ring of three", [role("a", selects: ["b"]), role("b", selects: ["c"]), role("c", selects: ["a"])]),
        ("ring of ten", (0..<10).map { role("r\($0)", selects: ["r\(($0 + 1) % 10)"]) }),
        ("ring with a tail and an exit",
         [role("tail", selects: ["r0"]), role("r0", selects: ["r1"]), role("r1", selects: ["r2", "exit"]), role("r2", selects: ["r0"]), role("exit")]),
        ("two rings joined", [role("a", selects: ["b"]), role("b", selects: ["a", "c"]), role("c", selects: ["d"]), role("d", selects: ["c"])]),
        ("ring with self-selection", [role("a", selects: ["a", "b"]), role("b", selects: ["a", "b"])]),
    ]

    /// Every role of a cycle holds every rule reachable from it (the previous walk gave that to
    /// the first role it entered the cycle by, and fewer rules to the others); the first role of
    /// the input keeps exactly its previous rules and order.
    @Test(arguments: cyclic.indices)
    func cyclicAggregationIsTheFixpoint(_ index: Int) {
        let (name, roles) = Self.cyclic[index]
        let resolved = Self.resolved(roles)
        #expect(resolved.map(Set.init) == Self.fixpoint(roles), "\(name)")
        #expect(resolved.allSatisfy { Set($0).count == $0.count }, "\(name): a rule listed twice")
        #expect(resolved[0] == Self.previousResolution(roles)[0], "\(name)")
    }

    @Test(arguments: 0..<30)
    func randomGraphsGiveTheFixpoint(_ seed: Int) {
        var random = Mutator(seed: UInt64(seed))
        let count = Int.random(in: 2...14, using: &random)
        let acyclic = seed % 2 == 0
        let roles = (0..<count).map { position -> RBACRole in
            let targets = (0..<count).filter { other in
                (acyclic ? other > position : other != position) && Int.random(in: 0..<100, using: &random) < 25
            }
            let rules = (0..<Int.random(in: 0...2, using: &random)).map { _ in "r\(Int.random(in: 0..<6, using: &random))" }
            return Self.role("n\(position)", selects: Int.random(in: 0..<100, using: &random) < 70 ? targets.map { "n\($0)" } : nil, rules: rules)
        }
        let resolved = Self.resolved(roles)
        #expect(resolved.map(Set.init) == Self.fixpoint(roles))
        if acyclic { #expect(resolved == Self.previousResolution(roles)) }
    }

    @Test func rolesOfACycleShareTheirRules() {
        let roles = (0..<50).map { Self.role("r\($0)", selects: ["r\(($0 + 1) % 50)"]) }
        let aggregation = RBACAggregation(roles)
        #expect(Set(roles.indices.map(aggregation.ruleSetOwner(of:))) == [0])
        #expect(roles.indices.allSatisfy { aggregation.rules(of: $0).count == 50 })
    }

    @Test func theBuiltInRolesStillAggregate() throws {
        let rbac = try analyzer(RBACAnalyzerTests.aggregation)
        #expect(rbac.can(.user("admin"), "create", group: "serving.kserve.io", resource: "inferenceservices", namespace: "ml"))
        #expect(!rbac.can(.user("viewer"), "create", group: "serving.kserve.io", resource: "inferenceservices", namespace: "ml"))
    }

    @Test func aRingBoundToServiceAccountsGrantsEveryRoleOfTheRing() throws {
        let rbac = try analyzer(RBACRingInventory.yaml(roles: 30))
        for member in stride(from: 0, to: 30, by: 10) {
            #expect(rbac.can(.serviceAccount("ring", "sa-\(member)"), "get", group: "", resource: "secrets", namespace: "ml"))
            #expect(rbac.can(.serviceAccount("ring", "sa-\(member)"), "list", group: "ring.example.com", resource: "things-29",
                             namespace: nil))
        }
    }

    // MARK: - Cost

    /// Resolving every role of a ring of 2n roles takes about twice the work of a ring of n;
    /// copying each role's rules (n rules per role) would quadruple it.
    @Test func ringCostGrowsWithTheRing() {
        func work(_ count: Int) -> Int {
            let roles = (0..<count).map { Self.role("r\($0)", selects: ["r\(($0 + 1) % count)"]) }
            let aggregation = RBACAggregation(roles)
            for position in roles.indices { _ = aggregation.rules(of: position) }
            return aggregation.work
        }
        let small = work(300)
        let large = work(600)
        #expect(Double(large) / Double(small) <= 2.5, "work \(small) → \(large)")
    }

    /// The same for many small rings and chains of aggregated roles: the label index finds each
    /// selector's roles without trying every ClusterRole.
    @Test func selectorMatchingGrowsWithTheRoles() {
        func work(_ groups: Int) -> Int {
            let roles = (0..<groups).flatMap { group in
                (0..<5).map { Self.role("g\(group)-\($0)", selects: $0 == 4 ? ["g\(group)-0"] : ["g\(group)-\($0 + 1)"]) }
            }
            let aggregation = RBACAggregation(roles)
            for position in roles.indices { _ = aggregation.rules(of: position) }
            return aggregation.work
        }
        let small = work(100)
        let large = work(200)
        #expect(Double(large) / Double(small) <= 2.5, "work \(small) → \(large)")
    }
}

/// The shape of `bench/gen-analysis-scale.py rbac-ring`: a ring of aggregated ClusterRoles, each
/// with a rule on its own resource, the first also reading Secrets, every tenth bound to a
/// ServiceAccount.
enum RBACRingInventory {
    static func yaml(roles: Int) -> String {
        var docs: [String] = []
        for number in 0..<roles {
            var rules = "  - {apiGroups: [ring.example.com], resources: [things-\(number)], verbs: [get, list]}"
            if number == 0 { rules += "\n  - {apiGroups: [\"\"], resources: [secrets], verbs: [get]}" }
            docs.append("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: ring-\(number), labels: {bench.example.com/ring: r\(number)}}
            aggregationRule:
              clusterRoleSelectors: [{matchLabels: {bench.example.com/ring: r\((number + 1) % roles)}}]
            rules:
            \(rules)
            """)
            if number % 10 == 0 {
                docs.append("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ring-\(number)}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ring-\(number)}
                subjects: [{kind: ServiceAccount, name: sa-\(number), namespace: ring}]
                """)
            }
        }
        return docs.joined(separator: "\n---\n")
    }
}
