import BulwarkCore
import BulwarkKubernetes
import Testing

/// Both BulwarkCore and BulwarkKubernetes declare ImageReference since the Dockerfile merge.

/// Behaviour of the workload rules that their own examples do not pin down: counts, severities,
/// lookups through the inventory, parsing and normalisation tables.
@Suite struct WorkloadRulesTests {
    static func rule(_ id: String) throws -> KubernetesRule {
        try #require(WorkloadRules.all.first { $0.id == id })
    }

    static func scan(_ text: String, _ id: String) throws -> [Finding] {
        let inventory = KubernetesLoader.parse(text: text, file: "test.yaml")
        #expect(inventory.errors.isEmpty)
        return KubernetesScanner(rules: [try rule(id)]).scan(inventory).filter { $0.ruleId == id }
    }

    // MARK: - Catalogue

    @Test func catalogueHoldsAtLeastTwentyUniqueK8sRules() {
        let ids = WorkloadRules.all.map { $0.id }
        #expect(ids.count >= 20)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("k8s/") })
        #expect(RuleCatalog(WorkloadRules.all.map { $0.descriptor }).problems(domains: ["k8s", "serving"]) == [])
    }

    @Test func imageRegistryIsOptInAndInformational() throws {
        let descriptor = try Self.rule("k8s/image-registry").descriptor
        #expect(descriptor.enabledByDefault == false)
        #expect(descriptor.severity == .info)
        #expect(try Self.rule("k8s/image-digest").descriptor.severity == .info)
    }

    @Test("severities", arguments: [
        ("k8s/run-as-high-uid", Severity.low), ("k8s/run-as-root-group", .medium),
        ("k8s/automount-service-account-token", .medium), ("k8s/default-service-account", .low),
        ("k8s/memory-limits", .medium), ("k8s/cpu-limits", .low), ("k8s/memory-requests", .low),
        ("k8s/cpu-requests", .low), ("k8s/ephemeral-storage-limits", .low), ("k8s/latest-tag", .medium),
        ("k8s/image-pull-policy", .low), ("k8s/liveness-probe", .low), ("k8s/readiness-probe", .low),
        ("k8s/sensitive-host-path", .critical), ("k8s/writable-host-path", .high), ("k8s/default-namespace", .low),
        ("k8s/privilege-escalation-capabilities", .high), ("k8s/share-process-namespace", .low),
        ("k8s/no-security-context", .medium),
    ])
    func severity(_ id: String, _ expected: Severity) throws {
        #expect(try Self.rule(id).descriptor.severity == expected)
    }

    // MARK: - Image references

    struct ImageCase: Sendable, CustomTestStringConvertible {
        let text: String
        let registry: String?
        let repository: String
        let tag: String?
        let digest: String?
        var testDescription: String { text }
    }

    static let digest = "sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3"

    @Test("image references", arguments: [
        ImageCase(text: "nginx", registry: nil, repository: "nginx", tag: nil, digest: nil),
        ImageCase(text: "nginx:1.27", registry: nil, repository: "nginx", tag: "1.27", digest: nil),
        ImageCase(text: "library/nginx:latest", registry: nil, repository: "library/nginx", tag: "latest", digest: nil),
        ImageCase(text: "docker.io/library/nginx", registry: "docker.io", repository: "library/nginx", tag: nil, digest: nil),
        ImageCase(text: "localhost:5000/img", registry: "localhost:5000", repository: "img", tag: nil, digest: nil),
        ImageCase(text: "localhost:5000/img:2", registry: "localhost:5000", repository: "img", tag: "2", digest: nil),
        ImageCase(text: "localhost/img", registry: "localhost", repository: "img", tag: nil, digest: nil),
        ImageCase(text: "registry.example.com:443/team/model/server:v1.2.3", registry: "registry.example.com:443",
                  repository: "team/model/server", tag: "v1.2.3", digest: nil),
        ImageCase(text: "img@\(digest)", registry: nil, repository: "img", tag: nil, digest: digest),
        ImageCase(text: "ghcr.io/org/img:1.0@\(digest)", registry: "ghcr.io", repository: "org/img", tag: "1.0", digest: digest),
        ImageCase(text: "localhost:5000/img@\(digest)", registry: "localhost:5000", repository: "img", tag: nil, digest: digest),
        ImageCase(text: "Registry/img", registry: "Registry", repository: "img", tag: nil, digest: nil),
        ImageCase(text: "img:", registry: nil, repository: "img", tag: nil, digest: nil),
    ])
    func parsesImageReference(_ testCase: ImageCase) throws {
        let reference = try #require(ImageReference(testCase.text))
        #expect(reference.registry == testCase.registry)
        #expect(reference.repository == testCase.repository)
        #expect(reference.tag == testCase.tag)
        #expect(reference.digest == testCase.digest)
    }

    @Test func latestMeansNoTagOrLatestWithoutDigest() throws {
        #expect(try #require(ImageReference("nginx")).usesLatest)
        #expect(try #require(ImageReference("localhost:5000/nginx")).usesLatest)
        #expect(try #require(ImageReference("nginx:latest")).usesLatest)
        #expect(try #require(ImageReference("nginx:latest@\(Self.digest)")).usesLatest == false)
        #expect(try #require(ImageReference("nginx@\(Self.digest)")).usesLatest == false)
        #expect(try #require(ImageReference("localhost:5000/nginx:1")).usesLatest == false)
        #expect(ImageReference("") == nil)
    }

    // MARK: - Host paths

    @Test("host path normalisation", arguments: [
        ("/var/run/docker.sock", "/var/run/docker.sock"), ("/var//run///docker.sock", "/var/run/docker.sock"),
        ("/etc/", "/etc"), ("/./etc/./kubernetes/.", "/etc/kubernetes"), ("/var/lib/../run", "/var/run"),
        ("/..", "/"), ("//", "/"), ("relative/dir", "/relative/dir"),
    ])
    func normalisesHostPaths(_ path: String, _ expected: String) {
        #expect(SensitiveHostPaths.normalise(path) == expected)
    }

    @Test("sensitive host paths", arguments: [
        ("/", Severity.critical, SensitiveHostPaths.Relation.exact),
        ("/var/run/docker.sock", .critical, .exact), ("/run/docker.sock/", .critical, .exact),
        ("/run/containerd/containerd.sock", .critical, .exact), ("/var/run/crio/crio.sock", .critical, .exact),
        ("/var", .critical, .contains), ("/var/run", .critical, .contains), ("/run", .critical, .contains),
        ("/run/containerd/io.containerd.runtime.v2.task", .critical, .inside),
        ("/opt/custom/docker.sock", .critical, .exact),
        ("/etc", .high, .exact), ("/etc/kubernetes/pki", .high, .inside), ("/proc/1/root", .high, .inside),
        ("/sys/fs/cgroup", .high, .inside), ("/dev/mem", .high, .inside), ("/var/log/pods", .high, .inside),
        ("/var/lib", .high, .contains), ("/var/lib/kubelet", .high, .exact), ("/home/", .high, .exact),
        ("/usr", .high, .exact), ("/usr/local", .high, .contains),
    ])
    func classifiesSensitiveHostPaths(_ path: String, _ severity: Severity, _ relation: SensitiveHostPaths.Relation) throws {
        let match = try #require(SensitiveHostPaths.match(path))
        #expect(match.severity == severity)
        #expect(match.relation == relation)
    }

    @Test("harmless host paths", arguments: [
        "/mnt/models", "/data", "/etc/localtime", "/etc/ssl/certs", "/run/xtables.lock", "/lib/modules", "/tmp", "/var/lib/models", "",
    ])
    func ignoresHarmlessHostPaths(_ path: String) {
        #expect(SensitiveHostPaths.match(path) == nil)
    }

    @Test func sensitiveHostPathFindingsCarryTheirOwnSeverity() throws {
        let findings = try Self.scan("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: ops}
            spec:
              template:
                spec:
                  containers: [{name: agent, image: registry.example.com/agent:1.0}]
                  volumes:
                    - {name: sock, hostPath: {path: /run/containerd/containerd.sock}}
                    - {name: logs, hostPath: {path: /var/log}}
                    - {name: data, hostPath: {path: /srv/data}}
            """, "k8s/sensitive-host-path")
        #expect(findings.map(\.severity) == [.critical, .high])
        #expect(findings.map(\.field) == ["spec.template.spec.volumes[0].hostPath.path", "spec.template.spec.volumes[1].hostPath.path"])
        #expect(findings.first?.message
            == "volume \"sock\" of DaemonSet ops/agent mounts host path /run/containerd/containerd.sock (the containerd socket: control of every container on the node)")
    }

    @Test func writableHostPathReportsEachContainerMount() throws {
        let findings = try Self.scan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: a
                  image: registry.example.com/a:1
                  volumeMounts: [{name: host, mountPath: /h}, {name: host, mountPath: /h2, subPath: x, readOnly: true}]
                - name: b
                  image: registry.example.com/b:1
                  volumeMounts: [{name: host, mountPath: /h}]
                - name: c
                  image: registry.example.com/c:1
              volumes: [{name: host, hostPath: {path: /srv}}]
            """, "k8s/writable-host-path")
        #expect(findings.map { $0.object?.container } == ["a", "b"])
        #expect(findings.allSatisfy { $0.severity == .high })
    }

    // MARK: - Service accounts

    @Test func serviceAccountsAreIndexedByNamespaceAndName() {
        let inventory = KubernetesLoader.parse(text: """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: a, namespace: ml}
            automountServiceAccountToken: false
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: a, namespace: ml}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: b}
            ---
            apiVersion: example.com/v1
            kind: ServiceAccount
            metadata: {name: c, namespace: ml}
            """, file: "sa.yaml")
        let index = InventoryIndex(inventory.objects)
        #expect(index.serviceAccounts.count == 2)
        #expect(index.serviceAccount("a", namespace: "ml")?.root["automountServiceAccountToken"]?.bool == false)
        #expect(index.serviceAccount("b", namespace: "default") != nil)
        #expect(index.serviceAccount("a", namespace: "default") == nil)
        #expect(index.serviceAccount("c", namespace: "ml") == nil)
    }

    static let serviceAccountInventory = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: quiet, namespace: ml}
        automountServiceAccountToken: false
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: ml}
        automountServiceAccountToken: false
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: loud, namespace: ml}
        ---

        """

    static func pod(namespace: String, _ fields: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: \(namespace)}
        spec:
        \(fields.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
          containers: [{name: c, image: registry.example.com/c:1}]
        """
    }

    @Test("automount follows the pod, then its ServiceAccount in the same namespace", arguments: [
        ("ml", "serviceAccountName: quiet", false),
        ("ml", "serviceAccount: quiet", false),
        ("ml", "serviceAccountName: quiet\nautomountServiceAccountToken: true", true),
        ("ml", "serviceAccountName: loud", true),
        ("ml", "serviceAccountName: loud\nautomountServiceAccountToken: false", false),
        ("ml", "serviceAccountName: missing", true),
        ("ml", "automountServiceAccountToken: null", false),
        ("other", "serviceAccountName: quiet", true),
        ("other", "automountServiceAccountToken: false", false),
    ])
    func automountFollowsPodThenServiceAccount(_ namespace: String, _ fields: String, _ fires: Bool) throws {
        let findings = try Self.scan(Self.serviceAccountInventory + Self.pod(namespace: namespace, fields), "k8s/automount-service-account-token")
        #expect(findings.count == (fires ? 1 : 0))
    }

    @Test("default ServiceAccount", arguments: [
        ("ml", "serviceAccountName: loud", false),
        ("ml", "serviceAccountName: \"\"", false),
        ("other", "serviceAccountName: \"\"", true),
        ("other", "serviceAccountName: default", true),
        ("other", "serviceAccountName: default\nautomountServiceAccountToken: false", false),
        ("ml", "serviceAccountName: default\nautomountServiceAccountToken: true", true),
    ])
    func defaultServiceAccount(_ namespace: String, _ fields: String, _ fires: Bool) throws {
        let findings = try Self.scan(Self.serviceAccountInventory + Self.pod(namespace: namespace, fields), "k8s/default-service-account")
        #expect(findings.count == (fires ? 1 : 0))
    }

    // MARK: - Placement

    @Test func defaultNamespaceFiresOncePerObject() throws {
        let findings = try Self.scan("""
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: fraud}
            spec:
              predictor: {containers: [{name: p, image: registry.example.com/p:1}]}
              transformer: {containers: [{name: t, image: registry.example.com/t:1}]}
            ---
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata: {name: rc, namespace: default}
            spec:
              headGroupSpec: {template: {spec: {containers: [{name: h, image: r/ray:2}]}}}
              workerGroupSpecs:
                - {groupName: a, template: {spec: {containers: [{name: w, image: r/ray:2}]}}}
                - {groupName: b, template: {spec: {containers: [{name: w, image: r/ray:2}]}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: default}
            """, "k8s/default-namespace")
        #expect(findings.map { $0.object?.kind } == ["InferenceService", "RayCluster"])
        #expect(findings.map(\.location.line) == [3, 10])
    }

    // MARK: - Resources

    @Test func resourceRulesSkipEphemeralContainersAndHonourDefaults() throws {
        let text = """
            apiVersion: v1
            kind: LimitRange
            metadata: {name: lr, namespace: ml}
            spec:
              limits:
                - {type: Pod, max: {memory: 8Gi, cpu: "4"}}
                - {type: Container, min: {cpu: 10m}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1
                  resources: {limits: {memory: 1Gi, ephemeral-storage: 1Gi}}
              ephemeralContainers:
                - {name: debug, image: registry.example.com/debug:1}
            """
        #expect(try Self.scan(text, "k8s/memory-limits").isEmpty)
        #expect(try Self.scan(text, "k8s/memory-requests").isEmpty, "a request defaults to the limit")
        #expect(try Self.scan(text, "k8s/cpu-requests").isEmpty, "LimitRange min becomes the default request")
        #expect(try Self.scan(text, "k8s/cpu-limits").map(\.field) == ["spec.containers[0].resources.limits.cpu"],
                "a Pod-type LimitRange gives containers no default")
        #expect(try Self.scan(text, "k8s/ephemeral-storage-limits").isEmpty)
    }

    @Test func podLevelResourcesDoNotCoverEphemeralStorage() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 1Gi}}
              containers: [{name: c, image: registry.example.com/c:1}]
            """
        #expect(try Self.scan(text, "k8s/memory-limits").isEmpty)
        #expect(try Self.scan(text, "k8s/cpu-requests").isEmpty)
        #expect(try Self.scan(text, "k8s/ephemeral-storage-limits").count == 1)
    }

    // MARK: - Identity

    @Test("runAsUser threshold", arguments: [
        ("runAsUser: 10000", false), ("runAsUser: 9999", true), ("runAsUser: 0", true),
        ("runAsUser: 1000\nhostUsers: false", false), ("runAsUser: 1000\nos: {name: windows}", false),
    ])
    func runAsUserThreshold(_ fields: String, _ fires: Bool) throws {
        let pod = Self.pod(namespace: "ml", "securityContext: {\(fields.split(separator: "\n")[0])}\n"
            + fields.split(separator: "\n").dropFirst().joined(separator: "\n"))
        #expect(try Self.scan(pod, "k8s/run-as-high-uid").count == (fires ? 1 : 0))
    }

    @Test func ephemeralContainersCountForRunAsUser() throws {
        let findings = try Self.scan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext: {runAsUser: 10001}
              containers: [{name: c, image: registry.example.com/c:1}]
              ephemeralContainers: [{name: debug, image: registry.example.com/debug:1, securityContext: {runAsUser: 0}}]
            """, "k8s/run-as-high-uid")
        #expect(findings.map { $0.object?.container } == ["debug"])
    }

    @Test("capabilities", arguments: [
        ("SYS_ADMIN", true), ("CAP_SYS_ADMIN", true), ("cap_sys_admin", true), ("Sys_Admin", true), ("all", true),
        ("DAC_READ_SEARCH", true), ("CAP_BPF", true), ("NET_BIND_SERVICE", false), ("CHOWN", false), ("NET_RAW", false),
        ("SYS_ADMINISTRATOR", false),
    ])
    func capabilitiesMatchCaseInsensitively(_ capability: String, _ fires: Bool) throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers: [{name: c, image: registry.example.com/c:1, securityContext: {capabilities: {add: [\(capability)]}}}]
            """
        #expect(try Self.scan(pod, "k8s/privilege-escalation-capabilities").count == (fires ? 1 : 0))
    }

    @Test func noSecurityContextIsSilencedByAPodContext() throws {
        let pod = Self.pod(namespace: "ml", "securityContext: {runAsNonRoot: true}")
        #expect(try Self.scan(pod, "k8s/no-security-context").isEmpty)
        #expect(try Self.scan(Self.pod(namespace: "ml", "securityContext: {}"), "k8s/no-security-context").count == 1)
    }

    // MARK: - Probes

    @Test func probesAreNotRequiredOfBatchOrDebugContainers() throws {
        for id in ["k8s/liveness-probe", "k8s/readiness-probe"] {
            #expect(try Self.scan("""
                apiVersion: jobset.x-k8s.io/v1alpha2
                kind: JobSet
                metadata: {name: js, namespace: ml}
                spec:
                  replicatedJobs:
                    - name: workers
                      template:
                        spec:
                          template:
                            spec:
                              restartPolicy: Never
                              containers: [{name: w, image: registry.example.com/w:1}]
                """, id).isEmpty)
            let findings = try Self.scan("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  initContainers: [{name: init, image: registry.example.com/i:1}]
                  containers: [{name: c, image: registry.example.com/c:1}]
                  ephemeralContainers: [{name: debug, image: registry.example.com/d:1}]
                """, id)
            #expect(findings.map { $0.object?.container } == ["c"])
        }
    }

    // MARK: - Suppression

    @Test func inlineSuppressionSilencesAWorkloadRule() throws {
        let findings = try Self.scan("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: ops
              annotations: {bulwark.dev/ignore: "k8s/sensitive-host-path: the node agent needs the runtime socket"}
            spec:
              template:
                spec:
                  containers: [{name: agent, image: registry.example.com/agent:1.0}]
                  volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]
            """, "k8s/sensitive-host-path")
        #expect(findings.count == 1)
        #expect(findings.first?.suppressed == true)
        #expect(findings.first?.suppressionReason == "the node agent needs the runtime socket")
    }
}
