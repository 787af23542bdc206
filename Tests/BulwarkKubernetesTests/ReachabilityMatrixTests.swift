import BulwarkCore
@testable import BulwarkKubernetes
import BulwarkReport
import BulwarkTestSupport
import Testing

/// The matrix is computed per class of endpoints (`ReachabilityClasses`); these tests hold it to
/// the per-pair evaluation (`NetworkReachability.allowedPorts`), which answers `--from/--to`
/// questions, and hold its cost to the growth of the input.
@Suite struct ReachabilityMatrixTests {
    // MARK: - Same answers as the per-pair evaluation

    static var truthTablePolicySets: [String] {
        var seen: Set<String> = []
        return (NetworkPolicyTruthTableTests.cases + NetworkPolicyCiliumTests.cases).map(\.policies).filter { seen.insert($0).inserted }
    }

    @Test func everyTruthTablePolicySetGivesThePerPairMatrix() {
        for policies in Self.truthTablePolicySets {
            MatrixReference.expectSame(TruthTableCluster.network(policies), label: String(policies.prefix(80)))
        }
    }

    @Test(arguments: 0..<40)
    func randomInventoriesGiveThePerPairMatrix(_ seed: Int) {
        let text = RandomNetworkInventory.yaml(seed: UInt64(seed))
        let inventory = KubernetesLoader.parse(text: text, file: "random-\(seed).yaml")
        let addresses = ["203.0.113.5", "198.51.100.7", "10.1.2.3", "2001:db8::1"].compactMap(IPAddress.init)
        let network = NetworkReachability(InventoryIndex(inventory.objects), options: .init(externalAddresses: addresses))
        MatrixReference.expectSame(network, label: "seed \(seed)")
        // The engine finds selecting policies through label indexes; every policy, tried on every pod, agrees.
        for endpoint in network.endpoints + [.pod(namespace: "a", labels: ["app": "web", "tier": "backend"])] {
            let expected = network.policies.indices.filter { network.selects(network.policies[$0], endpoint) }
            #expect(network.selectingIndices(of: endpoint) == expected, "seed \(seed): \(endpoint.id)")
        }
    }

    @Test func limitedMatricesGiveThePerPairAnswers() throws {
        let network = TruthTableCluster.network(Policies.bothDirections + "\n---\n" + Policies.apiIngressPorts("[{port: http}, {port: 9000, endPort: 9100}]"))
        let gateway = try network.endpoint(named: "gateway:app=gw,team=edge")
        let api = try network.endpoint(named: "prod/api")
        MatrixReference.expectSame(network, sources: [gateway], destinations: nil, label: "--from a pod by labels")
        MatrixReference.expectSame(network, sources: nil, destinations: [api], label: "--to a workload")
        MatrixReference.expectSame(network, sources: [.internet], destinations: nil, label: "--from the internet")
        MatrixReference.expectSame(network, sources: nil, destinations: [.metadataService], label: "--to the metadata service")
    }

    @Test func entriesAreEveryPairWithAPod() throws {
        let network = TruthTableCluster.network(Policies.denyIngressProd)
        let matrix = network.matrix()
        let outside = matrix.sources.count { !$0.isPod } * matrix.destinations.count { !$0.isPod }
        #expect(matrix.entries.count == matrix.sources.count * matrix.destinations.count - outside)
        let entry = try #require(matrix.entry(from: "prod/api", to: "prod/db"))
        #expect(!entry.allowed)
        #expect(matrix.entry(from: "prod/db", to: "other/x")?.ports == .all)
        #expect(matrix.entry(from: "203.0.113.5", to: "169.254.169.254") == nil)
    }

    // MARK: - Cost

    /// Doubling the workloads and policies (more namespaces of the same shape) at most about
    /// doubles the work; a pair-by-pair matrix would quadruple it.
    @Test func costGrowsWithTheInputNotItsSquare() {
        func work(_ workloads: Int) -> (work: Int, pairs: Int) {
            let inventory = KubernetesLoader.parse(text: ScaleInventory.netpol(workloads: workloads), file: "scale.yaml")
            let matrix = NetworkReachability(InventoryIndex(inventory.objects)).matrix()
            _ = matrix.table
            _ = matrix.jsonValue
            return (matrix.work, matrix.sources.count * matrix.destinations.count)
        }
        let small = work(80)
        let large = work(160)
        #expect(Double(large.pairs) / Double(small.pairs) > 3.5)
        #expect(Double(large.work) / Double(small.work) <= 2.5, "work \(small.work) → \(large.work)")
    }
}

/// The matrix as the per-pair evaluation gives it, and its table and JSON as they were rendered
/// from a list of every pair.
enum MatrixReference {
    struct Pair {
        let from: NetworkEndpoint
        let to: NetworkEndpoint
        let ports: PortSet
    }

    static func expectSame(_ network: NetworkReachability, sources: [NetworkEndpoint]? = nil, destinations: [NetworkEndpoint]? = nil,
                           label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let matrix = network.matrix(sources: sources, destinations: destinations)
        var pairs: [Pair] = []
        for source in matrix.sources {
            for destination in matrix.destinations where source.isPod || destination.isPod {
                pairs.append(Pair(from: source, to: destination, ports: network.allowedPorts(from: source, to: destination)))
            }
        }
        #expect(matrix.entries.count == pairs.count, "\(label)", sourceLocation: sourceLocation)
        let mismatches = zip(matrix.entries, pairs).filter { $0.from.id != $1.from.id || $0.to.id != $1.to.id || $0.ports != $1.ports }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.prefix(3).map { "\($0.from.id) → \($0.to.id): \($0.ports) vs \($1.ports)" })",
                sourceLocation: sourceLocation)
        // Compared as booleans: a differing matrix is too long to print.
        let sameTable = matrix.table == table(matrix.sources, matrix.destinations, pairs)
        let sameJSON = matrix.jsonValue == json(matrix.sources, matrix.destinations, pairs)
        #expect(sameTable, "\(label): the table differs", sourceLocation: sourceLocation)
        #expect(sameJSON, "\(label): the JSON differs", sourceLocation: sourceLocation)
    }

    static func json(_ sources: [NetworkEndpoint], _ destinations: [NetworkEndpoint], _ pairs: [Pair]) -> JSONValue {
        var seen: Set<String> = []
        let endpoints = (sources + destinations).filter { seen.insert($0.id).inserted }
        return .object([
            ("endpoints", .array(endpoints.map(\.jsonValue))),
            ("entries", .array(pairs.filter { !$0.ports.isEmpty }.map { pair in
                .object([
                    ("from", .string(pair.from.id)), ("to", .string(pair.to.id)), ("allowed", .bool(true)),
                    ("ports", .array(pair.ports.entries.map { .string($0) })), ("summary", .string(pair.ports.description)),
                ])
            })),
            ("denied", .number(Double(pairs.count { $0.ports.isEmpty }))),
        ])
    }

    static func table(_ sources: [NetworkEndpoint], _ destinations: [NetworkEndpoint], _ pairs: [Pair]) -> String {
        var text = "Reachability (\(sources.count) sources × \(destinations.count) destinations; allowed connections)\n"
        var bySource: [String: [Pair]] = [:]
        for pair in pairs { bySource[pair.from.id, default: []].append(pair) }
        let width = destinations.map(\.id.count).max() ?? 0
        for source in sources {
            text += "  \(source.id)" + (source.id == source.displayName ? "" : "  [\(source.displayName)]") + "\n"
            let row = bySource[source.id] ?? []
            let denied = row.count { $0.ports.isEmpty }
            for pair in row where !pair.ports.isEmpty {
                let id = pair.to.id
                text += "    → " + id + String(repeating: " ", count: max(0, width - id.count)) + "  \(pair.ports)\n"
            }
            if denied == row.count {
                text += "    ✗ reaches none of the \(denied) destinations\n"
            } else if denied > 0 {
                text += "    ✗ \(denied) other destination\(denied == 1 ? "" : "s") denied\n"
            }
        }
        return text
    }
}

/// Small random clusters: namespaces with labels, workloads with labels and named ports, and
/// NetworkPolicies and CiliumNetworkPolicies with every kind of selector, peer and port.
enum RandomNetworkInventory {
    static func yaml(seed: UInt64) -> String {
        var random = Mutator(seed: seed)
        func pick<T>(_ list: [T]) -> T { list[Int.random(in: 0..<list.count, using: &random)] }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        let namespaces = ["a", "b", "c"]
        var docs: [String] = []
        for namespace in namespaces {
            var labels: [String] = []
            if chance(60) { labels.append("env: \(pick(["prod", "dev"]))") }
            if chance(50) { labels.append("team: \(pick(["x", "y"]))") }
            docs.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: \(namespace), labels: {\(labels.joined(separator: ", "))}}")
        }
        let portChoices = ["{name: http, containerPort: 8080}", "{name: http, containerPort: 8081}", "{name: metrics, containerPort: 9090}",
                           "{name: dns, containerPort: 53, protocol: UDP}", "{name: grpc, containerPort: 9000}", "{containerPort: 5432}"]
        for number in 0..<Int.random(in: 4...12, using: &random) {
            var labels = ["app: \(pick(["web", "api", "db", "cache"]))"]
            if chance(60) { labels.append("tier: \(pick(["frontend", "backend"]))") }
            let ports = (0..<Int.random(in: 0...2, using: &random)).map { _ in pick(portChoices) }
            let namespace = pick(namespaces + ["kube-system"])
            let account = chance(30) ? "serviceAccountName: robot\n      " : ""
            docs.append("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: w\(number), namespace: \(namespace)}
            spec:
              template:
                metadata: {labels: {\(labels.joined(separator: ", "))}}
                spec:
                  \(account)containers: [{name: main, image: example/app:1, ports: [\(ports.joined(separator: ", "))]}]
            """)
        }
        let podSelectors = ["{}", "{matchLabels: {app: web}}", "{matchLabels: {app: db}}", "{matchLabels: {tier: backend}}",
                            "{matchExpressions: [{key: tier, operator: Exists}]}", "{matchExpressions: [{key: app, operator: In, values: [web, api]}]}",
                            "{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", "{matchExpressions: [{key: tier, operator: DoesNotExist}]}"]
        let namespaceSelectors = ["{}", "{matchLabels: {env: prod}}", "{matchLabels: {kubernetes.io/metadata.name: b}}",
                                  "{matchExpressions: [{key: team, operator: Exists}]}", "{matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}"]
        let ipBlocks = ["{cidr: 203.0.113.0/24, except: [203.0.113.0/28]}", "{cidr: 10.0.0.0/8}", "{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}",
                        "{cidr: \"2001:db8::/32\"}"]
        let ports = ["{port: 8080}", "{port: http}", "{port: metrics}", "{port: 53, protocol: UDP}", "{port: 9000, endPort: 9100}",
                     "{protocol: UDP}", "{port: dns, protocol: UDP}", "{port: 5432, protocol: TCP}"]
        func peer() -> String {
            switch Int.random(in: 0..<5, using: &random) {
            case 0: return "{podSelector: \(pick(podSelectors))}"
            case 1: return "{namespaceSelector: \(pick(namespaceSelectors))}"
            case 2: return "{namespaceSelector: \(pick(namespaceSelectors)), podSelector: \(pick(podSelectors))}"
            case 3: return "{ipBlock: \(pick(ipBlocks))}"
            default: return "{podSelector: \(pick(podSelectors))}"
            }
        }
        func rules(_ peerKey: String) -> String {
            (0..<Int.random(in: 0...2, using: &random)).map { _ in
                var rule: [String] = []
                if chance(75) { rule.append("\(peerKey): [\((0..<Int.random(in: 1...2, using: &random)).map { _ in peer() }.joined(separator: ", "))]") }
                if chance(60) { rule.append("ports: [\((0..<Int.random(in: 1...2, using: &random)).map { _ in pick(ports) }.joined(separator: ", "))]") }
                return "    - {\(rule.joined(separator: ", "))}"
            }.joined(separator: "\n")
        }
        for number in 0..<Int.random(in: 0...8, using: &random) {
            let types = pick(["[Ingress]", "[Egress]", "[Ingress, Egress]", ""])
            var spec = "spec:\n  podSelector: \(pick(podSelectors))\n"
            if !types.isEmpty { spec += "  policyTypes: \(types)\n" }
            let ingress = rules("from")
            if !ingress.isEmpty { spec += "  ingress:\n\(ingress)\n" }
            let egress = rules("to")
            if !egress.isEmpty { spec += "  egress:\n\(egress)\n" }
            docs.append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p\(number), namespace: \(pick(namespaces))}\n\(spec)")
        }
        if chance(40) {
            docs.append("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: c0, namespace: \(pick(namespaces))}
            spec:
              endpointSelector: {matchLabels: {app: \(pick(["web", "api", "db"]))}}
              ingress:
                - fromEntities: [\(pick(["all", "cluster", "world"]))]
              ingressDeny:
                - fromEndpoints: [{matchLabels: {app: \(pick(["web", "api"]))}}]
                  toPorts: [{ports: [{port: "8080"}]}]
              egress:
                - toEntities: [\(pick(["world", "cluster"]))]
                - toEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: robot}}]
                  toPorts: [{ports: [{port: http, protocol: ANY}]}]
                - toCIDRSet: [{cidr: 0.0.0.0/0, except: [169.254.169.254/32]}]
            """)
        }
        if chance(30) {
            docs.append("""
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: cw}
            spec:
              endpointSelector:
                matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]
              egress:
                - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system}}]
                  toPorts: [{ports: [{port: "53", protocol: UDP}]}]
            """)
        }
        return docs.joined(separator: "\n---\n")
    }
}

/// The shape of `bench/gen-analysis-scale.py netpol`, small: namespaces of ten workloads, each
/// with its own policy (ingress and egress by tier), a default-deny and an allow-DNS policy per
/// namespace, every fifth namespace open, and an API gateway.
enum ScaleInventory {
    static func netpol(workloads: Int) -> String {
        let tiers = ["frontend", "backend", "db"]
        var docs = ["""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api-gateway, namespace: gateway}
        spec:
          template:
            metadata: {labels: {app: api-gateway}}
            spec:
              containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2}]
        """]
        for number in 0..<workloads {
            let namespace = "team-\(number / 10)"
            let tier = tiers[number % 3]
            let name = "\(tier)-\(number)"
            let open = (number / 10) % 5 == 4
            docs.append("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: \(namespace)}
            spec:
              template:
                metadata: {labels: {app: \(name), tier: \(tier)}}
                spec:
                  containers: [{name: main, image: example/\(tier):1, ports: [{name: http, containerPort: \(tier == "db" ? 5432 : 8080)}]}]
            """)
            if number % 10 == 0 && !open {
                docs.append("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: \(namespace)}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-dns, namespace: \(namespace)}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
                      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
                """)
            }
            guard !open else { continue }
            let rules: String
            switch tier {
            case "frontend":
                rules = """
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}, podSelector: {matchLabels: {app: api-gateway}}}]
                      ports: [{port: 8080}]
                  egress:
                    - to: [{podSelector: {matchLabels: {tier: backend}}}]
                      ports: [{port: http}]
                """
            case "backend":
                rules = """
                  ingress:
                    - from: [{podSelector: {matchLabels: {tier: frontend}}}]
                      ports: [{port: http}]
                  egress:
                    - to: [{podSelector: {matchLabels: {tier: db}}}]
                      ports: [{port: 5432}]
                    - to: [{ipBlock: {cidr: 10.\(number / 10).0.0/16}}]
                      ports: [{port: 443}]
                """
            default:
                rules = """
                  ingress:
                    - from: [{podSelector: {matchLabels: {tier: backend}}}]
                      ports: [{port: 5432}]
                """
            }
            docs.append("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: \(name), namespace: \(namespace)}
            spec:
              podSelector: {matchLabels: {app: \(name)}}
              policyTypes: [Ingress\(tier == "db" ? "" : ", Egress")]
            \(rules)
            """)
        }
        return docs.joined(separator: "\n---\n")
    }
}
