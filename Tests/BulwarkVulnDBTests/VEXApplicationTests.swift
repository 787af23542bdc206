import Foundation
import BulwarkCore
import Testing
@testable import BulwarkVulnDB

/// Which findings a VEX statement applies to, and which statement wins.
@Suite struct VEXApplicationTests {
    static let digest = "sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
    static let references = ["ghcr.io/acme/model-server:1.4"]

    static let flask = InstalledPackage(kind: .python, name: "Flask", version: "0.12.2", ecosystem: "PyPI", layer: "sha256:l1",
                                        path: "usr/lib/python3.11/site-packages/Flask-0.12.2.dist-info/METADATA")
    static let werkzeug = InstalledPackage(kind: .python, name: "Werkzeug", version: "0.15.2", ecosystem: "PyPI", layer: "sha256:l1",
                                           path: "usr/lib/python3.11/site-packages/Werkzeug-0.15.2.dist-info/METADATA")
    static let libssl = InstalledPackage(kind: .deb, name: "libssl3", version: "3.0.11-1~deb12u1", ecosystem: "Debian:12",
                                         sourceName: "openssl", architecture: "amd64", distro: "debian-12", layer: "sha256:l0",
                                         path: "var/lib/dpkg/status")

    static func match(_ package: InstalledPackage, _ ids: [String]) -> VulnerabilityMatch {
        VulnerabilityMatch(package: package, advisory: Advisory(id: ids[0], aliases: Array(ids.dropFirst()), modified: "2024-01-01T00:00:00Z"),
                           ids: ids, fixedVersions: ["9.9"], severity: .high)
    }

    static let matches = [
        match(flask, ["PYSEC-2019-179", "CVE-2019-1010083", "GHSA-5wv5-4vpf-pj6m"]),
        match(flask, ["PYSEC-2018-66", "CVE-2018-1000656", "GHSA-4ppp-gpcr-7qf6"]),
        match(werkzeug, ["PYSEC-2019-140", "CVE-2019-14806"]),
        match(libssl, ["DSA-5532-1", "CVE-2023-5678"]),
    ]

    func openVEX(_ statements: String, timestamp: String = "2026-11-30T10:00:00Z") -> VEXDocument {
        let text = """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "t",
         "timestamp": "\(timestamp)", "version": 1, "statements": [\(statements)]}
        """
        switch VEXDocument.parse(Array(text.utf8), name: "serving.openvex.json") {
        case .success(let document): return document
        case .failure(let error):
            Issue.record("\(error)")
            return VEXDocument(name: "", format: .openVEX, statements: [])
        }
    }

    func apply(_ documents: [VEXDocument], references: [String] = references, digest: String = digest) -> VEXApplication {
        VEX.evaluate(documents, to: Self.matches, imageReferences: references, imageDigest: digest)
    }

    func statement(_ vulnerability: String, _ product: String, status: String = "not_affected") -> String {
        """
        {"vulnerability": {"name": "\(vulnerability)"}, "products": [\(product)], "status": "\(status)",
         "justification": "vulnerable_code_not_present", "impact_statement": "not used"}
        """
    }

    @Test func aPackagePurlWithoutVersionCoversEveryVersionAndAnAliasMatchesCaseInsensitively() {
        let result = apply([openVEX(statement("cve-2019-1010083", #"{"@id": "pkg:pypi/flask"}"#))])
        #expect(result.matches[0].vex?.status == .notAffected)
        #expect(result.matches[0].vex?.suppressionReason == "VEX not_affected (vulnerable_code_not_present): not used — serving.openvex.json:2")
        #expect(result.matches[1].vex == nil, "another vulnerability of the same package")
        #expect(result.matches[2].vex == nil)
        #expect(result.warnings.isEmpty)
    }

    @Test(arguments: [
        (#"{"@id": "pkg:pypi/flask@0.12.2"}"#, true),
        (#"{"@id": "pkg:pypi/flask@0.12.3"}"#, false),
        (#"{"@id": "pkg:pypi/FLASK@0.12.2?extra=1"}"#, false),
        (#"{"@id": "pkg:npm/flask@0.12.2"}"#, false),
        (#"{"identifiers": {"purl": "pkg:pypi/flask@0.12.2"}}"#, true),
    ])
    func aVersionedPurlCoversOnlyThatVersion(_ product: String, _ applies: Bool) {
        let result = apply([openVEX(statement("PYSEC-2019-179", product))])
        #expect((result.matches[0].vex != nil) == applies)
    }

    @Test(arguments: [
        ("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12&arch=amd64", true),
        ("pkg:deb/debian/libssl3@3.0.11-1%7Edeb12u1?arch=amd64", true),
        ("pkg:deb/debian/libssl3?arch=arm64", false),
        ("pkg:deb/debian/openssl", true),
        ("pkg:deb/debian/openssl@3.0.11-1~deb12u1", true),
        ("pkg:deb/ubuntu/openssl", false),
    ])
    func qualifiersCompareAsASubsetInAnyOrderAndSourcePackagesCount(_ purl: String, _ applies: Bool) {
        let result = apply([openVEX(statement("CVE-2023-5678", #"{"@id": "\#(purl)"}"#, status: "fixed"))])
        #expect((result.matches[3].vex != nil) == applies)
        #expect(result.matches[3].vex?.suppresses ?? true)
    }

    @Test(arguments: [
        ("pkg:oci/model-server@sha256%3Aa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90?repository_url=ghcr.io/acme/model-server", true),
        ("pkg:oci/model-server@sha256%3A0000000000000000000000000000000000000000000000000000000000000000", false),
        ("pkg:oci/model-server?repository_url=ghcr.io/acme/model-server&tag=1.4", true),
        ("pkg:oci/model-server?tag=1.5", false),
        ("pkg:oci/other-server", false),
        ("pkg:docker/acme/model-server@1.4?repository_url=ghcr.io", true),
        ("sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", true),
        ("ghcr.io/acme/model-server:1.4", true),
        ("ghcr.io/acme/model-server@sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", true),
        ("ghcr.io/acme/model-server:1.3", false),
    ])
    func anImageProductAppliesThroughItsSubcomponents(_ image: String, _ applies: Bool) {
        let product = #"{"@id": "\#(image)", "subcomponents": [{"@id": "pkg:pypi/werkzeug@0.15.2"}]}"#
        let result = apply([openVEX(statement("CVE-2019-14806", product))])
        #expect((result.matches[2].vex != nil) == applies)
        #expect(result.matches[0].vex == nil && result.matches[3].vex == nil)
    }

    @Test func anImageProductWithoutSubcomponentsCoversEveryPackageOfIt() {
        let result = apply([openVEX(statement("CVE-2023-5678", #"{"@id": "\#(Self.digest)"}"#))])
        #expect(result.matches[3].vex?.status == .notAffected)
    }

    @Test func aPackageThatIsNotTheSubcomponentIsNotCovered() {
        let product = #"{"@id": "\#(Self.digest)", "subcomponents": [{"@id": "pkg:pypi/jinja2"}]}"#
        let result = apply([openVEX(statement("CVE-2019-14806", product))])
        #expect(result.matches[2].vex == nil)
        #expect(result.warnings.count == 1, "the statement names this image but matches nothing")
    }

    @Test func theNewestStatementWinsAcrossDocumentsAndOffsets() {
        let product = #"{"@id": "pkg:pypi/flask"}"#
        let older = openVEX(statement("CVE-2018-1000656", product, status: "under_investigation")
            .replacingOccurrences(of: "\"justification\": \"vulnerable_code_not_present\", ", with: ""),
            timestamp: "2026-12-01T10:00:00+02:00")
        let newer = openVEX(statement("CVE-2018-1000656", product), timestamp: "2026-12-01T09:00:00Z")
        #expect(apply([older, newer]).matches[1].vex?.status == .notAffected)
        #expect(apply([newer, older]).matches[1].vex?.status == .notAffected, "order of files does not matter when times differ")
        let sameTime = openVEX(statement("CVE-2018-1000656", product) + ", "
                               + statement("CVE-2018-1000656", product, status: "affected"))
        #expect(apply([sameTime]).matches[1].vex?.status == .affected, "then the later statement wins")
        #expect(apply([sameTime]).warnings.isEmpty, "an overridden statement is not stale")
    }

    @Test func cycloneDXStatementsApplyLikeOpenVEX() throws {
        let document = try VEXDocument.parse(Array(VEXDocumentTests.cycloneDX.utf8), name: "bom.vex.json").get()
        let result = apply([document])
        #expect(result.matches[0].vex?.status == .notAffected)
        #expect(result.matches[0].vex?.justification == "vulnerable_code_not_in_execute_path")
        #expect(result.matches[1].vex == nil, "CVE-2018-1000656 is about werkzeug in that BOM")
        #expect(result.matches[3].vex?.status == .fixed)
        #expect(result.matches[3].vex?.suppresses == true)
    }

    @Test func statementsAboutOtherProductsAreQuietAndStaleOnesAboutThisImageWarn() {
        let other = statement("CVE-2024-0001", #"{"@id": "pkg:pypi/torch"}"#)
        let stale = statement("CVE-2024-0002", #"{"@id": "pkg:pypi/flask"}"#)
        let result = apply([openVEX(other + ", " + stale)])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.message.contains("CVE-2024-0002 matches no finding of this image") ?? false)
        #expect(result.warnings.first?.line == 3)
    }

    @Test func rfc3339TimesCompareAcrossOffsets() {
        #expect(RFC3339.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.seconds("2026-12-01T10:00:00+02:00") == RFC3339.seconds("2026-12-01T08:00:00Z"))
        #expect(RFC3339.seconds("2024-02-29T12:00:00.5Z") == 1_709_208_000.5)
        #expect(RFC3339.seconds("yesterday") == nil)
    }

    @Test func packageURLsAreTakenApart() throws {
        let purl = try #require(PackageURLParts("pkg:deb/debian/openssl@1%3A3.0.11-1?distro=debian-12&arch=amd64#sub/path"))
        #expect(purl.type == "deb" && purl.namespace == "debian" && purl.name == "openssl")
        #expect(purl.version == "1:3.0.11-1")
        #expect(purl.qualifiers == ["arch": "amd64", "distro": "debian-12"])
        #expect(PackageURLParts("pkg:pypi/Zope_Interface")?.name == "zope-interface")
        #expect(PackageURLParts("flask") == nil)
        #expect(PackageURLParts("pkg:pypi") == nil)
    }
}
