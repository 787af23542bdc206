import BulwarkCore
import BulwarkKubernetes
import Testing

@Suite struct NetworkPolicyGeneratorTests {
    static let intentText = """
    namespace: ml-inference
    modelServer:
      name: llm
      selector: {matchLabels: {app: vllm, "tier": "true"}}
      ports: [8000, "8001/TCP", {name: metrics, port: 9090}]
    gateway:
      namespace: gateway
      selector: {app.kubernetes.io/name: api-gateway}
    registries:
      - {cidr: 10.20.30.0/24, ports: [443]}
      - {cidr: "2001:db8:40::/48", ports: ["443/TCP"], except: ["2001:db8:40:1::/64"]}
    dns:
      nodeLocal: 169.254.20.10
    """

    @Test func parsesTheIntent() throws {
        let intent = try NetworkIntent.parse(Self.intentText)
        #expect(intent.name == "llm")
        #expect(intent.serverLabels == ["app": "vllm", "tier": "true"])
        #expect(intent.serverPorts.map(\.port) == [8000, 8001, 9090])
        #expect(intent.registries.count == 2)
        #expect(intent.dnsNamespace == "kube-system" && intent.nodeLocalDNS?.description == "169.254.20.10")
    }

    @Test func generatedPoliciesVerifyAndReadBack() throws {
        let result = NetworkPolicyGenerator.generate(try NetworkIntent.parse(Self.intentText))
        #expect(result.verified, "\(result.failures.map(\.summary))")
        #expect(result.checks.count >= 15)
        let inventory = KubernetesLoader.parse(text: result.yaml, file: "generated.yaml")
        #expect(inventory.errors.isEmpty)
        #expect(inventory.objects.map(\.name) == ["default-deny", "llm-ingress", "llm-egress"])
        // "true" must stay a string label value.
        #expect(result.yaml.contains("tier: \"true\""))
        // The generated policies raise no finding of their own rules (but the note that the gateway
        // namespace is not in the input).
        let findings = KubernetesScanner(rules: NetworkPolicyRules.all).scan(inventory).filter { $0.severity > .info }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test(arguments: [
        ("registry: {cidr: 0.0.0.0/0, ports: [443]}", "internet"),
        ("registry: {cidr: 169.254.0.0/16, ports: [80]}", "cloud metadata service"),
    ])
    func wideRegistriesFailVerification(_ registry: String, _ failing: String) throws {
        let text = """
        namespace: ml
        modelServer: {selector: {app: m}, ports: [8080]}
        gateway: {namespace: gw, selector: {app: gw}}
        \(registry)
        """
        let result = NetworkPolicyGenerator.generate(try NetworkIntent.parse(text))
        #expect(!result.verified)
        #expect(result.failures.contains { $0.description.contains(failing) })
    }

    @Test(arguments: [
        ("modelServer: {selector: {app: m}, ports: [8080]}\ngateway: {namespace: gw, selector: {app: gw}}\nregistry: {cidr: 10.0.0.0/8, ports: [443]}", "namespace is required"),
        ("namespace: ml\nmodelServer: {selector: {}, ports: [8080]}\ngateway: {namespace: gw, selector: {app: gw}}\nregistry: {cidr: 10.0.0.0/8, ports: [443]}", "modelServer.selector"),
        ("namespace: ml\nmodelServer: {selector: {app: m}, ports: [http]}\ngateway: {namespace: gw, selector: {app: gw}}\nregistry: {cidr: 10.0.0.0/8, ports: [443]}", "not a port number"),
        ("namespace: ml\nmodelServer: {selector: {app: m}, ports: [8080]}\ngateway: {namespace: gw, selector: {app: gw}}\nregistry: {cidr: 10.0.0.0/33, ports: [443]}", "not a CIDR"),
        ("namespace: ml\nmodelServer: {selector: {app: m}, ports: [8080]}\ngateway: {namespace: gw, selector: {app: gw}}", "registry"),
        ("- just a list", "mapping"),
        ("namespace: [oops", "intent.yaml:"),
    ])
    func brokenIntentsSayWhy(_ text: String, _ expected: String) {
        #expect {
            try NetworkIntent.parse(text)
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
