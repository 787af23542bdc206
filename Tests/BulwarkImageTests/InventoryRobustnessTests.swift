import BulwarkCore
import BulwarkImage
import Testing

/// Bad input never crashes the inventory: random bytes and cut copies of real records, for every
/// file kind it reads, give packages or warnings.
@Suite struct InventoryRobustnessTests {
    typealias F = InventoryFixture

    /// A fixed-seed generator: the same inputs on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let paths = [
        "etc/os-release", "var/lib/dpkg/status", "var/lib/dpkg/status.d/x", "lib/apk/db/installed", "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/python3/site-packages/x-1.dist-info/METADATA", "usr/lib/python3/dist-packages/x.egg-info",
        "opt/conda/conda-meta/x-1-0.json",
    ]

    @Test(arguments: paths)
    func randomBytesGiveWarningsOrNothing(path: String) {
        var random = SplitMix(state: UInt64(path.utf8.count))
        let alphabet = Array("Package: Status: install ok installed Version: P:V:\n\n :()\"'\\{}[],".utf8)
        for round in 0..<200 {
            let count = Int(random.next() % 600)
            let bytes = (0..<count).map { _ in
                round.isMultiple(of: 2) ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            let result = PackageInventory().collect(files: [F.bytes(path, bytes)], removedFiles: [F.bytes(path, bytes.reversed())])
            #expect(result.packages.allSatisfy { !$0.name.isEmpty && !$0.version.isEmpty })
        }
    }

    @Test func cutCopiesOfRealRecordsNeverCrash() throws {
        let records: [(String, [UInt8])] = [
            ("var/lib/dpkg/status", Array(F.dpkgStatus.utf8)),
            ("lib/apk/db/installed", Array(InventoryApkTests.installed.utf8)),
            ("opt/conda/conda-meta/numpy.json", Array(InventoryCondaTests.numpy.utf8)),
            ("var/lib/rpm/rpmdb.sqlite", try InventoryRpmTests.database()),
        ]
        for (path, bytes) in records {
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
                var file = F.bytes(path, Array(bytes.prefix(cut)))
                file.truncated = cut.isMultiple(of: 2)
                _ = PackageInventory().collect(files: [file], removedFiles: [])
            }
        }
    }

    @Test func usrLibOSReleaseAloneIsEnough() {
        let os = PackageInventory().collect(files: [F.file("usr/lib/os-release", F.alpineOSRelease)], removedFiles: []).os
        #expect(os?.id == "alpine" && os?.versionID == "3.19.1")
    }

    @Test func symlinkLoopsEndQuietly() {
        let files = [F.link("etc/os-release", to: "os-release"), F.link("usr/lib/os-release", to: "/etc/os-release")]
        #expect(PackageInventory().collect(files: files, removedFiles: []).os == nil)
    }
}
