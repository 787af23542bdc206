import BulwarkCore
import BulwarkKubernetes
import Testing

/// The workloads every truth-table case runs against.
enum TruthTableCluster {
    static let workloads = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: prod, labels: {env: prod, team: ml}}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: dev, labels: {env: dev}}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: gateway, labels: {team: edge}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: prod}
    spec:
      template:
        metadata: {labels: {app: api, role: frontend}}
        spec:
          containers:
            - name: api
              image: example/api:1
              ports:
                - {name: http, containerPort: 8080}
                - {name: metrics, containerPort: 9090}
                - {name: grpc, containerPort: 9000}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: prod}
    spec:
      template:
        metadata: {labels: {app: db}}
        spec:
          containers: [{name: postgres, image: postgres:16, ports: [{name: postgres, containerPort: 5432}]}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: model, namespace: prod}
    spec:
      template:
        metadata: {labels: {app: model}}
        spec:
          containers:
            - name: server
              image: example/model:1
              ports:
                - {name: http, containerPort: 8000}
                - {name: stats, containerPort: 8125, protocol: UDP}
                - {name: sig, containerPort: 3868, protocol: SCTP}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: dev}
    spec:
      template:
        metadata: {labels: {app: api, role: frontend}}
        spec:
          containers: [{name: api, image: example/api:1, ports: [{name: http, containerPort: 8081}]}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: dev}
    spec:
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: example/web:1}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: gw, namespace: gateway, labels: {app: gw}}
    spec:
      containers: [{name: gw, image: envoyproxy/envoy:v1.31.2}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: x, namespace: other, labels: {app: x}}
    spec:
      containers: [{name: x, image: example/x:1}]
    """

    static func network(_ policies: String) -> NetworkReachability {
        let inventory = KubernetesLoader.parse(text: workloads + "\n---\n" + policies, file: "cluster.yaml")
        precondition(inventory.errors.isEmpty, "\(inventory.errors)")
        return NetworkReachability(InventoryIndex(inventory.objects))
    }
}

/// One row: under `policies`, can `from` reach `to` on `port`/`proto`?
struct ReachabilityCase: Sendable, CustomTestStringConvertible {
    let name: String
    let policies: String
    let from: String
    let to: String
    let port: Int?
    let proto: NetworkProtocol
    let allowed: Bool
    let sourceLine: Int

    init(_ name: String, _ policies: String, from: String, to: String, port: Int?, _ proto: NetworkProtocol = .tcp, allowed: Bool,
         line: Int = #line) {
        self.name = name
        self.policies = policies
        self.from = from
        self.to = to
        self.port = port
        self.proto = proto
        self.allowed = allowed
        self.sourceLine = line
    }

    var testDescription: String {
        "\(name): \(from) → \(to) \(port.map(String.init) ?? "any")/\(proto) \(allowed ? "allowed" : "denied")"
    }
}

// MARK: - Policy sets

enum Policies {
    static let none = ""

    static let denyIngressProd = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny-ingress, namespace: prod}
    spec:
      podSelector: {}
      policyTypes: [Ingress]
    """

    static let denyEgressProd = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny-egress, namespace: prod}
    spec:
      podSelector: {}
      policyTypes: [Egress]
    """

    static let denyIngressDev = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: default-deny, namespace: dev}
    spec:
      podSelector: {}
    """

    static func dbIngress(_ from: String, ports: String = "") -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-ingress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: db}}
          policyTypes: [Ingress]
          ingress:
            - \(from)
        \(ports.isEmpty ? "" : "      ports: \(ports)")
        """
    }

    static let podSelectorOnly = dbIngress("from: [{podSelector: {matchLabels: {app: api}}}]")
    static let namespaceSelectorOnly = dbIngress("from: [{namespaceSelector: {matchLabels: {env: dev}}}]")
    static let andPeer = dbIngress("from: [{namespaceSelector: {matchLabels: {env: dev}}, podSelector: {matchLabels: {app: api}}}]")
    static let orPeers = dbIngress("from: [{namespaceSelector: {matchLabels: {env: dev}}}, {podSelector: {matchLabels: {app: api}}}]")
    static let allowAll = dbIngress("{}")
    static let emptyFromWithPort = dbIngress("from: []", ports: "[{port: 5432}]")
    static let allNamespaces = dbIngress("from: [{namespaceSelector: {}}]")
    static let ingressIPBlock = dbIngress("from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]")
    static let gatewayByName = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-from-gateway, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress:
        - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
    """

    static func apiEgress(_ egress: String) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api-egress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Egress]
          egress:
            - \(egress)
        """
    }

    static let egressInternetExceptPrivate = apiEgress("to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]")
    static let egressIPv6 = apiEgress("to: [{ipBlock: {cidr: \"2001:db8::/32\", except: [\"2001:db8:bad::/48\"]}}]")
    static let egressAnyIPv6 = apiEgress("to: [{ipBlock: {cidr: \"::/0\"}}]")
    static let egressNamedPortToIP = apiEgress("to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n      ports: [{port: https}]")
    static let egressDNSUDPOnly = apiEgress("""
    to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
          ports: [{port: 53, protocol: UDP}]
    """)

    static func apiIngressPorts(_ ports: String) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api-ingress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: api}}
          ingress:
            - ports: \(ports)
        """
    }

    static func modelIngressPorts(_ ports: String) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: model-ingress, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: model}}
          ingress:
            - ports: \(ports)
        """
    }

    /// Egress isolation of namespace `other` with a named port resolved per destination.
    static let otherEgressNamedHTTP = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: egress-http, namespace: other}
    spec:
      podSelector: {}
      policyTypes: [Egress]
      egress:
        - to: [{namespaceSelector: {}}]
          ports: [{port: http}]
    """

    /// No policyTypes, egress rules present: isolated for Ingress and Egress.
    static let defaultedTypesWithEgress = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-defaulted, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: api}}
      egress:
        - to: [{podSelector: {matchLabels: {app: db}}}]
    """

    /// No policyTypes and no egress: isolated for Ingress only.
    static let defaultedTypesIngressOnly = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-defaulted, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: api}}
      egress: []
    """

    /// policyTypes [Egress] with ingress rules: the ingress rules are ignored and ingress stays open.
    static let egressTypeWithIngressRules = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-egress-only, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: api}}
      policyTypes: [Egress]
      ingress:
        - from: [{podSelector: {matchLabels: {app: db}}}]
      egress:
        - {}
    """

    static let unionOfTwo = dbIngress("from: [{podSelector: {matchLabels: {app: api}}}]", ports: "[{port: 5432}]") + """

    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: db-from-dev, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: db}}
      ingress:
        - from: [{namespaceSelector: {matchLabels: {env: dev}}}]
          ports: [{port: postgres}]
    """

    static let bothDirections = denyIngressProd + "\n---\n" + denyEgressProd + "\n---\n" + podSelectorOnly + """

    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-to-db, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: api}}
      policyTypes: [Egress]
      egress:
        - to: [{podSelector: {matchLabels: {app: db}}}]
          ports: [{port: 5432}]
    """

    static let devSelectsAPI = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-api, namespace: dev}
    spec:
      podSelector: {matchLabels: {app: api}}
    """

    static let roleExists = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-frontends, namespace: prod}
    spec:
      podSelector:
        matchExpressions: [{key: role, operator: Exists}]
    """

    static let invalidSelector = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: broken, namespace: prod}
    spec:
      podSelector:
        matchExpressions: [{key: app, operator: In}]
    """

    static let notInExpression = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: db-not-from-dev, namespace: prod}
    spec:
      podSelector: {matchLabels: {app: db}}
      ingress:
        - from: [{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}}]
    """
}

@Suite struct NetworkPolicyTruthTableTests {
    static let cases: [ReachabilityCase] = [
        // No policies: everything is open.
        ReachabilityCase("no policy", Policies.none, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("no policy, external", Policies.none, from: "203.0.113.5", to: "prod/api", port: 8080, allowed: true),
        // Ingress-only isolation.
        ReachabilityCase("deny ingress blocks other namespaces", Policies.denyIngressProd, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("deny ingress blocks the same namespace", Policies.denyIngressProd, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("deny ingress leaves egress open", Policies.denyIngressProd, from: "prod/db", to: "other/x", port: 80, allowed: true),
        ReachabilityCase("deny ingress leaves egress to the internet open", Policies.denyIngressProd, from: "prod/db", to: "203.0.113.5", port: 443, allowed: true),
        // Egress-only isolation.
        ReachabilityCase("deny egress blocks pods", Policies.denyEgressProd, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("deny egress leaves ingress open", Policies.denyEgressProd, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("deny egress blocks the internet", Policies.denyEgressProd, from: "prod/api", to: "203.0.113.5", port: 443, allowed: false),
        ReachabilityCase("deny egress blocks DNS", Policies.denyEgressProd, from: "prod/api", to: "dns", port: 53, .udp, allowed: false),
        // Policies of other namespaces do not apply.
        ReachabilityCase("a dev policy does not isolate prod", Policies.denyIngressDev, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("a dev policy isolates dev", Policies.denyIngressDev, from: "other/x", to: "dev/api", port: 8081, allowed: false),
        ReachabilityCase("same labels in another namespace", Policies.devSelectsAPI, from: "other/x", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("same labels in the policy's namespace", Policies.devSelectsAPI, from: "other/x", to: "dev/api", port: 8081, allowed: false),
        // podSelector alone = the policy's namespace.
        ReachabilityCase("podSelector peer, same namespace", Policies.podSelectorOnly, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("podSelector peer, other namespace", Policies.podSelectorOnly, from: "dev/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("podSelector peer, non-matching pod", Policies.podSelectorOnly, from: "prod/model", to: "prod/db", port: 5432, allowed: false),
        // namespaceSelector alone = every pod of the namespaces.
        ReachabilityCase("namespaceSelector peer, matching namespace", Policies.namespaceSelectorOnly, from: "dev/web", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("namespaceSelector peer, own namespace not matching", Policies.namespaceSelectorOnly, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        // Both in one peer (AND) versus two peers (OR).
        ReachabilityCase("AND peer, both match", Policies.andPeer, from: "dev/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("AND peer, only namespace matches", Policies.andPeer, from: "dev/web", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("AND peer, only pod matches", Policies.andPeer, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("OR peers, namespace matches", Policies.orPeers, from: "dev/web", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("OR peers, pod matches", Policies.orPeers, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("OR peers, neither matches", Policies.orPeers, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        // Empty selectors and empty lists.
        ReachabilityCase("ingress - {} allows everyone", Policies.allowAll, from: "other/x", to: "prod/db", port: 1234, allowed: true),
        ReachabilityCase("ingress - {} allows external", Policies.allowAll, from: "198.51.100.7", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("from: [] with ports, allowed port", Policies.emptyFromWithPort, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("from: [] with ports, other port", Policies.emptyFromWithPort, from: "other/x", to: "prod/db", port: 5433, allowed: false),
        ReachabilityCase("namespaceSelector {} = all pods", Policies.allNamespaces, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("namespaceSelector {} excludes external", Policies.allNamespaces, from: "203.0.113.5", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("automatic metadata.name label", Policies.gatewayByName, from: "gateway/gw", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("metadata.name label, other namespace", Policies.gatewayByName, from: "other/x", to: "prod/api", port: 8080, allowed: false),
        ReachabilityCase("NotIn matches namespaces without the label", Policies.notInExpression, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("NotIn excludes the listed value", Policies.notInExpression, from: "dev/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("matchExpressions Exists selects", Policies.roleExists, from: "other/x", to: "prod/api", port: 8080, allowed: false),
        ReachabilityCase("matchExpressions Exists leaves others", Policies.roleExists, from: "other/x", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("an invalid selector selects nothing", Policies.invalidSelector, from: "other/x", to: "prod/api", port: 8080, allowed: true),
        // ipBlock with except, IPv4 and IPv6; pods never match ipBlocks.
        ReachabilityCase("ipBlock ingress, inside", Policies.ingressIPBlock, from: "203.0.113.5", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("ipBlock ingress, in except", Policies.ingressIPBlock, from: "203.0.113.200", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("ipBlock ingress, outside", Policies.ingressIPBlock, from: "198.51.100.7", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("ipBlock does not match pods", Policies.ingressIPBlock, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("ipBlock egress, public address", Policies.egressInternetExceptPrivate, from: "prod/api", to: "8.8.8.8", port: 443, allowed: true),
        ReachabilityCase("ipBlock egress, except", Policies.egressInternetExceptPrivate, from: "prod/api", to: "10.1.2.3", port: 443, allowed: false),
        ReachabilityCase("ipBlock egress, metadata service", Policies.egressInternetExceptPrivate, from: "prod/api", to: "metadata", port: 80, allowed: true),
        ReachabilityCase("0.0.0.0/0 egress does not match pods", Policies.egressInternetExceptPrivate, from: "prod/api", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("IPv6 ipBlock, inside", Policies.egressIPv6, from: "prod/api", to: "2001:db8::1", port: 443, allowed: true),
        ReachabilityCase("IPv6 ipBlock, except", Policies.egressIPv6, from: "prod/api", to: "2001:db8:bad::1", port: 443, allowed: false),
        ReachabilityCase("IPv6 ipBlock, outside", Policies.egressIPv6, from: "prod/api", to: "2001:db9::1", port: 443, allowed: false),
        ReachabilityCase("::/0 does not match IPv4", Policies.egressAnyIPv6, from: "prod/api", to: "192.0.2.1", port: 443, allowed: false),
        ReachabilityCase("::/0 matches IPv6", Policies.egressAnyIPv6, from: "prod/api", to: "2a00:1450::1", port: 443, allowed: true),
        // Named ports resolve against the destination pod.
        ReachabilityCase("named port, its number", Policies.apiIngressPorts("[{port: http}]"), from: "other/x", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("named port, another port", Policies.apiIngressPorts("[{port: http}]"), from: "other/x", to: "prod/api", port: 9090, allowed: false),
        ReachabilityCase("named port, wrong protocol", Policies.apiIngressPorts("[{port: http, protocol: UDP}]"), from: "other/x", to: "prod/api", port: 8080, allowed: false),
        ReachabilityCase("egress named port, prod destination", Policies.otherEgressNamedHTTP, from: "other/x", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("egress named port, dev destination", Policies.otherEgressNamedHTTP, from: "other/x", to: "dev/api", port: 8081, allowed: true),
        ReachabilityCase("egress named port, number of another pod", Policies.otherEgressNamedHTTP, from: "other/x", to: "dev/api", port: 8080, allowed: false),
        ReachabilityCase("egress named port, pod without it", Policies.otherEgressNamedHTTP, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("named port never matches an IP", Policies.egressNamedPortToIP, from: "prod/api", to: "203.0.113.5", port: 443, allowed: false),
        // endPort ranges.
        ReachabilityCase("endPort, inside", Policies.apiIngressPorts("[{port: 9000, endPort: 9100}]"), from: "other/x", to: "prod/api", port: 9090, allowed: true),
        ReachabilityCase("endPort, last port", Policies.apiIngressPorts("[{port: 9000, endPort: 9100}]"), from: "other/x", to: "prod/api", port: 9100, allowed: true),
        ReachabilityCase("endPort, above", Policies.apiIngressPorts("[{port: 9000, endPort: 9100}]"), from: "other/x", to: "prod/api", port: 9101, allowed: false),
        ReachabilityCase("endPort, below", Policies.apiIngressPorts("[{port: 9000, endPort: 9100}]"), from: "other/x", to: "prod/api", port: 8999, allowed: false),
        // Protocols (default TCP).
        ReachabilityCase("protocol defaults to TCP", Policies.modelIngressPorts("[{port: 8000}]"), from: "other/x", to: "prod/model", port: 8000, .udp, allowed: false),
        ReachabilityCase("UDP port", Policies.modelIngressPorts("[{port: 8125, protocol: UDP}]"), from: "other/x", to: "prod/model", port: 8125, .udp, allowed: true),
        ReachabilityCase("UDP port is not TCP", Policies.modelIngressPorts("[{port: 8125, protocol: UDP}]"), from: "other/x", to: "prod/model", port: 8125, allowed: false),
        ReachabilityCase("SCTP named port", Policies.modelIngressPorts("[{port: sig, protocol: SCTP}]"), from: "other/x", to: "prod/model", port: 3868, .sctp, allowed: true),
        ReachabilityCase("SCTP port is not TCP", Policies.modelIngressPorts("[{port: 3868, protocol: SCTP}]"), from: "other/x", to: "prod/model", port: 3868, allowed: false),
        ReachabilityCase("protocol without port = all its ports", Policies.modelIngressPorts("[{protocol: UDP}]"), from: "other/x", to: "prod/model", port: 40000, .udp, allowed: true),
        ReachabilityCase("protocol without port excludes TCP", Policies.modelIngressPorts("[{protocol: UDP}]"), from: "other/x", to: "prod/model", port: 8000, allowed: false),
        // policyTypes defaulting.
        ReachabilityCase("defaulted types with egress: egress isolated", Policies.defaultedTypesWithEgress, from: "prod/api", to: "203.0.113.5", port: 443, allowed: false),
        ReachabilityCase("defaulted types with egress: rule allows", Policies.defaultedTypesWithEgress, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("defaulted types with egress: ingress isolated", Policies.defaultedTypesWithEgress, from: "other/x", to: "prod/api", port: 8080, allowed: false),
        ReachabilityCase("defaulted types without egress: egress open", Policies.defaultedTypesIngressOnly, from: "prod/api", to: "203.0.113.5", port: 443, allowed: true),
        ReachabilityCase("defaulted types without egress: ingress isolated", Policies.defaultedTypesIngressOnly, from: "other/x", to: "prod/api", port: 8080, allowed: false),
        ReachabilityCase("Egress type ignores ingress rules", Policies.egressTypeWithIngressRules, from: "other/x", to: "prod/api", port: 8080, allowed: true),
        // Union of policies; both directions needed.
        ReachabilityCase("union, first policy", Policies.unionOfTwo, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("union, second policy", Policies.unionOfTwo, from: "dev/web", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("union, neither", Policies.unionOfTwo, from: "other/x", to: "prod/db", port: 5432, allowed: false),
        ReachabilityCase("egress and ingress both allow", Policies.bothDirections, from: "prod/api", to: "prod/db", port: 5432, allowed: true),
        ReachabilityCase("egress denies what ingress allows", Policies.bothDirections, from: "prod/api", to: "prod/db", port: 5433, allowed: false),
        ReachabilityCase("ingress denies what egress would allow", Policies.bothDirections, from: "prod/model", to: "prod/db", port: 5432, allowed: false),
        // Cluster DNS, modelled although not in the input.
        ReachabilityCase("DNS over UDP allowed", Policies.egressDNSUDPOnly, from: "prod/api", to: "kube-system/kube-dns", port: 53, .udp, allowed: true),
        ReachabilityCase("DNS over TCP not allowed", Policies.egressDNSUDPOnly, from: "prod/api", to: "dns", port: 53, allowed: false),
        // Hypothetical pods by labels.
        ReachabilityCase("pod by labels", Policies.gatewayByName, from: "gateway:app=anything", to: "prod/api", port: 8080, allowed: true),
        ReachabilityCase("pod by labels, other namespace", Policies.podSelectorOnly, from: "dev:app=api", to: "prod/db", port: 5432, allowed: false),
        // Any port.
        ReachabilityCase("any port, something allowed", Policies.emptyFromWithPort, from: "other/x", to: "prod/db", port: nil, allowed: true),
        ReachabilityCase("any port, nothing allowed", Policies.denyIngressProd, from: "other/x", to: "prod/db", port: nil, allowed: false),
    ]

    @Test("NetworkPolicy truth table", arguments: cases)
    func row(_ row: ReachabilityCase) throws {
        let network = TruthTableCluster.network(row.policies)
        let source = try network.endpoint(named: row.from)
        let destination = try network.endpoint(named: row.to)
        let verdict = network.check(from: source, to: destination, port: row.port, protocol: row.port == nil ? nil : row.proto)
        #expect(verdict.allowed == row.allowed, "\(verdict.reason)",
                sourceLocation: Testing.SourceLocation(fileID: #fileID, filePath: #filePath, line: row.sourceLine, column: 9))
        #expect(verdict.reason.hasPrefix(row.allowed ? "allowed:" : "denied:"))
    }

    @Test func theTableIsLargeEnough() {
        #expect(Self.cases.count >= 40)
    }

    @Test func verdictNamesTheDecidingPolicies() throws {
        let network = TruthTableCluster.network(Policies.bothDirections)
        let api = try network.endpoint(named: "prod/api")
        let db = try network.endpoint(named: "prod/db")
        let allowed = network.check(from: api, to: db, port: 5432, protocol: .tcp)
        #expect(allowed.egressPolicies == ["prod/api-to-db"])
        #expect(allowed.ingressPolicies == ["prod/db-ingress"])
        #expect(allowed.egress.isolatingPolicies == ["prod/default-deny-egress", "prod/api-to-db"])
        let denied = network.check(from: try network.endpoint(named: "prod/model"), to: db, port: 5432, protocol: .tcp)
        #expect(denied.egressPolicies == ["prod/default-deny-egress"])
        #expect(denied.reason.contains("egress of"))
    }

    @Test func notIsolatedDirectionsNameNoPolicy() throws {
        let network = TruthTableCluster.network(Policies.none)
        let verdict = network.check(from: try network.endpoint(named: "other/x"), to: try network.endpoint(named: "prod/db"), port: 5432)
        #expect(verdict.allowed)
        #expect(verdict.egressPolicies.isEmpty && verdict.ingressPolicies.isEmpty)
        #expect(verdict.reason.contains("not isolated"))
    }

    @Test func ipBlockDenialsExplainThatPodsNeverMatch() throws {
        let network = TruthTableCluster.network(Policies.egressInternetExceptPrivate)
        let verdict = network.check(from: try network.endpoint(named: "prod/api"), to: try network.endpoint(named: "prod/db"), port: 5432)
        #expect(verdict.reason.contains("ipBlock peers never match pods"))
    }

    @Test func allowedPortsSummarise() throws {
        let network = TruthTableCluster.network(Policies.unionOfTwo)
        let ports = network.allowedPorts(from: try network.endpoint(named: "dev/web"), to: try network.endpoint(named: "prod/db"))
        #expect(ports.description == "TCP 5432")
        #expect(network.allowedPorts(from: try network.endpoint(named: "other/x"), to: try network.endpoint(named: "prod/api")) == .all)
    }

    @Test(arguments: ["nope", "prod/missing", "prod:app", "Prod:app=x"])
    func unknownEndpointsAreErrors(_ text: String) {
        let network = TruthTableCluster.network(Policies.none)
        #expect(throws: NetworkReachability.LookupError.self) { try network.endpoint(named: text) }
    }
}
