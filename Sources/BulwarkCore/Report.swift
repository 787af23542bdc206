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
    /// The release, as reports' `tool.version` carry it.
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
    /// Inputs read (including those that failed).
    public var files: Int
    public var objects: Int
    public var findings: SeverityCounts
    public var suppressed: Int
    /// YAML documents that were not Kubernetes objects (skipped, not errors).
    public var skippedDocuments: Int
    /// Files and folders under the paths that were not read, each named in `Report.skipped`.
    public var skippedFiles: Int
    /// Files left out by `exclude.paths` of the configuration.
    public var excludedFiles: Int
    /// Regular files found in directories that no domain reads (source code, documentation …).
    public var unrecognizedFiles: Int
    /// Inputs read per domain (`kubernetes`, `dockerfile`), for the domains that read any.
    public var filesByDomain: [String: Int]
    /// Findings left out because `--baseline` lists them (nil when no baseline was given).
    public var baselined: Int?

    public init(files: Int, objects: Int, findings: SeverityCounts, suppressed: Int = 0, skippedDocuments: Int = 0,
                skippedFiles: Int = 0, excludedFiles: Int = 0, unrecognizedFiles: Int = 0, filesByDomain: [String: Int] = [:]) {
        self.files = files
        self.objects = objects
        self.findings = findings
        self.suppressed = suppressed
        self.skippedDocuments = skippedDocuments
        self.skippedFiles = skippedFiles
        self.excludedFiles = excludedFiles
        self.unrecognizedFiles = unrecognizedFiles
        self.filesByDomain = filesByDomain
    }
}

/// What the inputs of a report were, besides their findings: the counts of the summary and the
/// inputs that were not read.
public struct InputSummary: Sendable, Equatable {
    public var files = 0
    public var objects = 0
    public var skippedDocuments = 0
    public var skipped: [SkippedInput] = []
    public var excludedFiles = 0
    public var unrecognizedFiles = 0
    public var filesByDomain: [String: Int] = [:]

    public init(files: Int = 0, objects: Int = 0, skippedDocuments: Int = 0, skipped: [SkippedInput] = [],
                excludedFiles: Int = 0, unrecognizedFiles: Int = 0, filesByDomain: [String: Int] = [:]) {
        self.files = files
        self.objects = objects
        self.skippedDocuments = skippedDocuments
        self.skipped = skipped
        self.excludedFiles = excludedFiles
        self.unrecognizedFiles = unrecognizedFiles
        self.filesByDomain = filesByDomain
    }
}

/// The machine-readable report of every reporting command (docs/cli.md).
public struct Report: Codable, Sendable {
    public var schemaVersion: Int
    public var tool: ToolInfo
    public var findings: [Finding]
    public var errors: [InputError]
    public var warnings: [InputWarning]
    public var skipped: [SkippedInput]
    public var summary: ReportSummary
    public var compliance: ComplianceReport?

    public init(findings: consuming [Finding], errors: [InputError], warnings: [InputWarning] = [], inputs: InputSummary,
                compliance: ComplianceReport? = nil, tool: ToolInfo = ToolInfo()) {
        self.schemaVersion = 1
        self.tool = tool
        // Sort indices, not the (large) findings themselves, then put each in its place by swaps:
        // a gathered copy would retain every string of every finding and release the originals.
        var findings = findings
        let order = findings.indices.sorted { Finding.reportOrder(findings[$0], findings[$1]) }
        findings.permute(to: order)
        self.findings = findings
        self.errors = errors.sorted(by: InputError.inputOrder)
        self.warnings = warnings.sorted(by: InputWarning.inputOrder)
        self.skipped = inputs.skipped.sorted { ($0.path, $0.reason) < ($1.path, $1.reason) }
        self.summary = ReportSummary(
            files: inputs.files, objects: inputs.objects, findings: SeverityCounts(findings),
            suppressed: findings.count { $0.suppressed }, skippedDocuments: inputs.skippedDocuments,
            skippedFiles: inputs.skipped.count, excludedFiles: inputs.excludedFiles,
            unrecognizedFiles: inputs.unrecognizedFiles, filesByDomain: inputs.filesByDomain)
        self.compliance = compliance
    }

    /// A report of findings over files and objects, nothing skipped (tests, fixtures).
    public init(findings: [Finding], errors: [InputError], files: Int, objects: Int, skippedDocuments: Int = 0,
                compliance: ComplianceReport? = nil, tool: ToolInfo = ToolInfo()) {
        self.init(findings: findings, errors: errors, inputs: InputSummary(files: files, objects: objects, skippedDocuments: skippedDocuments),
                  compliance: compliance, tool: tool)
    }

    /// The exit codes of docs/cli.md: 2 when any input failed, else 1 when an unsuppressed finding trips
    /// the threshold, else 0.
    public func exitCode(failOn: FailThreshold) -> Int32 {
        if !errors.isEmpty { return 2 }
        return findings.contains { !$0.suppressed && failOn.isTripped(by: $0.severity) } ? 1 : 0
    }
}

extension Array {
    /// Reorders the elements in place so that position `k` holds the element that was at
    /// `order[k]` (`order` a permutation of the indices), following each cycle with swaps.
    mutating func permute(to order: [Int]) {
        precondition(order.count == count, "a permutation of every index")
        var placed = [Bool](repeating: false, count: count)
        for start in indices where !placed[start] {
            placed[start] = true
            var current = start
            while order[current] != start {
                let next = order[current]
                swapAt(current, next)
                placed[next] = true
                current = next
            }
        }
    }
}
