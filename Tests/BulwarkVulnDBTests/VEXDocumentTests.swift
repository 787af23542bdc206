import BulwarkCore
import Testing
@testable import BulwarkVulnDB

/// Reading OpenVEX and CycloneDX VEX files, as vexctl, Trivy and CycloneDX tools write them.
@Suite struct VEXDocumentTests {
    /// Shaped like `vexctl create` output (OpenVEX 0.2.0).
    static let openVEX = """
    {
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f",
      "author": "Model Serving Team <serving@example.com>",
      "timestamp": "2026-11-30T10:00:00Z",
      "version": 1,
      "statements": [
        {
          "vulnerability": {
            "@id": "https://osv.dev/vulnerability/PYSEC-2019-179",
            "name": "PYSEC-2019-179",
            "aliases": ["CVE-2019-1010083", "GHSA-5wv5-4vpf-pj6m"]
          },
          "products": [
            {
              "@id": "pkg:oci/model-server@sha256%3Aa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90?repository_url=ghcr.io/acme/model-server",
              "subcomponents": [ { "@id": "pkg:pypi/flask@0.12.2" } ]
            }
          ],
          "status": "not_affected",
          "justification": "vulnerable_code_not_present",
          "impact_statement": "The JSON body parser that the advisory is about is not used: requests are protobuf."
        },
        {
          "vulnerability": { "name": "CVE-2018-1000656" },
          "products": [ { "@id": "pkg:pypi/flask" } ],
          "status": "under_investigation",
          "timestamp": "2026-12-01T08:30:00+01:00"
        },
        {
          "vulnerability": { "name": "CVE-2023-30861" },
          "products": [ { "@id": "pkg:pypi/flask", "identifiers": { "purl": "pkg:pypi/flask" }, "hashes": { "sha-256": "ABCDEF" } } ],
          "status": "affected",
          "action_statement": "Upgrade to flask 2.3.2 in the next release."
        }
      ]
    }
    """

    /// Shaped like a CycloneDX 1.6 VEX BOM (cyclonedx-python-lib / Dependency-Track export).
    static let cycloneDX = """
    {
      "bomFormat": "CycloneDX",
      "specVersion": "1.6",
      "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
      "version": 1,
      "metadata": {
        "timestamp": "2026-11-29T09:00:00Z",
        "component": { "type": "container", "bom-ref": "image", "name": "ghcr.io/acme/model-server",
                       "version": "sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90" }
      },
      "components": [
        { "type": "library", "bom-ref": "flask-ref", "name": "flask", "version": "0.12.2", "purl": "pkg:pypi/flask@0.12.2" },
        { "type": "library", "bom-ref": "os", "name": "debian", "components": [
          { "type": "library", "bom-ref": "openssl-ref", "name": "openssl", "purl": "pkg:deb/debian/openssl?distro=debian-12" }
        ] }
      ],
      "vulnerabilities": [
        {
          "id": "CVE-2019-1010083",
          "source": { "name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2019-1010083" },
          "references": [ { "id": "PYSEC-2019-179", "source": { "name": "OSV" } } ],
          "analysis": { "state": "not_affected", "justification": "code_not_reachable",
                        "response": ["will_not_fix"], "detail": "Only the protobuf endpoint is exposed.",
                        "lastUpdated": "2026-11-29T10:00:00Z" },
          "affects": [ { "ref": "flask-ref" } ]
        },
        {
          "id": "CVE-2023-5678",
          "analysis": { "state": "resolved" },
          "affects": [ { "ref": "openssl-ref" } ]
        },
        {
          "id": "CVE-2018-1000656",
          "analysis": { "state": "in_triage" },
          "affects": [ { "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:pypi/werkzeug@0.15.2" } ]
        },
        {
          "id": "CVE-2020-28493",
          "analysis": { "state": "false_positive" },
          "affects": [ { "ref": "image" } ]
        },
        {
          "id": "CVE-2024-1135",
          "affects": [ { "ref": "flask-ref" } ]
        },
        {
          "id": "CVE-2022-29361",
          "analysis": { "state": "exploitable", "response": ["update"] },
          "affects": [ { "ref": "pkg:pypi/werkzeug", "versions": [ { "version": "0.15.2", "status": "affected" },
                                                                   { "range": "vers:pypi/<2.1.1", "status": "affected" } ] } ]
        }
      ]
    }
    """

    func parse(_ text: String, name: String = "vex.json") -> Result<VEXDocument, InputError> {
        VEXDocument.parse(Array(text.utf8), name: name)
    }

    @Test func readsOpenVEXStatements() throws {
        let document = try parse(Self.openVEX).get()
        #expect(document.format == .openVEX)
        #expect(document.statements.count == 3)
        let first = document.statements[0]
        #expect(first.vulnerability == "PYSEC-2019-179")
        #expect(first.aliases == ["CVE-2019-1010083", "GHSA-5wv5-4vpf-pj6m"])
        #expect(first.status == .notAffected)
        #expect(first.justification == "vulnerable_code_not_present")
        #expect(first.products.first?.subcomponents == [["pkg:pypi/flask@0.12.2"]])
        #expect(first.timestamp == "2026-11-30T10:00:00Z", "inherits the document's timestamp")
        #expect(first.line == 8)
        #expect(document.statements[1].timestamp == "2026-12-01T08:30:00+01:00")
        #expect(document.statements[2].products.first?.identifiers == ["pkg:pypi/flask", "pkg:pypi/flask", "sha256:abcdef"])
        #expect(document.statements[2].actionStatement == "Upgrade to flask 2.3.2 in the next release.")
    }

    @Test func readsOpenVEXZeroZeroStrings() throws {
        let text = """
        {"@context": "https://openvex.dev/ns", "statements": [
          {"vulnerability": "CVE-2023-1234", "products": ["pkg:pypi/torch@2.0.0"], "subcomponents": ["pkg:pypi/numpy"],
           "status": "fixed"}]}
        """
        let statement = try #require(try parse(text).get().statements.first)
        #expect(statement.vulnerability == "CVE-2023-1234")
        #expect(statement.products == [VEXProduct(identifiers: ["pkg:pypi/torch@2.0.0"], subcomponents: [["pkg:pypi/numpy"]])])
    }

    @Test func mapsCycloneDXAnalysisToOpenVEX() throws {
        let document = try parse(Self.cycloneDX, name: "bom.vex.json").get()
        #expect(document.format == .cycloneDX)
        let byID = Dictionary(uniqueKeysWithValues: document.statements.map { ($0.vulnerability, $0) })
        let notAffected = try #require(byID["CVE-2019-1010083"])
        #expect(notAffected.status == .notAffected)
        #expect(notAffected.justification == "vulnerable_code_not_in_execute_path")
        #expect(notAffected.originalJustification == "code_not_reachable")
        #expect(notAffected.aliases == ["PYSEC-2019-179"])
        #expect(notAffected.products == [VEXProduct(identifiers: ["pkg:pypi/flask@0.12.2"])])
        #expect(notAffected.timestamp == "2026-11-29T10:00:00Z")
        #expect(notAffected.decision.statement == "[CycloneDX not_affected, code_not_reachable] Only the protobuf endpoint is exposed.")
        #expect(byID["CVE-2023-5678"]?.status == .fixed)
        #expect(byID["CVE-2023-5678"]?.products.first?.identifiers == ["pkg:deb/debian/openssl?distro=debian-12"], "nested components are indexed")
        #expect(byID["CVE-2023-5678"]?.timestamp == "2026-11-29T09:00:00Z")
        #expect(byID["CVE-2018-1000656"]?.status == .underInvestigation)
        #expect(byID["CVE-2018-1000656"]?.products.first?.identifiers == ["pkg:pypi/werkzeug@0.15.2"], "BOM-Link fragment")
        let falsePositive = try #require(byID["CVE-2020-28493"])
        #expect(falsePositive.status == .notAffected)
        #expect(falsePositive.products.first?.identifiers == ["sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
                                                              "ghcr.io/acme/model-server"])
        let exploitable = try #require(byID["CVE-2022-29361"])
        #expect(exploitable.status == .affected)
        #expect(exploitable.products == [VEXProduct(identifiers: ["pkg:pypi/werkzeug@0.15.2"])])
        #expect(exploitable.actionStatement == "response: update")
        #expect(byID["CVE-2024-1135"] == nil)
        #expect(document.warnings.map(\.message).contains { $0.contains("vulnerabilities[4] (CVE-2024-1135) has no `analysis`") })
        #expect(document.warnings.map(\.message).contains { $0.contains("a version `range` is not applied") })
    }

    @Test(arguments: CycloneDXVEX.justifications.keys.sorted())
    func everyCycloneDXJustificationMapsToAnOpenVEXOne(_ justification: String) throws {
        let mapped = try #require(CycloneDXVEX.justifications[justification])
        #expect(OpenVEX.justifications.contains(mapped))
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let fragment: String
        var testDescription: String { fragment }
    }

    static let malformed: [Malformed] = [
        Malformed(text: "{\"statements\": [\n  {\"vulnerability\": {\"name\": \"CVE-1\"},", line: 3, fragment: "while parsing"),
        Malformed(text: "[1, 2]", line: 1, fragment: "not a VEX document"),
        Malformed(text: "{\"hello\": 1}", line: 1, fragment: "neither OpenVEX"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/flask"}],
           "status": "not_affacted"}]}
        """, line: 3, fragment: "statements[0].status: \"not_affacted\" is not an OpenVEX status"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/flask"}], "status": "not_affected"}]}
        """, line: 2, fragment: "needs a `justification` or an `impact_statement`"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-1"}, "status": "fixed"}]}
        """, line: 2, fragment: "statements[0].products: missing or empty"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/flask"}], "status": "not_affected",
           "justification": "code_not_present"}]}
        """, line: 3, fragment: "statements[0].justification: \"code_not_present\" is not an OpenVEX justification"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {}, "products": [{"@id": "pkg:pypi/flask"}], "status": "fixed"}]}
        """, line: 2, fragment: "statements[0].vulnerability.@id: missing"),
        Malformed(text: """
        {"bomFormat": "CycloneDX", "specVersion": "1.3", "vulnerabilities": []}
        """, line: 1, fragment: "specVersion: 1.3 is not supported"),
        Malformed(text: """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": [
          {"id": "CVE-1", "analysis": {"state": "not_affected", "justification": "code_not_present"},
           "affects": [{"ref": "nowhere"}]}]}
        """, line: 3, fragment: "vulnerabilities[0].affects[0].ref: \"nowhere\" names no component"),
        Malformed(text: """
        {"bomFormat": "CycloneDX", "specVersion": "1.4", "vulnerabilities": [
          {"id": "CVE-1", "analysis": {"state": "wontfix"}, "affects": [{"ref": "pkg:pypi/flask"}]}]}
        """, line: 2, fragment: "vulnerabilities[0].analysis.state: \"wontfix\" is not a CycloneDX analysis state"),
        Malformed(text: """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [
          {"id": "CVE-1", "analysis": {"state": "not_affected", "justification": "vulnerable_code_not_present"},
           "affects": [{"ref": "pkg:pypi/flask"}]}]}
        """, line: 2, fragment: "is not a CycloneDX justification"),
        Malformed(text: """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [
          {"id": "CVE-1", "analysis": {"state": "resolved"}, "affects": []}]}
        """, line: 2, fragment: "vulnerabilities[0].affects: missing or empty"),
        Malformed(text: """
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
          {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/flask"}], "status": "fixed", "status": "affected"}]}
        """, line: 2, fragment: ""),
    ]

    @Test(arguments: malformed)
    func malformedFilesAreOneErrorWithFileLineAndField(_ example: Malformed) {
        switch parse(example.text, name: "bad.vex.json") {
        case .success:
            Issue.record("accepted: \(example.text)")
        case .failure(let error):
            #expect(error.file == "bad.vex.json")
            #expect(error.line == example.line, "\(error)")
            #expect(error.message.contains(example.fragment), "\(error)")
        }
    }
    /// Every prefix of a real-shaped file is either read or one error naming the file: never a
    /// crash, never a partly applied file.
    @Test(arguments: [openVEX, cycloneDX])
    func everyTruncationIsReadOrOneError(_ text: String) {
        let bytes = Array(text.utf8)
        var failures = 0
        for length in stride(from: 0, to: bytes.count, by: 3) {
            if case .failure(let error) = VEXDocument.parse(Array(bytes[..<length]), name: "cut.json") {
                #expect(error.file == "cut.json")
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test func aCycloneDXAnalysisWithoutStateIsWarnedAboutAndNotApplied() throws {
        let text = """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": [
          {"id": "CVE-1", "analysis": {"justification": "code_not_present"}, "affects": [{"ref": "pkg:pypi/flask"}]}]}
        """
        let document = try parse(text).get()
        #expect(document.statements.isEmpty)
        #expect(document.warnings.map(\.message) == ["vulnerabilities[0].analysis (CVE-1) has no `state`: not applied"])
    }
}
