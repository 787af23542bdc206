import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// The fixes of the objects around the workloads: exposed Services, cluster-admin bindings of
/// workload identities, Namespace Pod Security labels and plaintext Secrets.
@Suite struct ManifestFixerObjectTests {
    /// A model server Deployment (already hardened, so only the objects change).
    static let modelServer = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm, namespace: llm}
    spec:
      selector: {matchLabels: {app: vllm}}
      template:
        metadata: {labels: {app: vllm}}
        spec:
          serviceAccountName: vllm
          automountServiceAccountToken: false
          securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              args: [--model, meta-llama/Llama-3.1-8B-Instruct]
              securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
              resources: {requests: {cpu: "1", memory: 8Gi}, limits: {cpu: "2", memory: 8Gi, ephemeral-storage: 1Gi}}
              volumeMounts: [{name: tmp, mountPath: /tmp}]
          volumes: [{name: tmp, emptyDir: {}}]

    """

    static func fix(_ files: [(String, String)], options: ManifestFixOptions = ManifestFixOptions()) -> [ManifestFixResult] {
        ManifestFixer(options: options).fix(files: files.map { ManifestFixInput(file: $0.0, bytes: Array($0.1.utf8)) })
    }

    static func findings(_ results: [ManifestFixResult], rules ids: Set<String>) -> [Finding] {
        var inventory = Inventory()
        for result in results { inventory.merge(KubernetesLoader.parse(text: result.fixed, file: result.file)) }
        return KubernetesScanner(rules: KubernetesRules.all.filter { ids.contains($0.id) }).scan(inventory)
    }

    /// Fixing the output again changes nothing.
    static func expectIdempotent(_ results: [ManifestFixResult], options: ManifestFixOptions = ManifestFixOptions()) {
        let again = fix(results.map { ($0.file, $0.fixed) }, options: options)
        for (first, second) in zip(results, again) {
            #expect(second.fixed == first.fixed, "\(first.file) changed on the second run:\n\(second.fixed)")
        }
    }

    // MARK: - Services

    @Test func loadBalancerInFrontOfAModelServerBecomesClusterIP() throws {
        let service = """
        apiVersion: v1
        kind: Service
        metadata: {name: vllm, namespace: llm}
        spec:
          type: LoadBalancer  # public
          externalTrafficPolicy: Local
          loadBalancerSourceRanges: [0.0.0.0/0]
          selector: {app: vllm}
          ports:
            - name: http
              port: 80
              targetPort: 8000
              nodePort: 30080
            - {name: metrics, port: 9090, nodePort: 30090}

        """
        let results = Self.fix([("deploy.yaml", Self.modelServer), ("service.yaml", service)])
        #expect(results[0].fixed == Self.modelServer, "the hardened Deployment is left as it is")
        #expect(results[1].fixed == """
        apiVersion: v1
        kind: Service
        metadata: {name: vllm, namespace: llm}
        spec:
          # bulwark: was type LoadBalancer; the model server is reachable inside the cluster only (publish it through the authenticating gateway or an Ingress with TLS)
          type: ClusterIP  # public
          selector: {app: vllm}
          ports:
            - name: http
              port: 80
              targetPort: 8000
            - {name: metrics, port: 9090}

        """)
        #expect(results[1].warnings.contains { $0.message.contains("Service llm/vllm is no longer published outside the cluster") })
        #expect(Self.findings(results, rules: ["k8s/service-exposed"]).isEmpty)
        Self.expectIdempotent(results)
    }

    @Test func externalIPsAreRemovedWithAComment() {
        let input = Self.modelServer + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: vllm, namespace: llm}
        spec:
          selector: {app: vllm}
          ports: [{port: 8000}]
          externalIPs:
            - 203.0.113.10

        """
        let result = Self.fix([("all.yaml", input)])[0]
        #expect(result.fixed.contains("  # bulwark: removed externalIPs (they publish the model server on those addresses)\n"))
        #expect(!result.fixed.contains("203.0.113.10"))
        #expect(!result.fixed.contains("type: ClusterIP"), "no type was written: ClusterIP is the default")
        #expect(Self.findings([result], rules: ["k8s/service-exposed"]).isEmpty)
    }

    @Test func gatewaysAndServicesOfUnknownPodsKeepTheirLoadBalancer() {
        let input = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
            spec:
              containers:
                - name: controller
                  image: registry.k8s.io/ingress-nginx/controller:v1.11.2
                  args: [/nginx-ingress-controller]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
        spec:
          type: LoadBalancer
          selector: {app.kubernetes.io/name: ingress-nginx}
          ports: [{port: 443, targetPort: https}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: elsewhere, namespace: ingress-nginx}
        spec:
          type: NodePort
          selector: {app: defined-elsewhere}
          ports: [{port: 80, nodePort: 30000}]

        """
        let result = Self.fix([("gateway.yaml", input)])[0]
        #expect(result.fixed.contains("  type: LoadBalancer\n"))
        #expect(result.fixed.contains("  type: NodePort\n"))
        #expect(result.warnings.contains { $0.message.contains("Service ingress-nginx/elsewhere is exposed outside the cluster but selects no workload of the input; left unchanged") })
    }

    // MARK: - cluster-admin bindings

    @Test func bindingOfAWorkloadIdentityIsCommentedOut() {
        let rbac = """
        # cluster-admin for the model server (why?)
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: vllm-admin
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
          - kind: ServiceAccount
            name: vllm
            namespace: llm
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: vllm, namespace: llm}

        """
        let results = Self.fix([("deploy.yaml", Self.modelServer), ("rbac.yaml", rbac)])
        #expect(results[1].fixed == """
        # cluster-admin for the model server (why?)
        # bulwark: removed ClusterRoleBinding vllm-admin: it granted cluster-admin to ServiceAccount llm/vllm, which workloads of this input run as.
        # Delete it from the cluster too (kubectl delete clusterrolebinding vllm-admin)
        # and grant the workload only what it uses with a namespaced Role (often nothing). The binding was:
        #   apiVersion: rbac.authorization.k8s.io/v1
        #   kind: ClusterRoleBinding
        #   metadata:
        #     name: vllm-admin
        #   roleRef:
        #     apiGroup: rbac.authorization.k8s.io
        #     kind: ClusterRole
        #     name: cluster-admin
        #   subjects:
        #     - kind: ServiceAccount
        #       name: vllm
        #       namespace: llm
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: vllm, namespace: llm}

        """)
        #expect(results[1].errors.isEmpty)
        #expect(KubernetesLoader.parse(text: results[1].fixed, file: "rbac.yaml").objects.map(\.kind) == ["ServiceAccount"])
        #expect(results[1].warnings.contains { $0.message.contains("workloads lose cluster-admin") })
        #expect(Self.findings(results, rules: ["rbac/workload-cluster-admin"]).isEmpty)
        Self.expectIdempotent(results)
    }

    @Test func onlyTheWorkloadSubjectsLeaveASharedBinding() {
        let input = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: everyone-admin, namespace: research}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects:
          - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
          - {kind: Group, name: "system:serviceaccounts:research", apiGroup: rbac.authorization.k8s.io}
          - kind: ServiceAccount
            name: ci-deployer
          - kind: ServiceAccount
            name: default
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: notebook, namespace: research}
        spec:
          containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]

        """
        let result = Self.fix([("research.yaml", input)])[0]
        #expect(result.fixed.contains("  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}\n"))
        #expect(result.fixed.contains("  # bulwark: removed Group system:serviceaccounts:research from this cluster-admin binding (workloads of this input run as it)\n"))
        #expect(!result.fixed.contains("name: \"system:serviceaccounts:research\""))
        #expect(result.fixed.contains("  # bulwark: removed ServiceAccount default from this cluster-admin binding"))
        #expect(result.fixed.contains("    name: ci-deployer\n"), "no workload of the input runs as ci-deployer")
        let left = Self.findings([result], rules: ["rbac/workload-cluster-admin"])
        #expect(left.allSatisfy { $0.severity < .critical }, "\(left.map(\.message))")
        #expect(result.warnings.contains { $0.message.contains("RoleBinding research/everyone-admin grants cluster-admin to a ServiceAccount that no workload of the input runs as") })
        Self.expectIdempotent([result])
    }

    @Test func bindingsOfIdentitiesNoWorkloadUsesAreLeft() {
        let input = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: argocd-admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: ServiceAccount, name: argocd-application-controller, namespace: argocd}]

        """
        let result = Self.fix([("argocd.yaml", input)])[0]
        #expect(result.fixed == input)
        #expect(result.warnings.contains { $0.message.contains("that subject was kept — check that it needs cluster-admin") })
    }

    // MARK: - Namespaces

    @Test func namespaceGetsRestrictedLabelsWhenItsWorkloadsPass() {
        let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: llm

        """
        let results = Self.fix([("deploy.yaml", Self.modelServer), ("namespace.yaml", namespace)])
        #expect(results[1].fixed == """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: llm
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/enforce-version: v1.35
            pod-security.kubernetes.io/audit: restricted
            pod-security.kubernetes.io/audit-version: latest
            pod-security.kubernetes.io/warn: restricted
            pod-security.kubernetes.io/warn-version: latest

        """)
        #expect(Self.findings(results, rules: ["k8s/namespace-pss-enforce"]).isEmpty)
        Self.expectIdempotent(results)
    }

    @Test func privilegedEnforcementIsRaisedAndExplicitLabelsAreKept() {
        let input = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: llm
          labels: {team: ml, pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/warn: baseline}

        """
        let results = Self.fix([("deploy.yaml", Self.modelServer), ("namespace.yaml", input)])
        let fixed = results[1].fixed
        #expect(fixed.contains("pod-security.kubernetes.io/enforce: restricted"))
        #expect(fixed.contains("# bulwark: was privileged; every workload of the input passes restricted (v1.35)"))
        #expect(fixed.contains("pod-security.kubernetes.io/warn: baseline"), "an explicit warn level is the user's choice")
        #expect(fixed.contains("team: ml"))
        #expect(KubernetesLoader.parse(text: fixed, file: "namespace.yaml").errors.isEmpty, "\(fixed)")
        Self.expectIdempotent(results)
    }

    @Test func namespaceWhoseWorkloadsNeedBaselineGetsBaseline() {
        let input = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: data}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: loader, namespace: data}
        spec:
          containers: [{name: c, image: registry.example.com/loader:1.0}]
          volumes: [{name: share, nfs: {server: nfs.example.com, path: /models}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: agent, namespace: data}
        spec:
          containers: [{name: c, image: registry.example.com/agent:1.0}]

        """
        let result = Self.fix([("data.yaml", input)])[0]
        #expect(result.fixed.contains("pod-security.kubernetes.io/enforce: baseline"))
        #expect(result.fixed.contains("pod-security.kubernetes.io/warn: restricted"))

        let host = input.replacingOccurrences(of: "nfs: {server: nfs.example.com, path: /models}", with: "hostPath: {path: /models}")
        let kept = Self.fix([("data.yaml", host)])[0]
        #expect(!kept.fixed.contains("pod-security.kubernetes.io/enforce"))
        #expect(kept.warnings.contains { $0.message.contains("Namespace data: left without a stricter Pod Security Admission label, because Pod data/loader would be refused") })
    }

    // MARK: - Secrets

    struct FakeSealer: ManifestSecretSealing {
        func seal(_ secret: KubeObject) throws -> (document: String, summary: String) {
            guard secret.name != "unsealable" else { throw SealError() }
            return ("""
            apiVersion: bitnami.com/v1alpha1
            kind: SealedSecret
            metadata:
              name: \(secret.name)
              namespace: \(secret.namespace ?? "default")
            spec:
              encryptedData:
                token: AgBy3i4OJSWK+PiTySYZZA==

            """, "test.pem, strict scope")
        }

        struct SealError: Error, CustomStringConvertible {
            var description: String { "cannot seal this one" }
        }
    }

    static let secrets = """
    apiVersion: v1
    kind: Secret
    metadata: {name: registry, namespace: llm}
    stringData:
      # the token is "s3cr3t-token-value"
      token: s3cr3t-token-value
    ---
    apiVersion: v1
    kind: Secret
    metadata: {name: unsealable, namespace: llm}
    stringData: {token: another-s3cr3t-value}

    """

    @Test func plaintextSecretsAreReplacedBySealedSecrets() {
        let result = Self.fix([("secrets.yaml", Self.secrets)], options: ManifestFixOptions(secretSealer: FakeSealer()))[0]
        #expect(result.fixed.hasPrefix("""
        # bulwark: replaced Secret llm/registry with a SealedSecret (test.pem, strict scope).
        # The plaintext is still in the repository history: rotate the credential.
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: registry
          namespace: llm
        spec:
          encryptedData:
            token: AgBy3i4OJSWK+PiTySYZZA==
        ---

        """))
        #expect(!result.fixed.contains("s3cr3t-token-value"), "the plaintext and the comment quoting it are gone")
        #expect(result.fixed.contains("another-s3cr3t-value"))
        #expect(result.warnings.contains { $0.message.contains("Secret llm/unsealable could not be sealed: cannot seal this one; left unchanged") })
        Self.expectIdempotent([result], options: ManifestFixOptions(secretSealer: FakeSealer()))
    }

    @Test func withoutASealerOrForJSONTheSecretIsLeftWithAWarning() {
        let plain = Self.fix([("secrets.yaml", Self.secrets)])[0]
        #expect(plain.fixed == Self.secrets)
        #expect(plain.warnings.contains { $0.message.contains("give --seal-cert CERT") })

        let json = #"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "registry", "namespace": "llm"}, "stringData": {"token": "s3cr3t-token-value"}}"# + "\n"
        let result = Self.fix([("secret.json", json)], options: ManifestFixOptions(secretSealer: FakeSealer()))[0]
        #expect(result.fixed == json)
        #expect(result.warnings.contains { $0.message.contains("seal it with `bulwark seal` instead") })
    }

    // MARK: - Options

    @Test func workloadsOnlyLeavesTheObjects() {
        let files = [
            ("deploy.yaml", Self.modelServer),
            ("service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: vllm, namespace: llm}\nspec: {type: LoadBalancer, selector: {app: vllm}, ports: [{port: 80}]}\n"),
            ("namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: llm}\n"),
            ("secrets.yaml", Self.secrets),
        ]
        let results = Self.fix(files, options: ManifestFixOptions(fixObjects: false, secretSealer: FakeSealer()))
        for (result, file) in zip(results, files) {
            #expect(result.fixed == file.1, "\(file.0)")
        }
        let fixed = Self.fix(files, options: ManifestFixOptions(secretSealer: FakeSealer()))
        #expect(fixed[1].fixed.contains("type: ClusterIP"), "a flow mapping is written again in flow style")
        #expect(fixed[2].fixed.contains("pod-security.kubernetes.io/enforce"))
        #expect(fixed[3].fixed.contains("kind: SealedSecret"))
        for result in fixed {
            #expect(KubernetesLoader.parse(text: result.fixed, file: result.file).errors.isEmpty, "\(result.fixed)")
        }
    }
}
