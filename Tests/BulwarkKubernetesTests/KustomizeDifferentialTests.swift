import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// kubectl, when PATH has it.
private let kubectlOnPath: String? = {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(directory)/kubectl"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}()

/// Bulwark's Kustomize step against `kubectl kustomize` (kustomize built into kubectl) on the same
/// trees: the rendered objects must be equal as JSON values. Runs when kubectl is on PATH.
@Suite(.enabled(if: kubectlOnPath != nil, "kubectl is not on PATH"))
struct KustomizeDifferentialTests {
    static var kubectl: String? { kubectlOnPath }

    /// Writes the files, renders `root` both ways and compares.
    func compare(_ files: [String: String], root: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-kdiff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var inventory = Inventory()
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            if name.hasPrefix(root + "/") { inventory.merge(KubernetesLoader.parse(text: text, file: url.path)) }
        }
        let rendered = Kustomize.render(inventory)
        #expect(rendered.errors.isEmpty, "\(rendered.errors)")
        #expect(rendered.warnings.isEmpty, "\(rendered.warnings)")
        let kubectl = try #require(Self.kubectl)
        let result = try CommandRunner.runTool(kubectl, ["kustomize", directory.appendingPathComponent(root).path])
        try #require(result.status == 0, "\(result.stderr)")
        let expected = YAMLReader.read(result.stdout).documents.compactMap(\.root).map { Self.keyed($0.jsonValue) }
        let actual = rendered.objects.map { Self.keyed($0.root.jsonValue) }
        #expect(Dictionary(actual, uniquingKeysWith: { a, _ in a }).keys.sorted() == Dictionary(expected, uniquingKeysWith: { a, _ in a }).keys.sorted())
        let mine = Dictionary(actual, uniquingKeysWith: { a, _ in a })
        for (key, value) in expected {
            #expect(mine[key] == value, "\(key):\nBulwark:  \(String(describing: mine[key]))\nkubectl:  \(value)")
        }
    }

    /// `kind/namespace/name` and the value with object keys sorted.
    static func keyed(_ value: JSONValue) -> (String, JSONValue) {
        let sorted = sortedKeys(value)
        guard case .object(let pairs) = sorted else { return ("?", sorted) }
        func field(_ name: String, in pairs: [(String, JSONValue)]) -> JSONValue? { pairs.first { $0.0 == name }?.1 }
        var metadata: [(String, JSONValue)] = []
        if case .object(let inner)? = field("metadata", in: pairs) { metadata = inner }
        func text(_ value: JSONValue?) -> String { if case .string(let s)? = value { s } else { "" } }
        return ("\(text(field("kind", in: pairs)))/\(text(field("namespace", in: metadata)))/\(text(field("name", in: metadata)))", sorted)
    }

    static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let pairs): .object(pairs.map { ($0.0, sortedKeys($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): .array(items.map(sortedKeys))
        default: value
        }
    }

    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app, labels: {app: x}}
    spec:
      selector: {matchLabels: {app: x}}
      template:
        metadata: {labels: {app: x}}
        spec:
          serviceAccountName: sa
          volumes: [{name: v, emptyDir: {}}, {name: c, configMap: {name: settings}}]
          containers:
            - name: server
              image: server:1
              env: [{name: A, value: "1"}, {name: B, valueFrom: {secretKeyRef: {name: token, key: t}}}]
              ports: [{containerPort: 80}]
              volumeMounts: [{mountPath: /data, name: v}]
            - {name: sidecar, image: "sidecar@sha256:0000"}
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: sa}
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data: {a: b}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: x}
      ports: [{port: 80, targetPort: 8080}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: rb}
    roleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}
    subjects: [{kind: ServiceAccount, name: sa}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: r}
    rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
    """

    @Test func transformersAndStrategicMerge() throws {
        try compare([
            "app/resources.yaml": Self.deployment,
            "app/patch.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app}
            spec:
              template:
                spec:
                  containers:
                    - name: server
                      env: [{name: A, $patch: delete}, {name: C, value: "3"}]
                      ports: [{containerPort: 80, name: http}, {containerPort: 9090}]
                      volumeMounts: [{mountPath: /data, readOnly: true}]
                      securityContext: {runAsNonRoot: true, privileged: null}
                    - {name: sidecar, $patch: delete}
                  volumes: [{name: extra, emptyDir: {}}]
            """,
            "app/kustomization.yaml": """
            resources: [resources.yaml]
            namespace: serving
            namePrefix: p-
            nameSuffix: -s
            commonLabels: {team: ml}
            labels: [{pairs: {tier: model}, includeTemplates: true}]
            commonAnnotations: {owner: ml}
            images: [{name: server, newName: registry.example.com/server, newTag: "2.0"}]
            replicas: [{name: app, count: 3}]
            patchesStrategicMerge: [patch.yaml]
            """,
        ], root: "app")
    }

    @Test func jsonPatchesOverlaysAndComponents() throws {
        try compare([
            "base/resources.yaml": Self.deployment,
            "base/kustomization.yaml": "resources: [resources.yaml]\nnamePrefix: base-\n",
            "component/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            patches:
              - target: {kind: Service}
                patch: |-
                  - {op: replace, path: /spec/ports/0/targetPort, value: 8443}
            """,
            "overlay/json.yaml": """
            - {op: add, path: /spec/template/spec/containers/-, value: {name: debug, image: "busybox:1.36"}}
            - {op: remove, path: /spec/template/spec/volumes/1}
            - {op: copy, from: /metadata/labels, path: /metadata/annotations}
            - {op: test, path: /spec/template/spec/containers/0/name, value: server}
            """,
            "overlay/kustomization.yaml": """
            resources: [../base]
            components: [../component]
            namespace: prod
            patches:
              - path: json.yaml
                target: {group: apps, kind: Deployment, name: ".*app"}
              - patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: app}
                  spec:
                    template:
                      spec:
                        containers:
                          - name: server
                            securityContext: {privileged: true}
            """,
        ], root: "overlay")
    }

    @Test func otherKindsAndDirectives() throws {
        try compare([
            "app/resources.yaml": """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 0 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: job, image: "trainer:1"}, {name: helper, image: "helper@sha256:1111"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: headless}
            spec: {type: ExternalName, externalName: example.com}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: reader}
            roleRef: {kind: ClusterRole, name: reader, apiGroup: rbac.authorization.k8s.io}
            subjects: [{kind: ServiceAccount, name: runner, namespace: old}, {kind: ServiceAccount, name: other}, {kind: ServiceAccount, name: runner, namespace: default}, {kind: User, name: u}]
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: runner}
            ---
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: model}
            spec:
              predictor:
                containers: [{name: a, image: "a:1"}, {name: b, image: "b:1"}]
            """,
            "app/patches.yaml": """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      $patch: replace
                      restartPolicy: OnFailure
                      containers: [{name: job, image: "trainer:2", securityContext: {runAsNonRoot: true}}]
            ---
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: model}
            spec:
              predictor:
                containers: [{name: a, image: "a:2"}]
            """,
            "app/kustomization.yaml": """
            resources: [resources.yaml]
            namespace: jobs
            commonLabels: {env: prod}
            labels:
              - pairs: {team: ml}
            commonAnnotations: {owner: ml}
            images:
              - {name: trainer, digest: "sha256:2222"}
              - {name: a, newName: registry.example.com/a}
            patchesStrategicMerge: [patches.yaml]
            """,
        ], root: "app")
    }

    @Test func namesAndTheirReferences() throws {
        try compare([
            "app/resources.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  imagePullSecrets: [{name: pull}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}, {name: s, secret: {secretName: pull}}]
                  containers:
                    - name: db
                      image: db:1
                      envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: pull}}, {configMapRef: {name: external}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: pull}
            type: kubernetes.io/dockerconfigjson
            data: {.dockerconfigjson: e30=}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec: {selector: {app: db}, ports: [{port: 5432}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: db, port: {number: 5432}}}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: data}
            """,
            "app/kustomization.yaml": """
            resources: [resources.yaml]
            namePrefix: team-
            """,
        ], root: "app")
    }
}
