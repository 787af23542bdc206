/// The tool block of every JSON report.
public struct ToolInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String = "bulwark", version: String = BulwarkVersion.current) {
        self.name = name
        self.version = version
    }
}

public enum BulwarkVersion {
    public static let current = "0.1.0"
}

/// Unsuppressed findings per severity.
public struct SeverityCounts: Codable, Sendable, Equatable {
    public var critical = 0
    public var high = 0
    public var medium = 0
    public var low = 0
    public var info = 0

    public init() {}

    public init(_ findings: [Finding]) {
        for finding in findings where !finding.suppressed {
            self[finding.severity] += 1
        }
    }

    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .critical: critical
            case .high: high
            case .medium: medium
            case .low: low
            case .info: info
            }
        }
        set {
            switch severity {
            case .critical: critical = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            case .info: info = newValue
            }
        }
    }

    public var total: Int { critical + high + medium + low + info }
}

public struct ReportSummary: Codable, Sendable, Equatable {
    public var files: Int
    public var objects: Int
    public var findings: SeverityCounts
    public var suppressed: Int
    /// YAML documents that were not Kubernetes objects (skipped, not errors).
    public var skippedDocuments: Int

    public init(files: Int, objects: Int, findings: SeverityCounts, suppressed: Int = 0, skippedDocuments: Int = 0) {
        self.files = files
        self.objects = objects
        self.findings = findings
        self.suppressed = suppressed
        self.skippedDocuments = skippedDocuments
    }
}

/// `--compliance FRAMEWORK`: pass/fail per control of one framework.
public struct ComplianceReport: Codable, Sendable, Equatable {
    public struct Control: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable { case pass, fail, manual, notApplicable = "not-applicable" }
        public var id: String
        public var title: String
        public var status: Status
        public var findings: [String]

        public init(id: String, title: String, status: Status, findings: [String]) {
            self.id = id
            self.title = title
            self.status = status
            self.findings = findings
        }
    }

    public var framework: String
    public var score: Double
    public var controls: [Control]

    public init(framework: String, score: Double, controls: [Control]) {
        self.framework = framework
        self.score = score
        self.controls = controls
    }
}

/// The machine-readable report of every reporting command (CONTRACT.md).
public struct Report: Codable, Sendable {
    public var schemaVersion: Int
    public var tool: ToolInfo
    public var findings: [Finding]
    public var errors: [InputError]
    public var summary: ReportSummary
    public var compliance: ComplianceReport?

    public init(findings: [Finding], errors: [InputError], files: Int, objects: Int, skippedDocuments: Int = 0,
                compliance: ComplianceReport? = nil, tool: ToolInfo = ToolInfo()) {
        self.schemaVersion = 1
        self.tool = tool
        // Sort indices, not the (large) findings themselves, then gather once.
        let order = findings.indices.sorted { Finding.reportOrder(findings[$0], findings[$1]) }
        self.findings = order.map { findings[$0] }
        self.errors = errors.sorted { ($0.file, $0.line ?? 0, $0.column ?? 0, $0.message) < ($1.file, $1.line ?? 0, $1.column ?? 0, $1.message) }
        self.summary = ReportSummary(files: files, objects: objects, findings: SeverityCounts(findings),
                                     suppressed: findings.count { $0.suppressed }, skippedDocuments: skippedDocuments)
        self.compliance = compliance
    }

    /// CONTRACT.md exit codes: 2 when any input failed, else 1 when an unsuppressed finding trips
    /// the threshold, else 0.
    public func exitCode(failOn: FailThreshold) -> Int32 {
        if !errors.isEmpty { return 2 }
        return findings.contains { !$0.suppressed && failOn.isTripped(by: $0.severity) } ? 1 : 0
    }
}
