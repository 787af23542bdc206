import BulwarkCore
import BulwarkImage
import BulwarkTestSupport
import BulwarkVulnDB
import Testing

/// Stands in for the image domain until it is in `Engine.standard`: the harness scans image
/// examples itself, so the domain is only named.
struct ImageExampleDomain: ScanDomain {
    let name = "image"
    let ruleDomains = ["image", "vuln"]
    var rules: [any AnyRule] { ImageRules.all }
    func mayClaim(_ file: DiscoveredFile) -> Bool { false }
    func claim(_ probe: InputProbe) -> InputClaim? { nil }
    func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult { DomainScanResult() }
}

struct ImageExampleCase: Sendable, CustomTestStringConvertible {
    let rule: ImageRule
    let example: RuleExample
    let failing: Bool

    var testDescription: String { "\(rule.id) \(failing ? "failing" : "passing") example at line \(example.sourceLine)" }

    static let all: [ImageExampleCase] = ImageRules.all.flatMap { rule in
        rule.descriptor.failing.map { ImageExampleCase(rule: rule, example: $0, failing: true) }
            + rule.descriptor.passing.map { ImageExampleCase(rule: rule, example: $0, failing: false) }
    }
}

/// Every image rule's examples through the image example harness, as `RuleExamplesTests` runs
/// them once the image domain is in the engine.
@Suite struct ImageRulesExamplesTests {
    @Test("every example of every image rule, in every variant", arguments: ImageExampleCase.all)
    func example(_ testCase: ImageExampleCase) {
        let harness = ImageExampleHarness()
        for variant in harness.variants {
            let problems = RuleExampleVerifier.verify(testCase.rule, example: testCase.example, failing: testCase.failing,
                                                      variant: variant, domain: ImageExampleDomain(), harness: harness)
            for problem in problems {
                Issue.record(Comment(rawValue: problem),
                             sourceLocation: Testing.SourceLocation(fileID: "Bulwark/\(testCase.example.sourceFile)",
                                                                    filePath: testCase.example.sourceFile, line: testCase.example.sourceLine, column: 1))
            }
        }
    }

    @Test func theCatalogueOfImageRulesIsSound() {
        let problems = RuleCatalog(ImageRules.all.map(\.descriptor)).problems(domains: ["image", "vuln"])
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func theHarnessIsRegistered() {
        #expect(ExampleHarnesses.harness(for: "image") != nil)
    }

    /// The format's keys the vulnerability rules use read into the model, with layers by index.
    @Test func packagesAndVulnerabilitiesAreRead() throws {
        let example = try ImageExample("""
            packages:
              - {kind: python, name: flask, version: 0.12.2, ecosystem: PyPI, layer: 1}
            vulnerabilities:
              - {package: flask, id: PYSEC-2018-66, aliases: [CVE-2018-1000656], fixed: [0.12.3], severity: high, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                 vex: {status: not_affected, justification: vulnerable_code_not_present, statement: "not reached"}}
            """, source: "img")
        let match = try #require(example.model.vulnerabilities.first)
        #expect(match.package.name == "flask" && match.package.layer == ImageExample.digest(ofLayer: 1))
        #expect(match.ids == ["PYSEC-2018-66", "CVE-2018-1000656"] && match.fixedVersions == ["0.12.3"] && match.severity == .high)
        #expect(match.vex?.status == .notAffected && match.vex?.justification == "vulnerable_code_not_present")
        #expect(ImageExample.digest(ofLayer: 12) == "sha256:" + String(repeating: "12", count: 32))
    }

    @Test func unknownKeysAreErrorsWithTheirLine() {
        #expect(throws: TextError.self) { try ImageExample("config:\n  Usr: root\n", source: "img") }
        #expect(throws: TextError.self) { try ImageExample("layer: []\n", source: "img") }
    }

    /// A deletion moves the file, and everything under a deleted directory, to `removedFiles`;
    /// a file written again is replaced.
    @Test func whiteoutsAndReplacementsFillRemovedFiles() throws {
        let example = try ImageExample("""
            layers:
              - files:
                  root/.ssh/id_rsa: "key"
                  app/a.txt: "1"
              - removed: [root/.ssh]
                files:
                  app/a.txt: "2"
            """, source: "img")
        #expect(example.model.files.map(\.path) == ["app/a.txt"])
        #expect(example.model.files.first?.layerIndex == 1)
        #expect(Set(example.model.removedFiles.map(\.path)) == ["root/.ssh/id_rsa", "app/a.txt"])
    }
}

/// The vulnerability rules (another topic) land on the `vulnerabilities` entry their message names;
/// a VEX-suppressed one does not fire (no marker): checked here with a stand-in rule shaped like them.
@Suite struct ImageExampleVulnerabilityPositionTests {
    static let rule = ImageRule(
        RuleDescriptor(id: "vuln/example", severity: .high, title: "t", summary: "S.", remediation: "R.", controls: ["nist-800-190:4.1.1"],
                       failing: [RuleExample("""
                           packages:
                             - {kind: python, name: flask, version: 0.12.2, ecosystem: PyPI, layer: 1}
                             - {kind: python, name: jinja2, version: 2.10, ecosystem: PyPI, layer: 1}
                           vulnerabilities:
                           ↓  - {package: flask, id: PYSEC-2018-66, aliases: [CVE-2018-1000656], fixed: [0.12.3], severity: high}
                             - {package: flask, id: PYSEC-2019-179, fixed: ["1.0"], severity: medium,
                                 vex: {status: not_affected, justification: vulnerable_code_not_present}}
                           ↓  - {package: jinja2, id: GHSA-462w-v97r-4m45, severity: high}
                           """, fileName: "example.image.yaml")],
                       passing: []),
        check: ImageCheck { model in
            model.vulnerabilities.map { match in
                ImageViolation("\(match.package.name) \(match.package.version): \(match.ids.joined(separator: ", "))",
                               member: "package \(match.package.kind.rawValue):\(match.package.name)@\(match.package.version)",
                               severity: match.severity, suppression: match.vex.map { "VEX \($0.status.rawValue)" })
            }
        })

    @Test func findingsLandOnTheirVulnerabilityEntries() throws {
        let harness = ImageExampleHarness(rules: [Self.rule])
        let example = try #require(Self.rule.descriptor.failing.first)
        for variant in harness.variants {
            let problems = RuleExampleVerifier.verify(Self.rule, example: example, failing: true, variant: variant,
                                                      domain: ImageExampleDomain(), harness: harness)
            #expect(problems.isEmpty, "\(variant): \(problems)")
        }
    }
}
