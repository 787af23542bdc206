@testable import BulwarkArtifacts
import BulwarkCore
import BulwarkTestSupport
import Foundation
import Testing

/// ONNX models from protobuf text format: external data that leaves the model's directory,
/// wherever the tensor sits, and operators that need custom-op libraries; detection that claims
/// no other bytes.
@Suite struct ONNXTests {
    static func model(_ text: String) throws -> [UInt8] {
        try ONNXExampleFormat().assemble(text).bytes
    }

    static func artifact(_ text: String) throws -> ModelArtifact {
        let bytes = try model(text)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .onnx)
        #expect(ModelDomain.isModel(Array(bytes.prefix(4096))))
        #expect(artifact.onnx != nil, "\(artifact.notes)")
        return artifact
    }

    static func initializer(location: String) -> String {
        """
        ir_version: 9
        producer_name: "pytorch"
        graph {
          name: "main"
          initializer { name: "w" data_type: 1 dims: 2 data_location: EXTERNAL
            external_data { key: "location" value: "\(location)" }
            external_data { key: "offset" value: "0" }
            external_data { key: "length" value: "8" } }
        }
        opset_import { version: 17 }
        """
    }

    static func escapes(_ artifact: ModelArtifact) -> [String] {
        ModelRules.onnxExternalDataEscape.check.run(ModelFile(path: "m.onnx", artifact: artifact, policy: .standard)).map(\.message)
    }

    @Test(arguments: [
        ("/etc/passwd", "absolute"),
        ("../secret.bin", "'..'"),
        ("weights/../../secret.bin", "'..'"),
        (#"..\\..\\secret.bin"#, "'..'"),
        (#"C:\\Windows\\win.ini"#, "absolute"),
        (#"\\\\server\\share\\w.bin"#, "absolute"),
    ])
    func escapingLocationIsFound(location: String, words: String) throws {
        let messages = Self.escapes(try Self.artifact(Self.initializer(location: location)))
        #expect(messages.count == 1)
        #expect(messages.first?.contains(words) == true, "\(messages)")
        #expect(messages.first?.contains(#"initializer "w" of main graph "main""#) == true, "\(messages)")
    }

    @Test(arguments: ["model.onnx.data", "weights/w.bin", "./a/../b.bin"])
    func locationInsideTheDirectoryIsFine(location: String) throws {
        #expect(Self.escapes(try Self.artifact(Self.initializer(location: location))) == [])
    }

    /// Tensors in node attributes, subgraphs (an If branch), sparse initializers, functions and
    /// training graphs are all walked.
    @Test func externalDataIsFoundEverywhereATensorCanBe() throws {
        let artifact = try Self.artifact("""
        ir_version: 9
        graph {
          name: "main"
          sparse_initializer {
            values { name: "sv" data_type: 1 data_location: EXTERNAL external_data { key: "location" value: "/a" } }
            indices { name: "si" data_type: 7 }
          }
          node {
            name: "if"
            op_type: "If"
            attribute {
              name: "then_branch"
              type: GRAPH
              g {
                name: "then"
                node { name: "c" op_type: "Constant" attribute { name: "value" type: TENSOR
                  t { name: "ct" data_type: 1 data_location: EXTERNAL external_data { key: "location" value: "/b" } } } }
              }
            }
            attribute { name: "ts" type: TENSORS tensors { name: "tl" data_location: EXTERNAL external_data { key: "location" value: "/c" } } }
          }
        }
        functions {
          name: "f"
          domain: "local"
          node { op_type: "Constant" attribute { name: "value" type: TENSOR
            t { name: "ft" data_location: EXTERNAL external_data { key: "location" value: "/d" } } } }
        }
        training_info {
          algorithm { name: "train" initializer { name: "tw" data_location: EXTERNAL external_data { key: "location" value: "/e" } } }
        }
        opset_import { version: 17 }
        """)
        let found = try #require(artifact.onnx).externalData
        #expect(found.map(\.location) == ["/a", "/b", "/c", "/d", "/e"])
        #expect(found[1].tensors == [#"attribute "value" of node "c" in subgraph of attribute "then_branch" of node "if" in main graph "main" "then""#])
        #expect(Self.escapes(artifact).count == 5)
    }

    @Test func symbolicLinkOutOfTheDirectoryIsFound() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outside = directory.deletingLastPathComponent().appendingPathComponent("bulwark-onnx-target-\(UUID().uuidString)")
        try Data([1, 2, 3, 4, 5, 6, 7, 8]).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("weights.bin"), withDestinationURL: outside)
        try Data([9]).write(to: directory.appendingPathComponent("inside.bin"))
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("alias.bin"),
                                                   withDestinationURL: directory.appendingPathComponent("inside.bin"))
        for (location, escapes) in [("weights.bin", true), ("alias.bin", false), ("missing.bin", false)] {
            let path = directory.appendingPathComponent("model.onnx").path
            try Data(try Self.model(Self.initializer(location: location))).write(to: URL(fileURLWithPath: path))
            var artifact = ModelArtifact(bytes: try Self.model(Self.initializer(location: location)))
            artifact.onnx?.resolveLinks(modelPath: path)
            let messages = Self.escapes(artifact)
            #expect(messages.count == (escapes ? 1 : 0), "\(location): \(messages)")
            if escapes { #expect(messages.first?.contains("symbolic link") == true) }
        }
    }

    @Test func customDomainsAreFoundOncePerOperator() throws {
        let artifact = try Self.artifact("""
        ir_version: 9
        graph {
          node { name: "a" op_type: "Relu" }
          node { name: "b" op_type: "Attention" domain: "com.microsoft" }
          node { name: "c" op_type: "MyOp" domain: "com.example" }
          node { name: "d" op_type: "MyOp" domain: "com.example" }
          node { name: "e" op_type: "Local" domain: "mine" }
          node { name: "loop" op_type: "Loop" attribute { name: "body" type: GRAPH g { node { name: "inner" op_type: "PyOp" domain: "ai.onnx.contrib" } } } }
        }
        functions { name: "Local" domain: "mine" node { op_type: "Add" } }
        opset_import { version: 17 }
        """)
        let operators = try #require(artifact.onnx).customOperators
        #expect(operators.map { "\($0.domain)/\($0.opType)/\($0.nodes)" } == ["com.example/MyOp/2", "ai.onnx.contrib/PyOp/1"])
        let messages = ModelRules.onnxCustomDomain.check.run(ModelFile(path: "m.onnx", artifact: artifact, policy: .standard))
        #expect(messages.count == 2)
        #expect(messages.first?.message.contains(#"node "c""#) == true)
    }

    @Test func otherBytesAreNotONNX() throws {
        var generator = Mutator(seed: 0x0111)
        for round in 0..<5000 {
            var bytes = (0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 { bytes[0] = 0x08 }
            #expect(!ONNXModel.looksLikeONNX(bytes), "\(bytes.prefix(16))")
        }
        let others: [[UInt8]] = [
            Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 40),
            [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E],
            SafetensorsTests.file("{}", data: 0),
            try GGUFTests.file("GGUF 3"),
            Array("\u{8}hello world".utf8),
        ]
        for bytes in others { #expect(!ONNXModel.looksLikeONNX(bytes)) }
    }

    /// FuzzModel: a graph field whose first inner length is near 2^64 overflowed the walk's bound.
    @Test func hugeLengthsInTheHeadAreNotAGraph() throws {
        let bytes = try #require(Data(base64Encoded: "CAg6Mgr///////////99cQAoWAEAAAB3cQFdcQIoTj/gAAAAAABheA=="))
        #expect(!ONNXModel.looksLikeONNX(Array(bytes)))
        #expect(!ONNXModel.looksLikeONNX([0x08, 0x08, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x0A, 0x02, 0, 0]))
        _ = ModelArtifact(bytes: Array(bytes))
    }

    @Test func fileDetectedButUndecodableIsANote() throws {
        var bytes = try Self.model(Self.initializer(location: "w.bin"))
        bytes.removeLast(5)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .onnx)
        #expect(artifact.onnx == nil)
        #expect(artifact.notes.first?.contains("cannot be decoded") == true)
    }

    /// Subgraphs nested beyond the decoder's depth limit are refused, not recursed into.
    @Test func deeplyNestedGraphsAreRefused() throws {
        var graph = "node { op_type: \"Relu\" }"
        for _ in 0..<25 { graph = "node { op_type: \"If\" attribute { name: \"then_branch\" type: GRAPH g { \(graph) } } }" }
        let artifact = ModelArtifact(bytes: try Self.model("ir_version: 9 graph { \(graph) }"))
        #expect(artifact.format == .onnx)
        #expect(artifact.notes.first?.contains("cannot be decoded") == true)
    }

    @Test func mutatedModelsNeverCrash() throws {
        let seeds = [
            try Self.model(Self.initializer(location: "../x")),
            try Self.model(#"ir_version: 8 graph { node { op_type: "X" domain: "d" attribute { name: "g" type: GRAPH g { node { op_type: "Y" } } } } }"#),
        ]
        var mutator = Mutator(seed: 0x0_88)
        for iteration in 0..<3000 {
            let artifact = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
            let file = ModelFile(path: "m.onnx", artifact: artifact, policy: .standard)
            _ = ModelRules.onnxExternalDataEscape.check.run(file)
            _ = ModelRules.onnxCustomDomain.check.run(file)
        }
    }
}

/// Large models are decoded without their initializers' weights; nothing the rules read changes.
@Suite struct ONNXWeightStripperTests {
    @Test func strippedModelKeepsEverythingButRawData() throws {
        let text = """
        ir_version: 9
        producer_name: "pytorch"
        graph {
          name: "main"
          node { name: "n" input: "x" output: "y" op_type: "Custom" domain: "com.example"
            attribute { name: "value" type: TENSOR t { name: "k" raw_data: "keep" } } }
          initializer { name: "w" data_type: 1 dims: 1 raw_data: "abcd" }
          initializer { name: "e" data_location: EXTERNAL external_data { key: "location" value: "../e.bin" } }
          sparse_initializer { values { name: "sv" raw_data: "vvvv" } indices { name: "si" raw_data: "iiii" } dims: 4 }
        }
        opset_import { version: 17 }
        """
        let bytes = try ONNXExampleFormat().assemble(text).bytes
        let stripped = try #require(WeightStripper.strip(ModelBytes(bytes)))
        #expect(stripped.count < bytes.count)
        let full = try ONNXModel.decodeProto(bytes)
        var expected = full
        for index in expected.graph.initializer.indices { expected.graph.initializer[index].clearRawData() }
        for index in expected.graph.sparseInitializer.indices {
            expected.graph.sparseInitializer[index].values.clearRawData()
            expected.graph.sparseInitializer[index].indices.clearRawData()
        }
        #expect(try ONNXModel.decodeProto(stripped) == expected)
        #expect(expected.graph.node[0].attribute[0].t.rawData == Data("keep".utf8))
    }

    @Test func malformedBytesAreNotStripped() throws {
        let bytes = try ONNXExampleFormat().assemble("ir_version: 9 graph { name: \"g\" initializer { raw_data: \"abcd\" } }").bytes
        #expect(WeightStripper.strip(ModelBytes(Array(bytes.dropLast(2)))) == nil)
        var mutator = Mutator(seed: 0x57)
        for _ in 0..<2000 { _ = WeightStripper.strip(ModelBytes(mutator.mutate(bytes))) }
    }
}
