import Foundation
import BulwarkCore

/// Who can connect to whom under the NetworkPolicies of an inventory, with the exact Kubernetes
/// semantics (and the L3/L4 part of CiliumNetworkPolicies).
///
/// - A pod is isolated for ingress (egress) only when some policy of its namespace selects it and
///   has that policy type; an isolated pod accepts (opens) exactly the union of what the rules of
///   its selecting policies allow; a pod no policy selects is open in that direction.
/// - A connection needs the source's egress *and* the destination's ingress to allow it. An address
///   outside the cluster has no policies of its own.
/// - Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = every
///   pod of the matching namespaces (which carry `kubernetes.io/metadata.name`); both in one peer =
///   both must match; `ipBlock` (minus `except`) = addresses outside the cluster only (Kubernetes
///   meant ipBlocks for cluster-external IPs; whether pod IPs match is up to the network plugin,
///   so Bulwark never matches pods with them).
/// - Ports: a missing list = every port; protocol defaults to TCP; `endPort` ranges; named ports
///   resolve against the destination pod's container ports.
///
/// ```swift
/// let network = NetworkReachability(index)
/// let gateway = NetworkEndpoint.pod(namespace: "gateway", labels: ["app.kubernetes.io/name": "api-gateway"])
/// let server = try network.endpoint(named: "ml-inference/model-server")
/// let verdict = network.check(from: gateway, to: server, port: 8080, protocol: .tcp)
/// verdict.allowed          // true
/// verdict.ingressPolicies  // ["ml-inference/model-server-ingress"]
/// network.matrix()         // every source × destination with the allowed ports, computed per class
/// ```
public struct NetworkReachability: Sendable {
    public struct Options: Sendable {
        /// Addresses outside the cluster to model besides the metadata service (default: one
        /// internet address, 203.0.113.5).
        public var externalAddresses: [IPAddress]
        /// Also model one address of every ipBlock CIDR the policies name (`ipBlock 10.20.30.0/24`).
        public var ipBlockEndpoints: Bool
        /// Model the cluster DNS (kube-system, `k8s-app: kube-dns`) when the input has no such workload.
        public var modelClusterDNS: Bool

        public init(externalAddresses: [IPAddress] = [NetworkEndpoint.internet.address].compactMap { $0 },
                    ipBlockEndpoints: Bool = true, modelClusterDNS: Bool = true) {
            self.externalAddresses = externalAddresses
            self.ipBlockEndpoints = ipBlockEndpoints
            self.modelClusterDNS = modelClusterDNS
        }
    }

    /// The pods of one pod spec of the input, as an endpoint.
    public struct Workload: Sendable {
        public let endpoint: NetworkEndpoint
        public let pod: PodSpecView
        /// Made by a controller of the input and judged through it (`Ownership`): an endpoint like
        /// any other, but findings and lists name the controller instead.
        public var judgedThroughOwner = false
    }

    public struct LookupError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let index: InventoryIndex
    public let policies: [NetworkPolicy]
    /// Every pod spec that stands for running pods, in input order.
    public let workloads: [Workload]
    /// The cluster DNS: a kube-dns workload of the input, else the modelled one.
    public let dns: NetworkEndpoint?
    /// Endpoints outside the cluster: the configured addresses, ipBlock addresses, the metadata service.
    public let externals: [NetworkEndpoint]
    /// Per namespace, the policies that can only select pods carrying one label (`key=value`, the
    /// least of their matchLabels, or one of the values of an `In`), so that a pod is matched only
    /// against those of its own labels…
    private let anchoredPolicies: [String: [LabelPair: [Int]]]
    /// …those that need a label key (`Exists`), by key…
    private let keyedPolicies: [String: [String: [Int]]]
    /// …and the other policies of the namespace (empty selectors, `NotIn`/`DoesNotExist` only, Cilium).
    private let unanchoredPolicies: [String: [Int]]
    private let clusterwidePolicies: [Int]
    /// Labels of every namespace the engine knows, computed once (matching runs per pair).
    private let namespaceLabelCache: [String: [String: String]]
    /// The policies selecting each workload endpoint (by id), computed once.
    private var selectingCache: [String: [Int]] = [:]
    /// Workload endpoints (by id) numbered by their set of selecting policies: endpoints with the
    /// same set share egress evaluations.
    private var selectionGroups: [String: Int] = [:]
    /// Egress evaluations per (selection group, peer): what an egress direction allows depends only
    /// on the selecting policies and the peer, and most workloads of a namespace share their policies.
    private let egressCache = SharedCache<EgressKey, DirectionPorts>()
    /// Rules and port entries looked at by direction evaluations (see `evaluationWork`).
    private let evaluationCounter = WorkCounter()

    /// The engine for an index with default options, built once and shared by the rules.
    public static func shared(_ index: InventoryIndex) -> NetworkReachability {
        index.memo.value(.custom("netpol-reachability")) { NetworkReachability(index) }
    }

    public init(_ index: InventoryIndex, options: Options = Options()) {
        self.index = index
        let policies = NetworkPolicy.all(in: index)
        self.policies = policies
        var byNamespace: [String: [Int]] = [:]
        var unanchored: [String: [Int]] = [:]
        var anchored: [String: [LabelPair: [Int]]] = [:]
        var keyed: [String: [String: [Int]]] = [:]
        var clusterwide: [Int] = []
        for (position, policy) in policies.enumerated() {
            guard let namespace = policy.namespace else {
                clusterwide.append(position)
                continue
            }
            byNamespace[namespace, default: []].append(position)
            guard case .pods(let selector) = policy.selector, selector.problems.isEmpty else {
                unanchored[namespace, default: []].append(position)
                continue
            }
            if let key = selector.matchLabels.keys.min(), let value = selector.matchLabels[key] {
                anchored[namespace, default: [:]][LabelPair(key: key, value: value), default: []].append(position)
            } else if let list = selector.requirements.filter({ $0.op == .in }).min(by: { $0.values.count < $1.values.count }) {
                // A pod has one value per key, so it finds the policy once.
                for value in list.values { anchored[namespace, default: [:]][LabelPair(key: list.key, value: value), default: []].append(position) }
            } else if let key = selector.requirements.first(where: { $0.op == .exists })?.key {
                keyed[namespace, default: [:]][key, default: []].append(position)
            } else {
                unanchored[namespace, default: []].append(position)
            }
        }
        anchoredPolicies = anchored
        keyedPolicies = keyed
        unanchoredPolicies = unanchored
        clusterwidePolicies = clusterwide

        var workloads: [Workload] = []
        var used: [String: Int] = [:]
        for (position, object) in index.objects.enumerated() {
            let owned = index.ownership.isJudgedThroughOwner(position)
            let pods = index.podSpecsByObject[position].filter(\.describesRunningPods)
            for (number, pod) in pods.enumerated() {
                var id = "\(object.effectiveNamespace ?? "default")/\(object.name)"
                if pods.count > 1 { id += "#\(pod.role ?? String(number))" }
                used[id, default: 0] += 1
                if let count = used[id], count > 1 { id += "#\(object.kind.lowercased())" + (count > 2 ? "\(count)" : "") }
                workloads.append(Workload(endpoint: .workload(pod, id: id), pod: pod, judgedThroughOwner: owned))
            }
        }
        // The pods operators create from custom resources of the input (Prometheus, Alertmanager …).
        for pod in OperatorPods.views(in: index) {
            var id = "\(pod.object.effectiveNamespace ?? "default")/\(pod.object.name)"
            used[id, default: 0] += 1
            if let count = used[id], count > 1 { id += "#\(pod.object.kind.lowercased())" + (count > 2 ? "\(count)" : "") }
            workloads.append(Workload(endpoint: .workload(pod, id: id), pod: pod))
        }
        self.workloads = workloads
        dns = workloads.first { $0.endpoint.kind == .dns }?.endpoint ?? (options.modelClusterDNS ? .clusterDNS : nil)

        var externals: [NetworkEndpoint] = []
        var seen: Set<IPAddress> = [NetworkEndpoint.metadataAddress]
        for address in options.externalAddresses where seen.insert(address).inserted {
            externals.append(address == NetworkEndpoint.internet.address ? .internet : .external(address))
        }
        if options.ipBlockEndpoints {
            for policy in policies {
                for rule in policy.ingress + policy.egress {
                    for peer in rule.peers ?? [] {
                        guard case .ipBlock(let cidr, let except) = peer.match, !cidr.isEverything,
                              let address = cidr.representative(excluding: except), seen.insert(address).inserted else { continue }
                        externals.append(.external(address, name: "ipBlock \(cidr)"))
                    }
                }
            }
        }
        externals.append(.metadataService)
        self.externals = externals

        var namespaces = Set(index.namespaces.keys).union(byNamespace.keys)
        for workload in workloads { if let namespace = workload.endpoint.namespace { namespaces.insert(namespace) } }
        if let namespace = dns?.namespace { namespaces.insert(namespace) }
        namespaceLabelCache = Dictionary(uniqueKeysWithValues: namespaces.map { ($0, index.namespaceLabels($0)) })
        var selecting: [String: [Int]] = [:]
        for endpoint in workloads.map(\.endpoint) + [dns].compactMap({ $0 }) where selecting[endpoint.id] == nil {
            selecting[endpoint.id] = computeSelectingIndices(of: endpoint)
        }
        selectingCache = selecting
        var groupOf: [[Int]: Int] = [:]
        var groups: [String: Int] = [:]
        for (id, indices) in selecting {
            if let group = groupOf[indices] {
                groups[id] = group
            } else {
                groupOf[indices] = groupOf.count
                groups[id] = groupOf.count - 1
            }
        }
        selectionGroups = groups
    }

    /// Rules and port entries the direction evaluations of this engine looked at so far. Tests
    /// hold it to the growth of the input; it is no clock.
    var evaluationWork: Int { evaluationCounter.total }

    /// The labels of a namespace, with the automatic `kubernetes.io/metadata.name`.
    public func namespaceLabels(_ namespace: String) -> [String: String] {
        namespaceLabelCache[namespace] ?? index.namespaceLabels(namespace)
    }

    // MARK: - Endpoints

    /// Every endpoint: workloads, the cluster DNS (when modelled), addresses outside the cluster.
    public var endpoints: [NetworkEndpoint] {
        var list = workloads.map(\.endpoint)
        if let dns, !list.contains(where: { $0.id == dns.id }) { list.append(dns) }
        return list + externals
    }

    /// Resolves how a user names an endpoint:
    /// - `NAMESPACE/NAME` (or the `#role` form) — a pod-bearing workload of the input;
    /// - `NAMESPACE:key=value,…` — a hypothetical pod with those labels (`NAMESPACE:` = no labels);
    /// - an IPv4 or IPv6 address — outside the cluster (169.254.169.254 is the metadata service);
    /// - `dns`, `metadata`, `internet`.
    public func endpoint(named text: String) throws -> NetworkEndpoint {
        let trimmed = String(text.trimmingCharacters(in: .whitespaces))
        switch trimmed.lowercased() {
        case "dns", "kube-dns", "cluster-dns":
            if let dns { return dns }
            return .clusterDNS
        case "metadata": return .metadataService
        case "internet": return .internet
        default: break
        }
        if let address = IPAddress(trimmed) {
            return externals.first { $0.address == address } ?? .external(address)
        }
        let colon = trimmed.firstIndex(of: ":")
        let slash = trimmed.firstIndex(of: "/")
        if let colon, slash.map({ colon < $0 }) ?? true {
            let namespace = String(trimmed[..<colon])
            guard Self.isDNSLabel(namespace) else { throw LookupError(description: "\"\(namespace)\" is not a namespace name") }
            var labels: [String: String] = [:]
            for term in trimmed[trimmed.index(after: colon)...].split(separator: ",") {
                let parts = term.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw LookupError(description: "\"\(term)\" is not key=value (write NAMESPACE:key=value,…)")
                }
                labels[String(parts[0])] = String(parts[1])
            }
            return .pod(namespace: namespace, labels: labels)
        }
        if slash != nil {
            if let exact = workloads.first(where: { $0.endpoint.id == trimmed }) { return exact.endpoint }
            if let prefixed = workloads.first(where: { $0.endpoint.id.hasPrefix(trimmed + "#") }) { return prefixed.endpoint }
            if let dns, trimmed == dns.id { return dns }
            let known = workloads.map(\.endpoint.id)
            let list = known.isEmpty ? "the input has no pod-bearing workloads" : "known: " + known.prefix(12).joined(separator: ", ")
                + (known.count > 12 ? " …" : "")
            throw LookupError(description: "no pod-bearing workload \(trimmed) in the input (\(list))")
        }
        throw LookupError(description: "\"\(trimmed)\" is not NAMESPACE/NAME, NAMESPACE:key=value,… or an IP address")
    }

    static func isDNSLabel(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63 && text.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
    }

    // MARK: - Selection and matching

    /// The policies whose selector matches a pod (none for an endpoint outside the cluster).
    public func selectingPolicies(of endpoint: NetworkEndpoint) -> [NetworkPolicy] {
        selectingIndices(of: endpoint).map { policies[$0] }
    }

    func selectingIndices(of endpoint: NetworkEndpoint) -> [Int] {
        if endpoint.kind == .workload || endpoint.kind == .dns, let cached = selectingCache[endpoint.id] { return cached }
        return computeSelectingIndices(of: endpoint)
    }

    private func computeSelectingIndices(of endpoint: NetworkEndpoint) -> [Int] {
        guard let namespace = endpoint.namespace else { return [] }
        var candidates = (unanchoredPolicies[namespace] ?? []) + clusterwidePolicies
        let anchored = anchoredPolicies[namespace]
        let keyed = keyedPolicies[namespace]
        if anchored != nil || keyed != nil {
            for (key, value) in endpoint.labels {
                if let found = anchored?[LabelPair(key: key, value: value)] { candidates += found }
                if let found = keyed?[key] { candidates += found }
            }
        }
        return candidates.filter { selects(policies[$0], endpoint) }.sorted()
    }

    /// Whether a policy selects a pod.
    public func selects(_ policy: NetworkPolicy, _ endpoint: NetworkEndpoint) -> Bool {
        guard let namespace = endpoint.namespace else { return false }
        if let policyNamespace = policy.namespace, policyNamespace != namespace { return false }
        switch policy.selector {
        case .pods(let selector): return selector.matches(endpoint.labels)
        case .cilium(let selector): return selector.matches(ciliumLabels(of: endpoint))
        }
    }

    /// Whether a pod is isolated for a direction (some selecting policy has that policy type).
    public func isIsolated(_ endpoint: NetworkEndpoint, _ direction: NetworkPolicyRule.Direction) -> Bool {
        selectingIndices(of: endpoint).contains { policies[$0].isolates(direction) }
    }

    /// Whether a peer of `policy` stands for `endpoint`.
    public func matches(_ peer: NetworkPolicyPeer, _ endpoint: NetworkEndpoint, policy: NetworkPolicy) -> Bool {
        switch peer.match {
        case .pods(let pods, let namespaces):
            guard let namespace = endpoint.namespace else { return false }
            if let namespaces {
                guard namespaces.matches(namespaceLabels(namespace)) else { return false }
            } else if namespace != policy.namespace {
                return false
            }
            return pods?.matches(endpoint.labels) ?? true
        case .ipBlock(let cidr, let except):
            guard !endpoint.isPod, let address = endpoint.address else { return false }
            return cidr.contains(address) && !except.contains { $0.contains(address) }
        case .ciliumEndpoints(let selector, let namespace):
            guard let podNamespace = endpoint.namespace else { return false }
            if let namespace, namespace != podNamespace { return false }
            return selector.matches(ciliumLabels(of: endpoint))
        case .entity(let entity):
            switch entity {
            case .all: return true
            case .cluster: return endpoint.isPod
            case .world: return !endpoint.isPod
            case .worldIPv4: return !endpoint.isPod && endpoint.address?.family == .v4
            case .worldIPv6: return !endpoint.isPod && endpoint.address?.family == .v6
            default: return false
            }
        case .unmatchable, .unevaluated:
            return false
        }
    }

    /// The labels Cilium matches on: the pod's, its namespace (`io.kubernetes.pod.namespace`), the
    /// namespace's labels (`io.cilium.k8s.namespace.labels.*`) and its ServiceAccount.
    public func ciliumLabels(of endpoint: NetworkEndpoint) -> [String: String] {
        guard let namespace = endpoint.namespace else { return [:] }
        var labels = endpoint.labels
        labels[NetworkPolicy.ciliumNamespaceKey] = namespace
        labels["io.cilium.k8s.policy.serviceaccount"] = endpoint.serviceAccount ?? "default"
        labels["io.cilium.k8s.policy.cluster"] = labels["io.cilium.k8s.policy.cluster"] ?? "default"
        for (key, value) in namespaceLabels(namespace) {
            labels["io.cilium.k8s.namespace.labels.\(key)"] = value
        }
        return labels
    }

    // MARK: - Evaluation

    /// What one direction allows: `subject` is the pod whose policies apply (the source for
    /// egress, the destination for ingress), `peer` the other side.
    struct DirectionPorts: Sendable {
        var applies: Bool
        var isolating: [Int] = []
        /// Allowed ports per selecting policy with a matching allow rule.
        var allowedBy: [(policy: Int, ports: PortSet)] = []
        /// Denied ports per policy with a matching deny rule (Cilium).
        var deniedBy: [(policy: Int, ports: PortSet)] = []
        var allowed: PortSet = .all
    }

    func evaluate(_ direction: NetworkPolicyRule.Direction, subject: NetworkEndpoint, peer: NetworkEndpoint,
                  selecting: [Int]? = nil) -> DirectionPorts {
        guard subject.isPod else { return DirectionPorts(applies: false) }
        // Hypothetical pods are not cached: their id does not carry their ports and ServiceAccount.
        if direction == .egress, selecting == nil, subject.kind == .workload || subject.kind == .dns, peer.kind != .pod,
           let group = selectionGroups[subject.id] {
            let key = EgressKey(group: group, peer: peer.id, peerKind: peer.kind)
            return egressCache.value(key) { computeEvaluation(direction, subject: subject, peer: peer, selecting: nil) }
        }
        return computeEvaluation(direction, subject: subject, peer: peer, selecting: selecting)
    }

    private func computeEvaluation(_ direction: NetworkPolicyRule.Direction, subject: NetworkEndpoint, peer: NetworkEndpoint,
                                   selecting: [Int]?) -> DirectionPorts {
        let destination = direction == .egress ? peer : subject
        var result = DirectionPorts(applies: true)
        var union = PortSet()
        var denied = PortSet()
        var steps = 1
        defer { evaluationCounter.add(steps) }
        for position in selecting ?? selectingIndices(of: subject) {
            let policy = policies[position]
            if policy.isolates(direction) { result.isolating.append(position) }
            var allows = PortSet()
            var denies = PortSet()
            for rule in policy.rules(direction) {
                steps += 1
                guard rule.peers?.contains(where: { matches($0, peer, policy: policy) }) ?? true else { continue }
                steps += rule.ports?.count ?? 1
                let ports = rule.ports(towards: destination)
                if rule.isDeny { denies.formUnion(ports) } else { allows.formUnion(ports) }
            }
            if !allows.isEmpty { result.allowedBy.append((position, allows)) }
            if !denies.isEmpty { result.deniedBy.append((position, denies)) }
            union.formUnion(allows)
            denied.formUnion(denies)
        }
        result.allowed = (result.isolating.isEmpty ? .all : union).subtracting(denied)
        return result
    }

    /// Every port on which `source` can open connections to `destination`.
    public func allowedPorts(from source: NetworkEndpoint, to destination: NetworkEndpoint) -> PortSet {
        evaluate(.egress, subject: source, peer: destination).allowed
            .intersection(evaluate(.ingress, subject: destination, peer: source).allowed)
    }

    /// Answers "can `source` open a connection to `destination` on `port`/`protocol`?" with the
    /// policies that decide. `port` nil asks about any port (of `protocol`, when given).
    /// Whether `source` can connect to `destination` on `port`/`protocol`: `check(…).allowed`
    /// without building the explanation (what rules ask for every workload).
    public func isAllowed(from source: NetworkEndpoint, to destination: NetworkEndpoint, port: Int, protocol proto: NetworkProtocol) -> Bool {
        let egress = evaluate(.egress, subject: source, peer: destination)
        guard egress.allowed.contains(proto, port) else { return false }
        return evaluate(.ingress, subject: destination, peer: source).allowed.contains(proto, port)
    }

    /// The names of the policies that let `source` send to `destination` on `port`/`protocol`
    /// (what `check(…).egress.allowingPolicies` says, without the rest of the explanation).
    public func egressAllowingPolicies(from source: NetworkEndpoint, to destination: NetworkEndpoint, port: Int,
                                       protocol proto: NetworkProtocol) -> [String] {
        evaluate(.egress, subject: source, peer: destination).allowedBy
            .filter { $0.ports.contains(proto, port) }.map { policies[$0.policy].name }
    }

    public func check(from source: NetworkEndpoint, to destination: NetworkEndpoint, port: Int? = nil,
                      protocol proto: NetworkProtocol? = nil) -> ReachabilityVerdict {
        check(from: source, to: destination, queries: [(port, proto)])[0]
    }

    /// `check(from:to:port:protocol:)` for several ports of one pair, each direction evaluated
    /// once: `netpol generate` asks about every port of a model server, which may be thousands.
    public func check(from source: NetworkEndpoint, to destination: NetworkEndpoint,
                      queries: [(port: Int?, protocol: NetworkProtocol?)]) -> [ReachabilityVerdict] {
        let egress = evaluate(.egress, subject: source, peer: destination)
        let ingress = evaluate(.ingress, subject: destination, peer: source)
        let combined = egress.allowed.intersection(ingress.allowed)
        let note = ipBlockNote(egress: egress, ingress: ingress, source: source, destination: destination)
        return queries.map { port, proto in
            verdict(from: source, to: destination, port: port, protocol: proto, egress: egress, ingress: ingress, combined: combined,
                    ipBlockNote: note)
        }
    }

    private func verdict(from source: NetworkEndpoint, to destination: NetworkEndpoint, port: Int?, protocol proto: NetworkProtocol?,
                         egress: DirectionPorts, ingress: DirectionPorts, combined: PortSet, ipBlockNote: String?) -> ReachabilityVerdict {
        let query = ReachabilityVerdict.Query(port: port, proto: port == nil ? proto : (proto ?? .tcp))
        func permits(_ ports: PortSet) -> Bool {
            switch (query.port, query.proto) {
            case (let port?, let proto?): ports.contains(proto, port)
            case (nil, let proto?): ports.contains(proto)
            default: !ports.isEmpty
            }
        }
        let egressVerdict = directionVerdict(.egress, egress, permits: permits)
        let ingressVerdict = directionVerdict(.ingress, ingress, permits: permits)
        let allowed = permits(combined)
        let reason = ReachabilityVerdict.explain(
            allowed: allowed, source: source, destination: destination, query: query, egress: egressVerdict, ingress: ingressVerdict,
            combined: combined, ipBlockNote: ipBlockNote)
        return ReachabilityVerdict(from: source, to: destination, query: query, allowed: allowed, reason: reason,
                                   egress: egressVerdict, ingress: ingressVerdict, ports: combined)
    }

    func directionVerdict(_ direction: NetworkPolicyRule.Direction, _ ports: DirectionPorts, permits: (PortSet) -> Bool) -> DirectionVerdict {
        let allowing = ports.allowedBy.filter { permits($0.ports) }.map { policies[$0.policy].name }
        let denying = ports.deniedBy.filter { permits($0.ports) }.map { policies[$0.policy].name }
        return DirectionVerdict(
            direction: direction, applies: ports.applies, isolated: !ports.isolating.isEmpty, allowed: permits(ports.allowed),
            isolatingPolicies: ports.isolating.map { policies[$0].name }, allowingPolicies: allowing, denyingPolicies: denying,
            ports: ports.allowed)
    }

    /// A hint when a denial involves a pod and ipBlock peers that might have been meant for it.
    func ipBlockNote(egress: DirectionPorts, ingress: DirectionPorts, source: NetworkEndpoint, destination: NetworkEndpoint) -> String? {
        func hasIPBlock(_ positions: [Int], _ direction: NetworkPolicyRule.Direction) -> Bool {
            positions.contains { position in
                policies[position].rules(direction).contains { rule in
                    rule.peers?.contains { if case .ipBlock = $0.match { return true } else { return false } } ?? false
                }
            }
        }
        if destination.isPod, hasIPBlock(egress.isolating, .egress) || source.isPod && hasIPBlock(ingress.isolating, .ingress) {
            return "ipBlock peers never match pods: Kubernetes meant them for addresses outside the cluster, and whether pod IPs match is up to the network plugin"
        }
        return nil
    }
}

/// What identifies an egress evaluation shared between workloads (see `NetworkReachability.evaluate`).
struct EgressKey: Hashable, Sendable {
    let group: Int
    let peer: String
    let peerKind: NetworkEndpoint.Kind
}

/// A `key=value` label.
struct LabelPair: Hashable, Sendable {
    let key: String
    let value: String
}
