import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct ManifestFixerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        /// The exact output, for the cases that pin the layout.
        let expected: String?
        /// Whether every pod must pass the restricted level after the fix.
        let passesRestricted: Bool
        /// Substrings that must appear among the warnings.
        let warnings: [String]

        init(_ name: String, _ input: String, expected: String? = nil, passesRestricted: Bool = true, warnings: [String] = []) {
            self.name = name
            self.input = input + "\n"
            self.expected = expected.map { $0 + "\n" }
            self.passesRestricted = passesRestricted
            self.warnings = warnings
        }

        var testDescription: String { name }
    }

    static let pinned: [Case] = [
        Case(
            "block-style partial securityContexts",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: ml
            spec:
              template:
                spec:
                  # pod-level settings
                  securityContext:
                    runAsUser: 1000  # the image's user
                    runAsNonRoot: false
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext:
                        allowPrivilegeEscalation: true
                        readOnlyRootFilesystem: false
                        capabilities:
                          drop: [NET_RAW]
                      resources:
                        requests:
                          memory: 1Gi
            """,
            expected: """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: ml
            spec:
              template:
                spec:
                  # pod-level settings
                  securityContext:
                    runAsUser: 1000  # the image's user
                    # bulwark: was runAsNonRoot: false
                    runAsNonRoot: true
                    runAsGroup: 10001
                    fsGroup: 10001
                    seccompProfile:
                      type: RuntimeDefault
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext:
                        # bulwark: was allowPrivilegeEscalation: true
                        allowPrivilegeEscalation: false
                        # bulwark: was readOnlyRootFilesystem: false; writable paths are emptyDir volumes
                        readOnlyRootFilesystem: true
                        capabilities:
                          drop: [NET_RAW, ALL]
                      resources:
                        requests:
                          memory: 1Gi
                          # bulwark: review these defaults
                          cpu: 100m
                        # bulwark: review these defaults
                        limits:
                          cpu: 500m
                          memory: 1Gi
                          ephemeral-storage: 1Gi
                      volumeMounts:
                        - name: tmp
                          mountPath: /tmp
                  automountServiceAccountToken: false
                  volumes:
                    - name: tmp
                      emptyDir:
                        sizeLimit: 1Gi
            """
        ),
        Case(
            "flow-style securityContexts",
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext: {runAsUser: 0, seccompProfile: {type: Unconfined}}
              containers:
                - name: c
                  image: registry.example.com/c:1
                  securityContext: {privileged: true, capabilities: {add: [NET_ADMIN]}}  # debug only
                  resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}}
            """,
            expected: """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              # bulwark: was runAsUser: 0 (root); 10001 is an unprivileged ID, check that the image's files allow it
              # bulwark: was seccompProfile.type: Unconfined
              securityContext: {runAsUser: 10001, seccompProfile: {type: RuntimeDefault}, runAsNonRoot: true, runAsGroup: 10001, fsGroup: 10001}
              containers:
                - name: c
                  image: registry.example.com/c:1
                  # bulwark: removed privileged: true (all devices and capabilities of the node; Pod Security Standards baseline forbids it)
                  # bulwark: removed capabilities.add: [NET_ADMIN] (the restricted level allows adding only NET_BIND_SERVICE)
                  securityContext: {capabilities: {drop: [ALL]}, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}  # debug only
                  resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}}
                  volumeMounts:
                    - name: tmp
                      mountPath: /tmp
              automountServiceAccountToken: false
              volumes:
                - name: tmp
                  emptyDir:
                    sizeLimit: 1Gi
            """
        ),
        Case(
            "empty flow and null values",
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  securityContext: {}
                  containers:
                  - name: c
                    image: registry.example.com/c:1
                    securityContext:
                    volumeMounts: []   # none yet
                    resources:
                      limits: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
            """,
            expected: """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 10001
                    runAsGroup: 10001
                    fsGroup: 10001
                    seccompProfile:
                      type: RuntimeDefault
                  containers:
                  - name: c
                    image: registry.example.com/c:1
                    securityContext:
                      allowPrivilegeEscalation: false
                      capabilities:
                        drop:
                        - ALL
                      readOnlyRootFilesystem: true
                    volumeMounts:   # none yet
                    - name: tmp
                      mountPath: /tmp
                    resources:
                      limits: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
                  automountServiceAccountToken: false
                  volumes:
                  - name: tmp
                    emptyDir:
                      sizeLimit: 1Gi
            """
        ),
    ]

    static let cases: [Case] = pinned + [
        Case(
            "containers, init and ephemeral containers in a CronJob",
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
              namespace: ml
            spec:
              schedule: "0 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      initContainers:
                        - name: fetch
                          image: registry.example.com/fetch:1
                          securityContext:
                            runAsUser: 0
                      containers:
                        - name: report
                          image: registry.example.com/report:1
                      ephemeralContainers:
                        - name: debug
                          image: busybox:1.36
            """
        ),
        Case(
            "KServe predictor model field and transformer",
            """
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata:
              name: llm
              namespace: ml
            spec:
              predictor:
                serviceAccountName: llm
                model:
                  modelFormat:
                    name: sklearn
                  storageUri: s3://models/iris
              transformer:
                containers:
                  - name: transformer
                    image: registry.example.com/transformer:1.0
            """
        ),
        Case(
            "every built-in workload kind in one stream",
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              template:
                spec:
                  containers: [{name: agent, image: registry.example.com/agent:1}]
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: rs}
            spec:
              template:
                spec:
                  containers:
                  - name: c
                    image: registry.example.com/c:1
            ---
            apiVersion: v1
            kind: PodTemplate
            metadata: {name: pt}
            template:
              spec:
                containers:
                - name: c
                  image: registry.example.com/c:1
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: job}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: c
                    image: registry.example.com/c:1
                    securityContext:
                      seLinuxOptions: {type: spc_t, level: "s0:c1,c2"}
                      procMount: Unmasked
            ---
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: rc}
            spec:
              template:
                spec:
                  containers:
                  - name: c
                    image: registry.example.com/c:1
            """
        ),
        Case(
            "Ray head and worker groups",
            """
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata:
              name: rc
            spec:
              headGroupSpec:
                template:
                  spec:
                    containers:
                      - name: head
                        image: rayproject/ray:2.9.0
                        resources:
                          requests:
                            cpu: 2
              workerGroupSpecs:
                - groupName: gpu
                  template:
                    spec:
                      containers:
                        - name: worker
                          image: rayproject/ray:2.9.0-gpu
                          resources:
                            limits: {nvidia.com/gpu: 1, memory: 8Gi}
                          securityContext:
                            capabilities: {drop: [NET_RAW]}
                          volumeMounts:
                            - {name: shm, mountPath: /dev/shm}
                      volumes:
                        - name: shm
                          emptyDir: {medium: Memory, sizeLimit: 2Gi}
            """
        ),
        Case(
            "four-space indentation and indentless sequences",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
                name: wide
            spec:
                template:
                    spec:
                        containers:
                        -   name: c
                            image: registry.example.com/c:1
                            env:
                            -   name: A
                                value: b
                        volumes:
                        -   name: data
                            persistentVolumeClaim:
                                claimName: data
            """
        ),
        Case(
            "a List of Pods with capabilities to remove",
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata:
                name: a
              spec:
                containers:
                - name: c
                  image: registry.example.com/c:1
                  securityContext:
                    capabilities:
                      add:
                      - SYS_ADMIN   # for mounts
                      - NET_BIND_SERVICE
                      - NET_ADMIN
            """
        ),
        Case(
            "hostPath volumes and host ports stay",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: logs, namespace: ops}
            spec:
              template:
                spec:
                  containers:
                  - name: shipper
                    image: registry.example.com/shipper:1
                    ports:
                    - {containerPort: 9000, hostPort: 9000}
                    securityContext:
                      privileged: true
                    volumeMounts:
                    - {name: data, mountPath: /data, readOnly: true}
                  volumes:
                  - name: data
                    hostPath: {path: /srv/data}
            """,
            passesRestricted: false,
            warnings: ["keeps hostPath volume \"data\" (/srv/data)", "keeps hostPort 9000", "still fails Pod Security Standards restricted",
                       "no longer runs privileged"]
        ),
        Case(
            "node agents keep their host access",
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: logs, namespace: ops}
            spec:
              template:
                spec:
                  hostNetwork: true
                  containers:
                  - name: shipper
                    image: registry.example.com/shipper:1
                    ports:
                    - {containerPort: 9000, hostPort: 9000}
                    securityContext:
                      privileged: true
                    volumeMounts:
                    - {name: varlog, mountPath: /var/log, readOnly: true}
                  volumes:
                  - name: varlog
                    hostPath: {path: /var/log}
            """,
            passesRestricted: false,
            warnings: ["DaemonSet ops/logs needs access to its node (hostNetwork: true; hostPath /var/log; privileged container \"shipper\")",
                       "label namespace ops pod-security.kubernetes.io/enforce=privileged", "still fails Pod Security Standards restricted"]
        ),
        Case(
            "Windows pods get only the baseline fixes",
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: w}
            spec:
              os: {name: windows}
              securityContext:
                windowsOptions:
                  hostProcess: true
              hostNetwork: true
              containers:
              - name: c
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
            """,
            passesRestricted: false,
            warnings: ["is a Windows pod"]
        ),
    ]

    // MARK: - Properties every case has

    @Test(arguments: pinned)
    func rewritesExactly(_ fixture: Case) throws {
        let result = ManifestFixer().fix(text: fixture.input, file: "case.yaml")
        let expected = try #require(fixture.expected)
        #expect(result.fixed == expected)
    }

    @Test(arguments: cases)
    func resultParsesKeepsCommentsAndIsIdempotent(_ fixture: Case) throws {
        let result = ManifestFixer().fix(text: fixture.input, file: "case.yaml")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.isChanged)
        #expect(!result.changes.isEmpty)
        let inventory = KubernetesLoader.parse(text: result.fixed, file: "case.yaml")
        #expect(inventory.errors.isEmpty, "\(inventory.errors)\n\(result.fixed)")
        let before = KubernetesLoader.parse(text: fixture.input, file: "case.yaml")
        #expect(inventory.objects.count == before.objects.count)
        for comment in Self.comments(in: fixture.input) {
            #expect(result.fixed.contains(comment), "lost \(comment)")
        }
        let again = ManifestFixer().fix(text: result.fixed, file: "case.yaml")
        #expect(again.fixed == result.fixed, "second run changed:\n\(LineDiff.unified(old: result.fixed, new: again.fixed, oldLabel: "1", newLabel: "2"))")
        #expect(again.changes.isEmpty, "\(again.changes)")
        for warning in fixture.warnings {
            #expect(result.warnings.contains { $0.message.contains(warning) }, "no warning \"\(warning)\" in \(result.warnings)")
        }
    }

    @Test(arguments: cases)
    func everyPodPassesRestrictedAfterTheFix(_ fixture: Case) throws {
        let inventory = KubernetesLoader.parse(text: ManifestFixer().fix(text: fixture.input, file: "case.yaml").fixed, file: "case.yaml")
        let pods = inventory.objects.flatMap(PodSpecExtractor.podSpecs(in:))
        try #require(!pods.isEmpty)
        for pod in pods {
            let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .v1(35))
            if fixture.passesRestricted {
                #expect(decision.allowed, "\(pod.displayName): \(decision.message)")
            }
            #expect(PodSecurityEvaluator.evaluate(pod: pod, level: .baseline, version: .v1(35)).allowed || !fixture.passesRestricted)
        }
    }

    /// The comments of a YAML text: whole comment lines and `  # …` after values (enough for the fixtures).
    static func comments(in text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("#") { return String(trimmed) }
            guard let range = line.range(of: " #") else { return nil }
            return String(line[line.index(after: range.lowerBound)...])
        }
    }

    // MARK: - Behaviour

    @Test func jsonInputIsRewrittenAsIndentedJSONInTheSameKeyOrder() throws {
        let input = """
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "j", "labels": {"z": "1", "a": "2"}},
         "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "registry.example.com/c:1",
         "securityContext": {"runAsNonRoot": true}}]}}}}

        """
        let result = ManifestFixer().fix(text: input, file: "d.json")
        #expect(result.errors.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.fixed.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "Deployment")
        #expect(result.fixed.hasPrefix("{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n"))
        #expect(result.fixed.contains("\"labels\": {\n      \"z\": \"1\",\n      \"a\": \"2\"\n    }"))
        #expect(result.fixed.contains("\"replicas\": 2,"))
        #expect(result.fixed.contains("\"runAsUser\": 10001"))
        #expect(result.fixed.contains("\"automountServiceAccountToken\": false"))
        #expect(!result.fixed.contains("#"))
        let spec = try #require(((object["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        let context = try #require(container["securityContext"] as? [String: Any])
        #expect(context["readOnlyRootFilesystem"] as? Bool == true)
        #expect(context["allowPrivilegeEscalation"] as? Bool == false)
        #expect((context["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
        // A second run keeps the file byte for byte.
        #expect(ManifestFixer().fix(text: result.fixed, file: "d.json").fixed == result.fixed)
    }

    @Test func lineEndingsByteOrderMarkAndOtherDocumentsAreKept() throws {
        let input = "\u{FEFF}# head\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: cm}\r\ndata:\r\n  a: \"1\"\r\n---\r\n"
            + "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: registry.example.com/c:1"
        let result = ManifestFixer().fix(text: input, file: "p.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.fixed.hasPrefix("\u{FEFF}# head\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: cm}\r\ndata:\r\n  a: \"1\"\r\n---\r\n"))
        #expect(!result.fixed.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a bare LF was written")
        #expect(!result.fixed.hasSuffix("\n"), "a final line break was added")
        #expect(result.fixed.contains("\r\n    securityContext:\r\n      allowPrivilegeEscalation: false\r\n"))
        let inventory = KubernetesLoader.parse(text: result.fixed, file: "p.yaml")
        #expect(inventory.errors.isEmpty)
        #expect(inventory.objects.count == 2)
        #expect(ManifestFixer().fix(text: result.fixed, file: "p.yaml").fixed == result.fixed)
    }

    @Test func existingNonRootIDsAndLocalhostSeccompAreKept() {
        let input = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsUser: 2000
            runAsGroup: 3000
            fsGroup: 4000
            seccompProfile:
              type: Localhost
              localhostProfile: profiles/model.json
          containers:
          - name: c
            image: registry.example.com/c:1

        """
        let fixed = ManifestFixer().fix(text: input, file: "p.yaml").fixed
        for kept in ["runAsUser: 2000", "runAsGroup: 3000", "fsGroup: 4000", "type: Localhost"] {
            #expect(fixed.contains(kept))
        }
        #expect(!fixed.contains("10001"))
        #expect(!fixed.contains("RuntimeDefault"))
    }

    @Test func readOnlyRootFilesystemIsNeverWeakenedAndAddsNoMountsWhenAlreadySet() {
        let input = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          automountServiceAccountToken: false
          securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: c
            image: nginx:1.27
            securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
            resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi, ephemeral-storage: 64Mi}}

        """
        let result = ManifestFixer().fix(text: input, file: "p.yaml")
        #expect(!result.isChanged)
        #expect(result.changes.isEmpty)
    }

    @Test func nginxGetsEmptyDirsForTheDirectoriesItWrites() {
        let input = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - name: web
                image: docker.io/library/nginx:1.27
                volumeMounts:
                - {name: conf, mountPath: /etc/nginx/conf.d}
              volumes:
              - name: conf
                configMap: {name: web}

        """
        let fixed = ManifestFixer().fix(text: input, file: "web.yaml").fixed
        for path in ["/tmp", "/var/cache/nginx", "/var/run"] {
            #expect(fixed.contains("mountPath: \(path)\n"), "\(path)")
        }
        #expect(fixed.contains("- name: var-cache-nginx\n        emptyDir:\n          sizeLimit: 1Gi\n"))
    }

    @Test func modelServerCachesMoveOutOfRootsHome() {
        let input = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: llm}
        spec:
          template:
            spec:
              containers:
              - name: vllm
                image: vllm/vllm-openai:v0.6.3
                volumeMounts:
                - name: cache
                  mountPath: /root/.cache/huggingface
              volumes:
              - name: cache
                persistentVolumeClaim: {claimName: hf-cache}

        """
        let result = ManifestFixer().fix(text: input, file: "llm.yaml")
        #expect(result.fixed.contains("- name: XDG_CACHE_HOME\n          value: /tmp/.cache"))
        #expect(result.fixed.contains("- name: HF_HOME\n          value: /root/.cache/huggingface"))
        #expect(result.fixed.contains("mountPath: /tmp"))
        // Already running as a non-root user: the image's own cache settings are left alone.
        let nonRoot = input.replacingOccurrences(of: "      containers:", with: "      securityContext: {runAsUser: 1000}\n      containers:")
        #expect(!ManifestFixer().fix(text: nonRoot, file: "llm.yaml").fixed.contains("XDG_CACHE_HOME"))
    }

    @Test func modelVolumesTheServerLoadsFromBecomeReadOnlyAndCachesStayWritable() throws {
        let input = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: triton}
        spec:
          template:
            spec:
              containers:
              - name: triton
                image: nvcr.io/nvidia/tritonserver:24.05-py3
                args: ["tritonserver", "--model-repository=/models"]
                volumeMounts:
                - name: models
                  mountPath: /models
                - {name: cache, mountPath: /root/.cache/huggingface}
              volumes:
              - name: models
                persistentVolumeClaim: {claimName: triton-models}
              - name: cache
                persistentVolumeClaim: {claimName: hf-cache}

        """
        let writable = KubernetesScanner(rules: KubernetesRules.all.filter { $0.id == "serving/model-volume-writable" })
        let before = writable.scan(KubernetesLoader.parse(text: input, file: "triton.yaml"))
        #expect(before.map { $0.message.contains("\"models\"") ? "models" : "cache" }.sorted() == ["cache", "models"])
        let result = ManifestFixer().fix(text: input, file: "triton.yaml")
        #expect(result.fixed.contains("          mountPath: /models\n          readOnly: true\n"), "\(result.fixed)")
        #expect(result.changes.contains { $0.message.contains("mounted model volume \"models\" at /models read-only (which holds --model-repository=/models") })
        // The hub cache is written by the server: left writable, with a warning.
        #expect(result.fixed.contains("- {name: cache, mountPath: /root/.cache/huggingface}"))
        #expect(result.warnings.contains { $0.message.contains("keeps model volume \"cache\" at /root/.cache/huggingface writable") })
        let after = writable.scan(KubernetesLoader.parse(text: result.fixed, file: "triton.yaml"))
        #expect(after.count == 1 && after.first?.message.contains("\"cache\"") == true, "\(after.map(\.message))")
        // An emptyDir the server fills itself is not a finding and stays as it is.
        let selfFilled = input.replacingOccurrences(of: "persistentVolumeClaim: {claimName: triton-models}", with: "emptyDir: {}")
        #expect(!ManifestFixer().fix(text: selfFilled, file: "triton.yaml").fixed.contains("readOnly: true\n"))
        // The mutating webhook's patch adds no mount options.
        let object = try #require(KubernetesLoader.parse(text: input, file: "triton.yaml").objects.first)
        #expect(!HardeningPatch.operations(for: object.root).contains { $0.path.hasSuffix("/readOnly") })
    }

    @Test func servingRuntimeGetsContainerLevelSettingsOnly() throws {
        let input = """
        apiVersion: serving.kserve.io/v1alpha1
        kind: ServingRuntime
        metadata: {name: rt}
        spec:
          supportedModelFormats: [{name: sklearn}]
          containers:
          - name: kserve-container
            image: registry.example.com/sklearn:1

        """
        let result = ManifestFixer().fix(text: input, file: "rt.yaml")
        let root = try #require(YAMLReader.read(result.fixed).documents.first?.root)
        #expect(root["spec"]?["securityContext"] == nil)
        #expect(root["spec"]?["automountServiceAccountToken"] == nil)
        let context = try #require(root["spec"]?["containers"]?.items.first?["securityContext"])
        #expect(context["runAsNonRoot"]?.bool == true)
        #expect(context["runAsUser"]?.int == 10001)
        #expect(context["seccompProfile"]?["type"]?.string == "RuntimeDefault")
    }

    @Test func explicitTokenMountsAreLeftWithAWarning() {
        let explicit = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          automountServiceAccountToken: true
          containers: [{name: c, image: registry.example.com/c:1}]

        """
        let projected = """
        apiVersion: v1
        kind: Pod
        metadata: {name: q}
        spec:
          containers: [{name: c, image: registry.example.com/c:1}]
          volumes:
          - name: token
            projected:
              sources:
              - serviceAccountToken: {path: token, expirationSeconds: 600, audience: vault}

        """
        let first = ManifestFixer().fix(text: explicit, file: "p.yaml")
        #expect(first.fixed.contains("automountServiceAccountToken: true"))
        #expect(first.warnings.contains { $0.message.contains("automountServiceAccountToken: true explicitly") })
        let second = ManifestFixer().fix(text: projected, file: "q.yaml")
        #expect(!second.fixed.contains("automountServiceAccountToken"))
        #expect(second.warnings.contains { $0.message.contains("projected serviceAccountToken") })
    }

    @Test func limitsAreNeverBelowExistingRequestsAndLimitsImplyRequests() throws {
        let input = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: registry.example.com/c:1
            resources:
              requests: {cpu: "2", memory: 4Gi}
          - name: d
            image: registry.example.com/d:1
            resources:
              limits: {memory: 1Gi}

        """
        let result = ManifestFixer().fix(text: input, file: "p.yaml")
        let root = try #require(YAMLReader.read(result.fixed).documents.first?.root)
        let containers = root["spec"]?["containers"]?.items ?? []
        try #require(containers.count == 2)
        #expect(containers[0]["resources"]?["limits"]?["cpu"]?.string == "2")
        #expect(containers[0]["resources"]?["limits"]?["memory"]?.string == "4Gi")
        #expect(containers[1]["resources"]?["requests"]?["memory"] == nil)
        #expect(containers[1]["resources"]?["requests"]?["cpu"]?.string == "100m")
        #expect(result.fixed.contains("# bulwark: review these defaults"))
        let without = ManifestFixer(options: ManifestFixOptions(addResources: false)).fix(text: input, file: "p.yaml")
        #expect(!without.fixed.contains("review these defaults"))
    }

    @Test func anchoredSettingsAreLeftUnchangedWithAWarning() {
        let input = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              securityContext: &shared
                runAsUser: 0
              containers:
              - name: a
                image: registry.example.com/a:1
                securityContext: *shared

        """
        let result = ManifestFixer().fix(text: input, file: "d.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.fixed.contains("securityContext: &shared\n        runAsUser: 0\n"))
        #expect(result.fixed.contains("securityContext: *shared\n"))
        #expect(result.warnings.contains { $0.message.contains("YAML anchor and alias") })
        #expect(KubernetesLoader.parse(text: result.fixed, file: "d.yaml").errors.isEmpty)
    }

    @Test func syntaxErrorsLeaveTheFileUnchanged() {
        let input = "apiVersion: v1\nkind: Pod\nspec: {containers: [\n"
        let result = ManifestFixer().fix(text: input, file: "bad.yaml")
        #expect(!result.errors.isEmpty)
        #expect(result.fixed == input)
        let binary = ManifestFixer().fix(bytes: [0x61, 0x00, 0x62], file: "bin.yaml")
        #expect(!binary.errors.isEmpty)
    }

    /// The fixer relies on `YAMLNode.endPosition`: just past a scalar or a flow collection.
    @Test func yamlNodesCarryTheirEndPositions() throws {
        let text = "a: plain value  # c\nb: {x: [1, 2]}\nc: \"quoted\"\nd:\ne: |\n  line\n\nf: ünï\n"
        let root = try #require(YAMLReader.read(text).documents.first?.root)
        #expect(root["a"]?.endPosition == TextPosition(line: 1, column: 15))
        #expect(root["b"]?.position == TextPosition(line: 2, column: 4))
        #expect(root["b"]?.endPosition == TextPosition(line: 2, column: 15))
        #expect(root["b"]?["x"]?.endPosition == TextPosition(line: 2, column: 14))
        #expect(root["c"]?.endPosition == TextPosition(line: 3, column: 12))
        #expect(root["d"]?.position == root["d"]?.endPosition)
        #expect(root["e"]?.endPosition.line ?? 0 >= 6)
        #expect(root["f"]?.endPosition == TextPosition(line: 8, column: 7))
    }

    @Test func filesWithoutWorkloadsAreUntouched() {
        let input = "# a service\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n"
        let result = ManifestFixer().fix(text: input, file: "s.yaml")
        #expect(!result.isChanged)
        #expect(result.warnings.isEmpty)
    }
}
