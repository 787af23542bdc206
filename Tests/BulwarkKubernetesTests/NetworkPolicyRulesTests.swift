import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// One example of one NetworkPolicy rule (until the lead registers `NetworkPolicyRules.all` in
/// `KubernetesRules.all`, `RuleExamplesTests` does not see them, so they run here too).
struct NetworkPolicyExampleCase: Sendable, CustomTestStringConvertible {
    let rule: KubernetesRule
    let example: RuleExample
    let failing: Bool

    var testDescription: String {
        "\(rule.id) \(failing ? "failing" : "passing") example at line \(example.sourceLine)"
    }

    static let all: [NetworkPolicyExampleCase] = NetworkPolicyRules.all.flatMap { rule in
        rule.descriptor.failing.map { NetworkPolicyExampleCase(rule: rule, example: $0, failing: true) }
            + rule.descriptor.passing.map { NetworkPolicyExampleCase(rule: rule, example: $0, failing: false) }
    }
}

@Suite struct NetworkPolicyRulesTests {
    @Test("every example of every NetworkPolicy rule, in every variant", arguments: NetworkPolicyExampleCase.all)
    func example(_ testCase: NetworkPolicyExampleCase) {
        for variant in RuleExampleVerifier.variants {
            let problems = RuleExampleVerifier.verify(testCase.rule, example: testCase.example, failing: testCase.failing, variant: variant)
            for problem in problems {
                Issue.record(
                    Comment(rawValue: problem),
                    sourceLocation: Testing.SourceLocation(fileID: "BulwarkKubernetes/\(testCase.example.sourceFile)",
                                                           filePath: testCase.example.sourceFile, line: testCase.example.sourceLine, column: 1)
                )
            }
        }
    }

    @Test func catalogIsSoundWithTheOtherRules() {
        let ids = Set(KubernetesRules.all.map(\.id))
        let mine = NetworkPolicyRules.all.filter { !ids.contains($0.id) }
        #expect(RuleCatalog((KubernetesRules.all + mine).map(\.descriptor)).problems() == [])
        #expect(NetworkPolicyRules.all.allSatisfy { $0.id.hasPrefix("netpol/") })
    }

    static func findings(_ text: String) -> [Finding] {
        let inventory = KubernetesLoader.parse(text: text, file: "test.yaml")
        return KubernetesScanner(rules: NetworkPolicyRules.all).scan(inventory)
    }

    @Test func hardenedExampleHasOnlyTheUnknownGatewayNamespaceNote() throws {
        let inventory = TestInputs.kubernetes([CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/hardened/k8s").path])
        let findings = KubernetesScanner(rules: NetworkPolicyRules.all).scan(inventory)
        #expect(findings.map(\.ruleId) == ["netpol/peer-matches-nothing"], "\(findings.map(\.message))")
        #expect(findings.first?.severity == .info)
        #expect(findings.first?.message.contains("kubernetes.io/metadata.name=gateway") == true)
    }

    @Test func insecureExampleMissesDefaultDenyAndExposesMetadata() throws {
        let inventory = TestInputs.kubernetes([CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/k8s").path])
        let ids = Set(KubernetesScanner(rules: NetworkPolicyRules.all).scan(inventory).map(\.ruleId))
        #expect(ids == ["netpol/missing-default-deny-ingress", "netpol/missing-default-deny-egress", "netpol/metadata-reachable"])
    }

    @Test func metadataFindingIsMediumWithoutEgressIsolation() {
        let findings = Self.findings("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers: [{name: c, image: nginx}]
        """).filter { $0.ruleId == "netpol/metadata-reachable" }
        #expect(findings.map(\.severity) == [.medium])
    }

    @Test func dnsRuleChecksDnsConfigNameservers() {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml, labels: {app: p}}
        spec:
          dnsPolicy: None
          dnsConfig: {nameservers: [10.0.0.53]}
          containers: [{name: c, image: nginx}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress, namespace: ml}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
              ports: [{port: 53, protocol: UDP}]
        """
        #expect(Self.findings(text).filter { $0.ruleId == "netpol/dns-egress-missing" }.isEmpty)
        let broken = text.replacingOccurrences(of: "10.0.0.0/24", with: "10.0.1.0/24")
        #expect(Self.findings(broken).filter { $0.ruleId == "netpol/dns-egress-missing" }.count == 1)
    }

    @Test func nodeLocalDNSCacheCountsAsDNS() {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml, labels: {app: p}}
        spec:
          containers: [{name: c, image: nginx}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress, namespace: ml}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
            - to: [{ipBlock: {cidr: 169.254.20.10/32}}]
              ports: [{port: 53, protocol: UDP}]
        """
        #expect(Self.findings(text).filter { $0.ruleId == "netpol/dns-egress-missing" }.isEmpty)
    }

    @Test func policySelectingNothingWithAnInvalidSelectorSaysWhy() {
        let findings = Self.findings("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml, labels: {app: p}}
        spec:
          containers: [{name: c, image: nginx}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: broken, namespace: ml}
        spec:
          podSelector:
            matchExpressions: [{key: app, operator: In}]
        """).filter { $0.ruleId == "netpol/policy-selects-nothing" }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("is invalid") == true)
    }
}
