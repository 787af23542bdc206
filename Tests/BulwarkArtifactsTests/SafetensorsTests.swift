@testable import BulwarkArtifacts
import BulwarkCore
import BulwarkTestSupport
import Testing

/// safetensors headers: each problem the reference loader refuses (and the ones loaders disagree
/// on) is found at its entry; valid files have none.
@Suite struct SafetensorsTests {
    /// A file: the header's length, the header text, `data` zero bytes.
    static func file(_ header: String, data: Int) -> [UInt8] {
        let text = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + [UInt8](repeating: 0, count: data)
    }

    static func problems(_ bytes: [UInt8]) -> [SafetensorsHeader.Problem] {
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .safetensors)
        return artifact.safetensors?.problems ?? []
    }

    /// What the reference writer produces (`safetensors.numpy.save_file`: entries sorted by dtype
    /// width then name, header padded with spaces to 8 bytes), written with numpy and json only.
    @Test func fileLikeTheReferenceWriterHasNoProblems() throws {
        let bytes = try ModelArtifactTests.python("""
        import json, numpy as np
        tensors = {"embed.weight": np.ones((4, 3), np.float32), "norm.bias": np.zeros(5, np.float16), "step": np.array([7], np.int64)}
        header, offset, blobs = {"__metadata__": {"format": "np"}}, 0, []
        for name, array in sorted(tensors.items(), key=lambda t: (-t[1].dtype.itemsize, t[0])):
            raw = array.tobytes()
            header[name] = {"dtype": {"float32": "F32", "float16": "F16", "int64": "I64"}[str(array.dtype)], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
            offset += len(raw); blobs.append(raw)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        data = struct.pack("<Q", len(text)) + text + b"".join(blobs)
        """)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .safetensors)
        #expect(artifact.isModel)
        #expect(artifact.safetensors?.problems == [])
        #expect(artifact.safetensors?.tensors.map(\.name).sorted() == ["embed.weight", "norm.bias", "step"])
        #expect(artifact.safetensors?.metadata == ["format": "np"])
        #expect(ModelDomain.isModel(Array(bytes.prefix(4096))))
    }

    @Test(arguments: [
        // (header, data bytes, words the message must contain)
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12, "overlaps"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, 12, "gap"),
        (#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 8, "past the end"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 9, "after the last tensor"),
        (#"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}"#, 4, "span 4 bytes"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4, "end before they begin"),
        (#"{"a":{"dtype":"Q4_K","shape":[1],"data_offsets":[0,4]}}"#, 0, "unknown dtype"),
        (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 0, "non-negative"),
        (#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, 0, "non-negative"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, 0, "data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, 0, "overflows"),
        (#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, 2, "whole bytes"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4, "occurs twice"),
        (#"{"__metadata__":{"n":1}}"#, 0, "not a string"),
        (#"{"__metadata__":[]}"#, 0, "not an object"),
        (#"{"a":"F32"}"#, 0, "not an object"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, 4, "not JSON"),
        (#"{"a\ud800":{}}"#, 0, "not JSON"),
    ])
    func problemIsFound(header: String, data: Int, words: String) {
        let found = Self.problems(Self.file(header, data: data))
        #expect(found.contains { $0.message.contains(words) }, "\(found.map(\.message))")
        #expect(found.allSatisfy { $0.offset >= 0 && $0.offset <= 8 + header.utf8.count + data })
    }

    @Test func problemNamesTheOffsetOfTheTensorEntry() throws {
        let header = #"{"ok":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}, "bad":{"dtype":"F16","shape":[1],"data_offsets":[4,8]}}"#
        let found = Self.problems(Self.file(header, data: 8))
        let key = try #require(header.utf8.firstRange(of: #""bad""#.utf8))
        #expect(found.map(\.offset) == [8 + header.utf8.distance(from: header.utf8.startIndex, to: key.lowerBound)])
    }

    @Test func headerLengthBeyondTheLoadersLimitOrTheFileIsFound() {
        var bytes = Self.file("{}", data: 0)
        bytes.replaceSubrange(0..<8, with: [0x00, 0xE2, 0xF5, 0x05, 0, 0, 0, 0]) // 100,000,256
        #expect(Self.problems(bytes).first?.message.contains("above the loader's limit") == true)
        bytes.replaceSubrange(0..<8, with: [0x40, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.problems(bytes).first?.message.contains("past the end of the file") == true)
    }

    @Test func emptyHeaderAndPaddedHeaderAreValid() {
        #expect(Self.problems(Self.file("{}", data: 0)) == [])
        #expect(Self.problems(Self.file(#"{"__metadata__":{"a":"b"}}    "#, data: 0)) == [])
    }

    /// Content wins over the name: a pickle called `model.safetensors` is judged as a pickle.
    @Test func pickleNamedSafetensorsIsAPickle() throws {
        let bytes: [UInt8] = [0x80, 0x02] + Array("cposix\nsystem\nX".utf8) + [0x02, 0, 0, 0] + Array("id".utf8) + [0x85, 0x52, 0x2E]
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .pickle)
        let file = ModelFile(path: "model.safetensors", artifact: artifact, policy: .standard)
        #expect(ModelRules.dangerousGlobal.check.run(file).count == 1)
        #expect(ModelRules.safetensorsInvalidHeader.check.run(file).isEmpty)
    }

    @Test func otherBytesAreNotSafetensors() {
        var generator = Mutator(seed: 0x5AFE)
        for _ in 0..<2000 {
            let bytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if SafetensorsHeader.looksLikeSafetensors(bytes) {
                Issue.record("random bytes claimed: \(bytes)")
            }
        }
        #expect(!SafetensorsHeader.looksLikeSafetensors(Array("{\"a\": 1}\n".utf8)))
        #expect(!SafetensorsHeader.looksLikeSafetensors([0x80, 0x02] + Array("cposix\nsystem\n".utf8)))
    }

    @Test func mutatedFilesNeverCrash() {
        let seeds = [
            Self.file(#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2,1],"data_offsets":[8,12]}}"#, data: 12),
            Self.file(#"{"x\u00e9\n":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}"#, data: 1),
        ]
        var mutator = Mutator(seed: 0x5AF)
        for iteration in 0..<3000 {
            let artifact = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
            for problem in artifact.safetensors?.problems ?? [] { #expect(problem.offset >= 0) }
        }
    }
}
