import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

@Suite struct RBACAssessmentTests {
    static let secretReader = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: secret-reader, namespace: ml}
    rules:
      - {apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: secret-reader, namespace: ml}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
    subjects:
      - {kind: ServiceAccount, name: identity, namespace: ml}
    """

    static func workload(_ yaml: String) -> String { secretReader + "\n---\n" + yaml }

    static func findings(_ yaml: String, rule: String, subject: RBACSubject? = nil) throws -> [Finding] {
        let inventory = KubernetesLoader.parse(text: yaml, file: "rbac.yaml")
        try #require(inventory.errors.isEmpty, "\(inventory.errors)")
        return KubernetesScanner(rules: RBACRules.all.filter { $0.id == rule }).scan(InventoryIndex(inventory.objects, rbacSubject: subject))
    }

    struct ExposureCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let severity: Severity
        var testDescription: String { name }
    }

    static let exposureCases: [ExposureCase] = [
        ExposureCase(name: "no workload runs as it: lowered", yaml: secretReader, severity: .low),
        ExposureCase(name: "a batch job runs as it", yaml: workload("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: etl, namespace: ml}
        spec:
          template:
            spec:
              serviceAccountName: identity
              restartPolicy: Never
              containers: [{name: etl, image: registry.example.com/etl:1.0}]
        """), severity: .medium),
        ExposureCase(name: "a model server runs as it: raised", yaml: workload("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: vllm, namespace: ml}
        spec:
          template:
            spec:
              serviceAccountName: identity
              containers: [{name: server, image: vllm/vllm-openai:v0.6.3}]
        """), severity: .high),
        ExposureCase(name: "the model server mounts no token", yaml: workload("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: vllm, namespace: ml}
        spec:
          template:
            spec:
              serviceAccountName: identity
              automountServiceAccountToken: false
              containers: [{name: server, image: vllm/vllm-openai:v0.6.3}]
        """), severity: .low),
        ExposureCase(name: "the ServiceAccount disables the token", yaml: workload("""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: identity, namespace: ml}
        automountServiceAccountToken: false
        ---
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: fraud, namespace: ml}
        spec:
          predictor:
            serviceAccountName: identity
            model: {modelFormat: {name: sklearn}, storageUri: s3://models/fraud}
        """), severity: .low),
        ExposureCase(name: "a pod in another namespace with the same ServiceAccount name", yaml: workload("""
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: web}
        spec:
          serviceAccountName: identity
          containers: [{name: server, image: registry.example.com/model-server:1.0}]
        """), severity: .low),
    ]

    @Test(arguments: exposureCases)
    func severityFollowsWhoRunsWithTheIdentity(_ testCase: ExposureCase) throws {
        let findings = try Self.findings(testCase.yaml, rule: "rbac/read-secrets")
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.severity == testCase.severity, "\(finding.message)")
    }

    @Test func theFindingNamesTheWorkloadsAndThePath() throws {
        let finding = try #require(try Self.findings(Self.workload("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model-server, namespace: ml}
        spec:
          template:
            spec:
              serviceAccountName: identity
              containers: [{name: server, image: registry.example.com/ml/model-server:1.0}]
        """), rule: "rbac/read-secrets").first)
        #expect(finding.message.hasPrefix("ServiceAccount ml/identity can read Secrets (get, list secrets) in namespace ml through RoleBinding ml/secret-reader → Role ml/secret-reader"))
        #expect(finding.message.hasSuffix("workloads running as it: Deployment ml/model-server (inference)"))
        #expect(finding.object?.kind == "RoleBinding")
        #expect(finding.location.line == 12)
        #expect(finding.field == "subjects[0].name")
    }

    @Test func anIgnoreAnnotationOnTheBindingSuppresses() throws {
        let yaml = Self.secretReader.replacingOccurrences(
            of: "metadata: {name: secret-reader, namespace: ml}\nroleRef",
            with: "metadata:\n  name: secret-reader\n  namespace: ml\n  annotations: {bulwark.dev/ignore: \"rbac/read-secrets: reviewed\"}\nroleRef")
        let findings = try Self.findings(yaml, rule: "rbac/read-secrets")
        #expect(findings.count == 1)
        #expect(findings.allSatisfy { $0.suppressed && $0.suppressionReason == "reviewed" })
    }

    static let fullAccess = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: model-server-admin}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    subjects:
      - {kind: ServiceAccount, name: model-server, namespace: ml}
    """

    @Test func clusterAdminGrantsAreReportedOnceNotPerCapability() throws {
        for rule in RBACRules.all.map(\.id) where rule != "rbac/cluster-admin-equivalent" {
            #expect(try Self.findings(Self.fullAccess, rule: rule).isEmpty, "\(rule)")
        }
        let findings = try Self.findings(Self.fullAccess, rule: "rbac/cluster-admin-equivalent")
        #expect(findings.map(\.severity) == [.high])
    }

    @Test func aWorkloadServiceAccountBoundToClusterAdminIsLeftToTheClusterRule() throws {
        let yaml = Self.fullAccess + """

        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model-server, namespace: ml}
        spec:
          template:
            spec:
              serviceAccountName: model-server
              containers: [{name: server, image: registry.example.com/ml/model-server:1.0}]
        """
        #expect(try Self.findings(yaml, rule: "rbac/cluster-admin-equivalent").isEmpty)
    }

    @Test func aSubjectSeesItsOwnAndItsGroupsFindingsOnly() throws {
        let yaml = Self.secretReader + """

        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: all-accounts-read-secrets}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader-everywhere}
        subjects:
          - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:ml"}
          - {kind: ServiceAccount, name: other, namespace: web}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: secret-reader-everywhere}
        rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
        """
        let everyone = try Self.findings(yaml, rule: "rbac/read-secrets")
        #expect(everyone.count == 3)
        let identity = try Self.findings(yaml, rule: "rbac/read-secrets", subject: .serviceAccount("ml", "identity"))
        #expect(Set(identity.map(\.object?.name)) == ["secret-reader", "all-accounts-read-secrets"])
        #expect(identity.count == 2)
        let other = try Self.findings(yaml, rule: "rbac/read-secrets", subject: .serviceAccount("web", "other"))
        #expect(other.count == 1)
        #expect(other.first?.message.hasPrefix("ServiceAccount web/other") == true)
    }

    @Test func namedGrantsAreNarrowerPaths() throws {
        let findings = try Self.findings("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: token-minter, namespace: ml}
        rules:
          - {apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: ["uploader"], verbs: ["create"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: token-minter, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: token-minter}
        subjects: [{kind: ServiceAccount, name: scheduler}]
        """, rule: "rbac/create-service-account-token")
        #expect(findings.map(\.severity) == [.info])
        #expect(findings.first?.message.contains("create serviceaccounts/token [uploader]") == true)
    }

    @Test func approvingCSRsWithoutTheClientSignerIsMedium() throws {
        let findings = try Self.findings("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: serving-cert-approver}
        rules:
          - {apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"]}
          - {apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kubelet-serving"], verbs: ["approve"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: serving-cert-approver}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: serving-cert-approver}
        subjects: [{kind: ServiceAccount, name: approver, namespace: kube-system}]
        """, rule: "rbac/approve-csr")
        #expect(findings.map(\.severity) == [.low])
    }

    @Test func editGrantsEveryNamespacedEscalationPathOfTheNamespace() throws {
        let yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ml-engineers, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
        subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ml-engineers}]
        """
        let fired = try RBACRules.all.map(\.id).filter { try !Self.findings(yaml, rule: $0).isEmpty }
        #expect(Set(fired) == ["rbac/read-secrets", "rbac/create-pods", "rbac/pod-exec", "rbac/impersonate", "rbac/create-service-account-token"])
    }

    @Test func oneRuleSetScansDifferentInventoriesIndependently() throws {
        let rules = RBACRules.all
        let scanner = KubernetesScanner(rules: rules)
        let first = KubernetesLoader.parse(text: Self.secretReader, file: "a.yaml")
        let second = KubernetesLoader.parse(text: Self.secretReader.replacingOccurrences(of: "identity", with: "other"), file: "b.yaml")
        for _ in 0..<2 {
            let a = scanner.scan(first)
            let b = scanner.scan(second)
            #expect(a.map(\.location.file) == ["a.yaml"] && a.first?.message.contains("ml/identity") == true)
            #expect(b.map(\.location.file) == ["b.yaml"] && b.first?.message.contains("ml/other") == true)
        }
        // The same objects under another file name are another inventory.
        let renamed = Inventory(objects: first.objects.map {
            KubeObject(root: $0.root, file: "c.yaml", apiVersion: $0.apiVersion, kind: $0.kind, name: $0.name, namespace: $0.namespace, helmSource: nil)
        })
        #expect(scanner.scan(renamed).map(\.location.file) == ["c.yaml"])
    }

    @Test func theHardenedExampleHasNoRBACFindings() throws {
        let inventory = TestInputs.kubernetes([CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/hardened/k8s").path])
        #expect(inventory.errors.isEmpty)
        #expect(KubernetesScanner(rules: RBACRules.all).scan(inventory).isEmpty)
    }
}
