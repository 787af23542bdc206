import BulwarkCore
@testable import BulwarkVulnDB
import Testing

/// OSV records from YAML and JSON: the fields matching uses, and errors that name the line and
/// the field for records that are not OSV.
@Suite struct OSVRecordTests {
    static let flaskYAML = """
    id: PYSEC-2018-66
    affected:
    - package:
        name: flask
        ecosystem: PyPI
        purl: pkg:pypi/flask
      ranges:
      - type: ECOSYSTEM
        events:
        - introduced: '0'
        - fixed: 0.12.3
      versions:
      - '0.10'
      - 0.12.2
      - 1.10
    aliases:
    - CVE-2018-1000656
    - GHSA-562c-5r94-xh97
    modified: '2021-08-25T04:30:09.712538Z'
    published: '2018-08-20T19:31:00Z'
    references:
    - type: WEB
      url: https://github.com/pallets/flask/pull/2691
    """

    @Test func aPyPAYAMLRecordReadsItsFields() throws {
        let advisory = try OSVRecord.parse(Array(Self.flaskYAML.utf8), name: "PYSEC-2018-66.yaml").get()
        #expect(advisory.id == "PYSEC-2018-66")
        #expect(advisory.aliases == ["CVE-2018-1000656", "GHSA-562c-5r94-xh97"])
        #expect(advisory.modified == "2021-08-25T04:30:09.712538Z")
        #expect(advisory.references == ["https://github.com/pallets/flask/pull/2691"])
        let affected = try #require(advisory.affected.first)
        #expect(affected.ecosystem == "PyPI")
        #expect(affected.name == "flask")
        #expect(affected.ranges == [AffectedRange(type: "ECOSYSTEM", events: [.introduced("0"), .fixed("0.12.3")])])
        // Plain scalars stay as written: 1.10 is not the number 1.1.
        #expect(affected.versions == ["0.10", "0.12.2", "1.10"])
    }

    @Test func aJSONRecordWithSeverityAndEscapesReads() throws {
        let json = #"""
        {"id": "GHSA-xxxx-yyyy-zzzz", "modified": "2024-06-05T14:00:00+02:00", "withdrawn": "2024-07-01T00:00:00Z",
         "summary": "path \/ traversal\ttab", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "3.0.11-1~deb12u1"}, {"limit": "*"}]}],
                       "ecosystem_specific": {"severity": "high"}},
                      {"ranges": [{"type": "GIT", "repo": "https://example.invalid/x", "events": [{"introduced": "abc"}]}]}],
         "database_specific": {"severity": "HIGH"}}
        """#
        let advisory = try OSVRecord.parse(Array(json.utf8), name: "x.json").get()
        #expect(advisory.summary == "path / traversal\ttab")
        #expect(advisory.withdrawn == "2024-07-01T00:00:00Z")
        #expect(advisory.severity == [SeverityScore(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")])
        #expect(advisory.databaseSeverity == "HIGH")
        // The GIT-only entry without a package names no installed package and is not kept.
        #expect(advisory.affected.count == 1)
        #expect(advisory.affected.first?.ecosystemSeverity == "high")
        #expect(advisory.affected.first?.ranges.first?.events == [.introduced("0"), .lastAffected("3.0.11-1~deb12u1"), .limit("*")])
        #expect(OSVTimestamp(advisory.modified)?.description == "2024-06-05T12:00:00Z")
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var line: Int?
        var message: String
        var testDescription: String { label }
    }

    static let malformed: [Malformed] = [
        Malformed(label: "bad YAML", text: "id: X\nmodified: [unclosed\n", line: 3, message: "not valid JSON or YAML"),
        Malformed(label: "missing id", text: "modified: '2021-01-01T00:00:00Z'\n", line: 1, message: "id: is missing"),
        Malformed(label: "missing modified", text: "id: X\n", line: 1, message: "modified: is missing"),
        Malformed(label: "bad time", text: "id: X\nmodified: yesterday\n", line: 2, message: "modified: \"yesterday\" is not an RFC 3339 time"),
        Malformed(label: "aliases not a list", text: "id: X\nmodified: '2021-01-01T00:00:00Z'\naliases: CVE-1\n", line: 3,
                  message: "aliases: expected a list"),
        Malformed(label: "affected not a list", text: "id: X\nmodified: '2021-01-01T00:00:00Z'\naffected: {a: 1}\n", line: 3,
                  message: "affected: expected a list"),
        Malformed(label: "event not a version",
                  text: "id: X\nmodified: '2021-01-01T00:00:00Z'\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: [1]\n",
                  line: 8, message: "affected[0].ranges[0].events[0].introduced: expected a version string"),
        Malformed(label: "unknown event",
                  text: "id: X\nmodified: '2021-01-01T00:00:00Z'\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - fixd: '1'\n",
                  line: 8, message: "affected[0].ranges[0].events[0]: unknown event \"fixd\""),
        Malformed(label: "package without name", text: "id: X\nmodified: '2021-01-01T00:00:00Z'\naffected:\n- package: {ecosystem: PyPI}\n",
                  line: 4, message: "affected[0].package.name: is missing"),
        Malformed(label: "a list, not a record", text: "- id: X\n", line: 1, message: "record: expected a mapping"),
        Malformed(label: "empty", text: "", line: nil, message: "empty: no OSV record"),
        Malformed(label: "two documents", text: "id: X\n---\nid: Y\n", line: nil, message: "holds 2 documents"),
    ]

    @Test(arguments: malformed)
    func malformedRecordsNameTheLineAndField(_ example: Malformed) {
        let result = OSVRecord.parse(Array(example.text.utf8), name: "bad.yaml")
        guard case .failure(let error) = result else {
            Issue.record("\(example.label) parsed")
            return
        }
        #expect(error.file == "bad.yaml")
        #expect(error.message.contains(example.message), "\(error)")
        if let line = example.line { #expect(error.line == line, "\(error)") }
    }

    @Test(arguments: [
        ("2021-08-25T04:30:09.712538Z", "2021-08-25T04:30:09.712538Z"),
        ("2024-06-05T14:00:00+02:00", "2024-06-05T12:00:00Z"),
        ("2024-01-01T00:30:00-01:00", "2024-01-01T01:30:00Z"),
        ("2024-03-01t00:00:00.100z", "2024-03-01T00:00:00.1Z"),
        ("2024-03-01T00:00:00", "2024-03-01T00:00:00Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"),
        // Go's zero time, in one PyPA record; fractions past microseconds are dropped.
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59.123456789Z", "9999-12-31T23:59:59.123456Z"),
    ])
    func timestampsNormaliseToUTC(_ text: String, _ utc: String) {
        #expect(OSVTimestamp(text)?.description == utc)
    }

    @Test(arguments: ["2024-02-30T00:00:00Z", "2024-06-05", "2024-06-05T25:00:00Z", "2024-06-05T12:00:00+0200", "2024-06-05T12:00:00.Z", "x"])
    func invalidTimestampsAreRejected(_ text: String) {
        #expect(OSVTimestamp(text) == nil)
    }

    @Test(arguments: [
        ("Debian:12", "Debian", "12"), ("Debian:12.5", "Debian", "12"), ("Alpine:v3.19", "Alpine", "3.19"),
        ("Alpine:3.19.1", "Alpine", "3.19"), ("Ubuntu:22.04:LTS", "Ubuntu", "22.04"), ("Ubuntu:Pro:18.04:LTS", "Ubuntu", "Pro:18.04"),
        ("PyPI", "PyPI", ""),
    ])
    func ecosystemsNormalise(_ ecosystem: String, _ base: String, _ release: String) {
        let key = EcosystemKey(ecosystem)
        #expect(key.base == base)
        #expect(key.release == release)
    }
}
