import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

func analyzer(_ yaml: String) throws -> RBACAnalyzer {
    let inventory = KubernetesLoader.parse(text: yaml, file: "rbac.yaml")
    try #require(inventory.errors.isEmpty, "\(inventory.errors)")
    return RBACAnalyzer(inventory)
}

/// One authorization question and its expected answer.
struct AccessCase: Sendable, CustomTestStringConvertible {
    let subject: RBACSubject
    let verb: String
    let group: String
    let resource: String
    let namespace: String?
    let name: String?
    let allowed: Bool

    init(_ subject: RBACSubject, _ verb: String, _ group: String, _ resource: String, in namespace: String?, name: String? = nil, _ allowed: Bool) {
        self.subject = subject
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.allowed = allowed
    }

    var testDescription: String {
        "\(subject) \(allowed ? "can" : "cannot") \(verb) \(group.isEmpty ? "" : group + "/")\(resource)\(name.map { " " + $0 } ?? "") in \(namespace ?? "(cluster)")"
    }
}

@Suite struct RBACPolicyRuleTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        let groups: [String]
        let resources: [String]
        let verbs: [String]
        let names: [String]
        let request: (verb: String, group: String, resource: String, name: String?)
        let allowed: Bool
        var testDescription: String {
            "\(verbs) \(groups) \(resources) \(names) vs \(request.verb) \(request.group)/\(request.resource) \(request.name ?? "-") → \(allowed)"
        }
    }

    static let cases: [MatchCase] = [
        // API groups: "" is the core group, "*" is every group.
        MatchCase(groups: [""], resources: ["pods"], verbs: ["get"], names: [], request: ("get", "", "pods", nil), allowed: true),
        MatchCase(groups: [""], resources: ["deployments"], verbs: ["get"], names: [], request: ("get", "apps", "deployments", nil), allowed: false),
        MatchCase(groups: ["*"], resources: ["deployments"], verbs: ["get"], names: [], request: ("get", "apps", "deployments", nil), allowed: true),
        MatchCase(groups: ["apps"], resources: ["secrets"], verbs: ["get"], names: [], request: ("get", "", "secrets", nil), allowed: false),
        // Resources: "*" covers subresources; "pods/*" is no wildcard; "*/scale" is.
        MatchCase(groups: [""], resources: ["*"], verbs: ["create"], names: [], request: ("create", "", "pods/exec", nil), allowed: true),
        MatchCase(groups: [""], resources: ["pods/*"], verbs: ["create"], names: [], request: ("create", "", "pods/exec", nil), allowed: false),
        MatchCase(groups: [""], resources: ["pods"], verbs: ["create"], names: [], request: ("create", "", "pods/exec", nil), allowed: false),
        MatchCase(groups: [""], resources: ["pods/exec"], verbs: ["create"], names: [], request: ("create", "", "pods", nil), allowed: false),
        MatchCase(groups: ["apps"], resources: ["*/scale"], verbs: ["update"], names: [], request: ("update", "apps", "deployments/scale", nil), allowed: true),
        MatchCase(groups: ["apps"], resources: ["*/scale"], verbs: ["update"], names: [], request: ("update", "apps", "deployments", nil), allowed: false),
        MatchCase(groups: ["apps"], resources: ["*/scale"], verbs: ["update"], names: [], request: ("update", "apps", "deployments/status", nil), allowed: false),
        // Verbs: exact or "*"; case matters.
        MatchCase(groups: [""], resources: ["secrets"], verbs: ["*"], names: [], request: ("watch", "", "secrets", nil), allowed: true),
        MatchCase(groups: [""], resources: ["secrets"], verbs: ["GET"], names: [], request: ("get", "", "secrets", nil), allowed: false),
        // resourceNames: only requests that name one of them.
        MatchCase(groups: [""], resources: ["secrets"], verbs: ["get"], names: ["db"], request: ("get", "", "secrets", "db"), allowed: true),
        MatchCase(groups: [""], resources: ["secrets"], verbs: ["get"], names: ["db"], request: ("get", "", "secrets", "other"), allowed: false),
        MatchCase(groups: [""], resources: ["secrets"], verbs: ["list"], names: ["db"], request: ("list", "", "secrets", nil), allowed: false),
    ]

    @Test(arguments: cases)
    func matchesLikeTheAuthorizer(_ testCase: MatchCase) {
        let rule = RBACPolicyRule(apiGroups: testCase.groups, resources: testCase.resources, resourceNames: testCase.names, verbs: testCase.verbs)
        let request = testCase.request
        #expect(rule.allows(verb: request.verb, group: request.group, resource: request.resource, name: request.name) == testCase.allowed)
    }

    @Test(arguments: [
        ("/logs/*", "/logs/kube-apiserver.log", true), ("/logs/*", "/logs", false), ("*", "/metrics", true),
        ("/metrics", "/metrics", true), ("/metrics", "/metrics/slis", false), ("/healthz*", "/healthz/etcd", true),
    ])
    func nonResourceURLs(_ entry: String, _ path: String, _ allowed: Bool) {
        #expect(RBACPolicyRule(verbs: ["get"], nonResourceURLs: [entry]).allows(verb: "get", nonResourceURL: path) == allowed)
    }
}

/// Matching details checked against the authorizer's `evaluation_helpers.go`.
@Suite struct RBACMatchingEdgeTests {
    /// `ResourceNameMatches` compares the requested name, empty for a list, with each listed name.
    @Test func anEmptyResourceNameMatchesRequestsWithoutAName() {
        let rule = RBACPolicyRule(apiGroups: [""], resources: ["secrets"], resourceNames: [""], verbs: ["list"])
        #expect(rule.allows(verb: "list", group: "", resource: "secrets", name: nil))
        #expect(!rule.allows(verb: "list", group: "", resource: "secrets", name: "x"))
        let named = RBACPolicyRule(apiGroups: [""], resources: ["secrets"], resourceNames: ["x"], verbs: ["get"])
        #expect(!named.allows(verb: "get", group: "", resource: "secrets", name: nil))
        #expect(named.allows(verb: "get", group: "", resource: "secrets", name: "x"))
    }

    /// `NonResourceURLMatches` trims every trailing `*` (`strings.TrimRight`), not just one.
    @Test(arguments: [("/healthz*", "/healthz/ready", true), ("/healthz**", "/healthz/ready", true), ("/healthz**", "/healthz", true),
                      ("/healthz", "/healthz/ready", false), ("*", "/anything", true), ("/api/*", "/apis", false)])
    func nonResourceURLs(_ entry: String, _ path: String, _ matches: Bool) {
        #expect(RBACPolicyRule(verbs: ["get"], nonResourceURLs: [entry]).matchesNonResourceURL(path) == matches)
    }
}

@Suite struct RBACSubjectTests {
    @Test(arguments: [
        ("serviceaccount:ml:model-server", RBACSubject.serviceAccount("ml", "model-server")),
        ("sa:ml:model-server", RBACSubject.serviceAccount("ml", "model-server")),
        ("user:alice@example.com", RBACSubject.user("alice@example.com")),
        ("user:system:serviceaccount:ml:model-server", RBACSubject.serviceAccount("ml", "model-server")),
        ("group:system:serviceaccounts:ml", RBACSubject.group("system:serviceaccounts:ml")),
    ])
    func parsesTheSubjectArgument(_ argument: String, _ expected: RBACSubject) throws {
        let subject = try #require(RBACSubject(argument: argument))
        #expect(subject == expected)
    }

    @Test(arguments: ["model-server", "serviceaccount:ml", "serviceaccount::x", "pod:ml:x", "user:"])
    func rejectsMalformedArguments(_ argument: String) {
        #expect(RBACSubject(argument: argument) == nil)
    }

    @Test func serviceAccountsAreInTheirGroups() {
        let account = RBACSubject.serviceAccount("ml", "model-server")
        #expect(account.userName == "system:serviceaccount:ml:model-server")
        #expect(account.groups == ["system:serviceaccounts", "system:serviceaccounts:ml", "system:authenticated"])
        #expect(RBACSubject.user("alice").groups == ["system:authenticated"])
        #expect(RBACSubject.user("system:anonymous").groups == ["system:unauthenticated"])
    }
}

@Suite struct RBACAnalyzerTests {
    static let namespaceScoping = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: secrets-and-nodes}
    rules:
      - apiGroups: [""]
        resources: ["secrets", "nodes"]
        verbs: ["get", "list"]
      - apiGroups: ["rbac.authorization.k8s.io"]
        resources: ["clusterroles"]
        verbs: ["bind", "escalate"]
        resourceNames: ["view"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: reader, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets-and-nodes}
    subjects:
      - {kind: ServiceAccount, name: model-server}
      - {kind: User, name: "system:serviceaccount:ml:trainer"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: auditor}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets-and-nodes}
    subjects:
      - {kind: User, apiGroup: rbac.authorization.k8s.io, name: auditor}
    """

    static let scopingCases: [AccessCase] = [
        // A RoleBinding to a ClusterRole grants its rules in the binding's namespace only.
        AccessCase(.serviceAccount("ml", "model-server"), "get", "", "secrets", in: "ml", true),
        AccessCase(.serviceAccount("ml", "model-server"), "list", "", "secrets", in: "other", false),
        AccessCase(.serviceAccount("ml", "model-server"), "get", "", "secrets", in: nil, false),
        // … and never a cluster-scoped resource, even when a namespace is asked about.
        AccessCase(.serviceAccount("ml", "model-server"), "get", "", "nodes", in: nil, false),
        AccessCase(.serviceAccount("ml", "model-server"), "get", "", "nodes", in: "ml", false),
        // bind on clusterroles is checked in the namespace of the RoleBinding being written.
        AccessCase(.serviceAccount("ml", "model-server"), "bind", "rbac.authorization.k8s.io", "clusterroles", in: "ml", name: "view", true),
        AccessCase(.serviceAccount("ml", "model-server"), "bind", "rbac.authorization.k8s.io", "clusterroles", in: "ml", name: "admin", false),
        AccessCase(.serviceAccount("ml", "model-server"), "escalate", "rbac.authorization.k8s.io", "clusterroles", in: "ml", name: "view", false),
        // A ServiceAccount subject without namespace is the RoleBinding's; a User subject named
        // system:serviceaccount:… is that ServiceAccount.
        AccessCase(.serviceAccount("other", "model-server"), "get", "", "secrets", in: "other", false),
        AccessCase(.serviceAccount("ml", "trainer"), "get", "", "secrets", in: "ml", true),
        // A ClusterRoleBinding grants everywhere, cluster-scoped resources included.
        AccessCase(.user("auditor"), "list", "", "secrets", in: "kube-system", true),
        AccessCase(.user("auditor"), "get", "", "nodes", in: nil, name: "node-1", true),
        AccessCase(.user("auditor"), "delete", "", "secrets", in: "ml", false),
        AccessCase(.user("auditor"), "get", "apps", "secrets", in: "ml", false),
        // system:masters passes every check without a binding.
        AccessCase(.group("system:masters"), "delete", "", "nodes", in: nil, true),
    ]

    @Test(arguments: scopingCases)
    func roleBindingsAreNamespaceLimited(_ testCase: AccessCase) throws {
        let rbac = try analyzer(Self.namespaceScoping)
        #expect(rbac.can(testCase.subject, testCase.verb, group: testCase.group, resource: testCase.resource,
                         namespace: testCase.namespace, name: testCase.name) == testCase.allowed)
    }

    static let groups = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: all-service-accounts-view}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects:
      - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: ml-service-accounts-edit, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    subjects:
      - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:ml"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: model-lister}
    rules:
      - apiGroups: ["serving.kserve.io"]
        resources: ["inferenceservices"]
        verbs: ["list"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: authenticated-model-lister}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: model-lister}
    subjects:
      - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: anonymous-model-lister}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: model-lister}
    subjects:
      - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:unauthenticated"}
    """

    static let groupCases: [AccessCase] = [
        AccessCase(.serviceAccount("ml", "model-server"), "list", "", "pods", in: "kube-system", true),
        AccessCase(.serviceAccount("ml", "model-server"), "create", "", "pods", in: "ml", true),
        AccessCase(.serviceAccount("ml", "model-server"), "get", "", "secrets", in: "ml", true),
        AccessCase(.serviceAccount("web", "frontend"), "create", "", "pods", in: "ml", false),
        AccessCase(.serviceAccount("web", "frontend"), "get", "", "secrets", in: "web", false),
        AccessCase(.serviceAccount("web", "frontend"), "list", "serving.kserve.io", "inferenceservices", in: "ml", true),
        AccessCase(.user("alice"), "list", "serving.kserve.io", "inferenceservices", in: "ml", true),
        AccessCase(.user("alice"), "list", "", "pods", in: "ml", false),
        AccessCase(.user("system:anonymous"), "list", "serving.kserve.io", "inferenceservices", in: "ml", true),
        AccessCase(.group("system:serviceaccounts:ml"), "list", "", "pods", in: "ml", true),
        AccessCase(.group("system:serviceaccounts:ml"), "list", "serving.kserve.io", "inferenceservices", in: "ml", false),
    ]

    @Test(arguments: groupCases)
    func serviceAccountsHoldTheirGroupsPermissions(_ testCase: AccessCase) throws {
        let rbac = try analyzer(Self.groups)
        #expect(rbac.can(testCase.subject, testCase.verb, group: testCase.group, resource: testCase.resource,
                         namespace: testCase.namespace, name: testCase.name) == testCase.allowed)
    }

    static let aggregation = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: kserve-edit
      labels:
        rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rules:
      - apiGroups: ["serving.kserve.io"]
        resources: ["inferenceservices"]
        verbs: ["create", "update", "patch", "delete"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: gpu-quota-view
      labels: {example.com/tier: ml, example.com/access: read}
    rules:
      - apiGroups: [""]
        resources: ["resourcequotas"]
        verbs: ["get"]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: ml-reader}
    aggregationRule:
      clusterRoleSelectors:
        - matchExpressions:
            - {key: example.com/tier, operator: In, values: [ml, data]}
            - {key: example.com/access, operator: NotIn, values: [write]}
    rules: []
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: editors, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    subjects: [{kind: User, name: editor}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: admins, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
    subjects: [{kind: User, name: admin}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: viewers, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects: [{kind: User, name: viewer}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: ml-readers, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ml-reader}
    subjects: [{kind: User, name: reader}]
    """

    static let aggregationCases: [AccessCase] = [
        // A CRD role labelled aggregate-to-edit reaches edit and, through edit, admin; not view.
        AccessCase(.user("editor"), "create", "serving.kserve.io", "inferenceservices", in: "ml", true),
        AccessCase(.user("admin"), "create", "serving.kserve.io", "inferenceservices", in: "ml", true),
        AccessCase(.user("viewer"), "create", "serving.kserve.io", "inferenceservices", in: "ml", false),
        // The built-in roles, as the bootstrap policy defines them.
        AccessCase(.user("viewer"), "list", "", "pods", in: "ml", true),
        AccessCase(.user("viewer"), "get", "", "secrets", in: "ml", false),
        AccessCase(.user("viewer"), "get", "", "pods/log", in: "ml", true),
        AccessCase(.user("editor"), "get", "", "secrets", in: "ml", true),
        AccessCase(.user("editor"), "create", "", "pods/exec", in: "ml", true),
        AccessCase(.user("editor"), "create", "", "serviceaccounts/token", in: "ml", true),
        AccessCase(.user("editor"), "impersonate", "", "serviceaccounts", in: "ml", true),
        AccessCase(.user("editor"), "create", "rbac.authorization.k8s.io", "rolebindings", in: "ml", false),
        AccessCase(.user("admin"), "create", "rbac.authorization.k8s.io", "rolebindings", in: "ml", true),
        AccessCase(.user("admin"), "list", "", "pods", in: "ml", true),
        AccessCase(.user("admin"), "escalate", "rbac.authorization.k8s.io", "roles", in: "ml", false),
        // matchExpressions selectors.
        AccessCase(.user("reader"), "get", "", "resourcequotas", in: "ml", true),
        AccessCase(.user("reader"), "get", "", "pods", in: "ml", false),
    ]

    @Test(arguments: aggregationCases)
    func aggregatedRolesGainTheRulesOfMatchingRoles(_ testCase: AccessCase) throws {
        let rbac = try analyzer(Self.aggregation)
        #expect(rbac.can(testCase.subject, testCase.verb, group: testCase.group, resource: testCase.resource,
                         namespace: testCase.namespace, name: testCase.name) == testCase.allowed)
    }

    @Test func anInputRoleReplacesTheBuiltInRoleOfTheSameName() throws {
        let rbac = try analyzer("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: view}
        rules:
          - {apiGroups: [""], resources: ["configmaps"], verbs: ["get"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: viewers}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: User, name: viewer}]
        """)
        #expect(rbac.can(.user("viewer"), "get", group: "", resource: "configmaps", namespace: "ml"))
        #expect(!rbac.can(.user("viewer"), "get", group: "", resource: "pods", namespace: "ml"))
    }

    @Test func bindingsToUnknownRolesGrantNothing() throws {
        let rbac = try analyzer("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ghost, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: not-in-the-input}
        subjects: [{kind: User, name: alice}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: invalid}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin}
        subjects: [{kind: User, name: alice}]
        """)
        #expect(rbac.grants(for: .user("alice")).isEmpty)
        #expect(rbac.bindings.count == 1)
    }
}

@Suite struct RBACPermissionTableTests {
    @Test func clusterAdminExpandsAgainstTheCatalogueAndKeepsTheWildcard() throws {
        let rbac = try analyzer("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: admins}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: Group, name: admins}]
        """)
        let permissions = rbac.permissions(for: .group("admins"))
        let secrets = try #require(permissions.first { $0.apiGroup == "" && $0.resource == "secrets" })
        #expect(secrets.namespace == "*")
        #expect(secrets.verbs == ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"])
        #expect(permissions.contains { $0.apiGroup == "rbac.authorization.k8s.io" && $0.resource == "clusterroles" && $0.verbs.contains("escalate") })
        #expect(permissions.contains { $0.apiGroup == "" && $0.resource == "pods/exec" && $0.verbs == ["get", "create"] })
        #expect(permissions.contains { $0.apiGroup == "*" && $0.resource == "*" && $0.verbs == ["*"] })
        #expect(permissions.contains { $0.nonResourceURL == "*" && $0.verbs == ["*"] })
        #expect(permissions.contains { $0.allows(verb: "create", group: "example.com", resource: "widgets", namespace: "ml") })
    }

    @Test func aNamespaceGrantListsNoClusterScopedResource() throws {
        let rbac = try analyzer("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: core-reader, namespace: ml}
        rules:
          - {apiGroups: [""], resources: ["*"], verbs: ["get"]}
          - {apiGroups: ["*"], resources: ["deployments", "nodes"], verbs: ["list"]}
          - {apiGroups: [""], resources: ["secrets"], resourceNames: ["db"], verbs: ["get"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: core-reader, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: core-reader}
        subjects: [{kind: ServiceAccount, name: model-server}]
        """)
        let permissions = rbac.permissions(for: .serviceAccount("ml", "model-server"))
        #expect(permissions.allSatisfy { $0.namespace == "ml" })
        #expect(!permissions.contains { $0.resource == "nodes" || $0.resource == "namespaces" || $0.resource == "persistentvolumes" })
        #expect(permissions.contains { $0.apiGroup == "" && $0.resource == "pods/log" && $0.verbs == ["get"] })
        #expect(permissions.contains { $0.apiGroup == "" && $0.resource == "*" && $0.verbs == ["get"] })
        #expect(permissions.contains { $0.apiGroup == "apps" && $0.resource == "deployments" && $0.verbs == ["list"] })
        #expect(permissions.contains { $0.apiGroup == "*" && $0.resource == "deployments" && $0.verbs == ["list"] })
        #expect(permissions.contains { $0.resource == "secrets" && $0.resourceNames == ["db"] })
        // The table answers by matching: the "*" row covers resources beyond the catalogue.
        #expect(permissions.contains { $0.allows(verb: "get", group: "", resource: "bindings", namespace: "ml") })
        #expect(!permissions.contains { $0.allows(verb: "get", group: "", resource: "secrets", namespace: "web") })
    }

    @Test func bindOnClusterRolesSurvivesInANamespaceGrant() throws {
        let rbac = try analyzer("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: binder}
        rules: [{apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["*"]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: binder, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
        subjects: [{kind: User, name: lead}]
        """)
        #expect(rbac.permissions(for: .user("lead")).map { "\($0.namespace) \($0.resource) \($0.verbs)" } == ["ml clusterroles [\"bind\"]"])
    }

    @Test func jsonHasTheContractKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let row = RBACPermission(namespace: "ml", apiGroup: "", resource: "secrets", verbs: ["get", "list"])
        #expect(String(decoding: try encoder.encode(row), as: UTF8.self)
            == #"{"apiGroup":"","namespace":"ml","resource":"secrets","verbs":["get","list"]}"#)
        let named = RBACPermission(namespace: "ml", apiGroup: "", resource: "secrets", resourceNames: ["db"], verbs: ["get"])
        #expect(String(decoding: try encoder.encode(named), as: UTF8.self).contains(#""resourceNames":["db"]"#))
        #expect(try JSONDecoder().decode(RBACPermission.self, from: encoder.encode(named)) == named)
    }
}
