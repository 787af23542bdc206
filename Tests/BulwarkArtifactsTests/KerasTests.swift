import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// Keras v3 `.keras` archives: the config is read with its byte offsets and each object naming a
/// callable is listed; the rules' own examples (RuleExamples) check the findings.
@Suite struct KerasTests {
    /// A `.keras` archive as Python's zipfile writes it (Keras's own writer), optionally deflated.
    static func keras(_ config: String, deflated: Bool = false) throws -> [UInt8] {
        try ModelArtifactTests.python("""
        import json
        config = json.dumps(json.loads(r'''\(config)'''))
        data = zipped([("metadata.json", b'{"keras_version": "3.8.0"}'), ("config.json", config.encode()),
                       ("model.weights.h5", b"\\x89HDF\\r\\n\\x1a\\n")], \(deflated ? "zipfile.ZIP_DEFLATED" : "zipfile.ZIP_STORED"))
        """)
    }

    static let lambdaConfig = """
    {"module": "keras", "class_name": "Functional", "config": {"layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4]}},
      {"module": "keras.layers", "class_name": "Lambda", "config": {"function": {"class_name": "__lambda__",
        "config": {"value": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wgAAACXAHwAZAEaAFMAKQJO6QIAAACpACkB2gF4cwEAAAAg"}}}},
      {"module": "os", "class_name": "function", "config": "system", "registered_name": null},
      {"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization"}
    ]}}
    """

    @Test(arguments: [false, true])
    func kerasConfigObjectsAreListedWithOffsets(deflated: Bool) throws {
        let bytes = try Self.keras(Self.lambdaConfig, deflated: deflated)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .keras)
        #expect(artifact.isModel)
        let objects = try #require(artifact.keras?.objects, "\(artifact.notes)")
        #expect(objects.map(\.className) == ["Functional", "InputLayer", "Lambda", "__lambda__", "function", "function"])
        #expect(objects[4].qualifiedName == "os.system")
        #expect(objects[5].qualifiedName == "keras.config.enable_unsafe_deserialization")
        // Each offset is that of a `"class_name"` key, in the file (stored) or the decompressed member.
        let text: [UInt8] = deflated ? [] : bytes
        for object in objects where !deflated {
            #expect(Array(text[object.offset..<object.offset + 12]) == Array(#""class_name""#.utf8))
        }
        if deflated { #expect(objects.allSatisfy { $0.member == "config.json [deflate]" }) }
    }

    /// A `.keras` archive inside a zip (a model bundle) is read as well; its objects name the nested member.
    @Test func nestedKerasArchiveIsRead() throws {
        let inner = try Self.keras(Self.lambdaConfig)
        let hex = inner.map { String(format: "%02x", $0) }.joined()
        let bytes = try ModelArtifactTests.python(#"data = zipped([("bundle/model.keras", bytes.fromhex("\#(hex)"))])"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.isModel)
        #expect(artifact.keras?.objects.map(\.className).contains("Lambda") == true)
        #expect(artifact.keras?.objects.first?.member == "bundle/model.keras!config.json")
        // Each object of the nested config once: one finding per object, not one per merge.
        #expect(artifact.keras?.objects.filter { $0.className == "Lambda" }.count == 1)
    }

    /// A broken config is a note, not a crash and not silence.
    @Test func invalidConfigIsNoted() throws {
        var writer = [UInt8]()
        writer = try ModelArtifactTests.python(#"data = zipped([("metadata.json", b"{}"), ("config.json", b'{"class_name": "Lambda", ')])"#)
        let artifact = ModelArtifact(bytes: writer)
        #expect(artifact.format == .keras)
        #expect(artifact.notes.contains { $0.contains("config.json is not valid JSON") }, "\(artifact.notes)")
    }

    /// A zip with a `config.json` but nothing else of Keras (a Hugging Face download) is not Keras.
    @Test func configJsonAloneIsNotKeras() throws {
        let bytes = try ModelArtifactTests.python(#"data = zipped([("config.json", b'{"class_name": "Lambda"}'), ("README.md", b"hi")])"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .zip)
        #expect(!artifact.isModel)
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/keras"))
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Legacy `.h5` models written by h5py: the config is found in the root group's attributes in
    /// every layout h5py writes (superblock 0 with object header 1, superblock 3 with object header
    /// 2, variable-length and fixed-length strings), with file offsets of each `class_name`.
    @Test(arguments: ["lambda-v0.h5", "lambda-latest.h5", "lambda-fixed.h5"])
    func h5ModelConfigIsRead(name: String) throws {
        let bytes = try Self.fixture(name)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .kerasH5)
        #expect(artifact.notes.isEmpty, "\(artifact.notes)")
        let objects = try #require(artifact.keras?.objects)
        #expect(objects.map(\.className) == ["Sequential", "Lambda", "__lambda__", "Dense", "function"])
        #expect(objects.last?.qualifiedName == "os.system")
        for object in objects {
            #expect(Array(bytes[object.offset..<object.offset + 12]) == Array(#""class_name""#.utf8))
        }
    }

    @Test func benignH5HasNoCallables() throws {
        let artifact = ModelArtifact(bytes: try Self.fixture("benign-v0.h5"))
        #expect(artifact.format == .kerasH5)
        #expect(artifact.keras?.objects.map(\.className) == ["Sequential", "Dense"])
    }

    /// HDF5 data without a Keras config is not a model.
    @Test func h5WithoutConfigIsNotAModel() throws {
        var bytes = try Self.fixture("benign-v0.h5")
        let name = Array("model_config".utf8)
        let at = try #require((0..<bytes.count - name.count).first { Array(bytes[$0..<$0 + name.count]) == name })
        bytes[at] = UInt8(ascii: "x")
        #expect(!ModelArtifact(bytes: bytes).isModel)
    }

    @Test func mutatedH5FilesNeverCrash() throws {
        let seeds = try ["lambda-v0.h5", "lambda-latest.h5", "lambda-fixed.h5"].map(Self.fixture)
        var mutator = Mutator(seed: 0x4D5)
        for iteration in 0..<1500 {
            _ = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
        }
    }

    @Test func mutatedKerasArchivesNeverCrash() throws {
        let seeds = [try Self.keras(Self.lambdaConfig), try Self.keras(Self.lambdaConfig, deflated: true)]
        var mutator = Mutator(seed: 0x4E5)
        for iteration in 0..<2000 {
            _ = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
        }
    }
}
