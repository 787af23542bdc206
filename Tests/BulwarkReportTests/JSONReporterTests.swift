import BulwarkCore
import BulwarkReport
import Foundation
import Testing

@Suite struct JSONReporterTests {
    @Test func matchesTheGoldenFile() {
        Golden.check(JSONReporter().render(ReportFixture.report), against: "report.json")
    }

    @Test func emptyReportMatchesTheGoldenFile() {
        Golden.check(JSONReporter().render(ReportFixture.empty), against: "empty.json")
    }

    @Test func isValidJSONForFoundation() throws {
        let bytes = JSONReporter().render(ReportFixture.report)
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        let top = try #require(object as? [String: Any])
        #expect(top["schemaVersion"] as? Int == 1)
        let findings = try #require(top["findings"] as? [[String: Any]])
        #expect(findings.count == ReportFixture.findings.count)
        let messages = Set(findings.compactMap { $0["message"] as? String })
        #expect(messages == Set(ReportFixture.findings.map(\.message)))
    }

    @Test func decodesBackIntoTheSameReport() throws {
        let report = ReportFixture.report
        let decoded = try JSONDecoder().decode(Report.self, from: Data(JSONReporter().render(report)))
        #expect(decoded.schemaVersion == report.schemaVersion)
        #expect(decoded.tool == report.tool)
        #expect(decoded.findings == report.findings)
        #expect(decoded.errors == report.errors)
        #expect(decoded.summary == report.summary)
        #expect(decoded.compliance == report.compliance)
    }

    @Test func topLevelKeysAreInContractOrder() {
        let text = JSONReporter(extra: [("matrix", .array([]))]).renderString(ReportFixture.report)
        let keys = ["\n  \"schemaVersion\"", "\n  \"tool\"", "\n  \"findings\"", "\n  \"errors\"", "\n  \"summary\"", "\n  \"compliance\"", "\n  \"matrix\""]
        let positions = keys.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test func findingKeysAreInContractOrder() throws {
        let finding = ReportFixture.findings[5]  // suppressed, with a template source
        let report = Report(findings: [finding], errors: [], files: 1, objects: 1, tool: ReportFixture.tool)
        let text = JSONReporter().renderString(report)
        let order = ["ruleId", "severity", "title", "message", "remediation", "location", "object", "controls",
                     "suppressed", "suppressionReason", "templateSource"]
        let positions = try order.map { key in try #require(text.range(of: "\"\(key)\": ")?.lowerBound, "\(key) missing") }
        #expect(positions == positions.sorted())
        #expect(!text.contains("\"field\""))
    }

    @Test func objectIsNullWhenTheFindingHasNone() throws {
        let finding = try #require(ReportFixture.findings.first { $0.object == nil })
        let report = Report(findings: [finding], errors: [], files: 1, objects: 0, tool: ReportFixture.tool)
        #expect(JSONReporter().renderString(report).contains("\"object\": null,"))
    }

    @Test func isPrettyPrintedWithTwoSpacesAndATrailingNewline() {
        let text = JSONReporter().renderString(ReportFixture.empty)
        #expect(text == """
        {
          "schemaVersion": 1,
          "tool": {
            "name": "bulwark",
            "version": "0.1.0"
          },
          "findings": [],
          "errors": [],
          "warnings": [],
          "skipped": [],
          "summary": {
            "files": 0,
            "objects": 0,
            "findings": {
              "critical": 0,
              "high": 0,
              "medium": 0,
              "low": 0,
              "info": 0
            },
            "suppressed": 0,
            "skippedDocuments": 0,
            "skippedFiles": 0,
            "excludedFiles": 0,
            "unrecognizedFiles": 0,
            "filesByDomain": {}
          },
          "plan": []
        }

        """)
    }

    @Test func rendersFiftyThousandFindings() throws {
        let base = ReportFixture.findings[0]
        var findings: [Finding] = []
        findings.reserveCapacity(50_000)
        for index in 0..<50_000 {
            var finding = base
            finding.location.file = "k8s/file-\(index / 100).yaml"
            finding.location.line = index % 100 + 1
            findings.append(finding)
        }
        let report = Report(findings: findings, errors: [], files: 500, objects: 50_000, tool: ReportFixture.tool)
        // The time it takes is measured in bench/ (the report-writing floor), not here.
        let bytes = JSONReporter().render(report)
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect((parsed?["findings"] as? [Any])?.count == 50_000)
    }
}

@Suite struct JSONWriterTests {
    static let awkward: [String] = [
        "",
        "plain",
        "quote \" backslash \\ slash /",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
        "line\u{2028}para\u{2029}end",
        "\u{7F} delete, \u{85} next line, \u{FEFF} bom",
        "unicode: 模型 ü 🚀 👩‍👩‍👧",
        "</script><!-- &amp;",
    ]

    @Test("strings read back through JSONSerialization unchanged", arguments: awkward)
    func stringRoundTrips(_ text: String) throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string(text)
        writer.endArray()
        let bytes = writer.finish()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String])
        #expect(parsed == [text])
        // No raw control characters, U+2028 or U+2029 in the output, and no `\/`.
        #expect(!bytes.dropLast().contains { $0 < 0x20 && $0 != 0x0A && $0 != 0x20 })
        let output = String(decoding: bytes, as: UTF8.self)
        #expect(!output.contains("\u{2028}") && !output.contains("\u{2029}"))
        #expect(!output.contains("\\/"))
    }

    @Test func escapesControlCharactersByName() {
        var writer = JSONWriter()
        writer.string("\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{2028}")
        #expect(String(decoding: writer.finish(), as: UTF8.self) == "\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u2028\"\n")
    }

    @Test func writesJSONValuesInTheirOrder() {
        var writer = JSONWriter()
        writer.value(.object([
            ("z", .number(1)), ("a", .array([.bool(true), .null, .string("x")])), ("m", .object([])),
            ("n", .number(72.5)), ("big", .number(1e300)), ("nan", .number(.nan)),
        ]))
        #expect(String(decoding: writer.finish(), as: UTF8.self) == """
        {
          "z": 1,
          "a": [
            true,
            null,
            "x"
          ],
          "m": {},
          "n": 72.5,
          "big": 1e+300,
          "nan": null
        }

        """)
    }
}
