import BulwarkTestSupport
import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct KubernetesLoaderTests {
    static let pod = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
      namespace: ml
    spec:
      containers:
        - name: c
          image: nginx:1.27
    """

    @Test func readsMultiDocumentYAMLWithPositions() throws {
        let inventory = KubernetesLoader.parse(text: Self.pod + "\n---\n" + Self.pod.replacingOccurrences(of: "name: p", with: "name: q"), file: "a.yaml")
        #expect(inventory.errors.isEmpty)
        try #require(inventory.objects.count == 2)
        #expect(inventory.objects[0].name == "p")
        #expect(inventory.objects[1].name == "q")
        #expect(inventory.objects[1].position.line == 11)
        let image = try #require(inventory.objects[1].root.at("spec")?["containers"]?.items.first?["image"])
        #expect(image.position == TextPosition(line: 19, column: 14))
    }

    @Test func readsJSONWithPositions() throws {
        let json = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {"name": "j", "namespace": "ml"},
          "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        }
        """
        let inventory = KubernetesLoader.parse(text: json, file: "pod.json")
        #expect(inventory.errors.isEmpty)
        let object = try #require(inventory.objects.first)
        #expect(object.kind == "Pod" && object.name == "j" && object.namespace == "ml")
        #expect(object.root["spec"]?.position.line == 5)
    }

    @Test func expandsKindListFromKubectl() {
        let list = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ServiceAccount
            metadata: {name: a, namespace: ml}
          - apiVersion: v1
            kind: ServiceAccount
            metadata: {name: b, namespace: ml}
        metadata:
          resourceVersion: ""
        """
        let inventory = KubernetesLoader.parse(text: list, file: "list.yaml")
        #expect(inventory.objects.map(\.name) == ["a", "b"])
        #expect(inventory.objects.map(\.position.line) == [4, 7])
    }

    @Test func keepsHelmSourceComments() {
        let rendered = """
        ---
        # Source: model/templates/serviceaccount.yaml
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: model}
        ---
        # Source: model/templates/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model}
        """
        let inventory = KubernetesLoader.parse(text: rendered, file: "rendered.yaml")
        #expect(inventory.objects.map(\.helmSource) == ["model/templates/serviceaccount.yaml", "model/templates/deployment.yaml"])
    }

    @Test func skipsAndCountsNonKubernetesYAML() {
        let inventory = KubernetesLoader.parse(text: "name: my-chart\nversion: 1.0.0\n---\n" + Self.pod, file: "Chart.yaml")
        #expect(inventory.objects.count == 1)
        #expect(inventory.skippedDocuments == 1)
        #expect(inventory.errors.isEmpty)
    }

    @Test func mergeKeysAndAnchorsResolveAsKubernetesDoes() throws {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: m}
        spec:
          containers:
            - &base
              name: a
              image: img:1
              securityContext: {privileged: true}
            - <<: *base
              name: b
        """
        let inventory = KubernetesLoader.parse(text: text, file: "m.yaml")
        let containers = try #require(inventory.objects.first?.root.at("spec", "containers")?.items)
        #expect(containers.map { $0["name"]?.string } == ["a", "b"])
        #expect(containers[1].at("securityContext", "privileged")?.bool == true)
    }

    @Test func yamlBooleansFollowGoYAMLv2() throws {
        let text = "a: yes\nb: \"true\"\nc: off\nd: True\ne: 1\n"
        let root = try #require(YAMLReader.read(text).documents.first?.root)
        #expect(root["a"]?.bool == true)
        #expect(root["b"]?.bool == nil)
        #expect(root["c"]?.bool == false)
        #expect(root["d"]?.bool == true)
        #expect(root["e"]?.bool == nil)
        #expect(root["e"]?.int == 1)
    }

    // MARK: - Bad input: an error with file:line:column, never a crash; the rest is still read.

    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let text: [UInt8]
        let line: Int
        let messageFragment: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "invalid YAML", text: Array("apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n".utf8), line: 4, messageFragment: "flow"),
        BadInput(name: "binary file", text: [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 64), line: 1, messageFragment: "binary"),
        BadInput(name: "invalid UTF-8", text: Array("kind: Pod\nname: ".utf8) + [0xff, 0xfe, 0xfd] + Array("\n".utf8), line: 2, messageFragment: "UTF-8"),
        BadInput(name: "tab indentation", text: Array("apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n".utf8), line: 4, messageFragment: "cannot start any token"),
        BadInput(name: "duplicate keys", text: Array("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n".utf8), line: 5, messageFragment: "duplicate key \"name\" (first defined at line 4)"),
        BadInput(name: "10,000-level nesting (flow)", text: Array(("a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8), line: 1, messageFragment: "nesting"),
        BadInput(name: "10,000-level nesting (block)", text: Array((0..<10_000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n").utf8), line: 513, messageFragment: "nesting"),
        BadInput(name: "alias bomb", text: Array(aliasBomb.utf8), line: 7, messageFragment: "alias expansion exceeds"),
        BadInput(name: "undefined alias", text: Array("a: *nope\n".utf8), line: 1, messageFragment: "alias"),
    ]

    static let aliasBomb: String = {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = "abcdefghij".map(String.init)
        for index in 1..<names.count {
            lines.append("\(names[index]): &\(names[index]) [" + Array(repeating: "*\(names[index - 1])", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test(arguments: badInputs)
    func badInputIsAnErrorWithAPosition(_ input: BadInput) throws {
        let inventory = KubernetesLoader.parse(bytes: input.text, file: "bad.yaml")
        let error = try #require(inventory.errors.first, "no error for \(input.name)")
        #expect(error.file == "bad.yaml")
        #expect(error.line == input.line)
        #expect(error.column != nil)
        #expect(error.message.contains(input.messageFragment), "message was: \(error.message)")
    }

    @Test func aBrokenDocumentDoesNotHideTheOthersInTheFile() {
        let text = Self.pod + "\n---\nkind: [broken\n---\n" + Self.pod.replacingOccurrences(of: "name: p", with: "name: after")
        let inventory = KubernetesLoader.parse(text: text, file: "mixed.yaml")
        #expect(inventory.errors.count == 1)
        #expect(inventory.errors.first?.line == 12)
        #expect(inventory.errors.first?.message.contains("started at line 11, column 7") == true)
        #expect(inventory.objects.map(\.name) == ["p", "after"])
    }

    @Test func oversizedFilesAreRefusedWithoutReadingThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let big = directory.appendingPathComponent("huge.yaml")
        _ = FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 100 << 20)  // 100 MiB, sparse
        try handle.close()
        try Self.pod.write(to: directory.appendingPathComponent("ok.yaml"), atomically: true, encoding: .utf8)

        let inventory = TestInputs.kubernetes([directory.path])
        #expect(inventory.objects.map(\.name) == ["p"])
        let error = try #require(inventory.errors.first)
        #expect(error.file.hasSuffix("huge.yaml"))
        #expect(error.message.contains("larger than the 32 MiB limit"))
        #expect(inventory.files == 2)
    }

    @Test func otherFilesAreStillScannedAfterBadOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, input) in Self.badInputs.enumerated() {
            try Data(input.text).write(to: directory.appendingPathComponent("bad-\(index).yaml"))
        }
        try Self.pod.write(to: directory.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
        let inventory = TestInputs.kubernetes([directory.path, directory.appendingPathComponent("missing.yaml").path])
        #expect(inventory.objects.map(\.name) == ["p"])
        #expect(inventory.errors.count == Self.badInputs.count + 1)
    }
}
