import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

@Suite struct NetworkPolicyRulesTests {
    @Test func everyRuleIsANetpolRule() {
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
