import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// Mutation fuzzing of the Kustomize step: a mutated kustomization (inline strategic-merge and
/// JSON patches, every transformer) over mutated resources never crashes, and every problem it
/// reports has a position.
@Suite struct KustomizeFuzzTests {
    static let kustomization = """
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources: [deployment.yaml, ../elsewhere, https://example.com/x.yaml]
    namespace: serving
    namePrefix: p-
    nameSuffix: -s
    commonLabels: {team: ml}
    labels: [{pairs: {tier: model}, includeTemplates: true}]
    commonAnnotations: {owner: ml}
    images: [{name: server, newName: registry.example.com/server, newTag: "2.0"}, {name: sidecar, digest: "sha256:0"}]
    replicas: [{name: app, count: 3}]
    vars: []
    patches:
      - target: {kind: Deployment, name: "a.*", labelSelector: "app in (x, y), !z"}
        patch: |-
          - {op: add, path: /spec/template/spec/containers/-, value: {name: x, image: x:1}}
          - {op: move, from: /spec/template/spec/containers/0, path: /spec/template/spec/containers/1}
          - {op: test, path: /metadata/name, value: app}
      - patch: |-
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: app}
          spec:
            template:
              spec:
                $patch: merge
                containers:
                  - {name: server, env: [{name: A, $patch: delete}, {name: B, value: "2"}], ports: [{containerPort: 80, $patch: replace}]}
                  - {name: sidecar, $patch: delete}
                volumes: [{name: v, emptyDir: null}]
    patchesStrategicMerge:
      - |-
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: sa}
        automountServiceAccountToken: false
    """

    static let resources = """
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
            - {name: server, image: server:1, env: [{name: A, value: "1"}], ports: [{containerPort: 80}]}
            - {name: sidecar, image: "sidecar@sha256:1"}
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: sa}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: rb}
    roleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}
    subjects: [{kind: ServiceAccount, name: sa}]
    """

    @Test(arguments: 0..<4)
    func mutatedKustomizationsNeverCrash(shard: Int) {
        var mutator = Mutator(seed: 0x6B75_0000 + UInt64(shard))
        let scanner = KubernetesScanner()
        for iteration in 0..<250 {
            var kustomization = Array(Self.kustomization.utf8)
            var resources = Array(Self.resources.utf8)
            if iteration % 3 != 2 { kustomization = mutator.mutate(kustomization) }
            if iteration % 3 != 0 { resources = mutator.mutate(resources) }
            var inventory = KubernetesLoader.parse(bytes: kustomization, file: "fuzz/app/kustomization.yaml")
            inventory.merge(KubernetesLoader.parse(bytes: resources, file: "fuzz/app/deployment.yaml"))
            let rendered = Kustomize.render(inventory)
            #expect(rendered.kustomizations.isEmpty)
            for error in rendered.errors { #expect((error.line ?? 1) >= 1, "\(error)") }
            for warning in rendered.warnings { #expect((warning.line ?? 0) >= 1, "\(warning)") }
            for finding in scanner.scan(rendered) { #expect(finding.location.line >= 1) }
        }
    }

    @Test func theSeedRendersCleanly() {
        var inventory = KubernetesLoader.parse(text: Self.kustomization, file: "fuzz/app/kustomization.yaml")
        inventory.merge(KubernetesLoader.parse(text: Self.resources, file: "fuzz/app/deployment.yaml"))
        let rendered = Kustomize.render(inventory)
        // The missing `../elsewhere` is the only error; the remote resource and vars are warnings.
        #expect(rendered.errors.map(\.message) == ["resource ../elsewhere not found"])
        #expect(rendered.warnings.count == 2)
        let deployment = rendered.objects.first { $0.kind == "Deployment" }
        #expect(deployment?.name == "p-app-s")
        #expect(deployment?.namespace == "serving")
        let spec = deployment?.root.at("spec", "template", "spec")
        #expect(spec?["serviceAccountName"]?.string == "p-sa-s")
        #expect(spec?["containers"]?.items.compactMap { $0["name"]?.string } == ["server", "x"])
        #expect(spec?["containers"]?.items.first?["image"]?.string == "registry.example.com/server:2.0")
        #expect(spec?["containers"]?.items.first?["env"]?.items.compactMap { $0["name"]?.string } == ["B"])
        #expect(deployment?.root.at("spec", "replicas")?.int == 3)
        #expect(deployment?.root.at("spec", "selector", "matchLabels")?.stringMap == ["app": "x", "team": "ml"])
        #expect(deployment?.root.at("spec", "template", "metadata", "labels")?.stringMap == ["app": "x", "team": "ml", "tier": "model"])
        #expect(deployment?.annotations["owner"] == "ml")
        let binding = rendered.objects.first { $0.kind == "RoleBinding" }
        #expect(binding?.root["roleRef"]?["name"]?.string == "r")
        #expect(binding?.root["subjects"]?.items.first?["name"]?.string == "p-sa-s")
        #expect(binding?.root["subjects"]?.items.first?["namespace"]?.string == "serving")
        let account = rendered.objects.first { $0.kind == "ServiceAccount" }
        #expect(account?.root["automountServiceAccountToken"]?.bool == false)
        #expect(account?.location(of: account?.root["automountServiceAccountToken"]).line == 36)
        #expect(account?.location(of: account?.root["automountServiceAccountToken"]).file == "fuzz/app/kustomization.yaml")
    }
}
