import BulwarkCore
import BulwarkReport
import BulwarkTestSupport
import Foundation
import Testing

/// `--format oscal`: OSCAL 1.1.3 assessment results of `ReportFixture`, golden and valid against
/// NIST's schema (`scripts/validate-oscal`).
@Suite struct OSCALReporterTests {
    let reporter = OSCALReporter(rules: ReportFixture.rules, timestamp: CycloneDXFixture.identity.timestamp)

    func document(_ report: Report = ReportFixture.report) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(reporter.render(report)))
        let top = try #require(object as? [String: Any])
        return try #require(top["assessment-results"] as? [String: Any])
    }

    func result(_ report: Report = ReportFixture.report) throws -> [String: Any] {
        let results = try #require(try document(report)["results"] as? [[String: Any]])
        #expect(results.count == 1)
        return try #require(results.first)
    }

    static func props(_ object: [String: Any]?) -> [(String, String)] {
        ((object?["props"] as? [[String: Any]]) ?? []).compactMap { prop in
            guard let name = prop["name"] as? String, let value = prop["value"] as? String else { return nil }
            return (name, value)
        }
    }

    @Test func matchesTheGoldenFile() {
        Golden.check(reporter.render(ReportFixture.report), against: "report.oscal.json")
    }

    @Test func withoutAFrameworkMatchesTheGoldenFile() {
        var report = ReportFixture.report
        report.compliance = nil
        Golden.check(reporter.render(report), against: "report-no-framework.oscal.json")
    }

    @Test func theSameReportAndTimestampGiveTheSameBytes() {
        #expect(reporter.render(ReportFixture.report) == reporter.render(ReportFixture.report))
        let later = OSCALReporter(rules: ReportFixture.rules, timestamp: "2027-01-01T00:00:00Z")
        #expect(later.render(ReportFixture.report) != reporter.render(ReportFixture.report))
    }

    @Test("controls become OSCAL tokens", arguments: [
        ("cis-k8s:5.2.6", "cis-k8s_5.2.6"),
        ("pss-restricted:runAsNonRoot", "pss-restricted_runAsNonRoot"),
        ("owasp-k8s:K06", "owasp-k8s_K06"),
        ("mitre-atlas:AML.T0010", "mitre-atlas_AML.T0010"),
        ("weird:a b/c:d", "weird_a-b-c-d"),
        ("9lives:1", "_9lives_1"),
    ])
    func controlTokens(_ control: String, _ token: String) throws {
        #expect(OSCALReporter.controlToken(ControlID(control)) == token)
        let pattern = try Regex("^[A-Za-z_][A-Za-z0-9._-]*$")
        #expect(token.wholeMatch(of: pattern) != nil)
    }

    @Test func uuidsAreVersion5OfTheirNames() {
        // Python's uuid.uuid5(UUID("5b0c2a6e-9d47-4f1a-8e3b-61c2d4a7f905"), "observation\x1f2026\x1fkey").
        #expect(OSCALReporter.nameUUID(["observation", "2026", "key"]) == "c9ca8df6-bf1a-5561-9368-413cdfc46ffb")
        #expect(OSCALReporter.nameUUID(["component", "bulwark"]) == "91f34e92-ca3c-5c9e-817f-7efd44ad39fc")
        #expect(OSCALReporter.nameUUID([""]) == "d4e089fe-7cf1-552a-9c9a-ed8a360ed515")
    }

    @Test func everyUUIDIsUniqueAndValid() throws {
        let text = reporter.renderString(ReportFixture.report)
        let pattern = try Regex("\"(uuid|observation-uuid|risk-uuid)\": \"([^\"]*)\"")
        var defined: [String] = []
        var referenced: Set<String> = []
        for match in text.matches(of: pattern) {
            let key = String(match.output[1].substring ?? "")
            let value = String(match.output[2].substring ?? "")
            #expect(value.wholeMatch(of: try Regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")) != nil, "\(value)")
            if key == "uuid" { defined.append(value) } else { referenced.insert(value) }
        }
        #expect(Set(defined).count == defined.count, "a UUID is defined twice")
        #expect(referenced.isSubset(of: Set(defined)), "a reference names no defined UUID")
    }

    @Test func eachFindingIsAnObservationWithItsEvidence() throws {
        let result = try result()
        let observations = try #require(result["observations"] as? [[String: Any]])
        #expect(observations.count == ReportFixture.report.findings.count)
        let first = try #require(observations.first { Self.props($0).contains { $0 == ("rule-id", "k8s/run-as-non-root") } })
        let props = Self.props(first)
        #expect(props.contains { $0 == ("severity", "high") })
        #expect(props.contains { $0 == ("control", "cis-k8s:5.2.7") })
        #expect(props.contains { $0.0 == "remediation" && $0.1.hasPrefix("Set securityContext.runAsNonRoot") })
        #expect(first["description"] as? String == ReportFixture.findings[0].message)
        let evidence = try #require((first["relevant-evidence"] as? [[String: Any]])?.first)
        #expect(evidence["href"] as? String == "k8s/deploy.yaml")
        #expect(Self.props(evidence).contains { $0 == ("line", "27") })
        let subject = try #require((first["subjects"] as? [[String: Any]])?.first)
        #expect(Self.props(subject).contains { $0 == ("container", "server") })
        #expect(Self.props(subject).contains { $0 == ("name", "model-server") })
    }

    @Test func suppressedFindingsAreApprovedDeviations() throws {
        let result = try result()
        let observations = try #require(result["observations"] as? [[String: Any]])
        let risks = try #require(result["risks"] as? [[String: Any]])
        let suppressed = ReportFixture.report.findings.indices.filter { ReportFixture.report.findings[$0].suppressed }
        #expect(!suppressed.isEmpty)
        for index in suppressed {
            #expect(Self.props(observations[index]).contains { $0 == ("suppressed", "true") })
            #expect(risks[index]["status"] as? String == "deviation-approved")
        }
        let open = risks.filter { $0["status"] as? String == "open" }
        #expect(open.count == ReportFixture.report.findings.count - suppressed.count)
    }

    @Test func findingsTargetTheFrameworksControls() throws {
        let result = try result()
        let findings = try #require(result["findings"] as? [[String: Any]])
        let compliance = try #require(ReportFixture.report.compliance)
        let assessed = compliance.controls.filter { $0.status == .pass || $0.status == .fail }
        #expect(findings.count == assessed.count)
        for (finding, control) in zip(findings, assessed) {
            let target = try #require(finding["target"] as? [String: Any])
            #expect(target["type"] as? String == "objective-id")
            #expect(target["target-id"] as? String == OSCALReporter.controlToken(ControlID(framework: compliance.framework, control: control.id)))
            let state = (target["status"] as? [String: Any])?["state"] as? String
            #expect(state == (control.status == .fail ? "not-satisfied" : "satisfied"), "\(control.id)")
        }
        let reviewed = try #require(result["reviewed-controls"] as? [String: Any])
        let selection = try #require((reviewed["control-selections"] as? [[String: Any]])?.first)
        let ids = (selection["include-controls"] as? [[String: Any]])?.compactMap { $0["control-id"] as? String }
        #expect(ids == assessed.map { OSCALReporter.controlToken(ControlID(framework: compliance.framework, control: $0.id)) })
    }

    @Test func withoutAFrameworkEveryCitedControlIsAssessed() throws {
        var report = ReportFixture.report
        report.compliance = nil
        let findings = try #require(try result(report)["findings"] as? [[String: Any]])
        let targets = Set(findings.compactMap { ($0["target"] as? [String: Any])?["target-id"] as? String })
        let catalog = RuleCatalog(ReportFixture.rules)
        let cited = Set(report.findings.flatMap { $0.controls + (catalog.rule($0.ruleId)?.controls ?? []) })
        #expect(targets == Set(cited.map(OSCALReporter.controlToken)))
    }

    @Test func anEmptyReportIsStillADocument() throws {
        let result = try result(ReportFixture.empty)
        #expect(result["observations"] == nil)
        #expect(result["findings"] == nil)
        #expect(result["reviewed-controls"] != nil)
    }

    @Test func inputErrorsAreInTheResultsRemarks() throws {
        let remarks = try #require(try result()["remarks"] as? String)
        for error in ReportFixture.errors { #expect(remarks.contains(error.message)) }
    }

    @Test func isValidOSCAL113() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-oscal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var noFramework = ReportFixture.report
        noFramework.compliance = nil
        let full = try ImageSBOMTests.write(reporter.render(ReportFixture.report), "report.oscal.json", in: directory)
        let files = [
            full,
            try ImageSBOMTests.write(reporter.render(noFramework), "no-framework.oscal.json", in: directory),
            try ImageSBOMTests.write(reporter.render(ReportFixture.empty), "empty.oscal.json", in: directory),
            // Control characters, line separators, empty and blank strings in every member.
            try ImageSBOMTests.write(reporter.render(ReportStreamingTests.large(300)), "hostile.oscal.json", in: directory),
        ]
        guard let result = try ImageSBOMTests.validate("validate-oscal", files) else { return }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

        // The check is not vacuous: a control id written as Bulwark writes it (with a colon) is not a
        // token, and an unknown member is refused.
        let text = String(decoding: try Data(contentsOf: full), as: UTF8.self)
        let colon = try ImageSBOMTests.write(Array(text.replacingOccurrences(of: "\"target-id\": \"nist-800-190_", with: "\"target-id\": \"nist-800-190:").utf8),
                                             "colon.oscal.json", in: directory)
        let member = try ImageSBOMTests.write(Array(text.replacingOccurrences(of: "\"methods\": [", with: "\"severity\": \"high\", \"methods\": [").utf8),
                                              "member.oscal.json", in: directory)
        let refused = try #require(try ImageSBOMTests.validate("validate-oscal", [colon, member]))
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("colon.oscal.json") && refused.stdout.contains("does not match"), "\(refused.stdout)")
        #expect(refused.stdout.contains("member.oscal.json") && refused.stdout.contains("'severity' was unexpected"), "\(refused.stdout)")
    }
}
