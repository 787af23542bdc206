import BulwarkArtifacts
import BulwarkCore
import BulwarkImage
import Foundation
import Testing

@Suite struct InventoryRpmTests {
    typealias F = InventoryFixture

    static func database() throws -> [UInt8] {
        let compressed = try #require(Data(base64Encoded: RpmDatabaseFixture.gzipBase64, options: .ignoreUnknownCharacters))
        return try DecompressedStream.all(ModelBytes([UInt8](compressed)), compression: .gzip, limit: 1 << 24).get()
    }

    static let rockyOSRelease = """
        NAME="Rocky Linux"
        VERSION="9.3 (Blue Onyx)"
        ID="rocky"
        ID_LIKE="rhel centos fedora"
        VERSION_ID="9.3"
        PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
        """

    @Test func readsARealSQLiteRpmdb() throws {
        let result = PackageInventory().collect(files: [
            F.file("etc/os-release", Self.rockyOSRelease), F.bytes("var/lib/rpm/rpmdb.sqlite", try Self.database(), layer: 1),
        ], removedFiles: [])
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(result.packages.map(\.name) == ["bulwark-hello", "openssl-libs"])
        let hello = try #require(result.packages.first)
        #expect(hello.kind == .rpm && hello.version == "2:1.0.3-4.el9" && hello.architecture == "noarch")
        #expect(hello.licenses == ["MIT AND (Apache-2.0 OR BSD-3-Clause)"])
        #expect(hello.sourceName == nil && hello.sourceVersion == nil)
        #expect(hello.layer == F.digest(1) && hello.path == "var/lib/rpm/rpmdb.sqlite")
        #expect(hello.purl == "pkg:rpm/rocky/bulwark-hello@1.0.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2")
        #expect(result.packages[1].purl == "pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rocky-9.3")
    }

    @Test func corruptDatabasesAreWarnings() throws {
        var damaged = try Self.database()
        for index in stride(from: 4096, to: damaged.count, by: 7) { damaged[index] ^= 0x5A }
        for bytes in [Array("not sqlite".utf8), Array(try Self.database().prefix(5000)), damaged] {
            let result = PackageInventory().collect(files: [F.bytes("var/lib/rpm/rpmdb.sqlite", bytes)], removedFiles: [])
            #expect(!result.warnings.isEmpty)
        }
    }

    @Test func berkeleyDatabasesAreReportedAsNotRead() {
        #expect(PackageInventory().contentsLimit(path: "var/lib/rpm/Packages", size: 10_000_000) == 0)
        let result = PackageInventory().collect(files: [F.named("var/lib/rpm/Packages")], removedFiles: [])
        #expect(result.packages.isEmpty)
        #expect(result.warnings.count == 1 && result.warnings[0].message.contains("not read"))
    }
}
