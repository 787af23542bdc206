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
}
