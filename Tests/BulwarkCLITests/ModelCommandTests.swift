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

    static func configuration(_ text: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("bulwark.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `model.allow` applies to `scan` and `model scan` alike.
    @Test(arguments: [["model", "scan"], ["scan"]])
    func configurationAllowsAGlobalWithAReason(_ command: [String]) async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try Self.configuration("model:\n  allow:\n    - global: mylib.models.Classifier\n      reason: our class\n", in: directory)
        let before = await CLI.run(command + [directory.appendingPathComponent("weights.bin").path])
        #expect(before.status == 1, "\(before.stdout)")
        let after = await CLI.run(command + [directory.appendingPathComponent("weights.bin").path, "--config", config])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }

    /// Allowing a blocked global takes --allow-blocked-global on the command line too; without it
    /// the configuration is an error at the entry's line (exit 2), for both commands.
    @Test(arguments: [["model", "scan"], ["scan"]])
    func aBlockedGlobalNeedsTheExtraFlag(_ command: [String]) async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try Self.configuration("model:\n  allow:\n    - global: os.system\n      reason: trust me\n", in: directory)
        let refused = await CLI.run(command + [directory.path, "--config", config])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(config):3:15: model.allow: os.system is blocked by"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-blocked-global os.system"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let permitted = await CLI.run(command + [directory.path, "--config", config, "--allow-blocked-global", "os.system"])
        #expect(permitted.status == 1, "\(permitted.stderr)")   // the unlisted mylib global is still reported
    }

    @Test func allowOfABlockedGlobalOnTheCommandLineNeedsTheExtraFlagToo() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let refused = await CLI.run(["model", "scan", directory.path, "--allow", "posix.system=trust me"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("posix.system is blocked by"), "\(refused.stderr)")
        let permitted = await CLI.run(["model", "scan", directory.path, "--allow", "posix.system=trust me",
                                       "--allow-blocked-global", "posix.system"])
        #expect(permitted.status == 1, "\(permitted.stderr)")
        let notBlocked = await CLI.run(["model", "scan", directory.path, "--allow-blocked-global", "mylib.models.Classifier"])
        #expect(notBlocked.status == 2)
        #expect(notBlocked.stderr.contains("is not blocked"), "\(notBlocked.stderr)")
    }
}
