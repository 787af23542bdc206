import BulwarkCore
import BulwarkImage
import Testing

@Suite struct InventoryOSReleaseTests {
    typealias F = InventoryFixture

    @Test func readsQuotedAndEscapedValues() {
        let text = """
            # a comment
            ID="ubuntu"
            ID_LIKE=debian
            PRETTY_NAME="Ubuntu 22.04.4 LTS \\"Jammy\\" \\$HOME"
            VERSION_ID='22.04'
            VERSION_CODENAME=jammy

            """
        let os = PackageInventory().collect(files: [F.file("etc/os-release", text)], removedFiles: []).os
        #expect(os == OperatingSystemRelease(id: "ubuntu", versionID: "22.04", codename: "jammy",
                                             prettyName: "Ubuntu 22.04.4 LTS \"Jammy\" $HOME"))
    }

    @Test func followsDebiansSymlinkToUsrLib() {
        let files = [F.link("etc/os-release", to: "../usr/lib/os-release"), F.file("usr/lib/os-release", F.debianOSRelease)]
        let os = PackageInventory().collect(files: files, removedFiles: []).os
        #expect(os?.id == "debian" && os?.versionID == "12" && os?.codename == "bookworm")
    }

    @Test func etcWinsOverUsrLib() {
        let files = [F.file("etc/os-release", F.alpineOSRelease), F.file("usr/lib/os-release", F.debianOSRelease)]
        #expect(PackageInventory().collect(files: files, removedFiles: []).os?.id == "alpine")
    }

    @Test func anOSReleaseWithoutIDIsAWarning() {
        let result = PackageInventory().collect(files: [F.file("etc/os-release", "NAME=\"Something\"\n\u{FF}garbage")], removedFiles: [])
        #expect(result.os == nil)
        #expect(result.warnings.count == 1)
    }

    @Test func debianSidHasNoEcosystemButStillAPurl() throws {
        let sid = "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=trixie\nID=debian\n"
        let result = PackageInventory().collect(files: [
            F.file("etc/os-release", sid), F.file("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n"),
        ], removedFiles: [])
        let package = try #require(result.packages.first)
        #expect(package.ecosystem == nil)
        #expect(package.purl == "pkg:deb/debian/a@1")
    }
}
