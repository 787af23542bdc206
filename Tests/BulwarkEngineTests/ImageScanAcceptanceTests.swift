import BulwarkCore
import BulwarkEngine
import BulwarkImage
import BulwarkTestSupport
import BulwarkVulnDB
import Foundation
import Testing

/// The issue's end-to-end check: an image built in code holding flask 0.12.2 and werkzeug 0.15.2,
/// the PyPA advisories imported into a database, the image scanned through the engine: the
/// advisories match with their fixed versions, and a VEX statement suppresses one with its reason.
@Suite struct ImageScanAcceptanceTests {
    static let advisories = CommandRunner.packageRoot.appendingPathComponent("Tests/Fixtures/advisories/pypi-subset").path

    static func distInfo(_ name: String, _ version: String) -> String {
        "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\nSummary: test\nLicense: BSD-3-Clause\n\n"
    }

    /// An OCI layout of a Debian 12 image with a dpkg status and flask + werkzeug installed by pip in a second layer.
    static func writeImage(to directory: String) throws {
        let base = ImageBuilder.layer { tar in
            tar.file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n")
            tar.file("var/lib/dpkg/status", """
                Package: libssl3
                Status: install ok installed
                Architecture: amd64
                Source: openssl
                Version: 3.0.11-1~deb12u2

                """)
        }
        let site = "usr/local/lib/python3.11/site-packages"
        let app = ImageBuilder.layer { tar in
            tar.file("\(site)/flask-0.12.2.dist-info/METADATA", distInfo("Flask", "0.12.2"))
            tar.file("\(site)/werkzeug-0.15.2.dist-info/METADATA", distInfo("Werkzeug", "0.15.2"))
        }
        let image = ImageBuilder.image([base, app], user: "10001")
        try ImageBuilder.writeDirectory(ImageBuilder.layout([image]), to: directory)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-image-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func scan(image: String, database: VulnerabilityDatabase, vex: [VEXDocument] = []) -> ScanOutcome {
        let domain = ImageDomain(database: AdvisoryDatabase(source: database, name: "test.sqlite", newestRecord: nil), vex: vex)
        let engine = Engine(domains: [domain])
        return engine.scan(ScanRequest(paths: [image], evaluationDate: CalendarDate("2026-12-07")!))
    }

    @Test func flaskAndWerkzeugAdvisoriesMatchAndVEXSuppressesOne() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = directory + "/image"
        try Self.writeImage(to: image)
        let database = try VulnerabilityDatabase(path: directory + "/vulndb.sqlite", create: true)
        let summary = try database.importSources([Self.advisories])
        #expect(summary.failed.isEmpty)
        #expect(summary.added > 20)

        let outcome = scan(image: image, database: database)
        #expect(outcome.report.errors.isEmpty, "\(outcome.report.errors)")
        let vulnerabilities = outcome.report.findings.filter { $0.ruleId.hasPrefix("vuln/") }
        let flask = vulnerabilities.filter { $0.message.contains("flask") || $0.message.contains("Flask") }
        let werkzeug = vulnerabilities.filter { $0.message.lowercased().contains("werkzeug") }
        // PYSEC-2018-66 (CVE-2018-1000656, fixed in 0.12.3) and PYSEC-2019-179 (CVE-2019-1010083, fixed in 1.0).
        #expect(flask.contains { $0.message.contains("PYSEC-2018-66") && $0.message.contains("0.12.3") }, "\(flask.map(\.message))")
        #expect(flask.contains { $0.message.contains("PYSEC-2019-179") && $0.message.contains("1.0") }, "\(flask.map(\.message))")
        #expect(flask.contains { $0.message.contains("GHSA-562c-5r94-xh97") }, "aliases merged into the finding")
        #expect(werkzeug.count >= 3, "\(werkzeug.map(\.message))")
        #expect(vulnerabilities.allSatisfy { !$0.suppressed })
        #expect(outcome.images.first?.packages.contains { $0.name.lowercased() == "flask" && $0.version == "0.12.2" } == true)

        // A VEX statement about one of them: not_affected with a justification.
        let vex = """
            {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "platform team",
             "timestamp": "2026-12-01T00:00:00Z", "version": 1,
             "statements": [{"vulnerability": {"name": "CVE-2018-1000656"}, "products": [{"@id": "pkg:pypi/flask@0.12.2"}],
                             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                             "impact_statement": "the app never calls get_json"}]}
            """
        let document = try VEXDocument.parse(Array(vex.utf8), name: "vex.json").get()
        let suppressed = scan(image: image, database: database, vex: [document]).report.findings.filter { $0.ruleId.hasPrefix("vuln/") }
        let statement = try #require(suppressed.first { $0.message.contains("PYSEC-2018-66") })
        #expect(statement.suppressed)
        #expect(statement.suppressionReason?.contains("vulnerable_code_not_in_execute_path") == true, "\(statement.suppressionReason ?? "")")
        #expect(suppressed.filter { !$0.suppressed }.count == vulnerabilities.count - 1)
    }

    /// The whole PyPA snapshot when it sits next to the repository (the team's shared data).
    @Test func theWholeSharedSnapshotImports() throws {
        let shared = CommandRunner.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/advisories/pypi").path
        guard FileManager.default.fileExists(atPath: shared) else {
            print("skipped: \(shared) is not next to this checkout (the subset in Tests/Fixtures is tested instead)")
            return
        }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try VulnerabilityDatabase(path: directory + "/vulndb.sqlite", create: true)
        let first = try database.importSources([shared])
        #expect(first.failed.isEmpty, "\(first.failed.prefix(5))")
        #expect(first.added > 2500)
        let second = try database.importSources([shared])
        #expect(second.added == 0 && second.updated == 0 && second.unchanged == first.added)
    }
}
