import BulwarkCore

/// `--format sarif`: SARIF 2.1.0 with one run, for GitHub code scanning and other SARIF viewers.
///
/// - `tool.driver.rules`: the catalogue rules that produced a finding (every catalogue rule with
///   `includeAllRules`), sorted by id; a finding whose rule is not in the catalogue gets a rule made
///   from the finding. Levels: `error` for critical and high, `warning` for medium, `note` for low and
///   info; `properties.security-severity` carries `Severity.securityScore`.
/// - results: one per finding (suppressed ones too, with `suppressions`), located at the file
///   (a URI reference relative to `%SRCROOT%`) and the object (`logicalLocations`), with a
///   `partialFingerprints["bulwark/v1"]` that stays the same when lines move (`Finding.fingerprint`,
///   what `--baseline` matches by).
/// - inputs that could not be read are `invocations[0].toolExecutionNotifications` with level
///   `error` (`executionSuccessful` is false when there are any), then the warnings (level
///   `warning`) and the inputs that were not read (level `note`).
///
/// The output is what `JSONEncoder` with `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`
/// gives for `log(for:)`, written with `JSONWriter` instead: `write(_:to:)` streams the results in
/// chunks, encoding batches of them on all cores, so memory does not grow with the log (a Pod with
/// 10,000 containers took 1.45 GB through the encoder's intermediate tree).
public struct SARIFReporter: Reporter {
    public static let informationURI = "https://github.com/bulwark-dev/bulwark"
    public static let sourceRootBaseID = "%SRCROOT%"
    public static let fingerprintKey = "bulwark/v1"

    public var catalog: RuleCatalog
    public var includeAllRules: Bool
    /// The absolute directory relative paths are resolved against; when set, the run carries
    /// `originalUriBaseIds["%SRCROOT%"]`. Left out by default so output is machine-independent.
    public var sourceRoot: String?

    public init(rules: [RuleDescriptor] = [], includeAllRules: Bool = false, sourceRoot: String? = nil) {
        self.init(catalog: RuleCatalog(rules), includeAllRules: includeAllRules, sourceRoot: sourceRoot)
    }

    public init(catalog: RuleCatalog, includeAllRules: Bool = false, sourceRoot: String? = nil) {
        self.catalog = catalog
        self.includeAllRules = includeAllRules
        self.sourceRoot = sourceRoot
    }

    public func render(_ report: Report) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 16 << 10 + report.findings.count * 1500, style: .foundation)
        write(report, into: &writer)
        return writer.finish()
    }

    /// Streams the log to `sink` in chunks of about 1 MiB.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var writer = JSONWriter(style: .foundation, sink: sink)
        write(report, into: &writer)
        sink(writer.finish())
    }

    /// The log with its results written as they are made (`log(for:)` without holding them).
    private func write(_ report: Report, into writer: inout JSONWriter) {
        let (rules, ruleIndex) = self.rules(for: report)
        let run = self.run(report, rules: rules, results: [])
        writer.beginObject()
        writer.field("$schema", SARIFLog.schemaURI)
        writer.key("runs")
        writer.beginArray()
        run.writeHead(to: &writer)
        writer.key("results")
        writer.beginArray()
        writer.items(report.findings) { finding, writer in
            let id = self.catalog.rule(finding.ruleId)?.id ?? finding.ruleId
            self.result(for: finding, ruleId: id, ruleIndex: ruleIndex[id] ?? -1).write(to: &writer)
        }
        writer.endArray()
        run.writeTail(to: &writer)
        writer.endArray()
        writer.field("version", SARIFLog.version)
        writer.endObject()
    }

    /// The SARIF model of a report.
    public func log(for report: Report) -> SARIFLog {
        let (rules, ruleIndex) = self.rules(for: report)
        var results: [SARIFLog.Result] = []
        results.reserveCapacity(report.findings.count)
        for finding in report.findings {
            let id = catalog.rule(finding.ruleId)?.id ?? finding.ruleId
            results.append(result(for: finding, ruleId: id, ruleIndex: ruleIndex[id] ?? -1))
        }
        return SARIFLog(runs: [run(report, rules: rules, results: results)])
    }

    /// The rules of the run (canonical ids of the findings' rules, plus every catalogue rule on
    /// request), sorted by id, and the index of each.
    private func rules(for report: Report) -> ([SARIFLog.ReportingDescriptor], [String: Int]) {
        var descriptors: [String: SARIFLog.ReportingDescriptor] = [:]
        if includeAllRules {
            for rule in catalog.rules { descriptors[rule.id] = Self.descriptor(for: rule) }
        }
        for finding in report.findings {
            let rule = catalog.rule(finding.ruleId)
            let id = rule?.id ?? finding.ruleId
            if descriptors[id] == nil {
                descriptors[id] = rule.map(Self.descriptor(for:)) ?? Self.descriptor(synthesizedFrom: finding)
            }
        }
        let rules = descriptors.values.sorted { $0.id < $1.id }
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        return (rules, ruleIndex)
    }

    /// The run around the results.
    private func run(_ report: Report, rules: [SARIFLog.ReportingDescriptor], results: [SARIFLog.Result]) -> SARIFLog.Run {
        func notification(_ level: SARIFLog.Level, _ message: String, file: String, line: Int?, column: Int?) -> SARIFLog.Notification {
            SARIFLog.Notification(
                level: level,
                message: SARIFLog.Message(text: message),
                locations: [SARIFLog.Location(
                    physicalLocation: SARIFLog.PhysicalLocation(
                        artifactLocation: Self.artifactLocation(forPath: file),
                        region: line.flatMap { line in
                            line >= 1 ? SARIFLog.Region(startLine: line, startColumn: column.flatMap { $0 >= 1 ? $0 : nil }) : nil
                        }
                    ),
                    logicalLocations: nil
                )]
            )
        }
        let notifications = report.errors.map { notification(.error, $0.message, file: $0.file, line: $0.line, column: $0.column) }
            + report.warnings.map { notification(.warning, $0.message, file: $0.file, line: $0.line, column: $0.column) }
            + report.skipped.map { notification(.note, "not read: \($0.reason)", file: $0.path, line: nil, column: nil) }

        let driver = SARIFLog.ToolComponent(
            name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version,
            informationUri: Self.informationURI, rules: rules
        )
        let run = SARIFLog.Run(
            tool: SARIFLog.Tool(driver: driver),
            invocations: [SARIFLog.Invocation(executionSuccessful: report.errors.isEmpty, toolExecutionNotifications: notifications)],
            results: results,
            originalUriBaseIds: sourceRoot.map { [Self.sourceRootBaseID: SARIFLog.ArtifactLocation(uri: Self.directoryURI($0), uriBaseId: nil)] },
            columnKind: nil
        )
        return run
    }

    // MARK: Rules

    /// `error` for critical and high, `warning` for medium, `note` for low and info.
    public static func level(for severity: Severity) -> SARIFLog.Level {
        switch severity {
        case .critical, .high: .error
        case .medium: .warning
        case .low, .info: .note
        }
    }

    /// `k8s/run-as-non-root` → `K8sRunAsNonRoot`.
    public static func pascalCase(_ id: String) -> String {
        id.split { !($0.isLetter || $0.isNumber) }
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    static func descriptor(for rule: RuleDescriptor) -> SARIFLog.ReportingDescriptor {
        let controls = rule.controls.map(\.description)
        return SARIFLog.ReportingDescriptor(
            id: rule.id,
            deprecatedIds: rule.aliases.isEmpty ? nil : rule.aliases,
            name: pascalCase(rule.id),
            shortDescription: SARIFLog.MultiformatMessageString(text: rule.title, markdown: nil),
            fullDescription: SARIFLog.MultiformatMessageString(text: rule.summary, markdown: nil),
            help: help(remediation: rule.remediation, controls: rule.controls),
            defaultConfiguration: SARIFLog.ReportingConfiguration(level: level(for: rule.severity), enabled: rule.enabledByDefault ? nil : false),
            properties: SARIFLog.RuleProperties(
                tags: Array(Set(rule.tags + ["security", rule.domain])).sorted(),
                precision: "high", securitySeverity: rule.severity.securityScore, controls: controls
            )
        )
    }

    /// A rule for a finding whose rule is not in the catalogue (e.g. from another domain's scanner).
    static func descriptor(synthesizedFrom finding: Finding) -> SARIFLog.ReportingDescriptor {
        let domain = String(finding.ruleId.prefix { $0 != "/" })
        return SARIFLog.ReportingDescriptor(
            id: finding.ruleId,
            deprecatedIds: nil,
            name: pascalCase(finding.ruleId),
            shortDescription: SARIFLog.MultiformatMessageString(text: finding.title, markdown: nil),
            fullDescription: SARIFLog.MultiformatMessageString(text: finding.title, markdown: nil),
            help: help(remediation: finding.remediation, controls: finding.controls),
            defaultConfiguration: SARIFLog.ReportingConfiguration(level: level(for: finding.severity), enabled: nil),
            properties: SARIFLog.RuleProperties(
                tags: Array(Set(["security", domain])).sorted(),
                precision: "high", securitySeverity: finding.severity.securityScore,
                controls: finding.controls.map(\.description)
            )
        )
    }

    static func help(remediation: String, controls: [ControlID]) -> SARIFLog.MultiformatMessageString {
        var markdown = remediation
        if !controls.isEmpty {
            markdown += "\n\nControls:\n"
            for control in controls {
                markdown += "\n- `\(control.description)`: \(ControlCatalog.describe(control))"
            }
        }
        return SARIFLog.MultiformatMessageString(text: remediation, markdown: markdown)
    }

    // MARK: Results

    func result(for finding: Finding, ruleId: String, ruleIndex: Int) -> SARIFLog.Result {
        let location = finding.location
        var logical: [SARIFLog.LogicalLocation]?
        if let object = finding.object {
            let parts = [object.kind, object.namespace, object.name, object.container].compactMap { $0 }.filter { !$0.isEmpty }
            logical = [SARIFLog.LogicalLocation(
                name: object.container ?? object.name,
                fullyQualifiedName: parts.joined(separator: "/"),
                kind: "object"
            )]
        }
        let region = location.offset.map { SARIFLog.Region(byteOffset: $0) } ?? (location.line >= 1
            ? SARIFLog.Region(startLine: location.line, startColumn: location.column >= 1 ? location.column : nil)
            : nil)
        return SARIFLog.Result(
            ruleId: ruleId,
            ruleIndex: ruleIndex,
            level: Self.level(for: finding.severity),
            message: SARIFLog.Message(text: finding.message),
            locations: [SARIFLog.Location(
                physicalLocation: SARIFLog.PhysicalLocation(artifactLocation: Self.artifactLocation(forPath: location.file), region: region),
                logicalLocations: logical
            )],
            partialFingerprints: [Self.fingerprintKey: Self.fingerprint(finding, ruleId: ruleId)],
            suppressions: finding.suppressed
                ? [SARIFLog.Suppression(kind: (finding.suppressionKind ?? .inSource).rawValue, justification: finding.suppressionReason)]
                : nil,
            properties: SARIFLog.ResultProperties(
                severity: finding.severity.rawValue, controls: finding.controls.map(\.description),
                templateSource: finding.templateSource, field: finding.field
            )
        )
    }

    /// A stable identity for a finding that does not depend on its line: `Finding.fingerprint`, the
    /// one `--baseline` matches by.
    public static func fingerprint(_ finding: Finding, ruleId: String? = nil) -> String {
        finding.fingerprint(ruleId: ruleId)
    }

    // MARK: URIs

    /// A path as SARIF wants it: relative paths as percent-encoded URI references against
    /// `%SRCROOT%`, absolute paths as `file://` URIs.
    public static func artifactLocation(forPath path: String) -> SARIFLog.ArtifactLocation {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        if path.hasPrefix("/") {
            return SARIFLog.ArtifactLocation(uri: "file://" + percentEncodePath(path), uriBaseId: nil)
        }
        return SARIFLog.ArtifactLocation(uri: percentEncodePath(path), uriBaseId: sourceRootBaseID)
    }

    static func directoryURI(_ directory: String) -> String {
        var uri = "file://" + percentEncodePath(directory.hasPrefix("/") ? directory : "/" + directory)
        if !uri.hasSuffix("/") { uri += "/" }
        return uri
    }

    /// Percent-encodes every byte except RFC 3986 unreserved characters and `/`.
    public static func percentEncodePath(_ path: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
