import BulwarkArtifacts
import BulwarkCore
import BulwarkEngine
import Foundation
import Testing

/// Model files through the one engine: found by content whatever their names, located by byte
/// offset, and files that are not models left as unrecognised.
@Suite struct ModelDomainTests {
    static let payload = try! PickleAssembly.assemble("""
    PROTO 2
    GLOBAL "posix" "system"
    SHORT_BINUNICODE "id"
    TUPLE1
    REDUCE
    STOP
    """).bytes

    @Test func aPickleIsFoundWhateverItsName() throws {
        let scratch = try Scratch()
        for name in ["weights.bin", "README.md", "model.safetensors"] {
            try Data(Self.payload).write(to: scratch.url.appendingPathComponent(name))
        }
        try scratch.write("notes.txt", "no model here\n")
        let report = Engine.standard.scan(ScanRequest(paths: [scratch.path])).report
        let dangerous = report.findings.filter { $0.ruleId == "model/pickle-dangerous-global" }
        #expect(Set(dangerous.map { URL(fileURLWithPath: $0.location.file).lastPathComponent }) == ["weights.bin", "README.md", "model.safetensors"])
        #expect(dangerous.allSatisfy { $0.location.offset == 2 && $0.location.line == 0 })
        #expect(report.summary.filesByDomain == ["model": 3])
        #expect(report.summary.unrecognizedFiles == 1)
        #expect(report.exitCode(failOn: .severity(.high)) == 1)
    }

    @Test func allowedGlobalsAreNotFindings() throws {
        let scratch = try Scratch()
        try Data(Self.payload).write(to: scratch.url.appendingPathComponent("m.pkl"))
        let engine = Engine(domains: [ModelDomain(policy: PicklePolicy(extraAllowed: [PickleGlobal(module: "posix", name: "system"): "test"]))])
        #expect(engine.scan(ScanRequest(paths: [scratch.path])).report.findings.isEmpty)
    }

    /// A checkpoint above the mapping threshold is mapped, not read, and scanned whatever
    /// `--max-file-size` says: its pickle sits after a large tensor member and is still found.
    @Test func largeCheckpointsAreMappedNotLimited() throws {
        let scratch = try Scratch()
        let tensor = [UInt8](repeating: 0x41, count: InputFile.mapThreshold + 4096)
        var zip: [UInt8] = []
        var central: [UInt8] = []
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        for (name, data) in [("archive/data/0", tensor), ("archive/data.pkl", Self.payload)] {
            let offset = zip.count
            let header = le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
                + le(data.count, 4) + le(data.count, 4) + le(name.utf8.count, 2) + le(0, 2)
            zip += header + Array(name.utf8) + data
            central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
                + le(data.count, 4) + le(data.count, 4) + le(name.utf8.count, 2) + le(0, 2) + le(0, 2) + le(0, 2)
                + le(0, 2) + le(0, 4) + le(offset, 4) + Array(name.utf8)
        }
        let centralOffset = zip.count
        zip += central + le(0x0605_4B50, 4) + le(0, 4) + le(2, 2) + le(2, 2) + le(central.count, 4) + le(centralOffset, 4) + le(0, 2)
        try Data(zip).write(to: scratch.url.appendingPathComponent("big.pt"))
        var request = ScanRequest(paths: [scratch.path])
        request.maxFileSize = ByteLimit(bytes: 1 << 20)
        let report = Engine.standard.scan(request).report
        #expect(report.errors.isEmpty)
        let finding = try #require(report.findings.first { $0.ruleId == "model/pickle-dangerous-global" })
        #expect(finding.location.member == "archive/data.pkl")
        #expect(finding.location.offset == tensor.count + 2 * 30 + "archive/data/0".utf8.count + "archive/data.pkl".utf8.count + 2)
    }
}
