import BulwarkArtifacts
import BulwarkCore
import BulwarkEngine
import BulwarkTestSupport
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

    /// A blocked global is allowed only when the policy also permits it (`--allow-blocked-global`).
    @Test func allowedGlobalsAreNotFindings() throws {
        let scratch = try Scratch()
        try Data(Self.payload).write(to: scratch.url.appendingPathComponent("m.pkl"))
        let system = PickleGlobal(module: "posix", name: "system")
        let permitted = Engine(domains: [ModelDomain(policy: PicklePolicy(extraAllowed: [system: "test"], permittedBlocked: [system]))])
        #expect(permitted.scan(ScanRequest(paths: [scratch.path])).report.findings.isEmpty)
        let allowedOnly = Engine(domains: [ModelDomain(policy: PicklePolicy(extraAllowed: [system: "test"]))])
        #expect(allowedOnly.scan(ScanRequest(paths: [scratch.path])).report.findings.map(\.ruleId) == ["model/pickle-dangerous-global"])
    }

    static let custom = try! PickleAssembly.assemble("""
    PROTO 2
    GLOBAL "mylib.layers" "CustomLayer"
    EMPTY_TUPLE
    NEWOBJ
    STOP
    """).bytes

    /// `model.allow` of the configuration reaches the model domain through the engine, for
    /// `bulwark scan` as for `bulwark model scan`.
    @Test func configurationAllowancesApplyThroughTheEngine() throws {
        let scratch = try Scratch()
        try Data(Self.custom).write(to: scratch.url.appendingPathComponent("m.pkl"))
        let before = Engine.standard.scan(ScanRequest(paths: [scratch.path])).report
        #expect(before.findings.map(\.ruleId) == ["model/pickle-unlisted-global"])
        let configuration = try Configuration.parse("model:\n  allow:\n    - global: mylib.layers.CustomLayer\n      reason: ours\n")
        let after = Engine.standard.scan(ScanRequest(paths: [scratch.path], configuration: configuration)).report
        #expect(after.findings.isEmpty)
        #expect(after.errors.isEmpty)
    }

    /// Through the engine (an API caller that skipped the CLI's check), a configuration that allows
    /// a blocked global is an error at the entry, and the global stays critical.
    @Test func aConfigurationAllowingABlockedGlobalIsAnError() throws {
        let scratch = try Scratch()
        try Data(Self.payload).write(to: scratch.url.appendingPathComponent("m.pkl"))
        let configuration = try Configuration.parse("model:\n  allow:\n    - global: posix.system\n      reason: trust me\n", file: "cfg.yaml")
        let report = Engine.standard.scan(ScanRequest(paths: [scratch.path], configuration: configuration)).report
        #expect(report.findings.map(\.ruleId) == ["model/pickle-dangerous-global"])
        let error = try #require(report.errors.first)
        #expect(error.file == "cfg.yaml" && error.line == 3 && error.column == 15)
        #expect(error.message.contains("posix.system is blocked by"), "\(error)")
        #expect(error.message.contains("--allow-blocked-global posix.system"), "\(error)")
        #expect(report.exitCode(failOn: .none) == 2)
    }

    /// What the inventory records: the format, the frameworks guessed from the imports, digests
    /// only when asked, and the signature status from a `model.sig` next to the file.
    @Test func modelsAreInventoried() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("signed"), withIntermediateDirectories: true)
        try Data(Self.payload).write(to: scratch.url.appendingPathComponent("m.pkl"))
        try Data(Self.payload).write(to: scratch.url.appendingPathComponent("signed/m.pkl"))
        try scratch.write("signed/model.sig", "sig")
        let plain = Engine.standard.scan(ScanRequest(paths: [scratch.path]))
        #expect(plain.models.map(\.signature) == ["unsigned", "signature present (not verified)"])
        #expect(plain.models.allSatisfy { $0.sha256 == nil && $0.format == "pickle" && $0.size == Self.payload.count })
        let hashed = Engine.standard.replacing(ModelDomain(hashes: true)).scan(ScanRequest(paths: [scratch.path]))
        #expect(hashed.models.first?.sha256?.count == 64)
        #expect(hashed.models.first?.sha512?.count == 128)
        // A file above the mapping threshold is hashed through its mapping, in windows.
        var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (4718592,), }".utf8)
        header += Array(repeating: UInt8(ascii: " "), count: 63 - (10 + header.count) % 64) + [0x0A]
        npy += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        npy += (0..<(18 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let big = scratch.url.appendingPathComponent("big.npy")
        try Data(npy).write(to: big)
        let mapped = Engine.standard.replacing(ModelDomain(hashes: true)).scan(ScanRequest(paths: [big.path]))
        let sum = try CommandRunner.runTool("/usr/bin/env", ["sha256sum", big.path])
        #expect(mapped.models.first?.sha256 == String(sum.stdout.prefix(64)))
        #expect(mapped.models.first?.size == npy.count)
        // Standard input has no directory, so no signature file.
        let piped = Engine.standard.scan(ScanRequest(sources: [SourceInput(name: "-", bytes: Self.payload)]))
        #expect(piped.models.map(\.signature) == ["unsigned"])
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
