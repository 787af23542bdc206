import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark model scan` end to end: a pickle named like anything is found, located by byte offset
/// in every report format, and `--allow` takes a global with a reason (and only with one).
@Suite struct ModelCommandTests {
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let payload = try PickleAssembly.assemble("""
        PROTO 2
        GLOBAL "mylib.models" "Classifier"
        EMPTY_TUPLE
        NEWOBJ
        STOP
        """).bytes
        try Data(payload).write(to: directory.appendingPathComponent("weights.bin"))
        return directory
    }

    @Test func findsTheUnlistedGlobalAtItsOffset() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = await CLI.run(["model", "scan", directory.path, "--format", "json"])
        #expect(json.status == 1, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let finding = try #require((report["findings"] as? [[String: Any]])?.first)
        #expect(finding["ruleId"] as? String == "model/pickle-unlisted-global")
        let location = try #require(finding["location"] as? [String: Any])
        #expect(location["offset"] as? Int == 2)
        #expect(location["line"] as? Int == 0)
        let sarif = await CLI.run(["model", "scan", directory.path, "--format", "sarif"])
        #expect(sarif.stdout.contains("\"byteOffset\" : 2"), "\(sarif.stdout.prefix(2000))")
        let table = await CLI.run(["model", "scan", directory.path])
        #expect(table.stdout.contains("@2  HIGH"), "\(table.stdout)")
    }

    @Test func allowTakesAGlobalWithAReason() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let allowed = await CLI.run(["model", "scan", directory.path, "--allow", "mylib.models.Classifier=our own class, reviewed"])
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        let missingReason = await CLI.run(["model", "scan", directory.path, "--allow", "mylib.models.Classifier"])
        #expect(missingReason.status == 2)
        #expect(missingReason.stderr.contains("give the reason after ="))
    }
}
