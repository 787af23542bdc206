import BulwarkCore

/// `--format spdx`: an SPDX 2.3 JSON document of the images a scan read (docs/cli.md).
///
/// Each image is a package (`primaryPackagePurpose: CONTAINER`, named by its first reference,
/// versioned and checksummed by its manifest digest, with an `oci` purl when it has a reference)
/// that the document `DESCRIBES`; the image `CONTAINS` its operating system (`OPERATING_SYSTEM`),
/// each installed package (`LIBRARY`, with its purl and declared license) and each model file in
/// its layers (`FILE`, with its SHA-256 and SHA-512: SPDX 2.3 has no model purpose, and a model
/// file is "a single file which can be independently distributed", the spec's `FILE`). Without
/// images (`scan`, `model scan`) the document describes the model files alone.
///
/// Nothing is claimed that Bulwark did not see: `downloadLocation`, `licenseConcluded` and
/// `copyrightText` are `NOASSERTION`, `filesAnalyzed` false (files are not listed). A license
/// text that is not an SPDX expression of known identifiers becomes a `LicenseRef-` whose text is
/// in `hasExtractedLicensingInfos`. Findings are not part of an SBOM; input errors are listed in
/// the document's `comment`.
///
/// `documentNamespace` is `https://bulwark.invalid/spdxdocs/<name>-<manifest digest>-<hash>`,
/// where the hash (FNV-1a, 64 bits) covers the packages, relationships and Bulwark's version:
/// the same image scanned by the same Bulwark gives the same namespace (reproducible output),
/// any change of content a new one (SPDX 2.3 §6.5: a new version of a document needs a new URI).
/// `.invalid` (RFC 2606) cannot resolve, so the URI never looks like a place to fetch from.
///
/// Pure: the creation time is given (`BOMIdentity.timestamp`), so the same report gives the
/// same bytes.
public struct SPDXReporter: Reporter {
    public var images: [ScannedImage]
    public var models: [ScannedModel]
    public var identity: BOMIdentity

    public init(images: [ScannedImage], models: [ScannedModel] = [], identity: BOMIdentity) {
        self.images = images
        self.models = models
        self.identity = identity
    }

    public static let namespacePrefix = "https://bulwark.invalid/spdxdocs/"

    public func render(_ report: Report) -> [UInt8] {
        let packages = images.reduce(models.count) { $0 + $1.packages.count + $1.models.count }
        var writer = JSONWriter(reservingCapacity: 2048 + packages * 900)
        document(report).write(to: &writer)
        return writer.finish()
    }

    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var writer = JSONWriter(sink: sink)
        document(report).write(to: &writer)
        sink(writer.finish())
    }

    /// The document for a report.
    public func document(_ report: Report) -> SPDXDocument {
        var builder = Builder(findings: report.findings)
        var describedIDs: [String] = []
        var relationships: [SPDXDocument.Relationship] = []
        for model in models {
            if let id = builder.add(model) { describedIDs.append(id) }
        }
        for image in images {
            let imageID = builder.add(image)
            describedIDs.append(imageID)
            var contained: [String] = []
            if let os = image.os { contained.append(builder.add(os, version: image.osVersion)) }
            for package in image.packages { contained.append(builder.add(package)) }
            for model in image.models {
                if let id = builder.add(model) { contained.append(id) }
            }
            for id in contained { relationships.append(.init(element: imageID, type: "CONTAINS", related: id)) }
        }
        // A document must describe something (spdx-tools refuses one that does not); with no
        // image and no model file it describes `NONE` (SPDX 2.3 §11.1 allows NONE as the related
        // element), saying so rather than claiming an element.
        if describedIDs.isEmpty { describedIDs = ["NONE"] }
        relationships = describedIDs.map { .init(element: SPDXDocument.documentID, type: "DESCRIBES", related: $0) } + relationships

        let name: String
        if images.isEmpty {
            name = models.isEmpty ? "bulwark inventory (empty)" : "bulwark model inventory"
        } else {
            name = images.map(\.sbomName).joined(separator: ", ")
        }
        var comment: String?
        if !report.errors.isEmpty {
            comment = "Input errors (what they name is missing from this document): "
                + report.errors.map(\.description).joined(separator: "; ")
        }
        var document = SPDXDocument(
            name: name, namespace: "", created: identity.timestamp,
            creators: ["Tool: \(report.tool.name)-\(report.tool.version)"], comment: comment,
            packages: builder.packages, relationships: relationships, extractedLicenses: builder.extractedLicenses)
        document.namespace = Self.namespace(for: document, images: images, tool: report.tool.version)
        return document
    }

    /// `<prefix><name>-<manifest hex…>-<FNV-1a 64 of the body and version>`; the name and digests
    /// keep it readable, the hash makes it change with the content.
    static func namespace(for document: SPDXDocument, images: [ScannedImage], tool version: String) -> String {
        var writer = JSONWriter(reservingCapacity: 4096)
        writer.beginObject()
        writer.field("tool", version)
        writer.field("name", document.name)
        document.writeBody(to: &writer)
        writer.endObject()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in writer.finish() {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        var parts = [uriSegment(images.isEmpty ? "models" : document.name)]
        parts += images.map { $0.manifestSHA256.map { "sha256-" + $0 } ?? uriSegment($0.manifestDigest) }
        parts.append(String(repeating: "0", count: 16 - hex.count) + hex)
        return namespacePrefix + parts.joined(separator: "-")
    }

    /// Keeps `[A-Za-z0-9._-]`, writes anything else as `-`: a path segment that needs no escaping.
    static func uriSegment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(100).map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
                || scalar == "-") ? scalar : "-"
        }))
    }

    /// Assigns unique SPDX ids and license references while the packages are listed.
    struct Builder {
        let findings: [String: [Finding]]
        var packages: [SPDXDocument.Package] = []
        var extractedLicenses: [SPDXDocument.ExtractedLicense] = []
        var usedIDs: Set<String> = [SPDXDocument.documentID]
        var modelIDs: [String: String] = [:]
        var licenseRefs: [String: String] = [:]

        init(findings: [Finding]) {
            self.findings = Dictionary(grouping: findings, by: \.location.file)
        }

        /// `SPDXRef-<kind>-<parts>`, with characters outside `[A-Za-z0-9.-]` as `-` and `-2`, `-3`
        /// … for repeats.
        mutating func id(_ kind: String, _ parts: String...) -> String {
            let base = "SPDXRef-" + kind + "-" + SPDXReporter.idString(parts.joined(separator: "-"))
            var id = base
            var suffix = 2
            while !usedIDs.insert(id).inserted {
                id = "\(base)-\(suffix)"
                suffix += 1
            }
            return id
        }

        mutating func add(_ image: ScannedImage) -> String {
            let spdxID = id("Image", image.sbomName)
            var comment = "platform \(image.platform); config \(image.configDigest); read from \(image.source)"
            if image.references.count > 1 { comment += "; also tagged " + image.references.dropFirst().joined(separator: ", ") }
            if !image.layers.isEmpty { comment += "; layers (bottom first) " + image.layers.joined(separator: ", ") }
            packages.append(SPDXDocument.Package(
                spdxID: spdxID, name: image.sbomName, versionInfo: image.manifestDigest, purpose: "CONTAINER",
                checksums: image.manifestSHA256.map { [.init(algorithm: "SHA256", value: $0)] } ?? [],
                comment: comment, purl: image.ociPurl))
            return spdxID
        }

        mutating func add(_ os: OperatingSystemRelease, version: String?) -> String {
            let spdxID = id("OperatingSystem", os.id, version ?? "")
            packages.append(SPDXDocument.Package(
                spdxID: spdxID, name: os.id, versionInfo: version, purpose: "OPERATING_SYSTEM",
                description: os.prettyName, comment: os.codename.map { "codename \($0)" }))
            return spdxID
        }

        mutating func add(_ package: InstalledPackage) -> String {
            let spdxID = id("Package", package.kind.rawValue, package.name, package.version)
            var source = "recorded in \(package.path) of layer \(package.layer)"
            if let origin = package.sbomSource { source += "; source package \(origin)" }
            packages.append(SPDXDocument.Package(
                spdxID: spdxID, name: package.name, versionInfo: package.version, purpose: "LIBRARY",
                licenseDeclared: licenseDeclared(package.licenses), sourceInfo: source, summary: package.note,
                comment: "\(package.kind.rawValue) package", purl: package.purl))
            return spdxID
        }

        /// Nil when the file is already listed (the same file in two images is one package).
        mutating func add(_ model: ScannedModel) -> String? {
            if let existing = modelIDs[model.file] { return existing }
            let name = model.file.split(separator: "/").last.map(String.init) ?? model.file
            let spdxID = id("Model", name)
            modelIDs[model.file] = spdxID
            var checksums: [SPDXDocument.Checksum] = []
            if let sha256 = model.sha256 { checksums.append(.init(algorithm: "SHA256", value: sha256)) }
            if let sha512 = model.sha512 { checksums.append(.init(algorithm: "SHA512", value: sha512)) }
            var comment = "machine-learning model file; format \(model.format)"
            if !model.frameworks.isEmpty { comment += "; frameworks " + model.frameworks.joined(separator: ", ") }
            comment += "; signature \(model.signature)"
            let open = (findings[model.file] ?? []).filter { !$0.suppressed }
            if let highest = open.map(\.severity).max() {
                comment += "; verdict findings (highest \(highest.rawValue): " + Set(open.map(\.ruleId)).sorted().joined(separator: ", ") + ")"
            } else {
                comment += "; verdict clean"
            }
            packages.append(SPDXDocument.Package(
                spdxID: spdxID, name: name, packageFileName: model.file, purpose: "FILE", checksums: checksums, comment: comment))
            return spdxID
        }

        /// The recorded texts joined with `AND` (a package carries all its licenses): each SPDX
        /// expression as it is, any other text as a `LicenseRef-` declared once per distinct text.
        mutating func licenseDeclared(_ texts: [String]) -> String {
            guard !texts.isEmpty else { return "NOASSERTION" }
            var terms: [String] = []
            for text in texts {
                if let expression = SPDXLicenseExpression(text) {
                    terms.append(texts.count == 1 ? expression.text : expression.operand)
                } else {
                    terms.append(licenseRef(text))
                }
            }
            var unique: [String] = []
            for term in terms where !unique.contains(term) { unique.append(term) }
            return unique.joined(separator: " AND ")
        }

        mutating func licenseRef(_ text: String) -> String {
            if let existing = licenseRefs[text] { return existing }
            let base = "LicenseRef-" + SPDXReporter.idString(text)
            var reference = base
            var suffix = 2
            while extractedLicenses.contains(where: { $0.licenseID == reference }) {
                reference = "\(base)-\(suffix)"
                suffix += 1
            }
            licenseRefs[text] = reference
            extractedLicenses.append(.init(licenseID: reference, text: text))
            return reference
        }
    }

    /// `[A-Za-z0-9.-]+` (the `idstring` of SPDX ids and license refs): other characters become
    /// `-`, runs of `-` one, at most 120 characters; `unknown` when nothing is left.
    static func idString(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(240) {
            let keep = scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || scalar == ".")
            if keep {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "unknown" : String(out.prefix(120))
    }
}
