import BulwarkCore

/// Whole-inventory NetworkPolicy rules, decided by the reachability engine (`NetworkReachability`),
/// which each rule builds once per scan. Each check costs the workloads and the policies (and the
/// policies that select each workload), never workloads × policies: policies are looked up by
/// namespace and selectors through label indexes. The matrix is only computed by `bulwark netpol`.
public enum NetworkPolicyRules {
    public static let all: [KubernetesRule] = [
        missingDefaultDenyIngress,
        missingDefaultDenyEgress,
        policySelectsNothing,
        peerMatchesNothing,
        allowAllRule,
        egressToAnyAddress,
        metadataReachable,
        dnsEgressMissing,
        modelServerOpenToAllNamespaces,
    ]

    static let controls: [ControlID] = ["cis-k8s:5.3.2", "nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3"]

    // MARK: - netpol/missing-default-deny-ingress, netpol/missing-default-deny-egress

    static let missingDefaultDenyIngress = missingDefaultDeny(.ingress)
    static let missingDefaultDenyEgress = missingDefaultDeny(.egress)

    static func missingDefaultDeny(_ direction: NetworkPolicyRule.Direction) -> KubernetesRule {
        let type = direction.policyType
        let ingress = direction == .ingress
        return KubernetesRule(
            RuleDescriptor(
                id: "netpol/missing-default-deny-\(direction)",
                severity: .medium,
                title: "Namespace without a default-deny \(direction) NetworkPolicy",
                summary: ingress ? """
                A namespace that runs workloads but has no NetworkPolicy selecting all of its pods for ingress \
                (`podSelector: {}` with `policyTypes: [Ingress]`) leaves every pod that no specific policy selects, \
                including pods added later, open to connections from the whole cluster. Reported once per namespace, at \
                its Namespace object when the input has one, else at its first workload.
                """ : """
                A namespace that runs workloads but has no NetworkPolicy selecting all of its pods for egress \
                (`podSelector: {}` with `policyTypes: [Egress]`) lets a compromised pod, for example a model server \
                that loaded a malicious pickle, connect anywhere: the cloud metadata service, the Kubernetes API, \
                other tenants and the internet for exfiltration. Reported once per namespace, at its Namespace object \
                when the input has one, else at its first workload.
                """,
                remediation: """
                Add a default-deny NetworkPolicy to the namespace (`podSelector: {}`, `policyTypes: [\(type)]`, no \
                \(direction) rules) and allow \(ingress ? "each caller" : "each destination (DNS first)") with its own \
                policy; `bulwark netpol generate` writes such a set for an inference service.
                """,
                controls: controls,
                failing: [
                    RuleExample("""
                    apiVersion: v1
                    kind: Namespace
                    ↓metadata:
                      name: ml-inference
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: model-server-only, namespace: ml-inference}
                    spec:
                      podSelector:
                        matchLabels: {app: model-server}
                      policyTypes: [Ingress, Egress]
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    """),
                    RuleExample("""
                    apiVersion: apps/v1
                    kind: Deployment
                    ↓metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: default-deny-other-way, namespace: ml-inference}
                    spec:
                      podSelector: {}
                      policyTypes: [\(ingress ? "Egress" : "Ingress")]
                    """),
                ],
                passing: [
                    RuleExample("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: default-deny, namespace: ml-inference}
                    spec:
                      podSelector: {}
                      policyTypes: [Ingress, Egress]
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: model-server, namespace: ml-inference}
                    spec:
                      template:
                        metadata:
                          labels: {app: model-server}
                        spec:
                          containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                    """),
                    RuleExample("""
                    apiVersion: cilium.io/v2
                    kind: CiliumClusterwideNetworkPolicy
                    metadata: {name: default-deny}
                    spec:
                      endpointSelector:
                        matchExpressions:
                          - {key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}
                      ingress: [{}]
                      egress:
                        - toEndpoints:
                            - matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
                          toPorts: [{ports: [{port: "53", protocol: ANY}]}]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: notebook, namespace: research}
                    spec:
                      containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                    """),
                ],
                tags: ["network"]
            ),
            check: .inventory { index in
                let network = NetworkReachability.shared(index)
                var workloadsByNamespace: [String: [NetworkReachability.Workload]] = [:]
                var order: [String] = []
                for workload in network.workloads {
                    guard let namespace = workload.endpoint.namespace else { continue }
                    if workloadsByNamespace[namespace] == nil { order.append(namespace) }
                    workloadsByNamespace[namespace, default: []].append(workload)
                }
                // A namespace is covered by one of its own policies or a cluster-wide one.
                var policiesByNamespace: [String?: [NetworkPolicy]] = [:]
                for policy in network.policies where policy.isolates(direction) { policiesByNamespace[policy.namespace, default: []].append(policy) }
                let clusterwide = policiesByNamespace[nil] ?? []
                var violations: [Violation] = []
                for namespace in order {
                    guard let workloads = workloadsByNamespace[namespace], let first = workloads.first,
                          !((policiesByNamespace[namespace] ?? []) + clusterwide).contains(where: {
                              covers($0, namespace: namespace, direction: direction, network: network)
                          })
                    else { continue }
                    let names = workloads.map(\.pod.displayName)
                    let consequence = ingress
                        ? "every pod no other policy selects accepts connections from the whole cluster"
                        : "every pod no other policy selects can connect anywhere, including the cloud metadata service"
                    let message = "namespace \(namespace) runs \(names.count) workload\(names.count == 1 ? "" : "s") "
                        + "(\(ClusterRules.list(names))) but no NetworkPolicy selects all of its pods for \(direction) "
                        + "(podSelector: {}, policyTypes: [\(type)]), so \(consequence)"
                    if let object = index.namespaces[namespace] {
                        violations.append(Violation(message, at: object.root.keyNode("metadata") ?? object.root, field: "metadata",
                                                    object: object))
                    } else {
                        let object = first.pod.object
                        violations.append(Violation(message, at: object.root.keyNode("metadata") ?? object.root, field: "metadata",
                                                    object: object))
                    }
                }
                return violations
            }
        )
    }

    /// Whether a policy isolates every pod of `namespace` for `direction`, present and future.
    static func covers(_ policy: NetworkPolicy, namespace: String, direction: NetworkPolicyRule.Direction,
                       network: NetworkReachability) -> Bool {
        guard policy.isolates(direction), policy.namespace == nil || policy.namespace == namespace else { return false }
        switch policy.selector {
        case .pods(let selector):
            return selector.selectsEverything
        case .cilium(let selector):
            // Only namespace-level terms, and the namespace satisfies them.
            let namespaceOnly = selector.matchLabels.keys.allSatisfy(isCiliumNamespaceKey)
                && selector.requirements.allSatisfy { isCiliumNamespaceKey($0.key) }
            return selector.isValid && namespaceOnly
                && selector.matches(network.ciliumLabels(of: .pod(namespace: namespace, labels: [:])))
        }
    }

    static func isCiliumNamespaceKey(_ key: String) -> Bool {
        key == NetworkPolicy.ciliumNamespaceKey || key.hasPrefix("io.cilium.k8s.namespace.labels.")
    }

    /// The pods' labels node (where pod findings point), as ClusterRules does.
    static func labelsNode(of pod: PodSpecView) -> YAMLNode {
        pod.podMetadata?.keyNode("labels") ?? pod.object.root.keyNode("metadata") ?? pod.object.root
    }

    static func policyKind(_ policy: NetworkPolicy) -> String {
        "\(policy.object.kind) \(policy.name)"
    }

    // MARK: - netpol/policy-selects-nothing

    static let policySelectsNothing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/policy-selects-nothing",
            severity: .low,
            title: "NetworkPolicy selects no pod",
            summary: """
            A NetworkPolicy whose `podSelector` matches none of the workloads of its namespace in the input protects \
            nothing: usually a label typo or a policy in the wrong namespace, which leaves the pods it was written for \
            open. Reported only for namespaces whose workloads are in the input; an invalid selector selects nothing.
            """,
            remediation: """
            Fix the `podSelector` (or the policy's `metadata.namespace`) so that it matches the pod template labels of \
            the workload it protects, and confirm with `bulwark netpol --from … --to …`.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  ↓podSelector:
                    matchLabels: {app: model-sever}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: for-pods-elsewhere, namespace: payments}
                spec:
                  podSelector:
                    matchLabels: {app: ledger}
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            var byNamespace: [String: [NetworkEndpoint]] = [:]
            for workload in network.workloads {
                if let namespace = workload.endpoint.namespace { byNamespace[namespace, default: []].append(workload.endpoint) }
            }
            // The policies that select some workload, from each workload's selecting policies
            // (found through the engine's label index), not by trying every policy on every workload.
            var selecting: Set<Int> = []
            for workload in network.workloads { selecting.formUnion(network.selectingIndices(of: workload.endpoint)) }
            var violations: [Violation] = []
            for (position, policy) in network.policies.enumerated() {
                guard let namespace = policy.namespace, let endpoints = byNamespace[namespace], !selecting.contains(position) else { continue }
                let selector = policy.selector.labelSelector
                let why = selector.isValid ? "matches" : "is invalid (\(selector.problems.joined(separator: "; "))) and matches"
                let key = policy.flavor == .kubernetes ? "podSelector" : "endpointSelector"
                let node = policy.selectorNode.flatMap { _ in
                    (policy.specIndex == nil ? policy.object.root["spec"] : nil)?.keyNode(key)
                } ?? policy.object.root.keyNode("metadata") ?? policy.object.root
                violations.append(Violation(
                    "\(policyKind(policy)) \(key) \(selector) \(why) none of the \(endpoints.count) workload\(endpoints.count == 1 ? "" : "s") "
                        + "of namespace \(namespace) in the input (\(ClusterRules.list(endpoints.map(\.displayName)))), so it protects nothing",
                    at: node, field: policy.selectorPath, object: policy.object))
            }
            return violations
        }
    )

    // MARK: - netpol/peer-matches-nothing

    static let peerMatchesNothing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/peer-matches-nothing",
            severity: .low,
            title: "NetworkPolicy peer matches nothing",
            summary: """
            A `from`/`to` peer whose selectors match none of the pods in the input allows nothing, usually because of \
            a label or namespace-name typo, so the connection it was meant to allow fails (or was never needed). A \
            pod selector that matches none of the input's workloads of the namespaces it applies to is low; a \
            `namespaceSelector` that matches no namespace of the input is info, since the namespace may exist outside \
            the scanned files; a peer the API server would reject is low. Namespaces carry the automatic \
            `kubernetes.io/metadata.name` label, and the cluster DNS (kube-system, `k8s-app: kube-dns`) is always known.
            """,
            remediation: """
            Correct the selector to the labels the intended pods and namespaces carry (`kubectl get pods --show-labels`, \
            `kubectl get ns --show-labels`), or remove the peer.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  ingress:
                    - from:
                        - ↓podSelector:
                            matchLabels: {app: api-gatway}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api-gateway, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: api-gateway}
                    spec:
                      containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2}]
                """),
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ↓namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: kube-sytem}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                    - to:
                        - ↓{}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - from:
                        - podSelector:
                            matchLabels: {app: api-gateway}
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: kube-system}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                    - to:
                        - ipBlock: {cidr: 10.20.30.0/24}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api-gateway, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: api-gateway}
                    spec:
                      containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            var byNamespace: [String: [NetworkEndpoint]] = [:]
            for workload in network.workloads {
                if let namespace = workload.endpoint.namespace { byNamespace[namespace, default: []].append(workload.endpoint) }
            }
            var known = Set(index.namespaces.keys).union(byNamespace.keys)
            for policy in network.policies { if let namespace = policy.namespace { known.insert(namespace) } }
            if let dns = network.dns, let namespace = dns.namespace {
                known.insert(namespace)
                if !(byNamespace[namespace]?.contains { $0.id == dns.id } ?? false) { byNamespace[namespace, default: []].append(dns) }
            }
            let inputNamespaces = Set(network.workloads.compactMap(\.endpoint.namespace))
            let lookup = PeerLookup(byNamespace: byNamespace, known: known.sorted(), inputNamespaces: inputNamespaces, network: network)
            var violations: [Violation] = []
            for policy in network.policies {
                for rule in policy.ingress + policy.egress {
                    for peer in rule.peers ?? [] {
                        if let violation = peerProblem(peer, rule: rule, policy: policy, network: network, lookup: lookup) {
                            violations.append(violation)
                        }
                    }
                }
            }
            return violations
        }
    )

    /// The workloads and namespaces of the input, indexed so that a peer is matched against the
    /// workloads carrying one of the labels it requires, with the answers memoised: policies repeat
    /// the same peers, and whether one matches depends on its selectors (and the policy's namespace) only.
    final class PeerLookup: Sendable {
        struct MatchKey: Hashable, Sendable {
            let namespaces: NamespaceKey
            let pods: LabelSelector?
        }

        struct NamespaceKey: Hashable, Sendable {
            let selector: LabelSelector?
            /// The policy's namespace, when there is no namespace selector.
            let namespace: String?
        }

        let byNamespace: [String: [NetworkEndpoint]]
        /// Every namespace the input names, sorted.
        let known: [String]
        let inputNamespaces: Set<String>
        let network: NetworkReachability
        private let namespaceIndex: LabelIndex
        private let podIndexes: [String: LabelIndex]
        private let targets = SharedCache<NamespaceKey, (all: [String], withWorkloads: [String], count: Int)>()
        private let matched = SharedCache<MatchKey, Bool>()

        init(byNamespace: [String: [NetworkEndpoint]], known: [String], inputNamespaces: Set<String>, network: NetworkReachability) {
            self.byNamespace = byNamespace
            self.known = known
            self.inputNamespaces = inputNamespaces
            self.network = network
            var namespaceIndex = LabelIndex()
            for (position, namespace) in known.enumerated() { namespaceIndex.add(position, labels: network.namespaceLabels(namespace)) }
            self.namespaceIndex = namespaceIndex
            podIndexes = byNamespace.mapValues { endpoints in
                var index = LabelIndex()
                for (position, endpoint) in endpoints.enumerated() { index.add(position, labels: endpoint.labels) }
                return index
            }
        }

        /// The namespaces a peer reaches: those its namespace selector matches (or the policy's),
        /// those of them whose workloads are in the input, and how many workloads those hold.
        func targets(_ key: NamespaceKey) -> (all: [String], withWorkloads: [String], count: Int) {
            targets.value(key) {
                let all: [String]
                if let selector = key.selector {
                    let candidates = namespaceIndex.candidates(selector).map { $0.map { known[$0] } } ?? known
                    all = candidates.filter { selector.matches(network.namespaceLabels($0)) }
                } else {
                    all = key.namespace.map { [$0] } ?? []
                }
                let withWorkloads = all.filter { inputNamespaces.contains($0) || $0 == network.dns?.namespace }
                return (all, withWorkloads, withWorkloads.reduce(0) { $0 + (byNamespace[$1]?.count ?? 0) })
            }
        }

        /// Whether a Kubernetes peer matches some workload of the input in its namespaces.
        func matchesSome(_ peer: NetworkPolicyPeer, pods: LabelSelector?, namespaces key: NamespaceKey, policy: NetworkPolicy) -> Bool {
            matched.value(MatchKey(namespaces: key, pods: pods)) {
                targets(key).withWorkloads.contains { namespace in
                    let endpoints = byNamespace[namespace] ?? []
                    let candidates = pods.flatMap { podIndexes[namespace]?.candidates($0) } ?? Array(endpoints.indices)
                    return candidates.contains { network.matches(peer, endpoints[$0], policy: policy) }
                }
            }
        }
    }

    static func peerProblem(_ peer: NetworkPolicyPeer, rule: NetworkPolicyRule, policy: NetworkPolicy, network: NetworkReachability,
                            lookup: PeerLookup) -> Violation? {
        let owner = "\(rule.direction) peer \(peer.path) of \(policyKind(policy))"
        func violation(_ text: String, key: String?, severity: Severity? = nil) -> Violation {
            Violation("\(owner) \(text)", at: key.flatMap { peer.node.keyNode($0) } ?? peer.node,
                      field: peer.path + (key.map { ".\($0)" } ?? ""), object: policy.object, severity: severity)
        }
        switch peer.match {
        case .unmatchable(let why):
            return violation("can never match: \(why)", key: nil)
        case .pods(let pods, let namespaces):
            let key = PeerLookup.NamespaceKey(selector: namespaces, namespace: namespaces == nil ? policy.namespace : nil)
            let found = lookup.targets(key)
            if let namespaces, found.all.isEmpty {
                return violation("has namespaceSelector \(namespaces), which matches no namespace in the input "
                                 + "(a typo, or a namespace outside the scanned files)", key: "namespaceSelector",
                                 severity: namespaces.isValid ? .info : nil)
            }
            // Judge the pod selector only where the input holds the namespace's workloads.
            let targets = found.withWorkloads
            let count = found.count
            guard count > 0, !lookup.matchesSome(peer, pods: pods, namespaces: key, policy: policy) else { return nil }
            let selector = pods.map(\.description) ?? "(everything)"
            let where_ = namespaces == nil ? "namespace \(targets.joined(separator: ", "))" : "the matching namespaces (\(targets.joined(separator: ", ")))"
            return violation("has podSelector \(selector), which matches none of the \(count) workload"
                             + "\(count == 1 ? "" : "s") of \(where_) in the input", key: pods == nil ? "namespaceSelector" : "podSelector")
        case .ciliumEndpoints(let selector, let namespace):
            let targets = namespace.map { [$0] }
                ?? selector.matchLabels[NetworkPolicy.ciliumNamespaceKey].map { [$0] } ?? []
            let candidates = targets.filter { lookup.inputNamespaces.contains($0) || $0 == network.dns?.namespace }.flatMap { lookup.byNamespace[$0] ?? [] }
            guard !candidates.isEmpty, !candidates.contains(where: { network.matches(peer, $0, policy: policy) }) else { return nil }
            return violation("selects endpoints \(selector), which match none of the \(candidates.count) workload"
                             + "\(candidates.count == 1 ? "" : "s") of namespace \(targets.joined(separator: ", ")) in the input", key: nil)
        case .ipBlock, .entity, .unevaluated:
            return nil
        }
    }

    // MARK: - netpol/allow-all-rule

    static let allowAllRule = KubernetesRule(
        RuleDescriptor(
            id: "netpol/allow-all-rule",
            severity: .medium,
            title: "NetworkPolicy rule allows all traffic",
            summary: """
            An ingress or egress rule without peers and without ports (`- {}`), or a Cilium rule allowing the `all` \
            entity on every port, allows every connection in that direction, so the pods it selects are not isolated \
            for it whatever the other policies say: NetworkPolicies only ever add allowed connections.
            """,
            remediation: """
            Replace the rule with the peers (`podSelector`, `namespaceSelector`, `ipBlock`) and ports that are needed; \
            to isolate pods, a policy lists the policy type and no rules for it.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-everything, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - ↓{}
                  egress:
                    - ↓ports: []
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress: []
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: cilium-default-deny, namespace: ml-inference}
                spec:
                  endpointSelector: {}
                  ingress: [{}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            var violations: [Violation] = []
            for policy in NetworkPolicy.all(in: index) {
                for rule in policy.ingress + policy.egress where !rule.isDeny && rule.ports == nil {
                    let everyPeer = rule.peers?.contains { peer in
                        if case .entity(.all) = peer.match { return true }
                        return false
                    } ?? true
                    guard everyPeer else { continue }
                    let side = rule.direction == .ingress ? "every source" : "every destination"
                    violations.append(Violation(
                        "\(rule.direction) rule \(rule.path) of \(policyKind(policy)) allows \(side) on every port, so the pods it selects "
                            + "(\(policy.selector.labelSelector)) are open for \(rule.direction)",
                        at: rule.node, field: rule.path, object: policy.object))
                }
            }
            return violations
        }
    )

    // MARK: - netpol/egress-to-any-address

    static let egressToAnyAddress = KubernetesRule(
        RuleDescriptor(
            id: "netpol/egress-to-any-address",
            severity: .medium,
            title: "NetworkPolicy allows egress to any address",
            summary: """
            An egress `ipBlock` of `0.0.0.0/0` or `::/0` without `except` (or a Cilium `toCIDR` of the same, or the \
            `world` entity) lets the selected pods reach every address outside the cluster, including the cloud \
            metadata service at 169.254.169.254 and any host an attacker uses for exfiltration or to fetch a second \
            stage from a poisoned model.
            """,
            remediation: """
            Allow only the CIDRs and ports the workload needs (the model registry, an egress proxy); if a wide block is \
            unavoidable, add `except` entries for 169.254.169.254/32 and the private ranges of the cluster and cloud.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: ↓0.0.0.0/0
                        - ipBlock: {cidr: ↓"::/0"}
                      ports: [{port: 443}]
                """),
                RuleExample("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  endpointSelector:
                    matchLabels: {app: model-server}
                  egress:
                    - toCIDR: [↓0.0.0.0/0]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 0.0.0.0/0
                            except: [169.254.169.254/32, 10.0.0.0/8]
                        - ipBlock: {cidr: 10.20.30.0/24}
                      ports: [{port: 443}]
                  ingress:
                    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            var violations: [Violation] = []
            for policy in NetworkPolicy.all(in: index) where policy.isolatesEgress {
                for rule in policy.egress where !rule.isDeny {
                    for peer in rule.peers ?? [] {
                        let node: YAMLNode
                        let what: String
                        switch peer.match {
                        case .ipBlock(let cidr, let except) where cidr.isEverything && except.isEmpty:
                            node = peer.node["ipBlock"]?["cidr"] ?? peer.node["cidr"] ?? peer.node
                            what = "ipBlock \(cidr) without except"
                        case .entity(let entity) where entity == .world || entity == .worldIPv4 || entity == .worldIPv6:
                            node = peer.node
                            what = "the \(entity.rawValue) entity"
                        default:
                            continue
                        }
                        let ports = rule.ports.map { " on " + $0.map(\.summary).joined(separator: ", ") } ?? " on every port"
                        violations.append(Violation(
                            "egress peer \(peer.path) of \(policyKind(policy)) allows \(what)\(ports), so the pods it selects "
                                + "(\(policy.selector.labelSelector)) can reach any address outside the cluster, including 169.254.169.254",
                            at: node, field: peer.path, object: policy.object))
                    }
                }
            }
            return violations
        }
    )

    // MARK: - netpol/metadata-reachable

    static let metadataReachable = KubernetesRule(
        RuleDescriptor(
            id: "netpol/metadata-reachable",
            severity: .high,
            title: "Workload can reach the cloud metadata service",
            summary: """
            A pod that can connect to 169.254.169.254 can read the node's cloud credentials and instance identity \
            (unless IMDSv2 hop limits or metadata concealment are configured on every node), so a server-side request \
            forgery or code execution in a model server becomes cloud account access. High when the pod is isolated \
            for egress and its policies still allow the address (usually a wide `ipBlock`); medium when no policy \
            isolates the pod for egress.
            """,
            remediation: """
            Isolate the pods for egress and allow only the destinations they need; if a wide `ipBlock` is needed, add \
            `except: [169.254.169.254/32]`. Also block the metadata service at the node (IMDSv2 with hop limit 1, GKE \
            metadata concealment or Workload Identity).
            """,
            controls: ["cis-k8s:5.3.2", "nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      ↓labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                ↓metadata: {name: notebook, namespace: research}
                spec:
                  containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32, 10.0.0.0/8]}
                """),
            ],
            tags: ["network", "cloud"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            let metadata = NetworkEndpoint.metadataService
            let workloads = network.workloads.filter { $0.endpoint.kind == .workload }
            return workloads.parallelMap { workload -> Violation? in
                guard network.isAllowed(from: workload.endpoint, to: metadata, port: 80, protocol: .tcp) else { return nil }
                let pod = workload.pod
                let message: String
                let severity: Severity
                if network.isIsolated(workload.endpoint, .egress) {
                    let allowing = network.egressAllowingPolicies(from: workload.endpoint, to: metadata, port: 80, protocol: .tcp)
                    severity = .high
                    message = "the pods of \(pod.displayName) are isolated for egress, but \(ReachabilityVerdict.list(allowing)) "
                        + "allow\(allowing.count == 1 ? "s" : "") them to connect to the cloud metadata service 169.254.169.254:80"
                } else {
                    severity = .medium
                    message = "no NetworkPolicy isolates the pods of \(pod.displayName) for egress, so they can connect to the cloud metadata "
                        + "service 169.254.169.254:80 and read the node's cloud credentials"
                }
                return Violation(message, at: labelsNode(of: pod), field: ClusterRules.labelsPath(of: pod), object: pod.object,
                                 severity: severity)
            }.compactMap { $0 }
        }
    )

    // MARK: - netpol/dns-egress-missing

    /// The NodeLocal DNSCache address most clusters use.
    static let nodeLocalDNS = IPAddress(family: .v4, high: 0, low: 0xA9FE_140A)  // 169.254.20.10

    static let dnsEgressMissing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/dns-egress-missing",
            severity: .medium,
            title: "Egress-isolated workload cannot reach DNS",
            summary: """
            A pod that is isolated for egress but may not send UDP port 53 to the cluster DNS (kube-system pods \
            labelled `k8s-app: kube-dns`, or NodeLocal DNSCache at 169.254.20.10) cannot resolve any name, so it \
            fails to reach its model registry, databases and even in-cluster Services by name; the usual reaction is \
            to delete the policy. Pods with `hostNetwork` or `dnsPolicy: Default` are skipped; with `dnsPolicy: None` \
            the configured nameservers are checked.
            """,
            remediation: """
            Add an egress rule to the policy that isolates the pods: `to: [{namespaceSelector: {matchLabels: \
            {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]` with \
            ports 53/UDP and 53/TCP.
            """,
            controls: ["nsa-k8s:network-separation", "cis-k8s:5.3.2"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      ↓labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to: [{ipBlock: {cidr: 10.20.30.0/24}}]
                      ports: [{port: 443}]
                    - to:
                        - podSelector:
                            matchLabels: {k8s-app: kube-dns}
                      ports: [{port: 53, protocol: UDP}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to: [{ipBlock: {cidr: 10.20.30.0/24}}]
                      ports: [{port: 443}]
                    - to:
                        - namespaceSelector: {}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                      ports: [{port: dns, protocol: UDP}, {port: dns-tcp, protocol: TCP}]
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: offline-eval, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      hostNetwork: true
                      containers: [{name: eval, image: registry.example.com/ml/eval:1.0}]
                """),
            ],
            tags: ["network", "reliability"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            guard !network.policies.isEmpty else { return [] }
            let workloads = network.workloads.filter { $0.endpoint.kind == .workload }
            return workloads.parallelMap { workload -> Violation? in
                let pod = workload.pod
                if pod.spec["hostNetwork"]?.bool == true { return nil }
                let dnsPolicy = pod.spec["dnsPolicy"]?.string ?? "ClusterFirst"
                if dnsPolicy == "Default" { return nil }
                let source = workload.endpoint
                guard network.isIsolated(source, .egress) else { return nil }
                var servers: [NetworkEndpoint] = []
                if dnsPolicy == "None" {
                    servers = (pod.spec["dnsConfig"]?["nameservers"]?.strings ?? []).compactMap(IPAddress.init).map { .external($0) }
                    if servers.isEmpty { return nil }
                } else {
                    servers = [network.dns ?? .clusterDNS, .external(nodeLocalDNS, name: "NodeLocal DNSCache")]
                }
                guard !servers.contains(where: { network.isAllowed(from: source, to: $0, port: 53, protocol: .udp) }) else { return nil }
                let verdicts = servers.map { network.check(from: source, to: $0, port: 53, protocol: .udp) }
                let isolating = verdicts.first?.egress.isolatingPolicies ?? []
                let target = dnsPolicy == "None" ? "the nameservers of its dnsConfig (\(servers.map(\.id).joined(separator: ", ")))"
                    : "the cluster DNS (kube-system pods labelled k8s-app=kube-dns)"
                return Violation(
                    "the pods of \(pod.displayName) are isolated for egress by \(ReachabilityVerdict.list(isolating)) but may not send UDP 53 to "
                        + "\(target), so name lookups fail",
                    at: labelsNode(of: pod), field: ClusterRules.labelsPath(of: pod), object: pod.object)
            }.compactMap { $0 }
        }
    )

    // MARK: - netpol/model-server-open-to-all-namespaces

    /// A namespace name no selector in the input can mention: stands for "a namespace an attacker creates".
    static let anyNamespace = "bulwark-any-namespace-0"

    static let modelServerOpenToAllNamespaces = KubernetesRule(
        RuleDescriptor(
            id: "netpol/model-server-open-to-all-namespaces",
            severity: .high,
            title: "Model server reachable from every namespace",
            summary: """
            A model server (vLLM, Triton, TorchServe, KServe, Ray …, as `ServingWorkload` recognises them) that is \
            isolated for ingress but has a rule admitting pods of any namespace — no `from`, a `namespaceSelector: {}` \
            or a selector every new namespace satisfies, the Cilium `cluster`/`all` entities or unrestricted \
            `fromEndpoints` of a cluster-wide policy — can be called, and often managed, by any workload in the cluster. \
            A pod selector in the same peer does not help: whoever can create pods in some namespace chooses their \
            labels. Model servers not isolated at all are reported by `netpol/pod-not-isolated`.
            """,
            remediation: """
            Admit only the callers that need the model server: a peer with both `namespaceSelector` \
            (`kubernetes.io/metadata.name: <gateway namespace>`) and `podSelector` (the gateway's labels), and the \
            serving port only.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: vllm}
                    spec:
                      containers:
                        - name: server
                          image: vllm/vllm-openai:v0.6.3
                          ports: [{name: http, containerPort: 8000}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: vllm-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: vllm}
                  ingress:
                    - from:
                        - ↓namespaceSelector: {}
                          podSelector:
                            matchLabels: {app: api-gateway}
                      ports: [{port: http}]
                    - ↓ports: [{port: 8000}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: vllm}
                    spec:
                      containers:
                        - name: server
                          image: vllm/vllm-openai:v0.6.3
                          ports: [{name: http, containerPort: 8000}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: vllm-ingress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: vllm}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: gateway}
                          podSelector:
                            matchLabels: {app: api-gateway}
                        - podSelector:
                            matchLabels: {app: benchmark}
                      ports: [{port: http}]
                """),
            ],
            tags: ["network", "ml"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            guard !network.policies.isEmpty else { return [] }
            let anyLabels = network.index.namespaceLabels(anyNamespace)
            // One finding per opening peer (a policy often selects many model servers), naming them.
            struct Opening {
                let node: YAMLNode
                let path: String
                let how: String
                let policy: NetworkPolicy
                /// The first three workloads it opens, and how many there are.
                var targets: [String]
                var count: Int
                var ports: String
            }
            var openings: [ObjectIdentifier: Opening] = [:]
            var order: [ObjectIdentifier] = []
            // The rules of each policy that let every namespace in, found once per policy.
            let openRules = network.policies.map { Self.openRules(of: $0, anyLabels: anyLabels, network: network) }
            let isolatesIngress = network.policies.map(\.isolatesIngress)
            for workload in network.workloads where workload.endpoint.kind == .workload {
                let selecting = network.selectingIndices(of: workload.endpoint)
                guard selecting.contains(where: { isolatesIngress[$0] }) else { continue }
                let opening = selecting.filter { !openRules[$0].isEmpty }
                guard !opening.isEmpty, let server = ServingWorkload.detect(workload.pod) else { continue }
                for position in opening {
                    let policy = network.policies[position]
                    for (rule, open) in openRules[position] {
                        let ports = rule.ports(towards: workload.endpoint)
                        guard !ports.isEmpty else { continue }
                        for (node, path, how) in open {
                            let key = ObjectIdentifier(node)
                            let target = { "\(workload.pod.displayName), which runs \(server.kind.displayName)," }
                            if openings[key] == nil {
                                openings[key] = Opening(node: node, path: path, how: how, policy: policy, targets: [target()], count: 1, ports: "\(ports)")
                                order.append(key)
                            } else {
                                openings[key]?.count += 1
                                if let shown = openings[key]?.targets.count, shown < 3 { openings[key]?.targets.append(target()) }
                            }
                        }
                    }
                }
            }
            return order.compactMap { openings[$0] }.map { opening in
                let shown = opening.targets.joined(separator: " ")
                let more = opening.count > 3 ? " and \(opening.count - 3) more model-serving workloads" : ""
                return Violation(
                    "\(policyKind(opening.policy)) lets pods of every namespace connect to \(shown)\(more) on \(opening.ports) (\(opening.path): \(opening.how))",
                    at: opening.node, field: opening.path, object: opening.policy.object)
            }
        }
    )

    /// The allow rules of a policy's ingress that admit pods of every namespace, with the peers that do.
    static func openRules(of policy: NetworkPolicy, anyLabels: [String: String], network: NetworkReachability)
        -> [(rule: NetworkPolicyRule, open: [(YAMLNode, String, String)])] {
        policy.ingress.filter { !$0.isDeny }.compactMap { rule in
            guard let peers = rule.peers else { return (rule, [(rule.node, rule.path, "the rule has no from list")]) }
            let open = peers.compactMap { peer in
                opensToAnyNamespace(peer, anyNamespaceLabels: anyLabels, network: network).map {
                    (peer.node.keyNode("namespaceSelector") ?? peer.node, peer.path, $0)
                }
            }
            return open.isEmpty ? nil : (rule, open)
        }
    }

    /// How a peer admits pods of a namespace an attacker could create, or nil.
    static func opensToAnyNamespace(_ peer: NetworkPolicyPeer, anyNamespaceLabels: [String: String], network: NetworkReachability) -> String? {
        switch peer.match {
        case .pods(let pods, let namespaces?):
            guard namespaces.matches(anyNamespaceLabels), pods?.isValid ?? true else { return nil }
            let podText = pods.map { $0.selectsEverything ? "" : " (pods labelled \($0), which anyone creating pods can set)" } ?? ""
            return "namespaceSelector \(namespaces) matches every namespace\(podText)"
        case .ciliumEndpoints(let selector, nil):
            let namespaceTerms = LabelSelector(
                matchLabels: selector.matchLabels.filter { isCiliumNamespaceKey($0.key) },
                requirements: selector.requirements.filter { isCiliumNamespaceKey($0.key) })
            guard selector.isValid, namespaceTerms.matches(network.ciliumLabels(of: .pod(namespace: anyNamespace, labels: [:]))) else { return nil }
            return "endpoint selector \(selector) is not limited to a namespace"
        case .entity(let entity) where entity == .cluster || entity == .all:
            return "the \(entity.rawValue) entity"
        default:
            return nil
        }
    }
}
