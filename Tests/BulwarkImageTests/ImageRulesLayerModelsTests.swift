import BulwarkArtifacts
import BulwarkCore
import BulwarkImage
import Testing

/// Model files in layers go through the model domain's analysis, located in the image.
@Suite struct ImageRulesLayerModelsTests {
    static let payload = try! PickleAssembly.assemble("""
    PROTO 2
    GLOBAL "posix" "system"
    SHORT_BINUNICODE "id"
    TUPLE1
    REDUCE
    STOP
    """).bytes

    static let digest0 = "sha256:" + String(repeating: "0", count: 64)
    static let digest1 = "sha256:" + String(repeating: "1", count: 64)
    static let allRules = Set(ModelRules.all.map(\.id))

    @Test func aPickleInALayerIsJudgedAndInventoried() throws {
        let file = LayerFile(path: "models/model.pkl", layerIndex: 1, layerDigest: Self.digest1, size: Self.payload.count,
                             contents: Self.payload)
        let (findings, models, warnings) = LayerModels.scan(files: [file], removed: [], source: "image.tar", policy: .standard,
                                                            enabledRules: Self.allRules)
        let finding = try #require(findings.first { $0.ruleId == "model/pickle-dangerous-global" })
        #expect(finding.location.file == "image.tar")
        #expect(finding.location.member == "\(Self.digest1):models/model.pkl")
        #expect(finding.location.offset == 2)
        #expect(finding.message.contains("posix.system"))
        #expect(models.map(\.file) == ["image.tar@\(Self.digest1):models/model.pkl"])
        #expect(models.first?.format == "pickle" && models.first?.signature == "unsigned")
        #expect(warnings.isEmpty)
    }

    @Test func aRemovedModelIsJudgedButNotInventoried() {
        let file = LayerFile(path: "tmp/weights.bin", layerIndex: 0, layerDigest: Self.digest0, size: Self.payload.count,
                             contents: Self.payload)
        let (findings, models, _) = LayerModels.scan(files: [], removed: [file], source: "image.tar", policy: .standard,
                                                     enabledRules: Self.allRules)
        #expect(findings.contains { $0.ruleId == "model/pickle-dangerous-global" && $0.location.member == "\(Self.digest0):tmp/weights.bin" })
        #expect(models.isEmpty)
    }

    @Test func onlyEnabledRulesRunAndOtherFilesAreNotModels() {
        let text = LayerFile(path: "models/notes.bin", layerIndex: 0, layerDigest: Self.digest0, size: 5, contents: Array("hello".utf8))
        let model = LayerFile(path: "models/model.pt", layerIndex: 0, layerDigest: Self.digest0, size: Self.payload.count,
                              contents: Self.payload)
        let (findings, models, _) = LayerModels.scan(files: [text, model], removed: [], source: "i", policy: .standard, enabledRules: [])
        #expect(findings.isEmpty)
        #expect(models.count == 1)
    }

    @Test func aTruncatedModelIsAWarningNotAFinding() {
        let file = LayerFile(path: "models/big.pkl", layerIndex: 0, layerDigest: Self.digest0, size: 10_000_000,
                             contents: Array(Self.payload.prefix(8)), truncated: true)
        let (findings, models, warnings) = LayerModels.scan(files: [file], removed: [], source: "i", policy: .standard,
                                                            enabledRules: Self.allRules)
        #expect(findings.isEmpty && models.isEmpty)
        #expect(warnings.first?.message.contains("/models/big.pkl in layer 0") == true)
    }

    @Test(arguments: [("models/model.safetensors", true), ("srv/app/model.PKL", true), ("lib/firmware/iwlwifi.bin", false),
                      ("usr/bin/python3", false)])
    func theModelInterestPicksFilesByExtension(path: String, wanted: Bool) {
        #expect((LayerModelInterest(limit: 1 << 20).contentsLimit(path: path, size: 100) != nil) == wanted)
    }
}
