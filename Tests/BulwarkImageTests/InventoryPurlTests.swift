import BulwarkCore
import Testing

@Suite struct InventoryPurlTests {
    static func package(_ kind: InstalledPackage.Kind, _ name: String, _ version: String, arch: String? = nil,
                        distro: String? = nil, qualifiers: [String: String] = [:]) -> InstalledPackage {
        InstalledPackage(kind: kind, name: name, version: version, architecture: arch, distro: distro, layer: "", path: "",
                         purlQualifiers: qualifiers)
    }

    @Test(arguments: [
        (package(.deb, "openssl", "3.0.11-1~deb12u2", arch: "amd64", distro: "debian-12"),
         "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"),
        (package(.deb, "libc6", "2.35-0ubuntu3.6", arch: "amd64", distro: "ubuntu-22.04"),
         "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&distro=ubuntu-22.04"),
        (package(.deb, "bsdutils", "1:2.38.1-5+b1", arch: "amd64", distro: "debian-12"),
         "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12"),
        (package(.deb, "tzdata", "2024a-0+deb12u1"), "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1"),
        (package(.apk, "musl", "1.2.4_git20230717-r4", arch: "x86_64", distro: "alpine-3.19.1"),
         "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1"),
        (package(.rpm, "openssl-libs", "1:3.0.7-27.el9", arch: "x86_64", distro: "rhel-9.3"),
         "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.3&epoch=1"),
        (package(.rpm, "libzypp", "17.31.8-150400.3.35.1", arch: "x86_64", distro: "opensuse-leap-15.5"),
         "pkg:rpm/opensuse-leap/libzypp@17.31.8-150400.3.35.1?arch=x86_64&distro=opensuse-leap-15.5"),
        (package(.python, "Flask", "2.0.1"), "pkg:pypi/flask@2.0.1"),
        (package(.python, "typing_extensions", "4.9.0"), "pkg:pypi/typing-extensions@4.9.0"),
        (package(.python, "zope.interface", "6.1"), "pkg:pypi/zope.interface@6.1"),
        (package(.python, "torch", "2.1.0+cu121"), "pkg:pypi/torch@2.1.0%2Bcu121"),
        (package(.conda, "numpy", "1.26.4", qualifiers: ["build": "py311h08b1b3b_0", "channel": "main", "subdir": "linux-64"]),
         "pkg:conda/numpy@1.26.4?build=py311h08b1b3b_0&channel=main&subdir=linux-64"),
        (package(.binary, "libcudnn", "8.9.2"), "pkg:generic/libcudnn@8.9.2"),
    ])
    func purlsFollowTheSpec(package: InstalledPackage, expected: String) {
        #expect(package.purl == expected)
    }

    @Test func vendorsAreTheDistributionIDs() {
        #expect(PackageURL.vendor(distro: "debian-12") == "debian")
        #expect(PackageURL.vendor(distro: "opensuse-leap-15.5") == "opensuse-leap")
        #expect(PackageURL.vendor(distro: "wolfi") == "wolfi")
        #expect(PackageURL.vendor(distro: nil) == nil)
    }
}
