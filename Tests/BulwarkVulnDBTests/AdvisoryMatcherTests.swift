import BulwarkCore
@testable import BulwarkVulnDB
import Testing

/// Matching installed packages against advisories: the OSV range walk, explicit versions, source
/// packages, aliases merged, withdrawn records, severity; and the real PyPA data.
@Suite struct AdvisoryMatcherTests {
    static func python(_ name: String, _ version: String) -> InstalledPackage {
        InstalledPackage(kind: .python, name: name, version: version, ecosystem: "PyPI", layer: "sha256:aa",
                         path: "usr/lib/python3/dist-packages/\(name)-\(version).dist-info/METADATA")
    }

    static func record(_ id: String, aliases: [String] = [], package: String = "demo", ecosystem: String = "PyPI",
                       type: String = "ECOSYSTEM", events: [RangeEvent] = [], versions: [String] = [], withdrawn: String? = nil,
                       databaseSeverity: String? = nil) -> Advisory {
        Advisory(id: id, aliases: aliases, modified: "2024-01-01T00:00:00Z", withdrawn: withdrawn,
                 affected: [AffectedPackage(ecosystem: ecosystem, name: package, ranges: events.isEmpty ? [] : [AffectedRange(type: type, events: events)],
                                            versions: versions)],
                 databaseSeverity: databaseSeverity)
    }

    /// The matched ids and fixed versions of `version` of `demo` against one record.
    static func outcome(_ version: String, _ record: Advisory) -> [String]? {
        let result = AdvisoryMatcher.match([python("demo", version)], source: AdvisoryList([record]))
        return result.matches.first?.fixedVersions
    }

    struct RangeCase: Sendable, CustomTestStringConvertible {
        var label: String
        var events: [RangeEvent]
        var versions: [String] = []
        /// Installed version → fixed versions when affected, nil when not.
        var expected: [(String, [String]?)]
        var testDescription: String { label }
    }

    static let rangeCases: [RangeCase] = [
        RangeCase(label: "introduced 0, fixed", events: [.introduced("0"), .fixed("1.2")],
                  expected: [("0.1", ["1.2"]), ("1.1.9", ["1.2"]), ("1.2", nil), ("2.0", nil)]),
        RangeCase(label: "last_affected is inclusive", events: [.introduced("1.0"), .lastAffected("1.5")],
                  expected: [("0.9", nil), ("1.0", []), ("1.5", []), ("1.5.1", nil)]),
        RangeCase(label: "limit caps an open range", events: [.introduced("0"), .limit("2.0")],
                  expected: [("1.9", []), ("2.0", nil), ("3.0", nil)]),
        RangeCase(label: "limit * is no limit", events: [.introduced("1.0"), .limit("*")],
                  expected: [("0.5", nil), ("9.0", [])]),
        RangeCase(label: "two introduced/fixed pairs", events: [.introduced("1.0"), .fixed("1.2"), .introduced("2.0"), .fixed("2.3")],
                  expected: [("0.9", nil), ("1.1", ["1.2", "2.3"]), ("1.5", nil), ("2.0", ["2.3"]), ("2.3", nil)]),
        RangeCase(label: "unsorted events are sorted first", events: [.fixed("2.3"), .introduced("2.0"), .fixed("1.2"), .introduced("1.0")],
                  expected: [("0.9", nil), ("1.1", ["1.2", "2.3"]), ("1.5", nil), ("2.2", ["2.3"]), ("2.4", nil)]),
        RangeCase(label: "no introduced starts at 0", events: [.fixed("1.2")],
                  expected: [("0.1", ["1.2"]), ("1.2", nil)]),
        RangeCase(label: "explicit versions outside the range", events: [.introduced("0"), .fixed("1.0")], versions: ["1.5"],
                  expected: [("0.5", ["1.0"]), ("1.5", []), ("1.6", nil)]),
        RangeCase(label: "versions only", events: [], versions: ["1.0", "1.1"],
                  expected: [("1.0", []), ("1.0.1", nil), ("1.1", [])]),
    ]

    @Test(arguments: rangeCases)
    func rangesFollowTheOSVEvaluation(_ example: RangeCase) {
        let record = Self.record("OSV-1", events: example.events, versions: example.versions)
        for (version, fixed) in example.expected {
            #expect(Self.outcome(version, record) == fixed, "\(example.label): \(version)")
        }
    }

    @Test func gitRangesNeverMatchAndSemverRangesDo() {
        let git = Self.record("OSV-GIT", type: "GIT", events: [.introduced("0"), .fixed("abc123")])
        #expect(Self.outcome("1.0", git) == nil)
        let semver = Self.record("OSV-SEMVER", type: "SEMVER", events: [.introduced("1.0.0"), .fixed("1.4.0")])
        #expect(Self.outcome("1.2.0", semver) == ["1.4.0"])
        #expect(Self.outcome("1.4.0", semver) == nil)
    }

    @Test func withdrawnRecordsNeverMatch() {
        let record = Self.record("OSV-W", events: [.introduced("0")], withdrawn: "2024-02-01T00:00:00Z")
        #expect(Self.outcome("1.0", record) == nil)
        // Even from a source that does not filter them.
        struct Unfiltered: AdvisorySource {
            var record: Advisory
            func advisories(ecosystem: String, package: String) throws -> [Advisory] { [record] }
        }
        #expect(AdvisoryMatcher.match([Self.python("demo", "1.0")], source: Unfiltered(record: record)).matches.isEmpty)
    }

    @Test func recordsThatAliasEachOtherAreReportedOnce() throws {
        let pysec = Self.record("PYSEC-2018-66", aliases: ["CVE-2018-1000656", "GHSA-562c-5r94-xh97"],
                                events: [.introduced("0"), .fixed("0.12.3")])
        let ghsa = Self.record("GHSA-562c-5r94-xh97", aliases: ["CVE-2018-1000656"], events: [.introduced("0"), .fixed("0.12.3")],
                               databaseSeverity: "HIGH")
        let other = Self.record("PYSEC-2019-179", aliases: ["CVE-2019-1010083"], events: [.introduced("0"), .fixed("1.0")])
        let result = AdvisoryMatcher.match([Self.python("demo", "0.12.2")], source: AdvisoryList([pysec, ghsa, other]))
        #expect(result.errors.isEmpty)
        #expect(result.matches.count == 2)
        let merged = try #require(result.matches.first)
        #expect(merged.ids == ["GHSA-562c-5r94-xh97", "CVE-2018-1000656", "PYSEC-2018-66"])
        #expect(merged.fixedVersions == ["0.12.3"])
        // The merged group takes the severity a record states over an assumed one.
        #expect(merged.severity == .high)
        #expect(result.matches[1].ids == ["PYSEC-2019-179", "CVE-2019-1010083"])
        #expect(result.matches[1].severity == .medium)
    }

    @Test func debianAdvisoriesMatchBySourcePackageAndSourceVersion() {
        let advisory = Self.record("DSA-5000-1", aliases: ["CVE-2024-0001"], package: "openssl", ecosystem: "Debian:12",
                                   events: [.introduced("0"), .fixed("3.0.13")])
        let binary = InstalledPackage(kind: .deb, name: "libssl3", version: "3.0.11", ecosystem: "Debian:12", sourceName: "openssl",
                                      sourceVersion: "3.0.11", layer: "sha256:aa", path: "var/lib/dpkg/status")
        let result = AdvisoryMatcher.match([binary], source: AdvisoryList([advisory]))
        #expect(result.matches.map(\.advisory.id) == ["DSA-5000-1"])
        #expect(result.matches.first?.fixedVersions == ["3.0.13"])
        #expect(result.matches.first?.package.name == "libssl3")
        // Another Debian release is another ecosystem.
        var bullseye = binary
        bullseye.ecosystem = "Debian:11"
        #expect(AdvisoryMatcher.match([bullseye], source: AdvisoryList([advisory])).matches.isEmpty)
    }

    @Test func anUnparseableVersionIsAnErrorNamingThePackage() {
        let record = Self.record("OSV-1", events: [.introduced("0")])
        let version = "not a version!"
        // Only meaningful once PEP 440 is exact (the generic fallback orders anything).
        guard VersionScheme.pep440.compare(version, version) == nil else { return }
        let result = AdvisoryMatcher.match([Self.python("demo", version)], source: AdvisoryList([record]))
        #expect(result.matches.isEmpty)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("package demo not a version!") == true)
    }

    @Test(arguments: [(0.0, Severity.info), (3.9, .low), (4.0, .medium), (6.9, .medium), (7.0, .high), (8.9, .high), (9.0, .critical), (10.0, .critical)])
    func cvssScoresRate(_ score: Double, _ severity: Severity) {
        #expect(AdvisorySeverity.rating(score: score) == severity)
    }

    @Test(arguments: [("CRITICAL", Severity.critical), ("HIGH", .high), ("MODERATE", .medium), ("medium", .medium), ("LOW", .low),
                      ("low**", .low), ("unimportant", .info), ("negligible", .info)])
    func databaseWordsRate(_ word: String, _ severity: Severity) {
        #expect(AdvisorySeverity.severity(word: word) == severity)
    }

    @Test func severityWithoutAnyBasisIsMediumAssumed() {
        let assessed = AdvisorySeverity.of(Self.record("OSV-1"), entry: nil)
        #expect(assessed.severity == .medium)
        #expect(assessed.basis == .assumed)
        #expect(AdvisorySeverity.severity(word: "not yet assigned") == nil)
    }

    // MARK: - The PyPA advisories

    static func pypaMatches(_ packages: [InstalledPackage]) throws -> [VulnerabilityMatch] {
        let (database, _) = try VulnerabilityDatabaseTests.pypa.get()
        let result = AdvisoryMatcher.match(packages, source: database)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return result.matches
    }

    @Test func flask0122MatchesItsPyPAAdvisories() throws {
        let matches = try Self.pypaMatches([Self.python("Flask", "0.12.2")])
        #expect(matches.map(\.advisory.id) == ["PYSEC-2018-66", "PYSEC-2019-179", "PYSEC-2023-62"])
        #expect(matches.map(\.fixedVersions) == [["0.12.3"], ["1.0"], ["2.2.5", "2.3.2"]])
        #expect(matches.first?.ids == ["PYSEC-2018-66", "CVE-2018-1000656", "GHSA-562c-5r94-xh97"])
    }

    @Test func werkzeug0152MatchesItsPyPAAdvisories() throws {
        let matches = try Self.pypaMatches([Self.python("werkzeug", "0.15.2")])
        #expect(matches.map(\.advisory.id) == ["PYSEC-2019-140", "PYSEC-2022-203", "PYSEC-2023-221", "PYSEC-2023-57", "PYSEC-2023-58"])
        #expect(matches.map(\.fixedVersions) == [["0.15.3"], ["2.1.1"], ["2.3.8", "3.0.1"], ["2.2.3"], ["2.2.3"]])
    }

    @Test func aNewerFlaskMatchesFewer() throws {
        let old = try Self.pypaMatches([Self.python("flask", "0.12.2")])
        let new = try Self.pypaMatches([Self.python("flask", "2.3.3")])
        #expect(new.count < old.count)
        #expect(new.isEmpty)
    }
}
