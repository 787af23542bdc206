import BulwarkCore
import BulwarkVulnDB
import Testing
@testable import BulwarkImage

/// Grouping vulnerability matches into remediation actions, and the `vuln/…` rules' findings.
@Suite struct RemediationTests {
    static func package(_ kind: InstalledPackage.Kind, _ name: String, _ version: String, ecosystem: String? = nil,
                        layer: String = "sha256:layer1") -> InstalledPackage {
        InstalledPackage(kind: kind, name: name, version: version, ecosystem: ecosystem, layer: layer, path: "var/lib/dpkg/status")
    }

    static let flask = package(.python, "flask", "0.12.2", ecosystem: "PyPI")
    static let werkzeug = package(.python, "werkzeug", "0.15.2", ecosystem: "PyPI")
    static let libssl = package(.deb, "libssl3", "3.0.11-1~deb12u1", ecosystem: "Debian:12", layer: "sha256:layer0")
    static let zlib = package(.deb, "zlib1g", "1:1.2.13.dfsg-1", ecosystem: "Debian:12", layer: "sha256:layer0")
    static let cudnn = package(.binary, "libcudnn", "8.9.2")

    static func match(_ package: InstalledPackage, _ ids: [String], fixed: [String], _ severity: Severity,
                      vex: VEXDecision? = nil) -> VulnerabilityMatch {
        VulnerabilityMatch(package: package, advisory: Advisory(id: ids[0], modified: "2024-01-01T00:00:00Z"), ids: ids,
                           fixedVersions: fixed, severity: severity, vex: vex)
    }

    static let debian = OperatingSystemRelease(id: "debian", versionID: "12", codename: "bookworm")

    @Test func onePackageIsUpgradedToTheLowestVersionThatFixesAllItsAdvisories() {
        let actions = VulnerabilityRemediation.plan([
            Self.match(Self.flask, ["PYSEC-2018-66"], fixed: ["0.12.3"], .high),
            Self.match(Self.flask, ["PYSEC-2019-179"], fixed: ["1.0"], .high),
            Self.match(Self.flask, ["GHSA-m2qf-hxjv-5gpq"], fixed: ["2.2.5", "2.3.2"], .medium),
        ], os: nil)
        #expect(actions.count == 1)
        #expect(actions.first?.kind == .upgrade(package: "flask", to: "2.2.5"))
        #expect(actions.first?.ids == ["GHSA-m2qf-hxjv-5gpq", "PYSEC-2018-66", "PYSEC-2019-179"])
        #expect(actions.first?.severity == .high)
        #expect(actions.first?.summary.hasPrefix("upgrade flask 0.12.2 to 2.2.5 (3 advisories:") ?? false)
    }

    @Test func aFixOnAnOlderBranchThanTheInstalledVersionIsNotATarget() {
        let installed = Self.package(.python, "jinja2", "3.0.0", ecosystem: "PyPI")
        let actions = VulnerabilityRemediation.plan([Self.match(installed, ["GHSA-1"], fixed: ["2.11.3", "3.1.3"], .medium)], os: nil)
        #expect(actions.first?.kind == .upgrade(package: "jinja2", to: "3.1.3"))
    }

    @Test func osPackagesAreOneRebuildAndUnfixedOnesAreGrouped() throws {
        let actions = VulnerabilityRemediation.plan([
            Self.match(Self.libssl, ["DSA-5532-1", "CVE-2023-5678"], fixed: ["3.0.11-1~deb12u2"], .medium),
            Self.match(Self.zlib, ["CVE-2023-45853"], fixed: [], .critical),
            Self.match(Self.libssl, ["CVE-2024-0727"], fixed: ["3.0.13-1~deb12u1"], .low),
            Self.match(Self.cudnn, ["CVE-2024-0000"], fixed: [], .medium),
            Self.match(Self.werkzeug, ["PYSEC-2019-140"], fixed: ["0.15.3"], .high),
        ], os: Self.debian)
        #expect(actions.map(\.kind) == [.noFixYet, .upgrade(package: "werkzeug", to: "0.15.3"), .rebuildOnNewerBase(os: "debian 12")])
        let rebuild = try #require(actions.last)
        #expect(rebuild.packages.map(\.name) == ["libssl3"])
        #expect(rebuild.targets == ["libssl3": "3.0.13-1~deb12u1"])
        #expect(rebuild.ids == ["CVE-2024-0727", "DSA-5532-1"])
        #expect(rebuild.summary.contains("rebuild on a newer debian 12 base image, which ships libssl3 3.0.11-1~deb12u1 → 3.0.13-1~deb12u1"))
        let none = try #require(actions.first)
        #expect(none.packages.map(\.name) == ["zlib1g", "libcudnn"])
        #expect(none.severity == .critical)
        #expect(none.summary.hasPrefix("no fix yet for zlib1g 1:1.2.13.dfsg-1, libcudnn 8.9.2"))
    }

    @Test func suppressedMatchesNeedNoAction() {
        let vex = VEXDecision(status: .notAffected, justification: "vulnerable_code_not_present", source: "vex.json:3")
        let underInvestigation = VEXDecision(status: .underInvestigation, source: "vex.json:9")
        let actions = VulnerabilityRemediation.plan([
            Self.match(Self.flask, ["PYSEC-2019-179"], fixed: ["1.0"], .high, vex: vex),
            Self.match(Self.flask, ["PYSEC-2018-66"], fixed: ["0.12.3"], .high, vex: underInvestigation),
        ], os: nil)
        #expect(actions.map(\.kind) == [.upgrade(package: "flask", to: "0.12.3")])
        #expect(VulnerabilityRemediation.plan([Self.match(Self.flask, ["X"], fixed: ["1.0"], .high, vex: vex)], os: nil).isEmpty)
    }

    // MARK: - vuln/… rules

    func findings(_ rule: ImageRule, _ matches: [VulnerabilityMatch]) -> [ImageViolation] {
        let model = ImageModel(source: "image.tar", layers: ["sha256:layer0", "sha256:layer1"], packages: matches.map(\.package),
                               vulnerabilities: matches)
        return rule.check.run(model)
    }

    @Test func theRulesSplitFindingsByKindOfPackage() {
        let matches = [
            Self.match(Self.libssl, ["DSA-5532-1"], fixed: ["3.0.11-1~deb12u2"], .medium),
            Self.match(Self.flask, ["PYSEC-2018-66"], fixed: ["0.12.3"], .high),
            Self.match(Self.cudnn, ["CVE-2024-0000"], fixed: [], .low),
        ]
        let byRule = Dictionary(uniqueKeysWithValues: ImageRules.vulnerabilities.map { ($0.id, findings($0, matches).map(\.member)) })
        #expect(byRule == [
            "vuln/os-package": ["package deb:libssl3@3.0.11-1~deb12u1"],
            "vuln/python-package": ["package python:flask@0.12.2"],
            "vuln/binary-package": ["package binary:libcudnn@8.9.2"],
        ])
    }

    @Test func aFindingNamesPackageVersionsIdsCVSSAndLayer() throws {
        var match = Self.match(Self.flask, ["PYSEC-2018-66", "CVE-2018-1000656", "GHSA-4ppp-gpcr-7qf6"], fixed: ["0.12.3"], .high)
        match.cvssScore = 7.5
        match.cvssVector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
        let finding = try #require(findings(ImageRules.vulnerablePythonPackage, [match]).first)
        #expect(finding.message == """
            flask 0.12.2 (python) is affected by PYSEC-2018-66 (CVE-2018-1000656, GHSA-4ppp-gpcr-7qf6): fixed in 0.12.3; \
            CVSS 7.5 CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H; installed by layer 1 (sha256:layer1) at var/lib/dpkg/status
            """)
        #expect(finding.severity == .high)
        #expect(finding.suppression == nil)
        let unfixed = try #require(findings(ImageRules.vulnerableBinaryPackage, [Self.match(Self.cudnn, ["CVE-2024-0000"], fixed: [], .low)]).first)
        #expect(unfixed.message.contains("CVE-2024-0000: no fix yet; installed by layer 1"))
        #expect(unfixed.severity == .low)
    }

    @Test func vexSuppressesWithItsReasonOrAnnotatesTheMessage() throws {
        let suppressed = Self.match(Self.flask, ["PYSEC-2019-179"], fixed: ["1.0"], .high,
                                    vex: VEXDecision(status: .notAffected, justification: "vulnerable_code_not_present",
                                                     statement: "JSON parsing is not used", source: "serving.openvex.json:8"))
        let investigating = Self.match(Self.flask, ["PYSEC-2018-66"], fixed: ["0.12.3"], .high,
                                       vex: VEXDecision(status: .underInvestigation, source: "serving.openvex.json:20"))
        let found = findings(ImageRules.vulnerablePythonPackage, [suppressed, investigating])
        #expect(found.first?.suppression
                == "VEX not_affected (vulnerable_code_not_present): JSON parsing is not used — serving.openvex.json:8")
        #expect(found.last?.suppression == nil)
        #expect(found.last?.message.hasSuffix("; VEX under_investigation — serving.openvex.json:20") ?? false)
    }

    @Test func theRulesAreSoundCatalogueEntries() {
        let problems = RuleCatalog(ImageRules.vulnerabilities.map(\.descriptor)).problems(domains: ["vuln"])
        #expect(problems.isEmpty, "\(problems)")
    }
}
