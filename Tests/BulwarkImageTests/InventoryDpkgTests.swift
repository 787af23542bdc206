import BulwarkCore
import BulwarkImage
import Foundation
import Testing

@Suite struct InventoryDpkgTests {
    typealias F = InventoryFixture

    @Test func readsInstalledStanzasAndSkipsRemovedOnes() throws {
        let result = PackageInventory().collect(files: [
            F.file("etc/os-release", F.debianOSRelease), F.file("var/lib/dpkg/status", F.dpkgStatus),
        ], removedFiles: [])
        #expect(result.warnings.isEmpty)
        #expect(result.packages.map(\.name) == ["bsdutils", "libssl3", "tzdata"])
        let bsdutils = try #require(result.packages.first)
        #expect(bsdutils.version == "1:2.38.1-5+deb12u3")
        #expect(bsdutils.sourceName == "util-linux")
        #expect(bsdutils.sourceVersion == "2.38.1-5+deb12u3")
        #expect(bsdutils.ecosystem == "Debian:12")
        #expect(bsdutils.architecture == "amd64")
        #expect(bsdutils.licenses.isEmpty)
        #expect(bsdutils.layer == F.digest(0) && bsdutils.path == "var/lib/dpkg/status")
        #expect(bsdutils.purl == "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12")
        let ssl = result.packages[1]
        #expect(ssl.sourceName == "openssl" && ssl.sourceVersion == nil)
        #expect(ssl.purl == "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12")
        #expect(result.packages[2].architecture == "all")
    }

    @Test func distrolessStatusDirectoryListsOnePackagePerFile() {
        let files = [
            F.file("etc/os-release", F.debianOSRelease),
            F.file("var/lib/dpkg/status.d/base-files", """
                Package: base-files
                Priority: required
                Section: admin
                Installed-Size: 341
                Maintainer: Santiago Vila <sanvila@debian.org>
                Architecture: amd64
                Version: 12.4+deb12u5
                Description: Debian base system miscellaneous files

                """),
            F.file("var/lib/dpkg/status.d/base-files.md5sums", "0aa8d2f8c1f2e5a9e0ad0c4a1b2c3d4e  etc/debian_version\n"),
            F.file("var/lib/dpkg/status.d/libssl3", """
                Package: libssl3
                Architecture: amd64
                Source: openssl
                Version: 3.0.11-1~deb12u2
                """, layer: 1),
        ]
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.warnings.isEmpty)
        #expect(result.packages.map(\.name) == ["base-files", "libssl3"])
        #expect(result.packages.map(\.path) == ["var/lib/dpkg/status.d/base-files", "var/lib/dpkg/status.d/libssl3"])
        #expect(result.packages[1].layer == F.digest(1))
        #expect(PackageInventory().contentsLimit(path: "var/lib/dpkg/status.d/base-files.md5sums", size: 10) == nil)
    }

    @Test func theSamePackageInStatusAndStatusDirectoryIsReportedOnce() {
        let stanza = "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n"
        let result = PackageInventory().collect(files: [
            F.file("var/lib/dpkg/status", stanza + "\n" + stanza), F.file("var/lib/dpkg/status.d/zlib1g", stanza, layer: 2),
        ], removedFiles: [])
        #expect(result.packages.count == 1)
        #expect(result.packages.first?.path == "var/lib/dpkg/status")
    }

    @Test(arguments: [
        "Package: broken\nStatus: install ok\nVersion: 1\n",
        "Package: nover\nStatus: install ok installed\n",
        "Status: install ok installed\nVersion: 1.0\n",
        " continuation without a field\nPackage: x\n",
        "garbage line without colon\n\u{0}\u{1}\u{2}\n",
    ])
    func malformedStanzasGiveWarningsNotCrashes(text: String) {
        let good = "Package: good\nStatus: install ok installed\nVersion: 1.0-1\n\n"
        let result = PackageInventory().collect(files: [F.file("var/lib/dpkg/status", good + text)], removedFiles: [])
        #expect(result.packages.map(\.name).contains("good"))
        #expect(!result.warnings.isEmpty)
        #expect(result.warnings.allSatisfy { $0.file == F.digest(0) + ":var/lib/dpkg/status" })
    }

    @Test func aTruncatedStatusFileKeepsWholeStanzasAndWarns() {
        let text = F.dpkgStatus + "\nPackage: cut\nStatus: install ok installed\nVersion: 1.2"
        let result = PackageInventory().collect(files: [F.file("var/lib/dpkg/status", text, truncated: true)], removedFiles: [])
        #expect(!result.packages.map(\.name).contains("cut"))
        #expect(result.packages.map(\.name).contains("tzdata"))
        #expect(result.warnings.count == 1)
    }

    /// This machine's own dpkg database read by Bulwark and by dpkg-query must agree.
    @Test func agreesWithDpkgQueryOnThisMachine() throws {
        guard let status = FileManager.default.contents(atPath: "/var/lib/dpkg/status"),
              let query = run("/usr/bin/dpkg-query", ["-W", "-f", "${Package} ${Version} ${db:Status-Status}\\n"]) else {
            print("no dpkg on this machine: the comparison with dpkg-query did not run")
            return
        }
        let expected = Set(query.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            return parts.count == 3 && parts[2] == "installed" ? "\(parts[0]) \(parts[1])" : nil
        })
        let result = PackageInventory().collect(files: [F.bytes("var/lib/dpkg/status", [UInt8](status))], removedFiles: [])
        let found = Set(result.packages.map { "\($0.name) \($0.version)" })
        #expect(result.warnings.isEmpty)
        #expect(expected.count > 10)
        #expect(found.subtracting(expected).sorted() == [])
        #expect(expected.subtracting(found).sorted() == [])
    }
}

/// Runs a tool and returns its standard output, nil when it is missing or fails. Output goes to a
/// private temporary file, not a pipe: Foundation's pipe reading traps on EINTR (`try!` in
/// `FileHandle.readDataToEndOfFile`) when a signal arrives while several test processes run.
func run(_ executable: String, _ arguments: [String]) -> String? {
    guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-inventory-\(UUID().uuidString).out")
    guard FileManager.default.createFile(atPath: output.path, contents: nil),
          let handle = try? FileHandle(forWritingTo: output) else { return nil }
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    process.waitUntilExit()
    try? handle.close()
    guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else { return nil }
    return String(decoding: data, as: UTF8.self)
}
