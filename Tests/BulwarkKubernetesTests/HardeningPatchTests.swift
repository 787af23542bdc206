import BulwarkCore
@testable import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// The mutating webhook's patch (`HardeningPatch`): every pod-spec kind gets the missing hardening
/// fields as RFC 6902 `add` operations; applied, the object passes the checks the mutation answers;
/// explicit values stay; a second patch is empty.
@Suite struct HardeningPatchTests {
    /// The rules whose findings the mutation answers (without the read-only root option).
    static let covered: Set<String> = [
        "pss/allow-privilege-escalation", "pss/capabilities-restricted", "pss/seccomp-profile-restricted", "pss/run-as-non-root",
        "k8s/automount-service-account-token", "k8s/no-security-context",
    ]

    /// An object as the API server sends it: JSON, so no aliases and no YAML-only values.
    static func object(_ yaml: String) throws -> YAMLNode {
        let read = YAMLReader.read(yaml)
        try #require(read.errors.isEmpty, "\(read.errors)")
        let root = try #require(read.documents.first?.root)
        return HardeningPatch.yamlNode(root.jsonValue, at: root.position)
    }

    static func findings(_ node: YAMLNode) -> [Finding] {
        guard let object = KubeObject(root: node, file: "object.json", helmSource: nil) else { return [] }
        return KubernetesScanner().scan(Inventory(objects: [object]))
    }

    static func pods(_ node: YAMLNode) -> [PodSpecView] {
        KubeObject(root: node, file: "object.json", helmSource: nil).map(PodSpecExtractor.podSpecs(in:)) ?? []
    }

    static func applied(_ operations: [JSONPatchOperation], to node: YAMLNode) throws -> YAMLNode {
        switch HardeningPatch.apply(operations, to: node) {
        case .success(let patched): return patched
        case .failure(let error):
            Issue.record("patch does not apply: \(error.message)\n\(operations.map(\.path))")
            throw error
        }
    }

    /// Whether everything in `original` is still in `patched` with the same value (lists may have
    /// grown at their end, a null may have been filled in): the patch only added.
    static func onlyAdds(_ original: JSONValue, _ patched: JSONValue) -> Bool {
        switch (original, patched) {
        case (.null, _):
            return true
        case (.object(let old), .object(let new)):
            return old.allSatisfy { key, value in new.first { $0.0 == key }.map { onlyAdds(value, $0.1) } ?? false }
        case (.array(let old), .array(let new)):
            return old.count <= new.count && zip(old, new).allSatisfy { onlyAdds($0, $1) }
        default:
            return original == patched
        }
    }

    // MARK: - Every kind

    struct Kind: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        var testDescription: String { name }
        /// `group/kind`, as `PodHardener.containerLevelOnly` names them.
        var group: String {
            guard let object = try? HardeningPatchTests.object(yaml), let kube = KubeObject(root: object, file: "", helmSource: nil) else { return "" }
            return "\(kube.group)/\(kube.kind)"
        }
    }

    static let container = """
        - name: server
          image: registry.example/model-server:1.0
        """

    static func indented(_ text: String, _ spaces: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }

    static func template(_ spaces: Int) -> String {
        indented("metadata:\n  labels: {app: m}\nspec:\n  containers:\n\(indented(container, 2))", spaces)
    }

    static let kinds: [Kind] = [
        Kind(name: "Pod", yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n\(indented(container, 2))"),
        Kind(name: "Deployment", yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "StatefulSet", yaml: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "DaemonSet", yaml: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "ReplicaSet", yaml: "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "ReplicationController", yaml: "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "Job", yaml: "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n\(template(4))"),
        Kind(name: "CronJob", yaml: "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n\(template(8))"),
        Kind(name: "PodTemplate", yaml: "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: pt}\ntemplate:\n\(template(2))"),
        Kind(name: "InferenceService", yaml: """
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: llm}
            spec:
              predictor:
                model:
                  modelFormat: {name: huggingface}
                  storageUri: hf://org/model
                containers:
                - name: sidecar
                  image: registry.example/proxy:1.0
              transformer:
                containers:
                - name: transformer
                  image: registry.example/transformer:1.0
            """),
        Kind(name: "ServingRuntime", yaml: """
            apiVersion: serving.kserve.io/v1alpha1
            kind: ServingRuntime
            metadata: {name: rt}
            spec:
              supportedModelFormats: [{name: onnx}]
              containers:
              - name: kserve-container
                image: registry.example/runtime:1.0
            """),
        Kind(name: "RayCluster", yaml: """
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata: {name: ray}
            spec:
              headGroupSpec:
                template:
                  spec:
                    containers:
                    - name: ray-head
                      image: rayproject/ray:2.9.0
              workerGroupSpecs:
              - groupName: gpu
                template:
                  spec:
                    containers:
                    - name: ray-worker
                      image: rayproject/ray:2.9.0
            """),
        Kind(name: "RayJob", yaml: """
            apiVersion: ray.io/v1
            kind: RayJob
            metadata: {name: rayjob}
            spec:
              rayClusterSpec:
                headGroupSpec:
                  template:
                    spec:
                      containers:
                      - name: ray-head
                        image: rayproject/ray:2.9.0
              submitterPodTemplate:
                spec:
                  containers:
                  - name: submitter
                    image: rayproject/ray:2.9.0
            """),
        Kind(name: "LeaderWorkerSet", yaml: """
            apiVersion: leaderworkerset.x-k8s.io/v1
            kind: LeaderWorkerSet
            metadata: {name: lws}
            spec:
              leaderWorkerTemplate:
                leaderTemplate:
                  spec:
                    containers:
                    - name: leader
                      image: registry.example/vllm:1.0
                workerTemplate:
                  spec:
                    containers:
                    - name: worker
                      image: registry.example/vllm:1.0
            """),
        Kind(name: "JobSet", yaml: """
            apiVersion: jobset.x-k8s.io/v1alpha2
            kind: JobSet
            metadata: {name: js}
            spec:
              replicatedJobs:
              - name: trainer
                template:
                  spec:
                    template:
                      spec:
                        containers:
                        - name: trainer
                          image: registry.example/trainer:1.0
            """),
        Kind(name: "Knative Service", yaml: """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: kn}
            spec:
              template:
                spec:
                  containers:
                  - image: registry.example/model:1.0
            """),
    ]

    @Test(arguments: kinds)
    func everyKindIsHardenedAndRevalidates(_ kind: Kind) throws {
        for readOnly in [false, true] {
            let options = HardeningPatchOptions(readOnlyRootFilesystem: readOnly)
            let object = try Self.object(kind.yaml)
            var covered = Self.covered.union(readOnly ? ["k8s/read-only-root-filesystem"] : [])
            // As in the fixer, kinds without a pod-level securityContext and token setting
            // (KServe ServingRuntime, Knative Service) get no automountServiceAccountToken.
            if PodHardener.containerLevelOnly.contains(kind.group) { covered.remove("k8s/automount-service-account-token") }
            let before = Set(Self.findings(object).map(\.ruleId)).intersection(covered)
            #expect(!before.isEmpty, "the minimal \(kind.name) already passes; the test measures nothing")
            let operations = HardeningPatch.operations(for: object, options: options)
            #expect(!operations.isEmpty)
            #expect(operations.allSatisfy { $0.op == .add })
            let patched = try Self.applied(operations, to: object)
            #expect(Self.onlyAdds(object.jsonValue, patched.jsonValue))
            let after = Self.findings(patched).filter { covered.contains($0.ruleId) }
            #expect(after.isEmpty, "\(after.map { "\($0.ruleId): \($0.message)" })\n\(operations.map(\.path))")
            // The pods pass the restricted level (the minimal objects set nothing else it judges).
            for pod in Self.pods(patched) {
                let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .v1(35))
                #expect(decision.allowed, "\(pod.displayName): \(decision.message)")
            }
            #expect(HardeningPatch.operations(for: patched, options: options).isEmpty, "not idempotent")
            // The same object always gives the same patch.
            #expect(HardeningPatch.operations(for: try Self.object(kind.yaml), options: options) == operations)
        }
    }

    // MARK: - What is added, exactly

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model, namespace: ml}
        spec:
          template:
            spec:
              containers:
              - name: server
                image: registry.example/server:1.0
                securityContext:
                  capabilities:
                    add: [NET_BIND_SERVICE]
              initContainers:
              - name: fetch
                image: registry.example/fetch:1.0
        """

    @Test func deploymentGetsTheFixersDefaults() throws {
        let operations = HardeningPatch.operations(for: try Self.object(Self.deployment))
        let expected: [JSONPatchOperation] = [
            JSONPatchOperation(path: "/spec/template/spec/securityContext", value: .object([
                ("runAsNonRoot", .bool(true)), ("runAsUser", .number(10001)), ("runAsGroup", .number(10001)), ("fsGroup", .number(10001)),
                ("seccompProfile", .object([("type", .string("RuntimeDefault"))])),
            ])),
            JSONPatchOperation(path: "/spec/template/spec/automountServiceAccountToken", value: .bool(false)),
            JSONPatchOperation(path: "/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation", value: .bool(false)),
            JSONPatchOperation(path: "/spec/template/spec/containers/0/securityContext/capabilities/drop", value: .array([.string("ALL")])),
            JSONPatchOperation(path: "/spec/template/spec/initContainers/0/securityContext", value: .object([
                ("allowPrivilegeEscalation", .bool(false)), ("capabilities", .object([("drop", .array([.string("ALL")]))])),
            ])),
        ]
        #expect(operations == expected, "\(operations)")
    }

    @Test func encodedPatchIsCompactJSON() throws {
        let operations = HardeningPatch.operations(for: try Self.object(Self.deployment))
        let golden = #"[{"op":"add","path":"/spec/template/spec/securityContext","value":{"runAsNonRoot":true,"runAsUser":10001,"runAsGroup":10001,"fsGroup":10001,"seccompProfile":{"type":"RuntimeDefault"}}},"#
            + #"{"op":"add","path":"/spec/template/spec/automountServiceAccountToken","value":false},"#
            + #"{"op":"add","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation","value":false},"#
            + #"{"op":"add","path":"/spec/template/spec/containers/0/securityContext/capabilities/drop","value":["ALL"]},"#
            + #"{"op":"add","path":"/spec/template/spec/initContainers/0/securityContext","value":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]"#
        #expect(String(decoding: HardeningPatch.encode(operations), as: UTF8.self) == golden)
        #expect(HardeningPatch.encode([]) == Array("[]".utf8))
        let odd = JSONPatchOperation(path: "/metadata/annotations/a~1b", value: .array([
            .string("quote \" backslash \\ newline \n"), .number(1.5), .number(-3), .null, .object([]),
        ]))
        #expect(String(decoding: HardeningPatch.encode([odd]), as: UTF8.self)
            == #"[{"op":"add","path":"/metadata/annotations/a~1b","value":["quote \" backslash \\ newline \n",1.5,-3,null,{}]}]"#)
    }

    @Test func readOnlyRootAddsTmpVolumeInOneOperationEach() throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n\(Self.indented(Self.container, 2))"
        let operations = HardeningPatch.operations(for: try Self.object(pod), options: HardeningPatchOptions(readOnlyRootFilesystem: true))
        let byPath = Dictionary(operations.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["/spec/volumes"] == .array([.object([("name", .string("tmp")), ("emptyDir", .object([("sizeLimit", .string("1Gi"))]))])]))
        #expect(byPath["/spec/containers/0/volumeMounts"] == .array([.object([("name", .string("tmp")), ("mountPath", .string("/tmp"))])]))
        guard case .object(let context)? = byPath["/spec/containers/0/securityContext"] else {
            Issue.record("no container securityContext: \(operations)")
            return
        }
        #expect(context.contains { $0.0 == "readOnlyRootFilesystem" && $0.1 == .bool(true) })
    }

    @Test func existingListsGetItemsAppendedAndTmpMountKept() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes:
              - name: model
                persistentVolumeClaim: {claimName: model}
              containers:
              - name: server
                image: nginx:1.27
                securityContext:
                  capabilities:
                    drop: [NET_RAW]
                volumeMounts:
                - {name: model, mountPath: /models}
              - name: other
                image: registry.example/other:1.0
                volumeMounts:
                - {name: model, mountPath: /tmp}
            """
        let object = try Self.object(pod)
        let operations = HardeningPatch.operations(for: object, options: HardeningPatchOptions(readOnlyRootFilesystem: true))
        let paths = operations.map(\.path)
        #expect(paths.contains("/spec/containers/0/securityContext/capabilities/drop/-"))
        #expect(paths.filter { $0 == "/spec/volumes/-" }.count == 3, "\(paths)") // /tmp, /var/cache/nginx, /var/run for nginx
        #expect(!paths.contains { $0.hasPrefix("/spec/containers/1/volumeMounts") }, "/tmp is mounted already")
        let patched = try Self.applied(operations, to: object)
        #expect(Self.onlyAdds(object.jsonValue, patched.jsonValue))
        #expect(patched["spec"]?["containers"]?.items.first?["securityContext"]?["capabilities"]?["drop"]?.strings == ["NET_RAW", "ALL"])
        #expect(HardeningPatch.operations(for: patched, options: HardeningPatchOptions(readOnlyRootFilesystem: true)).isEmpty)
    }

    // MARK: - Explicit values

    @Test func explicitValuesStayAndNoOperationTouchesThem() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              automountServiceAccountToken: true
              securityContext:
                runAsNonRoot: false
                seccompProfile: {type: Unconfined}
              containers:
              - name: server
                image: registry.example/server:1.0
                securityContext:
                  allowPrivilegeEscalation: true
                  readOnlyRootFilesystem: false
                  capabilities:
                    drop: [ALL]
            """
        let object = try Self.object(pod)
        let operations = HardeningPatch.operations(for: object, options: HardeningPatchOptions(readOnlyRootFilesystem: true))
        let untouchable = [
            "/spec/automountServiceAccountToken", "/spec/securityContext/runAsNonRoot", "/spec/securityContext/seccompProfile",
            "/spec/containers/0/securityContext/allowPrivilegeEscalation", "/spec/containers/0/securityContext/readOnlyRootFilesystem",
            "/spec/containers/0/securityContext/capabilities", "/spec/volumes", "/spec/containers/0/volumeMounts",
        ]
        for operation in operations {
            #expect(!untouchable.contains { operation.path == $0 || operation.path.hasPrefix($0 + "/") }, "\(operation.path)")
        }
        // Only the missing IDs are added.
        #expect(operations.map(\.path) == ["/spec/securityContext/runAsUser", "/spec/securityContext/runAsGroup", "/spec/securityContext/fsGroup"])
        let patched = try Self.applied(operations, to: object)
        let context = patched["spec"]?["containers"]?.items.first?["securityContext"]
        #expect(context?["allowPrivilegeEscalation"]?.bool == true)
        #expect(context?["readOnlyRootFilesystem"]?.bool == false)
        #expect(patched["spec"]?["securityContext"]?["runAsNonRoot"]?.bool == false)
        #expect(patched["spec"]?["automountServiceAccountToken"]?.bool == true)
        #expect(Self.findings(patched).contains { $0.ruleId == "pss/allow-privilege-escalation" }, "the validator still sees it")
    }

    @Test func alreadyHardenedObjectGetsNoOperations() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              automountServiceAccountToken: false
              securityContext:
                runAsNonRoot: true
                runAsUser: 65532
                runAsGroup: 65532
                fsGroup: 65532
                seccompProfile: {type: Localhost, localhostProfile: profiles/model.json}
              containers:
              - name: server
                image: registry.example/server:1.0
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                volumeMounts:
                - {name: tmp, mountPath: /tmp}
              volumes:
              - {name: tmp, emptyDir: {}}
            """
        for readOnly in [false, true] {
            #expect(HardeningPatch.operations(for: try Self.object(pod), options: HardeningPatchOptions(readOnlyRootFilesystem: readOnly)).isEmpty)
        }
    }

    @Test func additionsTheAPIServerWouldRejectAreLeftOut() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: privileged
                image: registry.example/a:1.0
                securityContext: {privileged: true}
              - name: admin
                image: registry.example/b:1.0
                securityContext:
                  runAsUser: 0
                  capabilities: {add: [CAP_SYS_ADMIN]}
            """
        let object = try Self.object(pod)
        let operations = HardeningPatch.operations(for: object)
        let paths = operations.map(\.path)
        #expect(!paths.contains { $0.hasSuffix("allowPrivilegeEscalation") }, "\(paths)")
        guard case .object(let context)? = operations.first(where: { $0.path == "/spec/securityContext" })?.value else {
            Issue.record("no pod securityContext: \(paths)")
            return
        }
        #expect(!context.contains { $0.0 == "runAsNonRoot" }, "a container runs as UID 0 explicitly")
        // Nothing is removed: privileged and the capability stay for the validator to deny.
        let patched = try Self.applied(operations, to: object)
        #expect(patched["spec"]?["containers"]?.items.first?["securityContext"]?["privileged"]?.bool == true)
        #expect(Self.findings(patched).contains { $0.ruleId == "pss/privileged" })
    }

    @Test func tokenAutomountCanBeLeftAlone() throws {
        let object = try Self.object("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n\(Self.indented(Self.container, 2))")
        let operations = HardeningPatch.operations(for: object, options: HardeningPatchOptions(disableServiceAccountTokenAutomount: false))
        #expect(!operations.isEmpty)
        #expect(!operations.contains { $0.path.hasSuffix("automountServiceAccountToken") })
    }

    @Test func ephemeralContainersGetOnlyTheirSecurityContext() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              automountServiceAccountToken: false
              securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
              containers:
              - name: server
                image: registry.example/server:1.0
                securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                volumeMounts: [{name: tmp, mountPath: /tmp}]
              volumes: [{name: tmp, emptyDir: {}}]
              ephemeralContainers:
              - name: debugger
                image: busybox:1.36
                targetContainerName: server
            """
        let object = try Self.object(pod)
        let operations = HardeningPatch.operations(for: object, options: HardeningPatchOptions(readOnlyRootFilesystem: true))
        #expect(operations == [JSONPatchOperation(path: "/spec/ephemeralContainers/0/securityContext", value: .object([
            ("allowPrivilegeEscalation", .bool(false)), ("capabilities", .object([("drop", .array([.string("ALL")]))])),
        ]))])
    }

    @Test func debugSessionGetsOnlyTheNewEphemeralContainer() throws {
        let running = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: server
                image: registry.example/server:1.0
              ephemeralContainers:
              - name: first
                image: busybox:1.36
            """
        let debugged = running + "\n  - name: second\n    image: busybox:1.36\n"
        let operations = HardeningPatch.ephemeralContainerOperations(for: try Self.object(debugged), oldPod: try Self.object(running))
        #expect(operations == [JSONPatchOperation(path: "/spec/ephemeralContainers/1/securityContext", value: .object([
            ("allowPrivilegeEscalation", .bool(false)), ("capabilities", .object([("drop", .array([.string("ALL")]))])),
        ]))])
        #expect(HardeningPatch.ephemeralContainerOperations(for: try Self.object(debugged), oldPod: try Self.object(debugged)).isEmpty)
    }

    @Test func nodeAgentsAndWindowsPodsGetNoSecurityContext() throws {
        let agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: exporter}
            spec:
              template:
                spec:
                  hostNetwork: true
                  containers:
                  - name: exporter
                    image: registry.example/exporter:1.0
            """
        #expect(HardeningPatch.operations(for: try Self.object(agent)).map(\.path) == ["/spec/template/spec/automountServiceAccountToken"])
        let windows = """
            apiVersion: v1
            kind: Pod
            metadata: {name: w}
            spec:
              os: {name: windows}
              containers:
              - name: server
                image: registry.example/server:1.0
            """
        #expect(HardeningPatch.operations(for: try Self.object(windows)).isEmpty)
    }

    @Test func objectsWithoutPodSpecsGetNothing() throws {
        for yaml in ["apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}", "apiVersion: v1\nkind: ConfigMap", "[1, 2]"] {
            #expect(HardeningPatch.operations(for: try Self.object(yaml)).isEmpty)
        }
    }

    @Test func pointerTokensAreEscaped() {
        #expect(DocumentPatch.pointerToken("a/b~c") == "a~1b~0c")
        #expect(DocumentPatch.pointerToken("~1") == "~01")
        #expect(DocumentPatch.pointerToken("plain") == "plain")
    }

    @Test func nullFieldsCountAsMissing() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              securityContext: null
              containers:
              - name: server
                image: registry.example/server:1.0
                securityContext: {capabilities: null}
            """
        let object = try Self.object(pod)
        let operations = HardeningPatch.operations(for: object)
        #expect(operations.contains { $0.path == "/spec/securityContext" })
        #expect(operations.contains { $0.path == "/spec/containers/0/securityContext/capabilities" })
        let patched = try Self.applied(operations, to: object)
        #expect(Self.findings(patched).filter { Self.covered.contains($0.ruleId) }.isEmpty)
    }

    // MARK: - Corpora

    /// Every example of every Kubernetes rule (hundreds of small, odd objects of every kind) and the
    /// example stack: the patch applies, only adds, is idempotent, and never builds a combination
    /// the API server rejects. (`Tests/Fixtures` holds no Kubernetes objects.)
    @Test func everyExampleAndFixturePatchesCleanly() throws {
        var texts = KubernetesRules.descriptors.flatMap { ($0.failing + $0.passing).map { ("\($0.sourceLine)", $0.stripped.text) } }
        for file in TestInputs.manifestFiles([ExampleStack.insecure, ExampleStack.hardened]) {
            texts.append((file, try String(contentsOfFile: file, encoding: .utf8)))
        }
        var patchedPods = 0
        for (label, text) in texts {
            let read = YAMLReader.read(text)
            guard read.errors.isEmpty else { continue }
            for document in read.documents {
                guard let root = document.root, !root.isNull else { continue }
                for source in ManifestFixer.objects(in: root, file: label, helmSource: nil) where !PodSpecExtractor.podSpecs(in: source).isEmpty {
                    let object = HardeningPatch.yamlNode(source.root.jsonValue, at: source.root.position)
                    for options in [HardeningPatchOptions(), HardeningPatchOptions(readOnlyRootFilesystem: true)] {
                        let operations = HardeningPatch.operations(for: object, options: options)
                        guard case .success(let patched) = HardeningPatch.apply(operations, to: object) else {
                            Issue.record("\(label): \(source.displayName): the patch does not apply: \(operations.map(\.path))")
                            continue
                        }
                        if !operations.isEmpty { patchedPods += 1 }
                        #expect(Self.onlyAdds(object.jsonValue, patched.jsonValue), "\(label): \(source.displayName)")
                        #expect(HardeningPatch.operations(for: patched, options: options).isEmpty, "\(label): \(source.displayName) not idempotent")
                        for problem in Set(Self.rejectedCombinations(patched)).subtracting(Self.rejectedCombinations(object)).sorted() {
                            Issue.record("\(label): \(source.displayName): \(problem)")
                        }
                    }
                }
            }
        }
        #expect(patchedPods > 100)
    }

    /// What core validation of the API server rejects and an added field could cause:
    /// `allowPrivilegeEscalation: false` with `privileged: true` or `CAP_SYS_ADMIN`, and
    /// `runAsNonRoot: true` that applies to a container running as UID 0 (the kubelet refuses it).
    static func rejectedCombinations(_ node: YAMLNode) -> [String] {
        var problems: [String] = []
        for pod in pods(node) {
            for container in pod.containers {
                let context = container.securityContext
                if context?["allowPrivilegeEscalation"]?.bool == false, PodHardener.forbidsNoEscalation(context) {
                    problems.append("\(container.displayName): allowPrivilegeEscalation false with privileged or CAP_SYS_ADMIN")
                }
                let nonRoot = context?["runAsNonRoot"]?.bool ?? pod.securityContext?["runAsNonRoot"]?.bool
                let user = context?["runAsUser"]?.int ?? pod.securityContext?["runAsUser"]?.int
                if nonRoot == true && user == 0 {
                    problems.append("\(container.displayName): runAsNonRoot true with runAsUser 0")
                }
            }
        }
        return problems
    }
}
