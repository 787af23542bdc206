import BulwarkCore

/// One OSV record (https://ossf.github.io/osv-schema/), as much of it as matching and reporting
/// use. `OSVRecord` parsing (JSON/YAML) and the database fill it.
public struct Advisory: Sendable, Hashable, Codable {
    /// `PYSEC-2019-179`, `GHSA-…`, `DSA-…`, `CVE-…`.
    public var id: String
    /// Other ids of the same vulnerability (`CVE-2019-1010083`, `GHSA-…`); merged with `upstream`
    /// and `related` that name the same CVE is the matcher's job, not the record's.
    public var aliases: [String]
    public var summary: String?
    public var details: String?
    /// RFC 3339 as written (`2024-06-05T12:00:00Z`); compared as text after normalising to UTC.
    public var modified: String
    public var published: String?
    /// Set when the record was withdrawn: a withdrawn record never matches.
    public var withdrawn: String?
    /// `severity[]` of the record: CVSS vectors (`type` `CVSS_V3`, `CVSS_V4`, `CVSS_V2`, `Ubuntu` …).
    public var severity: [SeverityScore]
    public var affected: [AffectedPackage]
    /// `references[].url`, in order.
    public var references: [String]
    /// `database_specific.severity` (GHSA's `HIGH`, …) when the record has no vector.
    public var databaseSeverity: String?

    public init(id: String, aliases: [String] = [], summary: String? = nil, details: String? = nil, modified: String,
                published: String? = nil, withdrawn: String? = nil, severity: [SeverityScore] = [],
                affected: [AffectedPackage] = [], references: [String] = [], databaseSeverity: String? = nil) {
        self.id = id
        self.aliases = aliases
        self.summary = summary
        self.details = details
        self.modified = modified
        self.published = published
        self.withdrawn = withdrawn
        self.severity = severity
        self.affected = affected
        self.references = references
        self.databaseSeverity = databaseSeverity
    }
}

/// `severity[]` and `affected[].severity[]` entries.
public struct SeverityScore: Sendable, Hashable, Codable {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`.
    public var type: String
    /// The vector (`CVSS:3.1/AV:N/…`) or the ecosystem's word.
    public var score: String

    public init(type: String, score: String) {
        self.type = type
        self.score = score
    }
}

/// `affected[]`: one package of one ecosystem and the versions of it that are affected.
public struct AffectedPackage: Sendable, Hashable, Codable {
    /// `PyPI`, `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS` … as written.
    public var ecosystem: String
    /// As written; the database normalises for lookup (PEP 503 for PyPI).
    public var name: String
    public var ranges: [AffectedRange]
    /// Explicit affected versions.
    public var versions: [String]
    /// Per-package severity (OSV 1.4+), preferred over the record's when present.
    public var severity: [SeverityScore]
    /// `ecosystem_specific.severity` / `database_specific.severity` words (Debian's `unimportant`,
    /// GHSA's `HIGH`) when present.
    public var ecosystemSeverity: String?

    public init(ecosystem: String, name: String, ranges: [AffectedRange] = [], versions: [String] = [],
                severity: [SeverityScore] = [], ecosystemSeverity: String? = nil) {
        self.ecosystem = ecosystem
        self.name = name
        self.ranges = ranges
        self.versions = versions
        self.severity = severity
        self.ecosystemSeverity = ecosystemSeverity
    }
}

/// `ranges[]`: a type and its events in order.
public struct AffectedRange: Sendable, Hashable, Codable {
    /// `SEMVER`, `ECOSYSTEM`, `GIT` (GIT ranges are kept but never match an installed package).
    public var type: String
    public var events: [RangeEvent]

    public init(type: String, events: [RangeEvent]) {
        self.type = type
        self.events = events
    }
}

/// One `events[]` entry.
public enum RangeEvent: Sendable, Hashable, Codable {
    /// `introduced` (`"0"` means from the first version).
    case introduced(String)
    case fixed(String)
    case lastAffected(String)
    case limit(String)
}

/// A package of an image that an advisory affects, after VEX.
public struct VulnerabilityMatch: Sendable, Hashable {
    public var package: InstalledPackage
    /// The advisory that matched.
    public var advisory: Advisory
    /// All ids the vulnerability is known by (the matched id first, then CVE, GHSA, PYSEC, others),
    /// after merging records that alias each other.
    public var ids: [String]
    /// The lowest fixed version above the installed one on the matching range, or all fixed
    /// versions named; empty: no fix yet.
    public var fixedVersions: [String]
    /// From the best CVSS vector (v4.0, then v3.x computed; then the database's word).
    public var severity: Severity
    /// The CVSS base score when a vector was scored.
    public var cvssScore: Double?
    public var cvssVector: String?
    /// The VEX statement that applies, when one does.
    public var vex: VEXDecision?

    public init(package: InstalledPackage, advisory: Advisory, ids: [String], fixedVersions: [String], severity: Severity,
                cvssScore: Double? = nil, cvssVector: String? = nil, vex: VEXDecision? = nil) {
        self.package = package
        self.advisory = advisory
        self.ids = ids
        self.fixedVersions = fixedVersions
        self.severity = severity
        self.cvssScore = cvssScore
        self.cvssVector = cvssVector
        self.vex = vex
    }
}

/// What a VEX statement says about one vulnerability in one product (OpenVEX / CycloneDX VEX).
public struct VEXDecision: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case notAffected = "not_affected"
        case affected
        case fixed
        case underInvestigation = "under_investigation"
    }
    public var status: Status
    /// `vulnerable_code_not_present`, `component_not_present` … (OpenVEX justification, or the
    /// CycloneDX `analysis.justification` mapped to it).
    public var justification: String?
    /// `impact_statement` / `analysis.detail`.
    public var statement: String?
    /// The VEX file and the statement's position in it, for the finding's suppression reason.
    public var source: String

    public init(status: Status, justification: String? = nil, statement: String? = nil, source: String) {
        self.status = status
        self.justification = justification
        self.statement = statement
        self.source = source
    }

    /// Whether the finding is suppressed: `not_affected` and `fixed` are; `affected` and
    /// `under_investigation` are reported (the latter says so in its message).
    public var suppresses: Bool { status == .notAffected || status == .fixed }
}

/// Where matching gets advisories: the SQLite database (`VulnerabilityDatabase`) or, in tests and
/// rule examples, records in memory (`AdvisoryList`).
public protocol AdvisorySource: Sendable {
    /// The advisories whose `affected[]` names this package in this ecosystem (names normalised as
    /// the ecosystem does: PEP 503 for PyPI), withdrawn ones excluded. Errors are the database's.
    func advisories(ecosystem: String, package: String) throws -> [Advisory]
}

/// Advisories in memory.
public struct AdvisoryList: AdvisorySource {
    public var records: [Advisory]

    public init(_ records: [Advisory]) { self.records = records }

    public func advisories(ecosystem: String, package: String) throws -> [Advisory] {
        let wanted = PackageName.normalized(package, ecosystem: ecosystem)
        return records.filter { record in
            record.withdrawn == nil && record.affected.contains {
                Ecosystem.base($0.ecosystem) == Ecosystem.base(ecosystem)
                    && Ecosystem.release($0.ecosystem) == Ecosystem.release(ecosystem)
                    && PackageName.normalized($0.name, ecosystem: ecosystem) == wanted
            }
        }
    }
}

/// OSV ecosystem strings: `Debian:12` is base `Debian`, release `12`; `Ubuntu:22.04:LTS` is base
/// `Ubuntu`, release `22.04` (the `:LTS`/`:Pro` suffix is not part of the release).
public enum Ecosystem {
    public static func base(_ ecosystem: String) -> String {
        String(ecosystem.prefix { $0 != ":" })
    }

    public static func release(_ ecosystem: String) -> String? {
        let parts = ecosystem.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : nil
    }
}

/// Package names as an ecosystem compares them.
public enum PackageName {
    /// PEP 503 for PyPI (lowercase, runs of `-`, `_`, `.` become `-`); as written elsewhere.
    public static func normalized(_ name: String, ecosystem: String) -> String {
        guard Ecosystem.base(ecosystem) == "PyPI" else { return name }
        var out = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(character)
                lastWasSeparator = false
            }
        }
        return out
    }
}
