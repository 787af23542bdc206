import BulwarkCore
import BulwarkKubernetes
import Testing

/// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy L3/L4 semantics, on the truth-table cluster.
enum CiliumPolicies {
    static func dbIngress(_ rules: String, extra: String = "") -> String {
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: db, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: db}}
        \(extra.isEmpty ? "" : "  " + extra)
          ingress:
            - \(rules)
        """
    }

    static let fromAPI = dbIngress("fromEndpoints: [{matchLabels: {app: api}}]")
    static let fromDevAPI = dbIngress("fromEndpoints: [{matchLabels: {\"k8s:io.kubernetes.pod.namespace\": dev, \"k8s:app\": api}}]")
    static let fromNamespaceLabel = dbIngress("fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.env: dev}}]")
    static let emptyRule = dbIngress("{}")
    static let portsOnly = dbIngress("toPorts: [{ports: [{port: \"5432\", protocol: TCP}]}]")
    static let namedPort = dbIngress("toPorts: [{ports: [{port: postgres}]}]")
    static let fromCluster = dbIngress("fromEntities: [cluster]")
    static let fromWorld = dbIngress("fromEntities: [world]")
    static let fromCIDR = dbIngress("fromCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.128/25]}]")
    static let notEnforced = dbIngress("fromEndpoints: [{matchLabels: {app: api}}]", extra: "enableDefaultDeny: {ingress: false}")

    static let denyAPI = """
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: db, namespace: prod}
    spec:
      endpointSelector: {matchLabels: {app: db}}
      ingress:
        - fromEntities: [all]
      ingressDeny:
        - fromEndpoints: [{matchLabels: {app: api}}]
          toPorts: [{ports: [{port: "5432"}]}]
    """

    static let apiEgress = """
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: api-egress, namespace: prod}
    specs:
      - endpointSelector: {matchLabels: {app: api}}
        egress:
          - toCIDRSet: [{cidr: 0.0.0.0/0, except: [169.254.169.254/32]}]
            toPorts: [{ports: [{port: "443", protocol: TCP}]}]
      - endpointSelector: {matchLabels: {app: api}}
        egress:
          - toEndpoints:
              - matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
            toPorts: [{ports: [{port: "53", protocol: ANY}]}]
          - toFQDNs: [{matchName: huggingface.co}]
    """

    static let clusterwide = """
    apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: default-deny}
    spec:
      endpointSelector:
        matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]
      egress:
        - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
          toPorts: [{ports: [{port: "53", protocol: UDP}]}]
    """

    static let worldEgress = """
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: world, namespace: prod}
    spec:
      endpointSelector: {matchLabels: {app: model}}
      egress:
        - toEntities: [world]
    """
}

@Suite struct NetworkPolicyCiliumTests {
    static let cases: [ReachabilityCase] = [
        ReachabilityCase("fromEndpoints, same namespace", CiliumPolicies.fromAPI, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("fromEndpoints is limited to the policy's namespace", CiliumPolicies.fromAPI, from: "dev/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("an ingress section isolates", CiliumPolicies.fromAPI, from: "prod/model", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("fromEndpoints naming the namespace (k8s: prefix)", CiliumPolicies.fromDevAPI, from: "dev/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("fromEndpoints naming the namespace, wrong pod", CiliumPolicies.fromDevAPI, from: "dev/web", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("namespace labels are not a namespace restriction", CiliumPolicies.fromNamespaceLabel, from: "dev/web", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("empty rule allows nothing", CiliumPolicies.emptyRule, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("toPorts without L3 allows every peer", CiliumPolicies.portsOnly, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("toPorts without L3, other port", CiliumPolicies.portsOnly, from: "other/x", to: "prod/db", port: 5433, allowed: false),
        ReachabilityCase("named port, protocol ANY", CiliumPolicies.namedPort, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("cluster entity: pods", CiliumPolicies.fromCluster, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("cluster entity: not external", CiliumPolicies.fromCluster, from: "203.0.113.5", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("world entity: external", CiliumPolicies.fromWorld, from: "203.0.113.5", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("world entity: not pods", CiliumPolicies.fromWorld, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("fromCIDRSet, inside", CiliumPolicies.fromCIDR, from: "203.0.113.5", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("fromCIDRSet, except", CiliumPolicies.fromCIDR, from: "203.0.113.130", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("enableDefaultDeny false does not isolate", CiliumPolicies.notEnforced, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("deny rule wins over allow all", CiliumPolicies.denyAPI, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("deny rule, other port", CiliumPolicies.denyAPI, from: "prod/api", to: "prod/db", port: 5433, allowed: true),
        ReachabilityCase("deny rule, other peer", CiliumPolicies.denyAPI, from: "prod/model", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("specs: CIDR set except metadata", CiliumPolicies.apiEgress, from: "prod/api", to: "metadata", port: 443, allowed: false),
        ReachabilityCase("specs: CIDR set, internet", CiliumPolicies.apiEgress, from: "prod/api", to: "203.0.113.5", port: 443, allowed: true),
        ReachabilityCase("specs: DNS over any protocol (UDP)", CiliumPolicies.apiEgress, from: "prod/api", to: "dns", port: 53, .udp, allowed: true),
        ReachabilityCase("specs: DNS over any protocol (TCP)", CiliumPolicies.apiEgress, from: "prod/api", to: "dns", port: 53, allowed: true),
        ReachabilityCase("CIDR peers never match pods", CiliumPolicies.apiEgress, from: "prod/api", to: "prod/db", port: 443, allowed: false),
        ReachabilityCase("clusterwide: isolates every namespace", CiliumPolicies.clusterwide, from: "dev/web", to: "203.0.113.5", port: 443, allowed: false),
        ReachabilityCase("clusterwide: DNS allowed", CiliumPolicies.clusterwide, from: "gateway/gw", to: "dns", port: 53, .udp, allowed: true),
        ReachabilityCase("clusterwide: ingress untouched", CiliumPolicies.clusterwide, from: "203.0.113.5", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("toEntities world: internet", CiliumPolicies.worldEgress, from: "prod/model", to: "8.8.8.8", port: 443, allowed: true),
        ReachabilityCase("toEntities world: not pods", CiliumPolicies.worldEgress, from: "prod/model", to: "prod/db", port: 5432, allowed: false),
    ]

    @Test("CiliumNetworkPolicy truth table", arguments: cases)
    func row(_ row: ReachabilityCase) throws {
        let network = TruthTableCluster.network(row.policies)
        let verdict = network.check(from: try network.endpoint(named: row.from), to: try network.endpoint(named: row.to),
                                    port: row.port, protocol: row.proto)
        #expect(verdict.allowed == row.allowed, "\(verdict.reason)",
                sourceLocation: Testing.SourceLocation(fileID: #fileID, filePath: #filePath, line: row.sourceLine, column: 9))
    }

    @Test func specsGetNumberedNames() {
        let network = TruthTableCluster.network(CiliumPolicies.apiEgress)
        #expect(network.policies.map(\.name) == ["prod/api-egress#0", "prod/api-egress#1"])
    }

    @Test func unevaluatedPeersAreNotReportedAsTypos() {
        let inventory = KubernetesLoader.parse(text: TruthTableCluster.workloads + "\n---\n" + CiliumPolicies.apiEgress, file: "c.yaml")
        let findings = KubernetesScanner(rules: NetworkPolicyRules.all).scan(inventory).filter { $0.ruleId == "netpol/peer-matches-nothing" }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }
}
