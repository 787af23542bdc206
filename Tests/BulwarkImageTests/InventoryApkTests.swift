import BulwarkCore
import BulwarkImage
import Testing

@Suite struct InventoryApkTests {
    typealias F = InventoryFixture

    /// The shape of an `alpine:3.19` image's `lib/apk/db/installed` (files lists shortened).
    static let installed = """
        C:Q1Qmu/Rv1frOYc/fYsz8d0yhq3xY4=
        P:musl
        V:1.2.4_git20230717-r4
        A:x86_64
        S:407973
        I:663552
        T:the musl c library (libc) implementation
        U:https://musl.libc.org/
        L:MIT
        o:musl
        m:Timo Teräs <timo.teras@iki.fi>
        t:1705054418
        c:3c8ab9f3b2d8ebe2e7a8a4c4d7e1d5bd02e9f1b5
        p:so:libc.musl-x86_64.so.1=1
        F:lib
        R:ld-musl-x86_64.so.1
        a:0:0:755
        Z:Q1ZxQ1xT5oNrWzB0T2a3u3HqEf5Hc=
        R:libc.musl-x86_64.so.1
        a:0:0:777

        C:Q1xX1qk8QOWmUQqQ1hPwGcRGIbPXs=
        P:libcrypto3
        V:3.1.4-r5
        A:x86_64
        S:1755230
        I:4608000
        T:Crypto library from openssl
        U:https://www.openssl.org/
        L:Apache-2.0
        o:openssl
        m:Ariadne Conill <ariadne@dereferenced.org>
        t:1706813564
        D:so:libc.musl-x86_64.so.1
        F:usr/lib
        R:libcrypto.so.3

        P:busybox
        V:1.36.1-r15
        A:x86_64
        L:GPL-2.0-only
        o:busybox

        """

    @Test func readsNamesVersionsOriginsAndLicenses() throws {
        let result = PackageInventory().collect(files: [
            F.file("etc/os-release", F.alpineOSRelease), F.file("lib/apk/db/installed", Self.installed),
        ], removedFiles: [])
        #expect(result.warnings.isEmpty)
        #expect(result.packages.map(\.name) == ["busybox", "libcrypto3", "musl"])
        let crypto = result.packages[1]
        #expect(crypto.version == "3.1.4-r5" && crypto.sourceName == "openssl" && crypto.licenses == ["Apache-2.0"])
        #expect(crypto.ecosystem == "Alpine:v3.19")
        #expect(crypto.purl == "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1")
        #expect(result.packages[2].sourceName == nil)
    }

    @Test func blocksWithoutNameOrVersionAreWarnings() {
        let text = Self.installed + "\nV:1.0\nA:x86_64\n\nP:noversion\n\nthis is not a key line\nP:ok\nV:2\n"
        let result = PackageInventory().collect(files: [F.file("lib/apk/db/installed", text)], removedFiles: [])
        #expect(result.packages.map(\.name) == ["busybox", "libcrypto3", "musl", "ok"])
        #expect(result.warnings.count == 3)
    }
}
