import BulwarkCore
import BulwarkDockerfile
import BulwarkEngine
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// The control catalogues (`Sources/BulwarkCore/Compliance/Catalogues`) and the scorecard of
/// `--compliance`.
@Suite struct ComplianceCatalogueTests {
    static let folder = CommandRunner.packageRoot.appendingPathComponent("Sources/BulwarkCore/Compliance/Catalogues")

    /// Every file of the folder is embedded and parses; every framework has its file.
    @Test func everyFileIsEmbeddedAndParses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ControlCatalog.all.map { $0.id + ".yaml" })
        for framework in ControlCatalog.all {
            #expect(!framework.controls.isEmpty)
            #expect(!framework.version.isEmpty && !framework.title.isEmpty)
            for control in framework.controls {
                #expect(!control.reason.isEmpty && !control.title.isEmpty, "\(framework.id):\(control.id)")
            }
        }
    }

    /// A control a rule cites is in its catalogue; automated/partial exactly when a rule cites it.
    @Test func coverageMatchesTheRules() {
        #expect(Engine.standard.catalog.problems(domains: Set(Engine.standard.domains.flatMap(\.ruleDomains))) == [])
        #expect(Engine.standard.catalog.coverageProblems() == [])
    }

    /// The coverage check fails on an inflated claim and on a cited manual control.
    @Test func coverageCheckCanFail() throws {
        let framework = try #require(ControlCatalog.all.first { fw in fw.controls.contains { $0.coverage == .manual } })
        let manual = try #require(framework.controls.first { $0.coverage == .manual })
        let rule = RuleDescriptor(id: "k8s/probe", severity: .low, title: "t", summary: "S.", remediation: "R.",
                                  controls: [ControlID(framework: framework.id, control: manual.id)], failing: [], passing: [])
        let problems = RuleCatalog([rule]).coverageProblems()
        #expect(problems.contains { $0.contains("\(framework.id):\(manual.id) is marked manual but a rule cites it") })
        #expect(problems.contains { $0.contains("is marked automated but no rule cites it") })
    }

    /// The reader is strict and names the line.
    @Test func strictReader() {
        let unknown = Array("framework: x\ntitle: X\nversion: 1\nurl: u\nscope: s\ncolour: red\ncontrols:\n  - {id: a, title: A, section: S, coverage: manual, reason: R}\n".utf8)
        #expect(throws: (any Error).self) { try ControlCatalogFileProbe.parse(unknown, "x.yaml") }
        let badCoverage = Array("framework: x\ntitle: X\nversion: 1\nurl: u\nscope: s\ncontrols:\n  - {id: a, title: A, section: S, coverage: maybe, reason: R}\n".utf8)
        #expect(throws: (any Error).self) { try ControlCatalogFileProbe.parse(badCoverage, "x.yaml") }
        let good = Array("framework: x\ntitle: X\nversion: 1\nurl: u\nscope: s\ncontrols:\n  - {id: a, title: A, section: S, coverage: manual, reason: R}\n".utf8)
        #expect((try? ControlCatalogFileProbe.parse(good, "x.yaml"))?.controls.count == 1)
        #expect(throws: (any Error).self) { try ControlCatalogFileProbe.parse(good, "y.yaml") }
    }
}

@Suite struct ComplianceScoreTests {
    static func control(_ coverage: ControlCoverage, _ status: ComplianceReport.Control.Status) -> ComplianceReport.Control {
        ComplianceReport.Control(id: "\(coverage)-\(status)", title: "", coverage: coverage, status: status, findings: [])
    }

    /// The formula of docs/compliance.md: automated weight 1, partial ½, the rest left out.
    @Test func formula() {
        let controls = [Self.control(.automated, .pass), Self.control(.automated, .fail), Self.control(.partial, .pass),
                        Self.control(.partial, .fail), Self.control(.manual, .manual), Self.control(.automated, .notApplicable),
                        Self.control(.outOfScope, .manual)]
        #expect(ComplianceScore.score(controls) == 50)
        #expect(ComplianceScore.score([Self.control(.automated, .pass), Self.control(.automated, .pass), Self.control(.partial, .fail)]) == 80)
        #expect(ComplianceScore.score([Self.control(.automated, .pass), Self.control(.automated, .fail), Self.control(.automated, .fail)]) == 33.3)
        #expect(ComplianceScore.score([Self.control(.manual, .manual), Self.control(.automated, .notApplicable)]) == nil)
    }

    static let insecure = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack").path
    static let hardened = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/hardened").path

    static func report(_ paths: [String], _ framework: String, configuration: Configuration = Configuration()) -> ComplianceReport? {
        let request = ScanRequest(paths: paths, configuration: configuration, evaluationDate: CalendarDate("2026-12-01")!, compliance: framework)
        return Engine.standard.scan(request).report.compliance
    }

    /// The hardened example scores higher than the insecure one on every framework its inputs touch.
    @Test(arguments: ControlCatalog.all.map(\.id))
    func hardenedScoresHigher(framework: String) throws {
        let insecureFiles = [Self.insecure + "/k8s", Self.insecure + "/Dockerfile"]
        let hardenedFiles = [Self.hardened + "/k8s", Self.hardened + "/Dockerfile"]
        let before = try #require(Self.report(insecureFiles, framework))
        let after = try #require(Self.report(hardenedFiles, framework))
        guard let beforeScore = before.score else {
            // No control of this framework applies to manifests and Dockerfiles (model frameworks).
            #expect(after.score == nil)
            return
        }
        let afterScore = try #require(after.score)
        #expect(afterScore > beforeScore, "\(framework): hardened \(afterScore) ≤ insecure \(beforeScore)")
        #expect(after.counts.fail < before.counts.fail)
    }

    /// Suppressed findings never fail a control but are counted; the scope makes other domains'
    /// controls not-applicable; the score is the same whatever --fail-on says (it is not an input).
    @Test func suppressionsAndScope() throws {
        let manifests = [Self.insecure + "/k8s"]
        let plain = try #require(Self.report(manifests, "cis-k8s"))
        let failing = try #require(plain.controls.first { $0.status == .fail })
        // Suppress every rule behind that control through the configuration.
        var configuration = Configuration()
        configuration.suppressions.append(Configuration.Suppression(rules: failing.findings, reason: "accepted for the test"))
        let suppressed = try #require(Self.report(manifests, "cis-k8s", configuration: configuration))
        let after = try #require(suppressed.controls.first { $0.id == failing.id })
        #expect(after.status == .pass)
        #expect(after.suppressed >= failing.failing)
        #expect((suppressed.score ?? 0) > (plain.score ?? 0))

        // Manifests alone: Dockerfile controls are not applicable, not passed.
        let docker = try #require(Self.report(manifests, "cis-docker"))
        #expect(docker.controls.allSatisfy { $0.status == .notApplicable || $0.status == .manual })
        #expect(docker.score == nil)
    }
}

/// Lets the test suite reach the strict reader without making it public.
enum ControlCatalogFileProbe {
    static func parse(_ bytes: [UInt8], _ name: String) throws -> ComplianceFramework {
        try ControlCatalog.parseFile(bytes, fileName: name)
    }
}
