import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark db import|status`, `bulwark image` and `bulwark sbom` as a user runs them: a real process
/// over an OCI layout and a docker-save tar built in code, with the PyPA advisories of the fixtures.
@Suite struct ImageCommandTests {
    static let advisories = CommandRunner.packageRoot.appendingPathComponent("Tests/Fixtures/advisories/pypi-subset").path

    /// A directory with `layout/` (OCI layout) and `image.tar` (docker save) of one image holding
    /// flask 0.12.2, and a database of the PyPA subset.
    static func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-image-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let layer = ImageBuilder.layer { tar in
            tar.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            tar.file("usr/local/lib/python3.11/site-packages/flask-0.12.2.dist-info/METADATA", "Metadata-Version: 2.1\nName: Flask\nVersion: 0.12.2\n\n")
        }
        let image = ImageBuilder.image([layer], user: "10001", extraConfig: ["Healthcheck": ["Test": ["CMD", "true"]]])
        try ImageBuilder.writeDirectory(ImageBuilder.layout([image]), to: directory.appendingPathComponent("layout").path)
        FileManager.default.createFile(atPath: directory.appendingPathComponent("image.tar").path,
                                       contents: Data(ImageBuilder.dockerSaveNew(image, repoTags: ["example/app:1"])))
        let imported = try CommandRunner.run(["db", "import", "--db", directory.appendingPathComponent("db.sqlite").path, advisories])
        try #require(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("added"))
        return directory
    }

    @Test func imageReportsTheAdvisoriesOfBothForms() throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        for form in ["layout", "image.tar"] {
            let result = try CommandRunner.run(["image", directory.appendingPathComponent(form).path, "--db", database,
                                                "--max-db-age", "100000", "--format", "json", "--fail-on", "medium"])
            #expect(result.status == 1, "\(form): \(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let findings = try #require(json["findings"] as? [[String: Any]])
            let ids = findings.compactMap { $0["ruleId"] as? String }
            #expect(ids.filter { $0 == "vuln/python-package" }.count >= 3, "\(form): \(ids)")
            #expect(findings.contains { ($0["message"] as? String)?.contains("PYSEC-2018-66") == true })
            let images = try #require(json["images"] as? [[String: Any]])
            let remediation = try #require(images.first?["remediation"] as? [[String: Any]])
            #expect(remediation.contains { ($0["action"] as? String) == "upgrade" && ($0["text"] as? String)?.lowercased().contains("flask") == true })
        }
    }

    @Test func aStaleDatabaseIsAWarningAndAMissingOneAnError() throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let layout = directory.appendingPathComponent("layout").path
        let stale = try CommandRunner.run(["image", layout, "--db", directory.appendingPathComponent("db.sqlite").path, "--as-of", "2026-12-07"])
        #expect(stale.stdout.contains("--max-db-age 7"), "\(stale.stdout)")
        let missing = try CommandRunner.run(["image", layout, "--db", directory.appendingPathComponent("none.sqlite").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("none.sqlite"))
        let badVEX = directory.appendingPathComponent("vex.json")
        try Data("{\"statements\": 3}".utf8).write(to: badVEX)
        let vex = try CommandRunner.run(["image", layout, "--db", directory.appendingPathComponent("db.sqlite").path, "--vex", badVEX.path])
        #expect(vex.status == 2)
        #expect(vex.stderr.contains("vex.json"))
    }

    @Test func sbomWritesCycloneDXAndSPDXAndStatusCountsRecords() throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let layout = directory.appendingPathComponent("layout").path
        let cyclonedx = try CommandRunner.run(["sbom", layout])
        #expect(cyclonedx.status == 0, "\(cyclonedx.stderr)")
        #expect(cyclonedx.stdout.contains("pkg:pypi/flask@0.12.2"))
        #expect(cyclonedx.stdout.contains("\"specVersion\" : \"1.6\"") || cyclonedx.stdout.contains("\"specVersion\": \"1.6\"")
            || cyclonedx.stdout.contains("\"specVersion\":\"1.6\""))
        let spdx = try CommandRunner.run(["sbom", layout, "--format", "spdx"])
        #expect(spdx.status == 0, "\(spdx.stderr)")
        #expect(spdx.stdout.contains("SPDX-2.3"))
        let broken = try CommandRunner.run(["sbom", directory.appendingPathComponent("db.sqlite").path])
        #expect(broken.status == 2)
        let status = try CommandRunner.run(["db", "status", "--db", directory.appendingPathComponent("db.sqlite").path, "--format", "json"])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((json["records"] as? Int ?? 0) > 20)
        #expect((json["ecosystems"] as? [[String: Any]])?.first?["name"] as? String == "PyPI")
    }
}
