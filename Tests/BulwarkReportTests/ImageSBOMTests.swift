import BulwarkCore
import BulwarkReport
import BulwarkTestSupport
import Foundation
import Testing

/// SBOMs of images: CycloneDX 1.6 and SPDX 2.3 golden files of `ImageSBOMFixture`, the members
/// each format's rules require, and both validated against the official schemas by
/// `scripts/validate-cyclonedx` and `scripts/validate-spdx`.
@Suite struct ImageSBOMTests {
    let cyclonedx = CycloneDXReporter(models: [], images: [ImageSBOMFixture.image], identity: ImageSBOMFixture.identity)
    let spdx = SPDXReporter(images: [ImageSBOMFixture.image], identity: ImageSBOMFixture.identity)

    @Test func cycloneDXMatchesTheGoldenFile() {
        Golden.check(cyclonedx.render(ImageSBOMFixture.report), against: "image.cdx.json")
    }

    @Test func spdxMatchesTheGoldenFile() {
        Golden.check(spdx.render(ImageSBOMFixture.report), against: "image.spdx.json")
    }

    @Test func spdxOfModelFilesAloneMatchesTheGoldenFile() {
        let models = SPDXReporter(images: [], models: CycloneDXFixture.models, identity: ImageSBOMFixture.identity)
        Golden.check(models.render(CycloneDXFixture.report), against: "report.spdx.json")
    }

    // MARK: CycloneDX

    @Test func theImageIsTheBOMsSubject() throws {
        let bom = cyclonedx.bom(ImageSBOMFixture.report)
        let image = try #require(bom.metadata.component)
        #expect(image.type == "container")
        #expect(image.name == "localhost/bulwark-example:1.0")
        #expect(image.version == ImageSBOMFixture.image.manifestDigest)
        #expect(image.hashes.map(\.alg) == ["SHA-256"])
        #expect(image.hashes.map(\.content) == [String(repeating: "0d", count: 32)])
        #expect(image.purl == "pkg:oci/bulwark-example@sha256%3A\(String(repeating: "0d", count: 32))"
            + "?arch=amd64&repository_url=localhost/bulwark-example&tag=1.0")
        #expect(bom.components.map(\.type) == ["operating-system"] + Array(repeating: "library", count: 10) + ["machine-learning-model"])
        let os = bom.components[0]
        #expect(os.name == "debian" && os.version == "12")
        // The image contains everything else, once each.
        #expect(bom.dependencies[0].ref == image.bomRef)
        #expect(bom.dependencies[0].dependsOn == bom.components.compactMap(\.bomRef))
        // … each of which is declared to depend on nothing (the 1.6 rule for leaves).
        #expect(bom.dependencies.dropFirst().map(\.ref) == bom.components.compactMap(\.bomRef))
        #expect(bom.dependencies.dropFirst().allSatisfy { $0.dependsOn.isEmpty })
        // The finding about the model file is a vulnerability that affects its component.
        #expect(bom.vulnerabilities.map(\.affects) == [[bom.components[11].bomRef ?? ""]])
    }

    @Test func bomRefsAreUniqueAndAPackagesPurl() {
        let bom = cyclonedx.bom(ImageSBOMFixture.report)
        let references = ([bom.metadata.component?.bomRef] + bom.components.map(\.bomRef)).compactMap { $0 }
        #expect(Set(references).count == references.count)
        let libraries = bom.components.filter { $0.type == "library" }
        #expect(libraries.map(\.purl) == ImageSBOMFixture.packages.map(\.purl))
        // flask twice (two environments): the second gets a suffix.
        #expect(libraries[4].bomRef == "pkg:pypi/flask@2.0.1")
        #expect(libraries[5].bomRef == "pkg:pypi/flask@2.0.1#2")
        #expect(libraries[5].properties.contains(.init("bulwark:layer", ImageSBOMFixture.layers[2])))
        #expect(libraries[7].properties.contains(.init("bulwark:note", "NVIDIA cuDNN")))
        #expect(libraries[0].properties.contains(.init("bulwark:path", "var/lib/dpkg/status")))
    }

    @Test func purlsKeepEpochsPlusAndTilde() {
        let purls = ImageSBOMFixture.packages.map(\.purl)
        // `+` is always escaped; `~` is unreserved; the epoch's `:` may be written either way.
        #expect(purls[0].hasPrefix("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?"))
        #expect(purls[1].hasPrefix("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?"))
        #expect(purls[2].hasPrefix("pkg:deb/debian/login@1%3A4.13%2Bdfsg1-1%2Bb1?") || purls[2].hasPrefix("pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?"))
        #expect(purls[0].hasSuffix("arch=amd64&distro=debian-12"))
        #expect(purls[6] == "pkg:pypi/torch@2.3.1%2Bcu121")
        #expect(purls[7] == "pkg:pypi/nvidia-cudnn-cu12@8.9.2.26")
    }

    @Test(arguments: [
        (["MIT"], [CycloneDXBOM.License.id("MIT")]),
        (["mit"], [.id("MIT")]),
        (["Apache-2.0 OR MIT"], [.expression("Apache-2.0 OR MIT")]),
        (["GPL-2.0-or-later", "LGPL-2.1-or-later"], [.id("GPL-2.0-or-later"), .id("LGPL-2.1-or-later")]),
        (["GPL-2.0-only", "MIT OR Apache-2.0"], [.expression("GPL-2.0-only AND (MIT OR Apache-2.0)")]),
        (["GPL-2.0-only", "public-domain"], [.id("GPL-2.0-only"), .name("public-domain")]),
        (["GPL-2.0+"], [.expression("GPL-2.0+")]),
        (["GPL-2.0-only WITH Classpath-exception-2.0"], [.expression("GPL-2.0-only WITH Classpath-exception-2.0")]),
        (["BSD License"], [.name("BSD License")]),
        (["LicenseRef-Proprietary"], [.name("LicenseRef-Proprietary")]),
        ([], []),
    ] as [([String], [CycloneDXBOM.License])])
    func cycloneDXLicensesAreIdentifiersNamesOrOneExpression(_ texts: [String], _ expected: [CycloneDXBOM.License]) {
        let package = InstalledPackage(kind: .python, name: "x", version: "1", licenses: texts, layer: "sha256:0", path: "p")
        let image = ScannedImage(source: "i.tar", manifestDigest: "sha256:0", configDigest: "sha256:1", platform: "linux/amd64",
                                 packages: [package])
        let bom = CycloneDXReporter(models: [], images: [image], identity: ImageSBOMFixture.identity).bom(ReportFixture.empty)
        #expect(bom.components.first?.licenses == expected)
    }

    @Test func severalImagesAreComponentsWithTheirOwnDependencies() {
        var other = ImageSBOMFixture.image
        other.references = []
        other.source = "images/other.tar"
        let bom = CycloneDXReporter(models: [], images: [ImageSBOMFixture.image, other], identity: ImageSBOMFixture.identity)
            .bom(ImageSBOMFixture.report)
        #expect(bom.metadata.component == nil)
        let containers = bom.components.filter { $0.type == "container" }
        #expect(containers.map(\.name) == ["localhost/bulwark-example:1.0", "images/other.tar"])
        // Without a reference there is no purl (a path names no repository).
        #expect(containers[1].purl == nil)
        let references = bom.components.compactMap(\.bomRef)
        #expect(Set(references).count == references.count)
        #expect(bom.dependencies.filter { !$0.dependsOn.isEmpty }.map(\.ref) == containers.map(\.bomRef))
        let refs = bom.dependencies.map(\.ref)
        #expect(Set(refs).count == refs.count)
        // The same model file in both images is one component both contain.
        #expect(bom.components.filter { $0.type == "machine-learning-model" }.count == 1)
        #expect(bom.dependencies.filter { !$0.dependsOn.isEmpty }.allSatisfy { $0.dependsOn.contains("model:" + ImageSBOMFixture.model.file) })
    }

    // MARK: SPDX

    @Test func spdxDescribesTheImageWhichContainsTheRest() throws {
        let document = spdx.document(ImageSBOMFixture.report)
        #expect(document.packages.map(\.purpose) == ["CONTAINER", "OPERATING_SYSTEM"] + Array(repeating: "LIBRARY", count: 10) + ["FILE"])
        let image = document.packages[0]
        let describes = try #require(document.relationships.first)
        #expect([describes.element, describes.type, describes.related] == ["SPDXRef-DOCUMENT", "DESCRIBES", image.spdxID])
        #expect(document.relationships.dropFirst().map(\.related) == document.packages.dropFirst().map(\.spdxID))
        #expect(document.relationships.dropFirst().allSatisfy { $0.element == image.spdxID && $0.type == "CONTAINS" })
        #expect(document.created == "2026-12-07T08:00:00Z")
        #expect(document.creators == ["Tool: bulwark-0.1.0"])
        let model = try #require(document.packages.last)
        #expect(model.checksums.map(\.algorithm) == ["SHA256", "SHA512"])
        #expect(model.packageFileName == ImageSBOMFixture.model.file)
    }

    @Test func spdxIDsAreValidAndUnique() {
        let document = spdx.document(ImageSBOMFixture.report)
        let ids = document.packages.map(\.spdxID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /SPDXRef-[A-Za-z0-9.\-]+/) != nil })
        #expect(ids.contains("SPDXRef-Package-deb-libssl3-3.0.11-1-deb12u2"))
        // The same package twice gets a suffix.
        var twice = ImageSBOMFixture.image
        twice.packages = [ImageSBOMFixture.packages[5], ImageSBOMFixture.packages[5]]
        let repeated = SPDXReporter(images: [twice], identity: ImageSBOMFixture.identity).document(ReportFixture.empty)
        #expect(repeated.packages.filter { $0.purpose == "LIBRARY" }.map(\.spdxID)
            == ["SPDXRef-Package-python-flask-2.0.1", "SPDXRef-Package-python-flask-2.0.1-2"])
        #expect(ids.contains("SPDXRef-Package-deb-login-1-4.13-dfsg1-1-b1"))
    }

    @Test func spdxLicensesAreExpressionsOrDeclaredReferences() {
        let document = spdx.document(ImageSBOMFixture.report)
        func declared(_ name: String) -> String? { document.packages.first { $0.name == name }?.licenseDeclared }
        #expect(declared("libc6") == "LGPL-2.1-or-later AND GPL-2.0-or-later")
        #expect(declared("login") == "GPL-2.0-only AND LicenseRef-public-domain")
        #expect(declared("openssl") == "Apache-2.0 AND (MIT OR BSD-2-Clause)")
        #expect(declared("nvidia_cudnn_cu12") == "LicenseRef-NVIDIA-Proprietary-Software")
        #expect(declared("libcudnn") == "NOASSERTION")
        #expect(document.extractedLicenses.map(\.licenseID) == ["LicenseRef-public-domain", "LicenseRef-NVIDIA-Proprietary-Software"])
        #expect(document.extractedLicenses.map(\.text) == ["public-domain", "NVIDIA Proprietary Software"])
    }

    @Test func theNamespaceIsStableForTheSameImageAndChangesWithIt() {
        let first = spdx.document(ImageSBOMFixture.report).namespace
        let later = SPDXReporter(images: [ImageSBOMFixture.image], identity: BOMIdentity(serialNumber: UUID(), timestamp: Date(timeIntervalSince1970: 0)))
        #expect(later.document(ImageSBOMFixture.report).namespace == first)
        #expect(first.hasPrefix("https://bulwark.invalid/spdxdocs/localhost-bulwark-example-1.0-sha256-" + String(repeating: "0d", count: 32) + "-"))
        #expect(!first.contains("#"))
        var changed = ImageSBOMFixture.image
        changed.packages.removeLast()
        #expect(SPDXReporter(images: [changed], identity: ImageSBOMFixture.identity).document(ImageSBOMFixture.report).namespace != first)
    }

    @Test func inputErrorsAreInTheDocumentComment() {
        let report = Report(findings: [], errors: [InputError(file: "images/broken.tar", message: "layer sha256:ab is truncated")],
                            files: 1, objects: 0, tool: ReportFixture.tool)
        let comment = SPDXReporter(images: [], identity: ImageSBOMFixture.identity).document(report).comment
        #expect(comment?.contains("images/broken.tar") == true)
    }

    @Test(arguments: [
        ("MIT", "MIT", true), ("apache-2.0", "Apache-2.0", true), ("GPL-2.0+", "GPL-2.0+", false),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause", false),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1", false),
    ])
    func expressionsOfKnownIdentifiersParse(_ source: String, _ canonical: String, _ single: Bool) throws {
        let expression = try #require(SPDXLicenseExpression(source))
        #expect(expression.text == canonical)
        #expect(expression.isSingleIdentifier == single)
    }

    @Test(arguments: ["", "BSD", "MIT and Apache-2.0", "MIT OR", "(MIT", "MIT)", "MIT WITH MIT", "LicenseRef-x",
                      "MIT Apache-2.0", String(repeating: "(", count: 100) + "MIT" + String(repeating: ")", count: 100)])
    func otherTextIsNotAnExpression(_ source: String) {
        #expect(SPDXLicenseExpression(source) == nil)
    }

    // MARK: Schemas

    /// Runs a validation script; nil when its validator could not be installed outside CI (the
    /// reason is printed). In CI that is a failure.
    static func validate(_ script: String, _ files: [URL]) throws -> CommandResult? {
        let path = CommandRunner.packageRoot.appendingPathComponent("scripts/" + script).path
        let result = try CommandRunner.runTool(path, files.map(\.path))
        if result.status == 3 {
            if ProcessInfo.processInfo.environment["CI"] == nil {
                print("ImageSBOMTests: \(script) not run: the validator could not be installed (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
                return nil
            }
            Issue.record("CI is set and \(script) could not install its validator: \(result.stderr)")
        }
        return result
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func cycloneDXOfImagesIsValidCycloneDX16() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-sbom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var other = ImageSBOMFixture.image
        other.references = []
        let files = [
            try Self.write(cyclonedx.render(ImageSBOMFixture.report), "image.cdx.json", in: directory),
            try Self.write(CycloneDXReporter(models: [], images: [ImageSBOMFixture.image, other], identity: ImageSBOMFixture.identity)
                .render(ImageSBOMFixture.report), "two.cdx.json", in: directory),
        ]
        guard let result = try Self.validate("validate-cyclonedx", files) else { return }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func spdxIsValidSPDX23() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-sbom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var other = ImageSBOMFixture.image
        other.references = []
        let image = try Self.write(spdx.render(ImageSBOMFixture.report), "image.spdx.json", in: directory)
        let files = [
            image,
            try Self.write(SPDXReporter(images: [], identity: ImageSBOMFixture.identity).render(ReportFixture.empty), "empty.spdx.json", in: directory),
            try Self.write(SPDXReporter(images: [ImageSBOMFixture.image, other], identity: ImageSBOMFixture.identity)
                .render(ImageSBOMFixture.report), "two.spdx.json", in: directory),
            try Self.write(SPDXReporter(images: [], models: CycloneDXFixture.models, identity: ImageSBOMFixture.identity)
                .render(CycloneDXFixture.report), "models.spdx.json", in: directory),
        ]
        guard let result = try Self.validate("validate-spdx", files) else { return }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

        // Neither check is vacuous: an unknown member fails the schema, an unknown license
        // identifier spdx-tools.
        let text = String(decoding: try Data(contentsOf: image), as: UTF8.self)
        let unknownMember = try Self.write(Array(text.replacingOccurrences(of: "\"filesAnalyzed\": false,", with: "\"filesAnalyzed\": false, \"bogus\": 1,").utf8),
                                           "member.spdx.json", in: directory)
        let unknownLicense = try Self.write(Array(text.replacingOccurrences(of: "\"licenseDeclared\": \"Apache-2.0\"", with: "\"licenseDeclared\": \"Bogus-1.0\"").utf8),
                                            "license.spdx.json", in: directory)
        let refused = try #require(try Self.validate("validate-spdx", [unknownMember, unknownLicense]))
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("member.spdx.json") && refused.stdout.contains("'bogus' was unexpected"), "\(refused.stdout)")
        #expect(refused.stdout.contains("license.spdx.json") && refused.stdout.contains("Bogus-1.0"), "\(refused.stdout)")
    }
}
