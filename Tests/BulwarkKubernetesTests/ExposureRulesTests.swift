import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct ExposureRulesTests {
    static let vllm = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm, namespace: llm}
    spec:
      template:
        metadata: {labels: {app: vllm}}
        spec:
          containers: [{name: vllm, image: "vllm/vllm-openai:v0.6.3"}]
    ---

    """

    func service(_ spec: String, annotations: String = "{}", namespace: String = "llm") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: \(namespace), annotations: \(annotations)}
        spec:
        \(spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    @Test func insecureExampleStackExposesTheModelServer() throws {
        let findings = try ExampleStack.scan([ExampleStack.insecure], rules: ExposureRules.all)
        #expect(findings.map { "\(URL(fileURLWithPath: $0.location.file).lastPathComponent):\($0.location.line):\($0.location.column) \($0.ruleId) \($0.severity)" }
            == ["service.yaml:11:9 k8s/service-exposed high"])
        #expect(findings.first?.message == """
            Service ml-inference/model-server (type LoadBalancer) exposes Deployment ml-inference/model-server, which runs model server \
            (image "registry.example.com/ml/model-server:latest" of container "server"), outside the cluster
            """)
        #expect(findings.first?.object?.kind == "Service")
    }

    @Test func hardenedExampleStackIsNotExposed() throws {
        #expect(try ExampleStack.scan([ExampleStack.hardened], rules: ExposureRules.all).isEmpty)
    }

    struct SeverityCase: Sendable, CustomTestStringConvertible {
        let name: String
        let spec: String
        var annotations = "{}"
        var namespace = "llm"
        let expected: Severity?
        var testDescription: String { name }
    }

    static let severityCases: [SeverityCase] = [
        SeverityCase(name: "load balancer to vLLM", spec: "type: LoadBalancer\nselector: {app: vllm}", expected: .high),
        SeverityCase(name: "node port to vLLM", spec: "type: NodePort\nselector: {app: vllm}", expected: .high),
        SeverityCase(name: "narrow source ranges", spec: "type: LoadBalancer\nselector: {app: vllm}\nloadBalancerSourceRanges: [10.0.0.0/8, 203.0.113.0/24]", expected: .low),
        SeverityCase(name: "open source range", spec: "type: LoadBalancer\nselector: {app: vllm}\nloadBalancerSourceRanges: [0.0.0.0/0]", expected: .high),
        SeverityCase(name: "wide source range", spec: "type: LoadBalancer\nselector: {app: vllm}\nloadBalancerSourceRanges: [100.0.0.0/8]", expected: .high),
        SeverityCase(name: "IPv6 source ranges", spec: "type: LoadBalancer\nselector: {app: vllm}\nloadBalancerSourceRanges: [\"fd00::/8\", \"2001:db8:1::/48\"]", expected: .low),
        SeverityCase(name: "source ranges annotation", spec: "type: LoadBalancer\nselector: {app: vllm}",
                     annotations: "{service.beta.kubernetes.io/load-balancer-source-ranges: \"192.168.0.0/16,172.16.0.0/12\"}", expected: .low),
        SeverityCase(name: "internal load balancer", spec: "type: LoadBalancer\nselector: {app: vllm}",
                     annotations: "{networking.gke.io/load-balancer-type: Internal}", expected: .low),
        SeverityCase(name: "source ranges do not narrow a node port", spec: "type: NodePort\nselector: {app: vllm}\nloadBalancerSourceRanges: [10.0.0.0/8]", expected: .high),
        SeverityCase(name: "external IPs", spec: "selector: {app: vllm}\nexternalIPs: [198.51.100.7]", expected: .high),
        SeverityCase(name: "other namespace is unknown", spec: "type: LoadBalancer\nselector: {app: vllm}", namespace: "elsewhere", expected: .medium),
        SeverityCase(name: "no selector", spec: "type: LoadBalancer\nports: [{port: 80}]", expected: .medium),
        SeverityCase(name: "selector needs every label", spec: "type: LoadBalancer\nselector: {app: vllm, version: v2}", expected: .medium),
        SeverityCase(name: "cluster IP", spec: "type: ClusterIP\nselector: {app: vllm}", expected: nil),
        SeverityCase(name: "default type", spec: "selector: {app: vllm}", expected: nil),
    ]

    @Test("severity", arguments: severityCases)
    func severity(_ testCase: SeverityCase) {
        let text = Self.vllm + service(testCase.spec, annotations: testCase.annotations, namespace: testCase.namespace)
        let findings = scanText(text, rules: [rule("k8s/service-exposed")])
        #expect(findings.map(\.severity) == [testCase.expected].compactMap { $0 })
    }

    @Test func nonModelWorkloadsMayBePublished() {
        let text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: site}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}]
        ---

        """ + service("type: LoadBalancer\nselector: {app: web}", namespace: "site")
        #expect(scanText(text, rules: [rule("k8s/service-exposed")]).isEmpty)
    }

    @Test func messageNamesTheNarrowing() throws {
        let text = Self.vllm + service("type: LoadBalancer\nselector: {app: vllm}\nloadBalancerSourceRanges: [10.0.0.0/8]")
        let finding = try #require(scanText(text, rules: [rule("k8s/service-exposed")]).first)
        #expect(finding.message.hasSuffix(", limited to loadBalancerSourceRanges 10.0.0.0/8"))
        #expect(finding.field == "spec.type")
    }

    @Test func ingressDefaultBackendWithoutTLS() throws {
        let text = Self.vllm + service("selector: {app: vllm}") + """

        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: llm, namespace: llm}
        spec:
          defaultBackend: {service: {name: api, port: {number: 80}}}
          rules:
            - http:
                paths: [{path: /v1, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]
            - host: docs.example.com
              http:
                paths: [{path: /, pathType: Prefix, backend: {service: {name: missing, port: {number: 80}}}}]
        """
        let findings = scanText(text, rules: [rule("k8s/ingress-without-tls")])
        #expect(findings.map(\.location.line) == [20, 22])
        #expect(findings.map(\.field) == ["spec.defaultBackend", "spec.rules[0]"])
        #expect(findings.last?.message.contains("routes every host without TLS to Service llm/api") == true)
    }

    @Test func scalesLinearlyWithServicesAndWorkloads() {
        var text = ""
        for index in 0..<2_000 {
            text += """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d\(index), namespace: shared}
            spec:
              template:
                metadata: {labels: {app: a\(index), team: ml}}
                spec:
                  containers: [{name: c, image: "registry.example.com/team/model-server:\(index)"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: s\(index), namespace: shared}
            spec: {type: LoadBalancer, selector: {team: ml, app: a\(index)}}
            ---

            """
        }
        let inventory = KubernetesLoader.parse(text: text, file: "many.yaml")
        let findings = KubernetesScanner(rules: ExposureRules.all).scan(inventory)
        #expect(findings.count == 2_000)
        #expect(findings.allSatisfy { $0.severity == .high })
    }
}
