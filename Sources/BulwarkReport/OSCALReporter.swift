import BulwarkCore
import Crypto

/// `--format oscal`: an OSCAL 1.1.3 assessment-results document (NIST's model for the results of
/// assessing a system's controls), one result per report.
///
/// - observations: one per finding (`methods: TEST`, `types: finding`), its rule id, severity,
///   fingerprint, controls and remediation as `props` in the Bulwark namespace, the scanned file as
///   the subject (a back-matter resource), the object (apiVersion, kind, namespace, name, container)
///   as the subject's props, and the place (file, line, column, archive member, byte offset, field)
///   as `relevant-evidence`; the remediation again in `remarks`, for readers.
/// - risks: one per finding, status `open`, with the remediation as a `recommendation` response;
///   a suppressed finding's risk has status `deviation-approved` and the suppression reason and kind
///   as props, and its observation the prop `suppressed: true` — suppressed findings stay visible as
///   accepted deviations, as in SARIF.
/// - findings: one per control assessed, `target.type: objective-id` (Bulwark checks whether a
///   control's objective is met by the configuration; it has no catalogue statement ids),
///   `target-id` the control as an OSCAL token (`controlToken`: `cis-k8s:5.2.6` → `cis-k8s_5.2.6`),
///   `not-satisfied` (reason `fail`) when an unsuppressed finding cites it, else `satisfied`
///   (reason `pass`), with the related observations and risks.
/// - controls assessed (`reviewed-controls`): with `--compliance` the framework's controls that are
///   `pass` or `fail` there (`manual` and `not-applicable` ones are not assessed); without it every
///   control the findings cite, directly or through their rule in the catalogue.
/// - UUIDs are version 5 (RFC 4122, SHA-1 names in `uuidNamespace`) of the timestamp and the
///   content, so the same report and timestamp give the same bytes; the timestamp (`start`, `end`,
///   `last-modified`, `collected`) comes from the caller (`BOMIdentity.timestamp`).
/// - inputs that could not be read and warnings are listed in the result's `remarks`.
public struct OSCALReporter: Reporter {
    public static let oscalVersion = "1.1.3"
    /// The namespace (`ns`) of every property Bulwark defines.
    public static let propertyNamespace = "https://github.com/bulwark-dev/bulwark/oscal"
    /// The namespace of the name-based UUIDs, fixed so golden files are stable.
    public static let uuidNamespace = "5b0c2a6e-9d47-4f1a-8e3b-61c2d4a7f905"

    public var catalog: RuleCatalog
    /// RFC 3339, e.g. `2026-12-07T08:30:00Z`.
    public var timestamp: String

    public init(rules: [RuleDescriptor] = [], timestamp: String) {
        self.init(catalog: RuleCatalog(rules), timestamp: timestamp)
    }

    public init(catalog: RuleCatalog, timestamp: String) {
        self.catalog = catalog
        self.timestamp = timestamp
    }

    /// A control as an OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`): `framework_control`, every
    /// character other than an ASCII letter, digit, `.`, `-` or `_` replaced by `-`, and `_` put in
    /// front when the result would not start with a letter. `cis-k8s:5.2.6` → `cis-k8s_5.2.6`,
    /// `pss-restricted:runAsNonRoot` → `pss-restricted_runAsNonRoot`.
    public static func controlToken(_ control: ControlID) -> String {
        var token = ""
        for scalar in (control.framework + "_" + control.control).unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": token.unicodeScalars.append(scalar)
            default: token += "-"
            }
        }
        if let first = token.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) || first == "_" {
            return token
        }
        return "_" + token
    }

    /// An RFC 4122 version-5 UUID: SHA-1 of `uuidNamespace` and the parts (separated by U+001F),
    /// lowercase.
    public static func nameUUID(_ parts: [String]) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespaceBytes)
        for (index, part) in parts.enumerated() {
            if index > 0 { hasher.update(data: [UInt8(0x1F)]) }
            hasher.update(data: Array(part.utf8))
        }
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static let namespaceBytes: [UInt8] = {
        let digits = Array(uuidNamespace.utf8).filter { $0 != UInt8(ascii: "-") }
        func value(_ digit: UInt8) -> UInt8 { digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }()

    /// A property value as OSCAL's string type wants it (`^\S(.*\S)?$`): whitespace and control
    /// characters run together into one space, trimmed; nil when nothing is left.
    static func propertyValue(_ text: String) -> String? {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out += " " }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out.isEmpty ? nil : out
    }

    // MARK: The assessment

    /// One control assessed: its id, title, status and the findings (indices) that cite it.
    struct AssessedControl {
        var id: ControlID
        var title: String
        var satisfied: Bool
        var findings: [Int]
    }

    /// The controls a finding cites: its own and its rule's.
    func controls(of finding: Finding) -> Set<ControlID> {
        Set(finding.controls).union(catalog.rule(finding.ruleId)?.controls ?? [])
    }

    func assessedControls(_ report: Report, cited: [Set<ControlID>]) -> [AssessedControl] {
        // The findings citing each control, in report order: one pass, not one scan per control.
        var citedBy: [ControlID: [Int]] = [:]
        for (index, controls) in cited.enumerated() {
            for control in controls { citedBy[control, default: []].append(index) }
        }
        func citing(_ control: ControlID) -> [Int] { citedBy[control] ?? [] }
        if let compliance = report.compliance {
            return compliance.controls.compactMap { control -> AssessedControl? in
                guard control.status == .pass || control.status == .fail else { return nil }
                // An included control (pss-restricted's baseline checks) is cited under its own framework.
                let id = ControlID(framework: control.framework.isEmpty ? compliance.framework : control.framework, control: control.id)
                return AssessedControl(id: id, title: control.title, satisfied: control.status == .pass, findings: citing(id))
            }
        }
        return Set(cited.flatMap { $0 }).sorted().map { id in
            let findings = citing(id)
            return AssessedControl(id: id, title: ControlCatalog.title(framework: id.framework, control: id.control) ?? id.control,
                                   satisfied: findings.allSatisfy { report.findings[$0].suppressed }, findings: findings)
        }
    }

    // MARK: Rendering

    public func render(_ report: Report) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 8 << 10 + report.findings.count * 3000)
        write(report, into: &writer)
        return writer.finish()
    }

    /// Streams the document to `sink` in chunks of about 1 MiB.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var writer = JSONWriter(sink: sink)
        write(report, into: &writer)
        sink(writer.finish())
    }

    private func write(_ report: Report, into writer: inout JSONWriter) {
        let findings = report.findings
        let cited = findings.map(controls(of:))
        let assessed = assessedControls(report, cited: cited)

        // Observation and risk UUIDs from the finding's fingerprint and place (and which occurrence of
        // an exact repeat it is), so they do not change when other findings come or go.
        var occurrences: [String: Int] = [:]
        var keys: [String] = []
        keys.reserveCapacity(findings.count)
        for finding in findings {
            let key = finding.fingerprint() + "\u{1F}" + finding.location.description
            occurrences[key, default: 0] += 1
            keys.append(key + "\u{1F}\(occurrences[key] ?? 0)")
        }
        let observationIDs = keys.map { Self.nameUUID(["observation", timestamp, $0]) }
        let riskIDs = keys.map { Self.nameUUID(["risk", timestamp, $0]) }
        let documentID = Self.nameUUID(["assessment-results", timestamp, report.compliance?.framework ?? ""] + keys)
        let componentID = Self.nameUUID(["component", "bulwark"])
        let planID = Self.nameUUID(["assessment-plan", "bulwark", report.tool.version])
        let files = Set(findings.map(\.location.file)).sorted()
        func resourceID(_ file: String) -> String { Self.nameUUID(["resource", file]) }

        writer.beginObject()
        writer.key("assessment-results")
        writer.beginObject()
        writer.field("uuid", documentID)

        writer.key("metadata")
        writer.beginObject()
        writer.field("title", "Bulwark assessment results")
        writer.field("last-modified", timestamp)
        writer.field("version", report.tool.version)
        writer.field("oscal-version", Self.oscalVersion)
        writer.key("props")
        writer.beginArray()
        Self.prop("tool", "\(report.tool.name) \(report.tool.version)", to: &writer)
        writer.endArray()
        writer.endObject()

        writer.key("import-ap")
        writer.beginObject()
        writer.field("href", "#" + planID)
        writer.field("remarks", "Bulwark has no separate assessment plan: its rule catalogue, named in back-matter, is the plan.")
        writer.endObject()

        writer.key("results")
        writer.beginArray()
        writer.beginObject()
        writer.field("uuid", Self.nameUUID(["result", documentID]))
        writer.field("title", "Bulwark scan")
        writer.field("description", Self.resultDescription(report))
        writer.field("start", timestamp)
        writer.field("end", timestamp)
        writeResultProps(report, to: &writer)
        writeAssessmentAssets(componentID: componentID, to: &writer)
        writeReviewedControls(report, assessed, to: &writer)
        if !findings.isEmpty {
            writer.key("observations")
            writer.beginArray()
            for (index, finding) in findings.enumerated() {
                writeObservation(finding, id: observationIDs[index], controls: cited[index], componentID: componentID,
                                 resourceID: resourceID(finding.location.file), to: &writer)
                writer.flushIfNeeded()
            }
            writer.endArray()
            writer.key("risks")
            writer.beginArray()
            for (index, finding) in findings.enumerated() {
                writeRisk(finding, id: riskIDs[index], observationID: observationIDs[index], to: &writer)
                writer.flushIfNeeded()
            }
            writer.endArray()
        }
        if !assessed.isEmpty {
            writer.key("findings")
            writer.beginArray()
            for control in assessed {
                writeFinding(control, report: report, observationIDs: observationIDs, riskIDs: riskIDs, to: &writer)
                writer.flushIfNeeded()
            }
            writer.endArray()
        }
        if let remarks = Self.problems(report) { writer.field("remarks", remarks) }
        writer.endObject()
        writer.endArray()

        writer.key("back-matter")
        writer.beginObject()
        writer.key("resources")
        writer.beginArray()
        writer.beginObject()
        writer.field("uuid", planID)
        writer.field("title", "Bulwark \(report.tool.version) rule catalogue")
        writer.field("description", "The rules of `bulwark rules`, each with its controls; every finding names the rule that made it.")
        writer.endObject()
        for file in files {
            writer.beginObject()
            writer.field("uuid", resourceID(file))
            writer.field("title", file.isEmpty ? "(no file)" : file)
            writer.field("description", "An input Bulwark scanned.")
            writer.key("rlinks")
            writer.beginArray()
            writer.beginObject()
            writer.field("href", Self.href(file))
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()

        writer.endObject()
        writer.endObject()
    }

    static func prop(_ name: String, _ value: String?, to writer: inout JSONWriter) {
        guard let value = value.flatMap(propertyValue) else { return }
        writer.beginObject()
        writer.field("name", name)
        writer.field("ns", propertyNamespace)
        writer.field("value", value)
        writer.endObject()
    }

    /// A path as a URI reference: relative paths percent-encoded, absolute ones as `file://` URIs.
    static func href(_ path: String) -> String {
        SARIFReporter.artifactLocation(forPath: path).uri
    }

    static func resultDescription(_ report: Report) -> String {
        var text = "Bulwark \(report.tool.version) checked \(report.summary.files) file(s) and \(report.summary.objects) object(s) "
            + "against its rule catalogue: \(report.summary.findings.total) finding(s), \(report.summary.suppressed) suppressed"
        if let baselined = report.summary.baselined { text += ", \(baselined) left out as listed in the baseline" }
        if let compliance = report.compliance {
            let score = compliance.score.map { "scored \(ComplianceScore.text($0))%" } ?? "has no score (no automatically checked control applies)"
            text += "; compliance with \(ControlCatalog.frameworks[compliance.framework] ?? compliance.framework) \(score)"
        }
        return text + "."
    }

    static func problems(_ report: Report) -> String? {
        let lines = report.errors.map { "error: \($0)" } + report.warnings.map(\.description)
        return lines.isEmpty ? nil : "Inputs with problems:\n" + lines.map { "- " + $0 }.joined(separator: "\n")
    }

    func writeResultProps(_ report: Report, to writer: inout JSONWriter) {
        let summary = report.summary
        writer.key("props")
        writer.beginArray()
        Self.prop("framework", report.compliance?.framework, to: &writer)
        Self.prop("files", String(summary.files), to: &writer)
        Self.prop("objects", String(summary.objects), to: &writer)
        for severity in Severity.descending {
            Self.prop("findings-\(severity.rawValue)", String(summary.findings[severity]), to: &writer)
        }
        Self.prop("suppressed", String(summary.suppressed), to: &writer)
        Self.prop("baselined", summary.baselined.map(String.init), to: &writer)
        Self.prop("input-errors", String(report.errors.count), to: &writer)
        writer.endArray()
    }

    func writeAssessmentAssets(componentID: String, to writer: inout JSONWriter) {
        writer.key("local-definitions")
        writer.beginObject()
        writer.key("assessment-assets")
        writer.beginObject()
        writer.key("components")
        writer.beginArray()
        writer.beginObject()
        writer.field("uuid", componentID)
        writer.field("type", "software")
        writer.field("title", "Bulwark")
        writer.field("description", "The Bulwark scanner: Kubernetes manifests, Dockerfiles, container images and model files against one rule catalogue.")
        writer.key("status")
        writer.beginObject()
        writer.field("state", "operational")
        writer.endObject()
        writer.endObject()
        writer.endArray()
        writer.key("assessment-platforms")
        writer.beginArray()
        writer.beginObject()
        writer.field("uuid", Self.nameUUID(["assessment-platform", "bulwark"]))
        writer.field("title", "Bulwark")
        writer.key("uses-components")
        writer.beginArray()
        writer.beginObject()
        writer.field("component-uuid", componentID)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.endObject()
    }

    func writeReviewedControls(_ report: Report, _ assessed: [AssessedControl], to writer: inout JSONWriter) {
        writer.key("reviewed-controls")
        writer.beginObject()
        if let compliance = report.compliance {
            writer.field("description", "The controls of \(ControlCatalog.frameworks[compliance.framework] ?? compliance.framework) that Bulwark's rules check.")
        } else {
            writer.field("description", "The controls the findings cite (no compliance framework was chosen).")
        }
        writer.key("control-selections")
        writer.beginArray()
        writer.beginObject()
        if assessed.isEmpty {
            writer.field("description", "No control was assessed.")
        } else {
            writer.key("include-controls")
            writer.beginArray()
            for control in assessed {
                writer.beginObject()
                writer.field("control-id", Self.controlToken(control.id))
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        writer.endArray()
        writer.endObject()
    }

    func writeObservation(_ finding: Finding, id: String, controls: Set<ControlID>, componentID: String, resourceID: String,
                          to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("uuid", id)
        writer.field("title", finding.title)
        writer.field("description", finding.message)
        writer.key("props")
        writer.beginArray()
        Self.prop("rule-id", finding.ruleId, to: &writer)
        Self.prop("severity", finding.severity.rawValue, to: &writer)
        Self.prop("fingerprint", finding.fingerprint(), to: &writer)
        Self.prop("suppressed", finding.suppressed ? "true" : "false", to: &writer)
        if finding.suppressed {
            Self.prop("suppression-reason", finding.suppressionReason, to: &writer)
            Self.prop("suppression-kind", (finding.suppressionKind ?? .inSource).rawValue, to: &writer)
        }
        for control in controls.sorted() { Self.prop("control", control.description, to: &writer) }
        Self.prop("template-source", finding.templateSource, to: &writer)
        Self.prop("remediation", finding.remediation, to: &writer)
        writer.endArray()
        writer.stringArray("methods", ["TEST"])
        writer.stringArray("types", ["finding"])
        writer.key("origins")
        writer.beginArray()
        writer.beginObject()
        writer.key("actors")
        writer.beginArray()
        writer.beginObject()
        writer.field("type", "tool")
        writer.field("actor-uuid", componentID)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.endArray()

        writer.key("subjects")
        writer.beginArray()
        writer.beginObject()
        writer.field("subject-uuid", resourceID)
        writer.field("type", "resource")
        writer.field("title", finding.location.file.isEmpty ? "(no file)" : finding.location.file)
        if let object = finding.object {
            writer.key("props")
            writer.beginArray()
            Self.prop("api-version", object.apiVersion, to: &writer)
            Self.prop("kind", object.kind, to: &writer)
            Self.prop("namespace", object.namespace, to: &writer)
            Self.prop("name", object.name, to: &writer)
            Self.prop("container", object.container, to: &writer)
            writer.endArray()
        }
        writer.endObject()
        writer.endArray()

        let location = finding.location
        writer.key("relevant-evidence")
        writer.beginArray()
        writer.beginObject()
        writer.field("href", Self.href(location.file))
        var place = location.description
        if let object = finding.object {
            place += ", " + (object.container.map { "container \"\($0)\" of " } ?? "") + object.displayName
        }
        if let field = finding.field { place += ", field " + field }
        writer.field("description", place)
        writer.key("props")
        writer.beginArray()
        Self.prop("file", location.file, to: &writer)
        Self.prop("line", String(location.line), to: &writer)
        Self.prop("column", String(location.column), to: &writer)
        Self.prop("member", location.member, to: &writer)
        Self.prop("offset", location.offset.map(String.init), to: &writer)
        Self.prop("field", finding.field, to: &writer)
        writer.endArray()
        writer.endObject()
        writer.endArray()

        writer.field("collected", timestamp)
        writer.field("remarks", "Remediation: " + finding.remediation)
        writer.endObject()
    }

    func writeRisk(_ finding: Finding, id: String, observationID: String, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("uuid", id)
        writer.field("title", finding.title)
        writer.field("description", finding.message)
        writer.field("statement", "A \(finding.severity.rawValue) finding of rule \(finding.ruleId) at \(finding.location.description): \(finding.message)")
        writer.key("props")
        writer.beginArray()
        Self.prop("rule-id", finding.ruleId, to: &writer)
        Self.prop("severity", finding.severity.rawValue, to: &writer)
        if finding.suppressed {
            Self.prop("suppression-reason", finding.suppressionReason ?? "no reason given", to: &writer)
            Self.prop("suppression-kind", (finding.suppressionKind ?? .inSource).rawValue, to: &writer)
        }
        writer.endArray()
        writer.field("status", finding.suppressed ? "deviation-approved" : "open")
        writer.key("remediations")
        writer.beginArray()
        writer.beginObject()
        writer.field("uuid", Self.nameUUID(["remediation", id]))
        writer.field("lifecycle", "recommendation")
        writer.field("title", "Remediation for \(finding.ruleId)")
        writer.field("description", finding.remediation)
        writer.endObject()
        writer.endArray()
        writer.key("related-observations")
        writer.beginArray()
        writer.beginObject()
        writer.field("observation-uuid", observationID)
        writer.endObject()
        writer.endArray()
        writer.endObject()
    }

    func writeFinding(_ control: AssessedControl, report: Report, observationIDs: [String], riskIDs: [String], to writer: inout JSONWriter) {
        let failing = control.findings.filter { !report.findings[$0].suppressed }
        let suppressed = control.findings.count - failing.count
        let framework = ControlCatalog.frameworks[control.id.framework] ?? control.id.framework
        writer.beginObject()
        writer.field("uuid", Self.nameUUID(["finding", timestamp, report.compliance?.framework ?? "", control.id.description]))
        writer.field("title", "\(framework) \(control.id.control): \(control.title)")
        var description: String
        if control.satisfied {
            description = "Satisfied: no unsuppressed finding cites this control"
        } else {
            let rules = Set(failing.map { report.findings[$0].ruleId }).sorted()
            description = "Not satisfied: \(failing.count) unsuppressed finding(s)"
                + (rules.isEmpty ? "" : " of rule(s) " + rules.joined(separator: ", "))
        }
        if suppressed > 0 { description += "; \(suppressed) suppressed finding(s) cite it, accepted as deviations" }
        writer.field("description", description + ".")
        writer.key("props")
        writer.beginArray()
        Self.prop("control", control.id.description, to: &writer)
        writer.endArray()
        writer.key("target")
        writer.beginObject()
        writer.field("type", "objective-id")
        writer.field("target-id", Self.controlToken(control.id))
        writer.key("status")
        writer.beginObject()
        writer.field("state", control.satisfied ? "satisfied" : "not-satisfied")
        writer.field("reason", control.satisfied ? "pass" : "fail")
        writer.endObject()
        writer.endObject()
        if !control.findings.isEmpty {
            writer.key("related-observations")
            writer.beginArray()
            for index in control.findings {
                writer.beginObject()
                writer.field("observation-uuid", observationIDs[index])
                writer.endObject()
            }
            writer.endArray()
            writer.key("related-risks")
            writer.beginArray()
            for index in control.findings {
                writer.beginObject()
                writer.field("risk-uuid", riskIDs[index])
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
    }
}
