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
/// Pure: the serial number and timestamp are given (`BOMIdentity`), so the same report gives the
/// same bytes.
public struct CycloneDXReporter: Reporter {
    public var models: [ScannedModel]
    public var identity: BOMIdentity

    public init(models: [ScannedModel], identity: BOMIdentity) {
        self.models = models
        self.identity = identity
    }

    public func render(_ report: Report) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 2048 + models.count * 1200 + report.findings.count * 900)
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
        for model in models where listed.insert(model.file).inserted {
            components.append(Self.component(model, reference: references[model.file] ?? model.file,
                                             findings: findingsByFile[model.file] ?? [], warnings: warningsByFile[model.file] ?? []))
        }

        var properties: [CycloneDXBOM.Property] = []
        if outside > 0 { properties.append(.init("bulwark:findingsNotAboutModels", String(outside))) }
        for error in report.errors { properties.append(.init("bulwark:inputError", error.description)) }
        let tool = CycloneDXBOM.Component(type: "application", name: report.tool.name, version: report.tool.version)
        return CycloneDXBOM(
            serialNumber: identity.serialNumber,
            metadata: CycloneDXBOM.Metadata(timestamp: identity.timestamp, tools: [tool], properties: properties),
            components: components, vulnerabilities: vulnerabilities)
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
