import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// Complex mapping keys (`? [a, b]` / `: value`, `? {x: 1}: y`, `[a, b]: c`) are valid YAML that
/// `bulwark fix manifests` once answered with "internal error" and no line. Now a document with
/// them is fixed with the keys kept, and a document that cannot be rewritten is an input error
/// at its key while the other documents are still fixed.
@Suite struct ManifestFixerComplexKeyTests {
    static func deployment(name: String, podSpecHead: String = "", containerHead: String = "", metadataExtra: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: ml\(metadataExtra)
        spec:
          template:
            spec:\(podSpecHead)
              containers:
                - name: server
                  image: registry.example.com/server:1.0\(containerHead)

        """
    }

    static let cases: [(String, String)] = [
        ("explicit flow-sequence key first in the pod spec", deployment(name: "a", podSpecHead: "\n      ? [a, b]\n      : value")),
        ("explicit key spanning lines", deployment(name: "b", podSpecHead: "\n      ? [a,\n         b]\n      : value")),
        ("explicit mapping key in the annotations", deployment(name: "c", metadataExtra: "\n  annotations:\n    ? {x: 1}: y")),
        ("implicit flow key", deployment(name: "d", podSpecHead: "\n      [a, b]: value")),
        ("explicit key first in a container's securityContext",
         deployment(name: "e", containerHead: "\n          securityContext:\n            ? [k]\n            : v")),
        ("complex key inside a flow mapping that is rewritten",
         deployment(name: "f", containerHead: "\n          securityContext: {[k]: v, privileged: true}")),
    ]

    @Test(arguments: cases)
    func documentsWithComplexKeysAreFixedAndKeepTheirKeys(_ name: String, _ text: String) throws {
        let result = ManifestFixer().fix(text: text, file: "deploy.yaml")
        #expect(result.errors.isEmpty, "\(name): \(result.errors)")
        #expect(result.isChanged, "\(name)")
        let fixed = try #require(YAMLReader.read(result.fixed).documents.first?.root, "\(name): \(result.fixed)")
        #expect(YAMLReader.read(result.fixed).errors.isEmpty, "\(name): \(result.fixed)")
        // The complex keys are still there, with their values.
        let original = try #require(YAMLReader.read(text).documents.first?.root)
        #expect(Self.complexPairs(fixed) == Self.complexPairs(original), "\(name): \(result.fixed)")
        // The pod passes the restricted level, and a second run changes nothing.
        let inventory = KubernetesLoader.parse(text: result.fixed, file: "deploy.yaml")
        for pod in inventory.objects.flatMap(PodSpecExtractor.podSpecs(in:)) {
            #expect(PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .latest).allowed, "\(name): \(result.fixed)")
        }
        let again = ManifestFixer().fix(text: result.fixed, file: "deploy.yaml")
        #expect(again.fixed == result.fixed, "\(name): \(LineDiff.unified(old: result.fixed, new: again.fixed, oldLabel: "1", newLabel: "2"))")
    }

    /// The complex keys of a tree with their values, as JSON-like text.
    static func complexPairs(_ root: YAMLNode) -> [String] {
        var found: [String] = []
        var stack = [root]
        while let node = stack.popLast() {
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack += items
            case .mapping(let pairs):
                for pair in pairs {
                    if pair.key.scalar == nil { found.append("\(pair.key.jsonValue) => \(pair.value.jsonValue)") }
                    stack.append(pair.value)
                }
            }
        }
        return found.sorted()
    }

    /// A flow-style document is written again as JSON, which cannot hold a complex key: that
    /// document is an input error at the key, and the documents around it are still fixed.
    @Test func aDocumentThatCannotBeRewrittenIsAnErrorAtItsKeyAndTheOthersAreFixed() throws {
        let flow = """
        {apiVersion: v1, kind: Pod, metadata: {name: flow, namespace: ml},
         spec: {? [a, b] : c, containers: [{name: s, image: "registry.example.com/s:1"}]}}

        """
        let text = Self.deployment(name: "before") + "---\n" + flow + "---\n" + Self.deployment(name: "after")
        let result = ManifestFixer().fix(files: [ManifestFixInput(file: "mixed.yaml", bytes: Array(text.utf8))])[0]
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.file == "mixed.yaml")
        #expect(error.line == 14)
        #expect(error.column == 11)
        #expect(error.message == "complex mapping key at 14:11; bulwark fix cannot rewrite this document (a flow-style document is written again as JSON, which has no complex keys); left unchanged")
        #expect(!error.message.contains("internal error"))
        #expect(result.isPartial)
        // The two Deployments are fixed; the flow document is exactly as it was.
        #expect(result.fixed.contains(flow))
        let inventory = KubernetesLoader.parse(text: result.fixed, file: "mixed.yaml")
        #expect(inventory.errors.isEmpty)
        let fixedNames = inventory.objects.filter { object in
            PodSpecExtractor.podSpecs(in: object).allSatisfy {
                PodSecurityEvaluator.evaluate(pod: $0, level: .restricted, version: .latest).allowed
            }
        }.map(\.name)
        #expect(fixedNames == ["before", "after"])
        // No change notes for the document left alone.
        #expect(!result.changes.contains { (12..<15).contains($0.line) })
        #expect(result.changes.contains { $0.line > 15 })
    }

    @Test func theDocumentErrorOfTheObjectsPassHasAPositionToo() throws {
        // A Service publishing a model server is fixed in the objects pass; its flow form
        // with a complex key cannot be written back as JSON.
        let text = Self.deployment(name: "vllm") + """
        ---
        {apiVersion: v1, kind: Service, metadata: {name: vllm, namespace: ml},
         spec: {? [x] : y, type: LoadBalancer, selector: {app: vllm}, ports: [{port: 8000}]}}

        """
        let result = ManifestFixer().fix(files: [ManifestFixInput(file: "svc.yaml", bytes: Array(text.utf8))])[0]
        for error in result.errors {
            #expect(error.line != nil && error.column != nil, "\(error)")
            #expect(!error.message.contains("internal error"), "\(error)")
        }
        #expect(!result.warnings.contains { $0.message.contains("internal error") })
    }
}
