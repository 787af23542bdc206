import BulwarkCore
import Foundation

/// `--format cyclonedx`: a CycloneDX 1.6 ML-BOM of the model files a scan read (docs/cli.md).
///
/// One `machine-learning-model` component per model file: its name, `bom-ref`, SHA-256 and SHA-512,
/// where it was found (`evidence.occurrences`), and in `bulwark:` properties what the schema has no
/// place for: the serialisation format, the frameworks guessed from its imports, the signature
/// status, and the verdict (`clean`, or `findings` with the highest severity and the rule ids).
/// Each finding about a model file is a `vulnerability` whose source is Bulwark, `id` the rule id,
/// rating the severity, and `affects` the component. No `modelCard`: a model card describes how a
/// model was made and what it is for (approach, task, datasets, performance), which a pickle does
/// not say; guessing would put wrong facts where readers trust them.
///
/// What the BOM cannot hold is counted, never dropped silently: findings about other inputs
/// (manifests, Dockerfiles: use json or sarif for them), input errors, and each model file's
/// warnings (a compressed member not analysed) are `bulwark:` properties of the metadata or the
/// component.
///
/// With images (`bulwark sbom`, `bulwark image`) the BOM is the image's SBOM too: the image is
/// `metadata.component` (type `container`; with several images each is a component instead), its
/// operating system an `operating-system` component, each installed package a `library` with its
/// purl and licenses, the model files in its layers `machine-learning-model` components as above,
/// and `dependencies` say that the image contains each of them (docs/cli.md lists every member).
///
/// Pure: the serial number and timestamp are given (`BOMIdentity`), so the same report gives the
/// same bytes.
public struct CycloneDXReporter: Reporter {
    public var models: [ScannedModel]
    public var images: [ScannedImage]
    public var identity: BOMIdentity

    public init(models: [ScannedModel], images: [ScannedImage] = [], identity: BOMIdentity) {
        self.models = models
        self.images = images
        self.identity = identity
    }

    public func render(_ report: Report) -> [UInt8] {
        let packages = images.reduce(0) { $0 + $1.packages.count }
        var writer = JSONWriter(reservingCapacity: 2048 + models.count * 1200 + packages * 700 + report.findings.count * 900)
        bom(report).write(to: &writer)
        return writer.finish()
    }

    /// Streams the BOM to `sink` in chunks of about 1 MiB.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var writer = JSONWriter(sink: sink)
        bom(report).write(to: &writer)
        sink(writer.finish())
    }

    /// The BOM for a report.
    public func bom(_ report: Report) -> CycloneDXBOM {
        let models = self.models + images.flatMap(\.models)
        var references: [String: String] = [:]
        var usedReferences: Set<String> = []
        for model in models where references[model.file] == nil {
            var reference = "model:" + model.file
            var suffix = 2
            while usedReferences.contains(reference) {
                reference = "model:\(model.file)#\(suffix)"
                suffix += 1
            }
            usedReferences.insert(reference)
            references[model.file] = reference
        }
        var findingsByFile: [String: [Finding]] = [:]
        var vulnerabilities: [CycloneDXBOM.Vulnerability] = []
        var outside = 0
        for finding in report.findings {
            guard let reference = references[finding.location.file] else {
                outside += 1
                continue
            }
            findingsByFile[finding.location.file, default: []].append(finding)
            vulnerabilities.append(Self.vulnerability(finding, number: vulnerabilities.count + 1, affects: reference))
        }
        var warningsByFile: [String: [InputWarning]] = [:]
        for warning in report.warnings { warningsByFile[warning.file, default: []].append(warning) }

        var components: [CycloneDXBOM.Component] = []
        var listed: Set<String> = []
        func appendModels(_ models: [ScannedModel]) {
            for model in models where listed.insert(model.file).inserted {
                components.append(Self.component(model, reference: references[model.file] ?? model.file,
                                                 findings: findingsByFile[model.file] ?? [], warnings: warningsByFile[model.file] ?? []))
            }
        }
        appendModels(self.models)

        var described: CycloneDXBOM.Component?
        var dependencies: [CycloneDXBOM.Dependency] = []
        var declaredLeaves: Set<String> = []
        for image in images {
            func unique(_ base: String) -> String {
                var reference = base
                var suffix = 2
                while !usedReferences.insert(reference).inserted {
                    reference = "\(base)#\(suffix)"
                    suffix += 1
                }
                return reference
            }
            let imageComponent = Self.component(image, reference: unique("image:" + image.manifestDigest))
            if images.count == 1 { described = imageComponent } else { components.append(imageComponent) }
            var contained: [String] = []
            if let os = image.os {
                let reference = unique("os:\(os.id)-\(image.osVersion ?? "unknown")")
                components.append(CycloneDXBOM.Component(type: "operating-system", bomRef: reference, name: os.id,
                                                         version: image.osVersion, properties: Self.properties(os)))
                contained.append(reference)
            }
            for package in image.packages {
                let reference = unique(package.purl)
                components.append(Self.component(package, reference: reference))
                contained.append(reference)
            }
            appendModels(image.models)
            var seen: Set<String> = Set(contained)
            for model in image.models {
                if let reference = references[model.file], seen.insert(reference).inserted { contained.append(reference) }
            }
            if let ref = imageComponent.bomRef { dependencies.append(.init(ref: ref, dependsOn: contained)) }
            for reference in contained where declaredLeaves.insert(reference).inserted {
                dependencies.append(.init(ref: reference, dependsOn: []))
            }
        }

        var properties: [CycloneDXBOM.Property] = []
        if outside > 0 { properties.append(.init("bulwark:findingsNotAboutModels", String(outside))) }
        for error in report.errors { properties.append(.init("bulwark:inputError", error.description)) }
        let tool = CycloneDXBOM.Component(type: "application", name: report.tool.name, version: report.tool.version)
        return CycloneDXBOM(
            serialNumber: identity.serialNumber,
            metadata: CycloneDXBOM.Metadata(timestamp: identity.timestamp, tools: [tool], properties: properties,
                                            component: described),
            components: components, vulnerabilities: vulnerabilities, dependencies: dependencies)
    }

    /// The image: `container`, named by its first reference (else its path), versioned by its
    /// manifest digest, whose SHA-256 is the manifest's hash; the rest in properties.
    static func component(_ image: ScannedImage, reference: String) -> CycloneDXBOM.Component {
        var properties: [CycloneDXBOM.Property] = [.init("bulwark:source", image.source)]
        for other in image.references.dropFirst() { properties.append(.init("bulwark:reference", other)) }
        properties.append(.init("bulwark:platform", image.platform))
        properties.append(.init("bulwark:configDigest", image.configDigest))
        for layer in image.layers { properties.append(.init("bulwark:layer", layer)) }
        return CycloneDXBOM.Component(
            type: "container", bomRef: reference, name: image.sbomName, version: image.manifestDigest,
            hashes: image.manifestSHA256.map { [CycloneDXBOM.Hash(alg: "SHA-256", content: $0)] } ?? [],
            purl: image.ociPurl, properties: properties)
    }

    static func properties(_ os: OperatingSystemRelease) -> [CycloneDXBOM.Property] {
        var properties: [CycloneDXBOM.Property] = []
        if let codename = os.codename { properties.append(.init("bulwark:codename", codename)) }
        if let pretty = os.prettyName { properties.append(.init("bulwark:prettyName", pretty)) }
        return properties
    }

    /// A package: `library` with its purl and licenses; the layer and file that recorded it, its
    /// source package and Bulwark's note in properties.
    static func component(_ package: InstalledPackage, reference: String) -> CycloneDXBOM.Component {
        var properties: [CycloneDXBOM.Property] = [.init("bulwark:kind", package.kind.rawValue)]
        if let source = package.sbomSource { properties.append(.init("bulwark:sourcePackage", source)) }
        properties.append(.init("bulwark:layer", package.layer))
        properties.append(.init("bulwark:path", package.path))
        if let note = package.note { properties.append(.init("bulwark:note", note)) }
        return CycloneDXBOM.Component(type: "library", bomRef: reference, name: package.name, version: package.version,
                                      licenses: licenses(package.licenses), purl: package.purl, properties: properties)
    }

    /// The schema allows either a list of `license` objects or one `expression`, never both: one
    /// recorded text that is a compound SPDX expression is the expression; several texts that
    /// are all SPDX expressions, one of them compound, are joined with `AND` (a package carries
    /// all its licenses); otherwise each text is an `id` when it is one SPDX identifier, else a
    /// `name` (an expression among unknown texts too, so nothing is lost).
    static func licenses(_ texts: [String]) -> [CycloneDXBOM.License] {
        let parsed = texts.map(SPDXLicenseExpression.init)
        let valid = parsed.compactMap { $0 }
        if !valid.isEmpty, valid.count == texts.count, valid.contains(where: { !$0.isSingleIdentifier }) {
            return [.expression(valid.count == 1 ? valid[0].text : valid.map(\.operand).joined(separator: " AND "))]
        }
        return zip(texts, parsed).map { text, expression in
            if let expression, expression.isSingleIdentifier { .id(expression.text) } else { .name(text) }
        }
    }

    static func component(_ model: ScannedModel, reference: String, findings: [Finding],
                          warnings: [InputWarning]) -> CycloneDXBOM.Component {
        var hashes: [CycloneDXBOM.Hash] = []
        if let sha256 = model.sha256 { hashes.append(CycloneDXBOM.Hash(alg: "SHA-256", content: sha256)) }
        if let sha512 = model.sha512 { hashes.append(CycloneDXBOM.Hash(alg: "SHA-512", content: sha512)) }
        var properties: [CycloneDXBOM.Property] = [.init("bulwark:format", model.format)]
        for framework in model.frameworks { properties.append(.init("bulwark:framework", framework)) }
        properties.append(.init("bulwark:pickles", String(model.pickles)))
        properties.append(.init("bulwark:size", String(model.size)))
        properties.append(.init("bulwark:signature", model.signature))
        let open = findings.filter { !$0.suppressed }
        if let highest = open.map(\.severity).max() {
            properties.append(.init("bulwark:verdict", "findings"))
            properties.append(.init("bulwark:highestSeverity", highest.rawValue))
            for rule in Set(open.map(\.ruleId)).sorted() { properties.append(.init("bulwark:ruleId", rule)) }
        } else {
            properties.append(.init("bulwark:verdict", "clean"))
        }
        let suppressed = findings.count - open.count
        if suppressed > 0 { properties.append(.init("bulwark:suppressedFindings", String(suppressed))) }
        for warning in warnings { properties.append(.init("bulwark:warning", warning.message)) }
        let name = model.file.split(separator: "/").last.map(String.init) ?? model.file
        return CycloneDXBOM.Component(type: "machine-learning-model", bomRef: reference, name: name, hashes: hashes,
                                      occurrences: [model.file], properties: properties)
    }

    static func vulnerability(_ finding: Finding, number: Int, affects reference: String) -> CycloneDXBOM.Vulnerability {
        var properties: [CycloneDXBOM.Property] = [.init("bulwark:location", finding.location.description)]
        for control in finding.controls { properties.append(.init("bulwark:control", control.description)) }
        var analysis: String?
        if finding.suppressed {
            let kind = finding.suppressionKind == .external ? "by configuration" : "in the source"
            analysis = "suppressed \(kind): \(finding.suppressionReason ?? "no reason given")"
            properties.append(.init("bulwark:suppressed", "true"))
        }
        return CycloneDXBOM.Vulnerability(
            bomRef: "finding-\(number)", id: finding.ruleId, sourceName: "Bulwark", severity: finding.severity.rawValue,
            description: finding.title, detail: finding.message, recommendation: finding.remediation,
            analysisDetail: analysis, affects: [reference], properties: properties)
    }
}

/// What makes each BOM unique: its serial number and creation time. Given to the reporter so it
/// stays a pure function (tests pin both; the CLI makes a fresh one per run).
public struct BOMIdentity: Sendable, Equatable {
    /// `urn:uuid:…`, lowercase.
    public var serialNumber: String
    /// RFC 3339 in UTC, whole seconds (`2026-12-07T08:30:00Z`).
    public var timestamp: String

    public init(serialNumber: UUID, timestamp: Date) {
        self.serialNumber = "urn:uuid:" + serialNumber.uuidString.lowercased()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.timestamp = formatter.string(from: timestamp)
    }

    /// A new random serial number, now.
    public static func fresh() -> BOMIdentity {
        BOMIdentity(serialNumber: UUID(), timestamp: Date())
    }
}
