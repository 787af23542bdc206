import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct ClusterRulesTests {
    @Test func insecureExampleStackFindings() throws {
        let findings = try ExampleStack.scan([ExampleStack.insecure], rules: ClusterRules.all)
        #expect(findings.map { "\(URL(fileURLWithPath: $0.location.file).lastPathComponent):\($0.location.line):\($0.location.column) \($0.ruleId) \($0.severity)" } == [
            "deployment.yaml:21:7 netpol/pod-not-isolated medium",
            "namespace.yaml:7:1 k8s/namespace-pss-enforce medium",
            "rbac.yaml:21:5 rbac/workload-cluster-admin critical",
        ])
        #expect(findings.last?.message == """
            ClusterRoleBinding model-server-admin grants cluster-admin to ServiceAccount ml-inference/model-server; \
            Deployment ml-inference/model-server runs with these rights
            """)
        #expect(findings[1].message.hasPrefix("Namespace ml-inference runs 1 workload (Deployment ml-inference/model-server) but has no pod-security.kubernetes.io/enforce label"))
        #expect(findings[0].message.contains("which runs model server"))
    }

    @Test func hardenedExampleStackHasNoClusterFindings() throws {
        #expect(try ExampleStack.scan([ExampleStack.hardened], rules: ClusterRules.all).isEmpty)
    }

    // MARK: - namespace-pss-enforce

    static let enforceLevels: [(String?, Severity?)] = [
        (nil, .medium), ("privileged", .high), ("baseline", .medium), ("restricted", nil), ("Restricted-typo", nil),
    ]

    @Test("enforce levels", arguments: enforceLevels)
    func enforceLevel(_ level: String?, _ expected: Severity?) {
        let labels = level.map { "{pod-security.kubernetes.io/enforce: \($0)}" } ?? "{team: ml}"
        let text = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: ml, labels: \(labels)}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec: {containers: [{name: c, image: registry.example.com/c:1}]}
        """
        #expect(scanText(text, rules: [rule("k8s/namespace-pss-enforce")]).map(\.severity) == [expected].compactMap { $0 })
    }

    @Test func onlyNamespacesWithRunningPodsAndAnObjectAreReported() {
        let text = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: templates-only}
        ---
        apiVersion: v1
        kind: PodTemplate
        metadata: {name: t, namespace: templates-only}
        template: {spec: {containers: [{name: c, image: registry.example.com/c:1}]}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: no-namespace-object}
        spec: {containers: [{name: c, image: registry.example.com/c:1}]}
        """
        #expect(scanText(text, rules: [rule("k8s/namespace-pss-enforce")]).isEmpty)
    }

    // MARK: - pod-not-isolated

    func isolated(_ policies: String, pod: String = "{app: model-server, tier: api}", namespace: String = "ml") -> Bool {
        let text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d, namespace: \(namespace)}
        spec:
          template:
            metadata: {labels: \(pod)}
            spec: {containers: [{name: c, image: registry.example.com/c:1}]}
        ---
        \(policies)
        """
        return scanText(text, rules: [rule("netpol/pod-not-isolated")]).isEmpty
    }

    static func policy(_ spec: String, namespace: String = "ml", apiVersion: String = "networking.k8s.io/v1") -> String {
        "apiVersion: \(apiVersion)\nkind: NetworkPolicy\nmetadata: {name: p, namespace: \(namespace)}\nspec: \(spec)"
    }

    static let policyCases: [(String, Bool)] = [
        (policy("{podSelector: {}}"), true),
        (policy("{podSelector: {}, policyTypes: [Ingress]}"), true),
        (policy("{podSelector: {}, policyTypes: [Egress]}"), false),
        (policy("{podSelector: {}, policyTypes: [Egress], ingress: [{}]}"), false),
        (policy("{podSelector: {matchLabels: {app: model-server}}, ingress: [{from: [{podSelector: {}}]}]}"), true),
        (policy("{podSelector: {matchLabels: {app: other}}}"), false),
        (policy("{podSelector: {matchExpressions: [{key: tier, operator: In, values: [api]}]}}"), true),
        (policy("{podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [api]}]}}"), false),
        (policy("{podSelector: {matchExpressions: [{key: gpu, operator: DoesNotExist}]}}"), true),
        (policy("{podSelector: {matchExpressions: [{key: tier, operator: Bogus, values: [api]}]}}"), false),
        (policy("{podSelector: {}}", namespace: "other"), false),
        (policy("{}"), true),
    ]

    @Test("policies", arguments: policyCases)
    func policySelection(_ policy: String, _ expected: Bool) {
        #expect(isolated(policy) == expected)
    }

    @Test func kserveAndRayOperatorLabelsAreSelectable() {
        let text = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: iris, namespace: ml}
        spec:
          predictor:
            model: {modelFormat: {name: sklearn}, storageUri: "gs://bucket/iris"}
        ---
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: rc, namespace: ml}
        spec:
          headGroupSpec: {template: {spec: {containers: [{name: head, image: rayproject/ray:2.9.0}]}}}
          workerGroupSpecs:
            - groupName: gpu
              template: {spec: {containers: [{name: worker, image: rayproject/ray:2.9.0}]}}
        ---
        \(Self.policy("{podSelector: {matchLabels: {serving.kserve.io/inferenceservice: iris}}}"))
        ---
        \(Self.policy("{podSelector: {matchLabels: {ray.io/cluster: rc, ray.io/node-type: head}}}"))
        """
        let findings = scanText(text, rules: [rule("netpol/pod-not-isolated")])
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("RayCluster ml/rc (worker group \"gpu\")") == true)
    }

    // MARK: - workload-cluster-admin

    static func binding(_ subject: String, kind: String = "ClusterRoleBinding", role: String = "{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}") -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: \(kind)
        metadata: {name: b, namespace: ml}
        roleRef: \(role)
        subjects: [\(subject)]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: server, namespace: ml}
        spec:
          template:
            spec:
              serviceAccount: legacy-name
              containers: [{name: c, image: registry.example.com/c:1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: notebook, namespace: ml}
        spec: {containers: [{name: c, image: registry.example.com/c:1}]}
        """
    }

    static let bindingCases: [(String, Severity?)] = [
        (binding("{kind: ServiceAccount, name: legacy-name, namespace: ml}"), .critical),
        (binding("{kind: ServiceAccount, name: default, namespace: ml}"), .critical),
        (binding("{kind: ServiceAccount, name: default, namespace: other}"), .high),
        (binding("{kind: ServiceAccount, name: default}", kind: "RoleBinding"), .critical),
        (binding("{kind: ServiceAccount, name: default}"), nil),  // invalid: a ClusterRoleBinding subject needs a namespace
        (binding("{kind: User, name: \"system:serviceaccount:ml:default\"}"), .critical),
        (binding("{kind: User, name: alice}"), nil),
        (binding("{kind: Group, name: \"system:serviceaccounts\"}"), .critical),
        (binding("{kind: Group, name: \"system:authenticated\"}"), .critical),
        (binding("{kind: Group, name: \"system:serviceaccounts:ml\"}"), .critical),
        (binding("{kind: Group, name: \"system:serviceaccounts:empty\"}"), .high),
        (binding("{kind: ServiceAccount, name: default, namespace: ml}", role: "{kind: ClusterRole, name: admin}"), nil),
        (binding("{kind: ServiceAccount, name: default, namespace: ml}", kind: "RoleBinding", role: "{kind: Role, name: cluster-admin}"), nil),
    ]

    @Test("binding subjects", arguments: bindingCases)
    func bindingSubject(_ text: String, _ expected: Severity?) {
        #expect(scanText(text, rules: [rule("rbac/workload-cluster-admin")]).map(\.severity) == [expected].compactMap { $0 })
    }

    @Test func groupBindingNamesTheWorkloads() throws {
        let finding = try #require(scanText(Self.binding("{kind: Group, name: \"system:serviceaccounts\"}"), rules: [rule("rbac/workload-cluster-admin")]).first)
        #expect(finding.message == "ClusterRoleBinding b grants cluster-admin to every ServiceAccount in the cluster; Deployment ml/server, Pod ml/notebook run with these rights")
        #expect(finding.field == "subjects[0]")
    }

    // MARK: - scale

    @Test func clusterRulesScaleLinearly() {
        var text = ""
        for index in 0..<2_000 {
            let namespace = "ns\(index % 50)"
            text += """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d\(index), namespace: \(namespace)}
            spec:
              template:
                metadata: {labels: {app: a\(index), team: ml}}
                spec:
                  serviceAccountName: sa\(index)
                  containers: [{name: c, image: registry.example.com/c:1}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p\(index), namespace: ns\((index + 1) % 50)}
            spec: {podSelector: {matchLabels: {team: ml, app: a\(index + 1)}}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: b\(index)}
            roleRef: {kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: ServiceAccount, name: sa\(index), namespace: \(namespace)}]
            ---

            """
        }
        for index in 0..<50 {
            text += "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns\(index)}\n---\n"
        }
        let inventory = KubernetesLoader.parse(text: text, file: "many.yaml")
        let findings = KubernetesScanner(rules: ClusterRules.all).scan(inventory)
        let counts = Dictionary(grouping: findings, by: \.ruleId).mapValues(\.count)
        #expect(counts == ["k8s/namespace-pss-enforce": 50, "netpol/pod-not-isolated": 1, "rbac/workload-cluster-admin": 2_000])
    }
}
