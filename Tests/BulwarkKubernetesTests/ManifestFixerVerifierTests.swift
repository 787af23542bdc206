import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// The fixer's verifier: workloads that call the API keep their token, node agents keep their
/// access to the node (and their namespace is not raised), writable paths are bounded emptyDirs.
@Suite struct ManifestFixerVerifierTests {
    static func fix(_ files: [(String, String)], rbac: [(String, String)] = [], options: ManifestFixOptions = ManifestFixOptions()) -> [ManifestFixResult] {
        ManifestFixer(options: options).fix(files: files.map { ManifestFixInput(file: $0.0, bytes: Array($0.1.utf8)) },
                                            rbac: rbac.map { ManifestFixInput(file: $0.0, bytes: Array($0.1.utf8)) })
    }

    static func warnings(_ results: [ManifestFixResult]) -> [String] {
        results.flatMap(\.warnings).map(\.message)
    }

    // MARK: - API token

    static let controller = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: model-operator, namespace: ops}
    spec:
      selector: {matchLabels: {app: model-operator}}
      template:
        metadata: {labels: {app: model-operator}}
        spec:
          serviceAccountName: model-operator
          containers:
            - name: manager
              image: registry.example.com/model-operator:1.2.0

    """

    static let serviceAccount = """
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: model-operator, namespace: ops}

    """

    static let roleBinding = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: model-operator, namespace: ops}
    rules:
      - {apiGroups: [serving.kserve.io], resources: [inferenceservices], verbs: [get, list, watch, update]}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: model-operator, namespace: ops}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: model-operator}
    subjects:
      - {kind: ServiceAccount, name: model-operator}

    """

    @Test func controllerBoundByARoleBindingInTheInputKeepsItsToken() throws {
        let results = Self.fix([("deploy.yaml", Self.controller), ("sa.yaml", Self.serviceAccount), ("rbac.yaml", Self.roleBinding)])
        let deployment = results[0]
        #expect(deployment.errors.isEmpty)
        #expect(!deployment.fixed.contains("automountServiceAccountToken"), "\(deployment.fixed)")
        // The rest of the hardening is applied.
        #expect(deployment.fixed.contains("runAsNonRoot: true"))
        #expect(deployment.fixed.contains("readOnlyRootFilesystem: true"))
        let warning = try #require(deployment.warnings.first { $0.message.contains("keeps its API token") })
        #expect(warning.message.contains("ServiceAccount ops/model-operator is bound by RoleBinding ops/model-operator → Role model-operator (rbac.yaml:"))
        #expect(!deployment.changes.contains { $0.message.contains("automountServiceAccountToken") })
        // The binding and the ServiceAccount are not touched.
        #expect(!results[1].isChanged && !results[2].isChanged)
        // Idempotent.
        let again = Self.fix([("deploy.yaml", deployment.fixed), ("sa.yaml", Self.serviceAccount), ("rbac.yaml", Self.roleBinding)])[0]
        #expect(again.fixed == deployment.fixed)
        #expect(again.changes.isEmpty)
    }

    @Test func controllerBoundOnlyInAnRBACFileKeepsItsToken() throws {
        let results = Self.fix([("deploy.yaml", Self.controller)], rbac: [("cluster/rbac.yaml", Self.roleBinding)])
        #expect(results.count == 1)
        let deployment = results[0]
        #expect(!deployment.fixed.contains("automountServiceAccountToken"))
        let warning = try #require(deployment.warnings.first { $0.message.contains("keeps its API token") })
        #expect(warning.message.contains("(cluster/rbac.yaml:"))
        #expect(warning.message.contains("--rbac"))
        // A file given both ways counts once.
        let both = Self.fix([("deploy.yaml", Self.controller), ("rbac.yaml", Self.roleBinding)], rbac: [("rbac.yaml", Self.roleBinding)])[0]
        let once = try #require(both.warnings.first { $0.message.contains("keeps its API token") })
        #expect(once.message.components(separatedBy: "RoleBinding ops/model-operator").count == 2, "\(once.message)")
    }

    @Test func clusterRoleBindingOfAClusterRoleCountsToo() {
        let binding = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: model-operator}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: model-operator}
        subjects:
          - {kind: ServiceAccount, name: model-operator, namespace: ops}

        """
        let deployment = Self.fix([("deploy.yaml", Self.controller)], rbac: [("crb.yaml", binding)])[0]
        #expect(!deployment.fixed.contains("automountServiceAccountToken"))
        #expect(deployment.warnings.contains { $0.message.contains("ClusterRoleBinding model-operator → ClusterRole model-operator") })
    }

    @Test func unboundWorkloadIsFixedAsBefore() {
        // The binding names the same account in another namespace, and another account of ops.
        let other = Self.roleBinding.replacingOccurrences(of: "namespace: ops", with: "namespace: staging")
            + "---\n" + Self.roleBinding.replacingOccurrences(of: "{kind: ServiceAccount, name: model-operator}", with: "{kind: ServiceAccount, name: ci}")
        let results = Self.fix([("deploy.yaml", Self.controller), ("rbac.yaml", other)])
        #expect(results[0].fixed.contains("automountServiceAccountToken: false"))
        #expect(results[0].changes.contains { $0.message.contains("set automountServiceAccountToken: false") })
        #expect(!Self.warnings(results).contains { $0.contains("keeps its API token") })
        // Alone, as before.
        let alone = ManifestFixer().fix(text: Self.controller, file: "deploy.yaml")
        #expect(alone.fixed == results[0].fixed)
    }

    @Test func defaultServiceAccountWithoutBindingIsFixedAsBefore() {
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ops}
        spec:
          containers: [{name: c, image: registry.example.com/c:1}]

        """
        let result = Self.fix([("pod.yaml", pod), ("rbac.yaml", Self.roleBinding)])[0]
        #expect(result.fixed.contains("automountServiceAccountToken: false"))
    }

    @Test func containerThatReadsTheTokenPathKeepsIt() throws {
        let reader = Self.controller.replacingOccurrences(
            of: "image: registry.example.com/model-operator:1.2.0",
            with: "image: registry.example.com/model-operator:1.2.0\n          args: [--token-file=/var/run/secrets/kubernetes.io/serviceaccount/token]")
        let result = ManifestFixer().fix(text: reader, file: "deploy.yaml")
        #expect(!result.fixed.contains("automountServiceAccountToken"))
        let warning = try #require(result.warnings.first { $0.message.contains("keeps its API token") })
        #expect(warning.message.contains("container \"manager\" reads /var/run/secrets/kubernetes.io/serviceaccount"))
    }

    @Test func clusterAdminBindingThatTheObjectPassRemovesIsNoProof() {
        let clusterAdmin = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: operator-admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects:
          - {kind: ServiceAccount, name: model-operator, namespace: ops}

        """
        let fixed = Self.fix([("deploy.yaml", Self.controller), ("rbac.yaml", clusterAdmin)])
        #expect(fixed[0].fixed.contains("automountServiceAccountToken: false"))
        #expect(fixed[1].fixed.contains("# bulwark: removed ClusterRoleBinding operator-admin"))
        // With the objects left alone the binding stays, and so does the token.
        var workloadsOnly = ManifestFixOptions()
        workloadsOnly.fixObjects = false
        let kept = Self.fix([("deploy.yaml", Self.controller), ("rbac.yaml", clusterAdmin)], options: workloadsOnly)
        #expect(!kept[0].fixed.contains("automountServiceAccountToken"))
        #expect(kept[0].warnings.contains { $0.message.contains("ClusterRoleBinding operator-admin → ClusterRole cluster-admin") })
    }

    // MARK: - Node agents

    static let nodeExporter = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: monitoring}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: node-exporter, namespace: monitoring}
    spec:
      selector: {matchLabels: {app: node-exporter}}
      template:
        metadata: {labels: {app: node-exporter}}
        spec:
          hostNetwork: true
          hostPID: true
          containers:
            - name: node-exporter
              image: quay.io/prometheus/node-exporter:v1.8.2
              args: [--path.procfs=/host/proc, --path.sysfs=/host/sys]
              securityContext:
                capabilities:
                  add: [SYS_TIME]
              volumeMounts:
                - {name: proc, mountPath: /host/proc, readOnly: true}
                - {name: sys, mountPath: /host/sys, readOnly: true}
          volumes:
            - {name: proc, hostPath: {path: /proc}}
            - {name: sys, hostPath: {path: /sys}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: dashboard, namespace: monitoring}
    spec:
      template:
        spec:
          containers: [{name: ui, image: registry.example.com/dashboard:2.0}]

    """

    @Test func nodeExporterKeepsItsHostAccessAndItsNamespaceIsNotRaised() throws {
        let result = Self.fix([("monitoring.yaml", Self.nodeExporter)])[0]
        #expect(result.errors.isEmpty)
        let fixed = result.fixed
        for kept in ["hostNetwork: true", "hostPID: true", "add: [SYS_TIME]", "hostPath: {path: /proc}", "hostPath: {path: /sys}"] {
            #expect(fixed.contains(kept), "lost \(kept)")
        }
        #expect(!fixed.contains("bulwark: removed"), "\(fixed)")
        let inventory = KubernetesLoader.parse(text: fixed, file: "monitoring.yaml")
        let pods = inventory.objects.flatMap(PodSpecExtractor.podSpecs(in:))
        let agent = try #require(pods.first { $0.object.kind == "DaemonSet" })
        // Nothing but the token: no securityContext is added to the agent.
        #expect(agent.spec["securityContext"] == nil)
        #expect(agent.containers[0].securityContext?["allowPrivilegeEscalation"] == nil)
        #expect(agent.containers[0].securityContext?["readOnlyRootFilesystem"] == nil)
        #expect(agent.spec["automountServiceAccountToken"]?.bool == false)
        // The other workload of the namespace is hardened as usual.
        let dashboard = try #require(pods.first { $0.object.kind == "Deployment" })
        #expect(PodSecurityEvaluator.evaluate(pod: dashboard, level: .restricted, version: .v1(35)).allowed)
        // The agent's reasons and the proposed exemption are in the warnings.
        let messages = result.warnings.map(\.message)
        let agentWarning = try #require(messages.first { $0.contains("DaemonSet monitoring/node-exporter needs access to its node") })
        for reason in ["hostNetwork: true", "hostPID: true", "hostPath /proc", "hostPath /sys", "SYS_TIME in container \"node-exporter\""] {
            #expect(agentWarning.contains(reason), "\(agentWarning)")
        }
        #expect(agentWarning.contains("label namespace monitoring pod-security.kubernetes.io/enforce=privileged"))
        // The namespace is not raised to restricted or baseline.
        #expect(!fixed.contains("pod-security.kubernetes.io/enforce"))
        #expect(messages.contains {
            $0.contains("Namespace monitoring: left without a stricter Pod Security Admission label, because DaemonSet monitoring/node-exporter needs access to the node")
                && $0.contains("enforce=privileged")
        })
        // Idempotent.
        let again = Self.fix([("monitoring.yaml", fixed)])[0]
        #expect(again.fixed == fixed)
        #expect(again.changes.isEmpty, "\(again.changes)")
    }

    @Test func namespaceThatAlreadyEnforcesBaselineIsNeitherRaisedNorLowered() {
        let labelled = Self.nodeExporter.replacingOccurrences(
            of: "metadata: {name: monitoring}", with: "metadata: {name: monitoring, labels: {pod-security.kubernetes.io/enforce: baseline}}")
        let result = Self.fix([("monitoring.yaml", labelled)])[0]
        #expect(result.fixed.contains("pod-security.kubernetes.io/enforce: baseline}"))
        #expect(!result.fixed.contains("enforce: restricted"))
        #expect(result.warnings.contains { $0.message.contains("(it enforces baseline today, which refuses them)") })
    }

    @Test func deviceAndCSIPluginsAreNodeAgentsInAnyKind() {
        let plugin = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: gpu-plugin, namespace: gpu}
        spec:
          template:
            spec:
              containers:
                - name: plugin
                  image: nvcr.io/nvidia/k8s-device-plugin:v0.16.2
                  securityContext: {privileged: true}
                  volumeMounts: [{name: dp, mountPath: /var/lib/kubelet/device-plugins}]
              volumes:
                - {name: dp, hostPath: {path: /var/lib/kubelet/device-plugins/}}

        """
        let result = ManifestFixer().fix(text: plugin, file: "plugin.yaml")
        #expect(result.fixed.contains("securityContext: {privileged: true}"))
        #expect(result.warnings.contains { $0.message.contains("hostPath /var/lib/kubelet/device-plugins/; privileged container \"plugin\"") })
    }

    @Test func privilegedDebugPodsOutsideDaemonSetsAreStillFixed() {
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: debug}
        spec:
          containers:
            - name: c
              image: registry.example.com/c:1
              securityContext: {privileged: true, capabilities: {add: [NET_ADMIN]}}

        """
        let result = ManifestFixer().fix(text: pod, file: "pod.yaml")
        #expect(result.fixed.contains("bulwark: removed privileged: true"))
        #expect(!result.warnings.contains { $0.message.contains("needs access to its node") })
    }

    // MARK: - Writable paths

    @Test func addedEmptyDirsHaveASizeLimitAndAreDiskBacked() throws {
        let result = ManifestFixer().fix(text: Self.controller, file: "deploy.yaml")
        #expect(result.fixed.contains("      - name: tmp\n          emptyDir:\n            sizeLimit: 1Gi\n"), "\(result.fixed)")
        #expect(!result.fixed.contains("medium"))
        #expect(result.changes.contains { $0.message.contains("mounted emptyDir volume \"tmp\" at /tmp (disk-backed, sizeLimit 1Gi)") })
        var options = ManifestFixOptions()
        options.scratchSizeLimit = "256Mi"
        #expect(ManifestFixer(options: options).fix(text: Self.controller, file: "deploy.yaml").fixed.contains("sizeLimit: 256Mi"))
    }

    @Test func tmpfsIsMemoryBackedAndSizedInsideTheMemoryLimit() throws {
        var options = ManifestFixOptions()
        options.memoryBackedScratch = true
        let limited = Self.controller.replacingOccurrences(
            of: "image: registry.example.com/model-operator:1.2.0",
            with: "image: registry.example.com/model-operator:1.2.0\n          resources: {limits: {cpu: \"1\", memory: 2Gi, ephemeral-storage: 1Gi}}")
        let result = ManifestFixer(options: options).fix(text: limited, file: "deploy.yaml")
        #expect(result.fixed.contains("emptyDir:\n            medium: Memory\n            sizeLimit: 512Mi\n"), "\(result.fixed)")
        // With the default limit the fixer adds (512Mi), and three writable paths (nginx).
        let nginx = Self.controller.replacingOccurrences(of: "registry.example.com/model-operator:1.2.0", with: "nginx:1.27")
        let fixed = ManifestFixer(options: options).fix(text: nginx, file: "deploy.yaml")
        #expect(fixed.fixed.components(separatedBy: "medium: Memory").count == 4, "\(fixed.fixed)")
        #expect(fixed.fixed.components(separatedBy: "sizeLimit: 42Mi").count == 4)
        // Neither passes the new rule's threshold.
        for text in [result.fixed, fixed.fixed] {
            let findings = KubernetesScanner(rules: KubernetesRules.all.filter { $0.id == "k8s/memory-volume-exceeds-limit" })
                .scan(KubernetesLoader.parse(text: text, file: "deploy.yaml"))
            #expect(findings.isEmpty, "\(findings.map(\.message))")
        }
    }

    @Test func tmpfsWithoutAKnownMemoryLimitStaysOnDisk() {
        var options = ManifestFixOptions()
        options.memoryBackedScratch = true
        options.addResources = false
        let result = ManifestFixer(options: options).fix(text: Self.controller, file: "deploy.yaml")
        #expect(!result.fixed.contains("medium: Memory"))
        #expect(result.fixed.contains("sizeLimit: 1Gi"))
        #expect(result.warnings.contains { $0.message.contains("no memory limit is known, so the writable paths stay disk-backed") })
        // An existing unbounded tmpfs leaves no room to prove anything either.
        options.addResources = true
        let shm = Self.controller.replacingOccurrences(
            of: "image: registry.example.com/model-operator:1.2.0",
            with: "image: registry.example.com/model-operator:1.2.0\n          volumeMounts: [{name: shm, mountPath: /dev/shm}]")
            .replacingOccurrences(of: "      containers:", with: "      volumes: [{name: shm, emptyDir: {medium: Memory}}]\n      containers:")
        let unbounded = ManifestFixer(options: options).fix(text: shm, file: "deploy.yaml")
        #expect(unbounded.warnings.contains { $0.message.contains("mounts a memory-backed emptyDir without sizeLimit") })
        #expect(unbounded.fixed.components(separatedBy: "medium: Memory").count == 2, "\(unbounded.fixed)")
    }

    @Test func scratchSizeMustBeAQuantity() {
        var options = ManifestFixOptions()
        options.scratchSizeLimit = "lots"
        #expect(!options.problems.isEmpty)
        let result = ManifestFixer(options: options).fix(text: Self.controller, file: "deploy.yaml")
        #expect(!result.isChanged)
        #expect(!result.errors.isEmpty)
    }
}

/// `projectedServiceAccountToken`: the token of a bound workload as a short-lived projected volume.
@Suite struct ManifestFixerProjectedTokenTests {
    static var options: ManifestFixOptions {
        var options = ManifestFixOptions()
        options.projectedServiceAccountToken = true
        return options
    }

    @Test func boundWorkloadGetsAProjectedTokenInEveryContainer() throws {
        let withInit = ManifestFixerVerifierTests.controller.replacingOccurrences(
            of: "      containers:", with: "      initContainers:\n        - {name: wait, image: registry.example.com/wait:1}\n      containers:")
        let results = ManifestFixerVerifierTests.fix([("deploy.yaml", withInit), ("rbac.yaml", ManifestFixerVerifierTests.roleBinding)],
                                                     options: Self.options)
        let result = results[0]
        #expect(result.errors.isEmpty)
        let inventory = KubernetesLoader.parse(text: result.fixed, file: "deploy.yaml")
        #expect(inventory.errors.isEmpty)
        let pod = try #require(inventory.objects.flatMap(PodSpecExtractor.podSpecs(in:)).first)
        #expect(pod.spec["automountServiceAccountToken"]?.bool == false)
        let volume = try #require(pod.volumes.first { $0["name"]?.string == "kube-api-access" })
        let sources = volume["projected"]?["sources"]?.items ?? []
        #expect(sources.count == 3)
        #expect(sources[0]["serviceAccountToken"]?["expirationSeconds"]?.int == 3600)
        #expect(sources[0]["serviceAccountToken"]?["path"]?.string == "token")
        #expect(sources[0]["serviceAccountToken"]?["audience"] == nil, "the API server's own audience")
        #expect(sources[1]["configMap"]?["name"]?.string == "kube-root-ca.crt")
        #expect(sources[2]["downwardAPI"]?["items"]?.items.first?["fieldRef"]?["fieldPath"]?.string == "metadata.namespace")
        for container in pod.containers {
            let mount = (container.node["volumeMounts"]?.items ?? []).first { $0["name"]?.string == "kube-api-access" }
            #expect(mount?["mountPath"]?.string == "/var/run/secrets/kubernetes.io/serviceaccount", "\(container.displayName)")
            #expect(mount?["readOnly"]?.bool == true)
        }
        #expect(result.warnings.contains { $0.message.contains("keeps API access through a projected token that expires after 3600 s") })
        #expect(result.changes.contains { $0.message.contains("mounted a projected service-account token") })
        #expect(PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .v1(35)).allowed)
        // Idempotent.
        let again = ManifestFixerVerifierTests.fix([("deploy.yaml", result.fixed), ("rbac.yaml", ManifestFixerVerifierTests.roleBinding)],
                                                   options: Self.options)[0]
        #expect(again.fixed == result.fixed)
        #expect(again.changes.isEmpty)
    }

    @Test func unboundWorkloadsAreNotGivenAToken() {
        let result = ManifestFixer(options: Self.options).fix(text: ManifestFixerVerifierTests.controller, file: "deploy.yaml")
        #expect(result.fixed.contains("automountServiceAccountToken: false"))
        #expect(!result.fixed.contains("kube-api-access"))
    }

    @Test func expirationBelowTenMinutesIsRejected() {
        var options = Self.options
        options.tokenExpirationSeconds = 599
        #expect(!options.problems.isEmpty)
        options.tokenExpirationSeconds = 600
        #expect(options.problems.isEmpty)
    }
}
