import BulwarkCore
import BulwarkImage
import Testing

@Suite struct InventoryLayerTests {
    typealias F = InventoryFixture

    static func stanza(_ name: String, _ version: String) -> String {
        "Package: \(name)\nStatus: install ok installed\nArchitecture: amd64\nVersion: \(version)\n\n"
    }

    /// Layer 0 installs libc6 and libssl3, layer 1 adds curl, layer 2 upgrades libssl3: each package
    /// belongs to the first layer of the unbroken run of copies that list it.
    @Test func eachPackageIsAttributedToTheLayerThatIntroducedIt() throws {
        let path = "var/lib/dpkg/status"
        let removed = [
            F.file(path, Self.stanza("libc6", "2.36-9") + Self.stanza("libssl3", "3.0.11-1"), layer: 0),
            F.file(path, Self.stanza("curl", "7.88.1-10") + Self.stanza("libc6", "2.36-9") + Self.stanza("libssl3", "3.0.11-1"), layer: 1),
        ]
        let final = F.file(path, Self.stanza("curl", "7.88.1-10") + Self.stanza("libc6", "2.36-9") + Self.stanza("libssl3", "3.0.13-1"), layer: 2)
        let result = PackageInventory().collect(files: [final], removedFiles: removed.reversed())
        let layers = Dictionary(uniqueKeysWithValues: result.packages.map { ($0.name, $0.layer) })
        #expect(layers == ["libc6": F.digest(0), "curl": F.digest(1), "libssl3": F.digest(2)])
        #expect(result.packages.allSatisfy { $0.path == path })
    }

    /// A package removed in one layer and installed again later belongs to the later layer.
    @Test func aReinstalledPackageBelongsToTheLayerThatReinstalledIt() {
        let path = "lib/apk/db/installed"
        let removed = [
            F.file(path, "P:curl\nV:8.5.0-r0\n\nP:musl\nV:1.2.4-r2\n", layer: 0),
            F.file(path, "P:musl\nV:1.2.4-r2\n", layer: 1),
        ]
        let final = F.file(path, "P:curl\nV:8.5.0-r0\n\nP:musl\nV:1.2.4-r2\n", layer: 2)
        let result = PackageInventory().collect(files: [final], removedFiles: removed)
        #expect(result.packages.map(\.layer) == [F.digest(2), F.digest(0)])
    }

    @Test func packagesOnlyInDeletedFilesAreNotInstalled() {
        let result = PackageInventory().collect(files: [], removedFiles: [
            F.file("usr/lib/python3/site-packages/flask-0.12.2.dist-info/METADATA", "Name: Flask\nVersion: 0.12.2\n"),
        ])
        #expect(result.packages.isEmpty)
    }

    @Test func filesWithoutContentsAreWarnings() {
        let file = LayerFile(path: "var/lib/dpkg/status", layerIndex: 0, layerDigest: F.digest(0), size: 10)
        let result = PackageInventory().collect(files: [file], removedFiles: [])
        #expect(result.warnings.count == 1)
    }

    @Test func resultsAreSortedByKindNameVersion() {
        let files = [
            F.file("usr/lib/python3/site-packages/a-1.0.dist-info/METADATA", "Name: a\nVersion: 1.0\n"),
            F.file("lib/apk/db/installed", "P:zlib\nV:1.3-r0\n\nP:apk-tools\nV:2.14.0-r5\n"),
            F.file("var/lib/dpkg/status", Self.stanza("zz", "1") + Self.stanza("aa", "2") + Self.stanza("aa", "1")),
        ]
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.packages.map { "\($0.kind.rawValue)/\($0.name)@\($0.version)" }
            == ["deb/aa@1", "deb/aa@2", "deb/zz@1", "apk/apk-tools@2.14.0-r5", "apk/zlib@1.3-r0", "python/a@1.0"])
    }

    @Test func interestIsLimitedToTheFilesTheReadersNeed() {
        let inventory = PackageInventory()
        #expect(inventory.contentsLimit(path: "var/lib/dpkg/status", size: 5_000_000) == PackageInventory.databaseLimit)
        #expect(inventory.contentsLimit(path: "etc/os-release", size: 300) != nil)
        #expect(inventory.contentsLimit(path: "usr/lib/os-release", size: 300) != nil)
        #expect(inventory.contentsLimit(path: "lib/apk/db/installed", size: 300) != nil)
        #expect(inventory.contentsLimit(path: "usr/lib/sysimage/rpm/rpmdb.sqlite", size: 300) != nil)
        #expect(inventory.contentsLimit(path: "x/y-1.dist-info/METADATA", size: 300) == PackageInventory.metadataLimit)
        for path in ["var/lib/dpkg/status-old", "usr/bin/python3", "etc/passwd", "x/y-1.dist-info/RECORD", "x/METADATA",
                     "var/lib/dpkg/info/libc6.list", "package.json", "usr/lib/libz.so.1.2.13"] {
            #expect(inventory.contentsLimit(path: path, size: 300) == nil, "\(path)")
        }
    }
}
