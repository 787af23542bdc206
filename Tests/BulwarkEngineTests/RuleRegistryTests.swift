import BulwarkCore
import BulwarkEngine
import BulwarkTestSupport
import Foundation
import Testing

/// The catalogue of every domain, and the guards that keep it whole.
@Suite struct RuleRegistryTests {
    static var domains: Set<String> { Set(Engine.standard.domains.flatMap(\.ruleDomains)) }
    static var registered: Set<String> { Set(Engine.standard.catalog.rules.flatMap { [$0.id] + $0.aliases }) }

    /// The Swift sources of the package, as text.
    static func sources() throws -> [(file: String, text: String)] {
        let root = CommandRunner.packageRoot.appendingPathComponent("Sources")
        let files = InputDiscovery.files(under: [root.path]).files.filter { $0.path.hasSuffix(".swift") && !$0.path.contains("/BulwarkTestSupport/") }
        return try files.map { ($0.path, try String(contentsOfFile: $0.path, encoding: .utf8)) }
    }

    @Test func catalogueIsSound() {
        #expect(Engine.standard.catalog.problems(domains: Self.domains) == [])
    }

    @Test func everyRuleWrittenInTheSourcesIsRegistered() throws {
        let sources = try Self.sources()
        #expect(RegistryAudit.declarations(in: sources, domains: Self.domains).count >= Engine.standard.catalog.rules.count - 1)
        #expect(RegistryAudit.unregistered(in: sources, registered: Self.registered, domains: Self.domains) == [])
    }

    /// The test of the test: a rule defined but left out of every list is reported, with its place.
    @Test func anUnregisteredRuleIsReported() {
        let source = """
        static let forgotten = KubernetesRule(
            RuleDescriptor(
                id: "k8s/forgotten-rule",
                severity: .low,
        """
        let found = RegistryAudit.unregistered(in: [("Rules/Forgotten.swift", source)], registered: Self.registered, domains: Self.domains)
        #expect(found.map(\.description) == ["Rules/Forgotten.swift:3: k8s/forgotten-rule"])
        // Registered ids, ids of other namespaces and interpolated ids that match pass.
        let fine = """
        id: "k8s/latest-tag", other: ControlID(id: "cis-k8s/5.1.1")
        id: "netpol/missing-default-deny-\\(direction)"
        """
        #expect(RegistryAudit.unregistered(in: [("x.swift", fine)], registered: Self.registered, domains: Self.domains) == [])
        let unmatched = "id: \"netpol/never-\\(thing)\""
        #expect(RegistryAudit.unregistered(in: [("x.swift", unmatched)], registered: Self.registered, domains: Self.domains).count == 1)
    }

    /// Every control a rule names is in the control catalogue, for every domain: a typo in a
    /// control id fails here.
    @Test func everyControlIsInTheControlCatalogue() {
        for rule in Engine.standard.catalog.rules {
            for control in rule.controls {
                #expect(ControlCatalog.contains(control), "\(rule.id) names \(control), which ControlCatalog does not list")
            }
        }
    }

    @Test func theCatalogueChecksCatchBadControlsAndDomains() {
        let bad = RuleDescriptor(id: "image/x", severity: .low, title: "t", summary: "S.", remediation: "R.",
                                 controls: ["cis-k8s:9.9.9"], failing: [RuleExample("x")], passing: [RuleExample("y")])
        let problems = RuleCatalog([bad]).problems(domains: ["k8s"])
        #expect(problems.contains { $0.contains("unknown domain image") })
        #expect(problems.contains { $0.contains("cis-k8s:9.9.9") })
    }

    @Test func everyDomainOwnsDistinctRulePrefixes() {
        var owner: [String: String] = [:]
        for domain in Engine.standard.domains {
            for prefix in domain.ruleDomains {
                #expect(owner[prefix] == nil, "\(prefix) is owned by \(owner[prefix] ?? "") and \(domain.name)")
                owner[prefix] = domain.name
            }
            for rule in domain.rules {
                #expect(domain.ruleDomains.contains(rule.descriptor.domain), "\(rule.descriptor.id) is outside \(domain.name)'s prefixes")
            }
        }
    }
}
