import BulwarkCore
@testable import BulwarkKubernetes
import Testing

/// Strategic merge and JSON patch over YAML trees, each directive and merge key on its own, and
/// the file every node of the result comes from.
@Suite struct StrategicMergeTests {
    func parse(_ text: String) throws -> YAMLNode {
        try #require(YAMLReader.read(text).documents.first?.root)
    }

    func merge(_ base: String, _ patch: String, kind: String = "Deployment") throws -> (YAMLNode?, NodeOrigins, YAMLNode) {
        var origins = NodeOriginsBuilder()
        let patchRoot = try parse(patch)
        origins.record(tree: patchRoot, file: "patch.yaml")
        let merged = StrategicMerge(mergesLists: StrategicMerge.builtInKinds.contains(kind))
            .mergeObject(try parse(base), patch: patchRoot, origins: &origins)
        return (merged, origins.build(), patchRoot)
    }

    static let base = """
    kind: Deployment
    metadata: {name: app, labels: {a: "1", b: "2"}}
    spec:
      template:
        spec:
          containers:
            - name: server
              image: server:1
              env: [{name: A, value: "1"}, {name: B, value: "2"}]
              ports: [{containerPort: 80, protocol: TCP}]
              volumeMounts: [{mountPath: /data, name: data}]
            - name: sidecar
              image: sidecar:1
          tolerations: [{key: x}]
    """

    @Test func listsMergeByTheirKeysAndMapsRecursively() throws {
        let (merged, origins, _) = try merge(Self.base, """
        kind: Deployment
        metadata: {name: app, labels: {b: null, c: "3"}}
        spec:
          template:
            spec:
              containers:
                - name: server
                  env: [{name: B, value: "20"}, {name: C, value: "3"}]
                  ports: [{containerPort: 80, name: http}]
                  volumeMounts: [{mountPath: /data, readOnly: true}]
              tolerations: [{key: y}]
        """)
        let root = try #require(merged)
        #expect(root.at("metadata", "labels")?.stringMap == ["a": "1", "c": "3"])
        let containers = root.at("spec", "template", "spec", "containers")?.items ?? []
        #expect(containers.compactMap { $0["name"]?.string } == ["server", "sidecar"])
        let server = try #require(containers.first)
        #expect(server["image"]?.string == "server:1")
        #expect(server["env"]?.items.compactMap { $0["value"]?.string } == ["20", "3", "1"])
        #expect(server["ports"]?.items.count == 1)
        #expect(server["ports"]?.items.first?["name"]?.string == "http")
        #expect(server["ports"]?.items.first?["protocol"]?.string == "TCP")
        #expect(server["volumeMounts"]?.items.first?["readOnly"]?.bool == true)
        #expect(server["volumeMounts"]?.items.first?["name"]?.string == "data")
        // A list without a merge key is replaced.
        #expect(root.at("spec", "template", "spec", "tolerations")?.items.compactMap { $0["key"]?.string } == ["y"])
        // Values keep their files: the patch's value is the patch's, the base's image the base's.
        let readOnly = try #require(server["volumeMounts"]?.items.first?["readOnly"])
        #expect(origins.file(of: readOnly) == "patch.yaml")
        #expect(server["image"].flatMap(origins.file(of:)) == nil)
    }

    @Test func directives() throws {
        let (merged, _, _) = try merge(Self.base, """
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              containers:
                - name: sidecar
                  $patch: delete
                - name: server
                  env:
                    - name: A
                      $patch: delete
                  securityContext: {runAsNonRoot: true}
        """)
        let root = try #require(merged)
        let containers = root.at("spec", "template", "spec", "containers")?.items ?? []
        #expect(containers.compactMap { $0["name"]?.string } == ["server"])
        #expect(containers.first?["env"]?.items.compactMap { $0["name"]?.string } == ["B"])
        #expect(containers.first?.at("securityContext", "runAsNonRoot")?.bool == true)
        #expect(containers.first?["$patch"] == nil)

        let (replaced, _, _) = try merge(Self.base, """
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              $patch: replace
              containers: [{name: only, image: only:1}]
        """)
        let spec = try #require(replaced?.at("spec", "template", "spec"))
        #expect(spec["tolerations"] == nil)
        #expect(spec["$patch"] == nil)
        #expect(spec["containers"]?.items.compactMap { $0["name"]?.string } == ["only"])

        let (listReplaced, _, _) = try merge(Self.base, """
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              containers:
                - $patch: replace
                - {name: only, image: only:1}
        """)
        #expect(listReplaced?.at("spec", "template", "spec", "containers")?.items.compactMap { $0["name"]?.string } == ["only"])

        let (deleted, _, _) = try merge(Self.base, "kind: Deployment\nmetadata: {name: app}\n$patch: delete\n")
        #expect(deleted == nil)
    }

    @Test func customResourcesReplaceLists() throws {
        let (merged, _, _) = try merge("""
        kind: InferenceService
        spec: {predictor: {containers: [{name: a, image: a:1}, {name: b, image: b:1}]}}
        """, """
        kind: InferenceService
        spec: {predictor: {containers: [{name: a, image: a:2}]}}
        """, kind: "InferenceService")
        #expect(merged?.at("spec", "predictor", "containers")?.items.compactMap { $0["image"]?.string } == ["a:2"])
    }

    @Test func jsonPatchOperations() throws {
        var origins = NodeOriginsBuilder()
        let base = try parse("""
        spec:
          containers: [{name: a, image: a:1}]
          keep: {x: 1}
          "a/b": {"m~n": 1}
        """)
        let operations = try parse("""
        - {op: add, path: /spec/containers/-, value: {name: b, image: b:1}}
        - {op: add, path: /spec/containers/0, value: {name: first, image: f:1}}
        - {op: replace, path: /spec/containers/1/image, value: a:2}
        - {op: copy, from: /spec/keep, path: /spec/copied}
        - {op: move, from: /spec/keep, path: /spec/moved}
        - {op: remove, path: /spec/a~1b/m~0n}
        - {op: test, path: /spec/moved/x, value: 1}
        """)
        let result = try JSONPatch(operations: operations.items).apply(to: base, origins: &origins).get()
        let spec = try #require(result["spec"])
        #expect(spec["containers"]?.items.compactMap { $0["name"]?.string } == ["first", "a", "b"])
        #expect(spec["containers"]?.items[1]["image"]?.string == "a:2")
        #expect(spec["keep"] == nil)
        #expect(spec.at("copied", "x")?.int == 1)
        #expect(spec.at("moved", "x")?.int == 1)
        #expect(spec["a/b"]?.pairs?.isEmpty == true)

        let failing = try parse("""
        - {op: test, path: /spec/keep/x, value: 2}
        """)
        guard case .failure(let failure) = JSONPatch(operations: failing.items).apply(to: base, origins: &origins) else {
            Issue.record("a failed test must stop the patch")
            return
        }
        #expect(failure.message.contains("operation 1"))
        #expect(failure.node.position.line == 1)
        for broken in ["- {op: add, path: /spec/containers/9, value: 1}", "- {op: remove, path: /nothing}", "- {op: frobnicate, path: /spec}",
                       "- {op: replace, path: spec}", "- {op: replace, path: /spec/containers/9, value: 1}", "- {path: /spec}", "- scalar", "- {op: add, path: /spec/containers/0/image/x, value: 1}"] {
            let operations = try parse(broken)
            if case .success = JSONPatch(operations: operations.items).apply(to: base, origins: &origins) {
                Issue.record("\(broken) must fail")
            }
        }
    }

    /// kustomize adds a member that `replace` names and the object lacks (checked with kubectl
    /// kustomize v5.5 on an operator's overlay); a missing list item is still an error.
    @Test func replaceOfAMissingMemberAddsItAsKustomizeDoes() throws {
        var origins = NodeOriginsBuilder()
        let base = try parse("spec:\n  containers: [{name: a, image: a:1}]\n")
        let operations = try parse("- {op: replace, path: /spec/containers/0/imagePullPolicy, value: IfNotPresent}")
        guard case .success(let patched) = JSONPatch(operations: operations.items).apply(to: base, origins: &origins) else {
            Issue.record("replace of a missing member must add it")
            return
        }
        #expect(patched.at("spec", "containers")?.items.first?["imagePullPolicy"]?.string == "IfNotPresent")
    }

    @Test func pathsAndSelectors() {
        #expect(KustomizePath.join("overlays/prod", "../../base") == "base")
        #expect(KustomizePath.join("./overlays/prod", "../base/x.yaml") == "./overlays/base/x.yaml")
        #expect(KustomizePath.key("./overlays/base/x.yaml") == "overlays/base/x.yaml")
        #expect(KustomizePath.join("", "x.yaml") == "x.yaml")
        #expect(KustomizePath.join("/srv/k8s", "/abs.yaml") == "/abs.yaml")
        #expect(KustomizePath.join("a", "../../x") == "../x")
        #expect(KustomizePath.isRemote("github.com/org/repo//deploy?ref=v1"))
        #expect(!KustomizePath.isRemote("../base"))
        let selector = SelectorExpression("app=web, tier in (a, b), !canary, env!=dev, team")
        #expect(selector.matches(["app": "web", "tier": "b", "env": "prod", "team": "x"]))
        #expect(!selector.matches(["app": "web", "tier": "c", "team": "x"]))
        #expect(!selector.matches(["app": "web", "tier": "a", "canary": "1", "team": "x"]))
        #expect(NamePattern("model-.*").matches("model-server"))
        #expect(!NamePattern("model-.*").matches("a-model-server"))
        #expect(NamePattern("plain").matches("plain"))
        #expect(!NamePattern("[unclosed").matches("x"))
        #expect(ImageParts("registry:5000/ml/server:1.0@sha256:abc").name == "registry:5000/ml/server")
        #expect(ImageParts("registry:5000/ml/server").suffix == "")
    }
}
