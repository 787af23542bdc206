import BulwarkCore
import Synchronization

/// The reachability matrix computed per class of endpoints instead of per pair of endpoints.
///
/// What a direction allows depends on few things, each shared by many endpoints:
/// - the *subject key*: the policies that select the pod and concern the direction (its egress
///   for a source, its ingress for a destination); an endpoint outside the cluster has none and
///   is open;
/// - the *signature* of the other side: which peers of the policies (deduplicated across
///   policies, e.g. "pods `tier=db` of namespace `shop`") match it;
/// - the destination's *port profile*: its container ports with a name that some rule uses.
///
/// A rule with peers only matches endpoints whose signature holds one of them, so for a source the
/// destinations fall in two parts. Those that one of the source's egress peers matches, or whose
/// ingress peers match the source, are found through reverse indexes and evaluated one by one,
/// with memoised evaluations per (subject key, signature, profile). Every other destination gets
/// the *default* answer, the one for an empty signature, which depends only on the source's egress
/// key and on the destination's default group (its default ingress ports, port profile, and
/// whether it is a pod): one intersection per group. A row therefore costs its related
/// destinations, the groups and the destinations it reaches, not the number of destinations.
///
/// Peers are matched against the endpoints through label indexes (pods by namespace and label,
/// namespaces by label, Cilium identities by label, outside addresses by prefix), so that building
/// the classes costs the peers' candidates rather than peers × endpoints.
final class ReachabilityClasses: Sendable {
    typealias Direction = NetworkPolicyRule.Direction

    /// One peer of some policy, up to what decides its matches.
    enum PeerKey: Hashable, Sendable {
        /// `namespace` is the policy's, when there is no namespace selector.
        case pods(pods: LabelSelector?, namespaces: LabelSelector?, namespace: String?)
        case ipBlock(CIDR, except: [CIDR])
        case cilium(LabelSelector, namespace: String?)
        case entity(String)
        case nothing
    }

    /// Destinations that get the same default answer.
    struct DefaultGroup: Sendable {
        /// What the destinations' ingress allows from an endpoint that no ingress peer matches.
        let ports: PortSet
        let profile: Int
        let isPod: Bool
        /// Positions in `destinations`, ascending.
        let members: [Int]
    }

    /// Reusable space for computing rows one after the other.
    struct RowScratch {
        var marks: [Int] = []
        var generation = 0
    }

    let network: NetworkReachability
    let sources: [NetworkEndpoint]
    let destinations: [NetworkEndpoint]
    let evaluator: Evaluator

    /// Egress subject key of each source (-1: outside the cluster) and its signature.
    let sourceEgress: [Int]
    let sourceSignature: [Int]
    /// Ingress subject key of each destination (-1: outside the cluster), signature and port profile.
    let destinationIngress: [Int]
    let destinationSignature: [Int]
    let destinationProfile: [Int]
    /// Positions in `destinations` of the pods.
    let podDestinations: [Int]
    /// The class of each source: sources with the same egress key, signature and kind have the same row.
    let sourceClass: [Int]

    /// Per peer, the destinations it matches (ascending).
    private let destinationsByPeer: [[Int]]
    /// Per peer, the ingress subject keys whose rules name it.
    private let ingressSubjectsByPeer: [[Int]]
    /// Per ingress subject key, the destinations that have it.
    private let destinationsByIngressSubject: [[Int]]
    let groups: [DefaultGroup]

    init(_ network: NetworkReachability, sources: [NetworkEndpoint], destinations: [NetworkEndpoint]) {
        self.network = network
        self.sources = sources
        self.destinations = destinations
        let policies = network.policies
        var work = 0

        // Peers, numbered by what decides their matches; rules with peer numbers.
        var peerNumbers: [PeerKey: Int] = [:]
        var peerSamples: [(peer: NetworkPolicyPeer, policy: NetworkPolicy)] = []
        var peerKeys: [PeerKey] = []
        var usedPortNames: Set<String> = []
        var rules: [[[Evaluator.Rule]]] = [[], []]
        for direction in [Direction.ingress, .egress] {
            rules[Evaluator.slot(direction)] = policies.map { policy in
                policy.rules(direction).map { rule in
                    let peers = rule.peers.map { list in
                        Set(list.map { peer -> Int in
                            let key = Self.key(of: peer, in: policy)
                            if let number = peerNumbers[key] { return number }
                            peerNumbers[key] = peerKeys.count
                            peerKeys.append(key)
                            peerSamples.append((peer, policy))
                            return peerKeys.count - 1
                        }).sorted()
                    }
                    var named = false
                    for port in rule.ports ?? [] {
                        if case .name(let name)? = port.port {
                            usedPortNames.insert(name)
                            named = true
                        }
                    }
                    work += 1 + (rule.peers?.count ?? 0)
                    // Without named ports, the ports do not depend on the destination.
                    return Evaluator.Rule(rule: rule, peers: peers, fixedPorts: named ? nil : rule.ports(towards: .internet))
                }
            }
        }

        // The distinct endpoints of both lists, and the peers that match each.
        var unique: [NetworkEndpoint] = []
        var uniqueNumber: [NetworkEndpoint: Int] = [:]
        func number(_ endpoint: NetworkEndpoint) -> Int {
            if let known = uniqueNumber[endpoint] { return known }
            uniqueNumber[endpoint] = unique.count
            unique.append(endpoint)
            return unique.count - 1
        }
        let sourceUnique = sources.map(number)
        let destinationUnique = destinations.map(number)
        let members = Self.members(of: peerKeys, samples: peerSamples, endpoints: unique, network: network, work: &work)
        var uniqueSignatures = [[Int]](repeating: [], count: unique.count)
        for (peer, list) in members.enumerated() {
            for endpoint in list { uniqueSignatures[endpoint].append(peer) }
            work += list.count
        }
        var signatureNumbers: [[Int]: Int] = [[]: 0]
        var signatures: [[Int]] = [[]]
        let uniqueSignature = uniqueSignatures.map { signature -> Int in
            if let known = signatureNumbers[signature] { return known }
            signatureNumbers[signature] = signatures.count
            signatures.append(signature)
            return signatures.count - 1
        }
        let sourceSignature = sourceUnique.map { uniqueSignature[$0] }
        self.sourceSignature = sourceSignature
        destinationSignature = destinationUnique.map { uniqueSignature[$0] }

        // Port profiles: the named container ports that some rule uses.
        var profileNumbers: [[ProfileEntry]: Int] = [[]: 0]
        var profiles: [NetworkEndpoint] = [.internet]
        destinationProfile = destinations.map { endpoint in
            guard !usedPortNames.isEmpty else { return 0 }
            let entries = endpoint.ports.compactMap { port -> ProfileEntry? in
                guard let name = port.name, usedPortNames.contains(name) else { return nil }
                return ProfileEntry(name: name, proto: port.proto, port: port.port)
            }.sorted { ($0.name, $0.proto.rawValue, $0.port) < ($1.name, $1.proto.rawValue, $1.port) }
            if let known = profileNumbers[entries] { return known }
            profileNumbers[entries] = profiles.count
            profiles.append(endpoint)
            return profiles.count - 1
        }

        // Subject keys: the selecting policies that concern the direction.
        var subjects: [[[Int]]] = [[], []]
        var subjectNumbers: [[[Int]: Int]] = [[:], [:]]
        func subject(_ endpoint: NetworkEndpoint, _ direction: Direction) -> Int {
            guard endpoint.isPod else { return -1 }
            let slot = Evaluator.slot(direction)
            let selecting = network.selectingIndices(of: endpoint).filter {
                policies[$0].isolates(direction) || !policies[$0].rules(direction).isEmpty
            }
            work += 1 + selecting.count
            if let known = subjectNumbers[slot][selecting] { return known }
            subjectNumbers[slot][selecting] = subjects[slot].count
            subjects[slot].append(selecting)
            return subjects[slot].count - 1
        }
        let sourceEgress = sources.map { subject($0, .egress) }
        self.sourceEgress = sourceEgress
        destinationIngress = destinations.map { subject($0, .ingress) }
        var classNumbers: [[Int]: Int] = [:]
        sourceClass = sources.indices.map { position in
            let key = [sourceEgress[position], sourceSignature[position], sources[position].isPod ? 1 : 0]
            if let known = classNumbers[key] { return known }
            classNumbers[key] = classNumbers.count
            return classNumbers.count - 1
        }
        let evaluator = Evaluator(policies: policies, rules: rules, subjects: subjects, signatures: signatures, profiles: profiles)
        self.evaluator = evaluator

        // Reverse indexes.
        var destinationsByPeer = [[Int]](repeating: [], count: peerKeys.count)
        for (position, signature) in destinationSignature.enumerated() {
            for peer in signatures[signature] { destinationsByPeer[peer].append(position) }
        }
        self.destinationsByPeer = destinationsByPeer
        var ingressSubjectsByPeer = [[Int]](repeating: [], count: peerKeys.count)
        for key in subjects[Evaluator.slot(.ingress)].indices {
            let peers = evaluator.peers(.ingress, subject: key)
            for peer in peers { ingressSubjectsByPeer[peer].append(key) }
            work += peers.count
        }
        self.ingressSubjectsByPeer = ingressSubjectsByPeer
        var destinationsByIngressSubject = [[Int]](repeating: [], count: subjects[Evaluator.slot(.ingress)].count)
        for (position, key) in destinationIngress.enumerated() where key >= 0 {
            destinationsByIngressSubject[key].append(position)
        }
        self.destinationsByIngressSubject = destinationsByIngressSubject
        podDestinations = destinations.indices.filter { destinations[$0].isPod }

        // Default groups.
        var groupNumbers: [GroupKey: Int] = [:]
        var groupMembers: [[Int]] = []
        var groupKeys: [GroupKey] = []
        for position in destinations.indices {
            let profile = destinationProfile[position]
            let ports = evaluator.evaluate(.ingress, subject: destinationIngress[position], signature: 0, profile: profile)
            let group = GroupKey(ports: ports, profile: profile, isPod: destinations[position].isPod)
            if let known = groupNumbers[group] {
                groupMembers[known].append(position)
            } else {
                groupNumbers[group] = groupKeys.count
                groupKeys.append(group)
                groupMembers.append([position])
            }
        }
        groups = zip(groupKeys, groupMembers).map { key, members in
            DefaultGroup(ports: key.ports, profile: key.profile, isPod: key.isPod, members: members)
        }
        evaluator.count(work + destinations.count)
    }

    /// Steps taken so far: index candidates, signature entries, rules looked at by evaluations,
    /// related destinations and groups visited by rows. Tests hold it to the growth of the input;
    /// it is no clock.
    var work: Int { evaluator.work }

    // MARK: - Cells and rows

    /// Every port `sources[source]` can open to `destinations[destination]`; nil when neither is a
    /// pod (the pair is not part of the matrix).
    func ports(from source: Int, to destination: Int) -> PortSet? {
        guard sources[source].isPod || destinations[destination].isPod else { return nil }
        return cell(source, destination)
    }

    private func cell(_ source: Int, _ destination: Int) -> PortSet {
        let profile = destinationProfile[destination]
        let egress = evaluator.evaluate(.egress, subject: sourceEgress[source], signature: destinationSignature[destination], profile: profile)
        guard !egress.isEmpty else { return egress }
        let ingress = evaluator.evaluate(.ingress, subject: destinationIngress[destination], signature: sourceSignature[source],
                                         profile: profile)
        return egress.intersection(ingress)
    }

    /// The destinations a source reaches, ascending, with their ports, and the number of
    /// destinations in its row (only the pods, for a source outside the cluster).
    func row(_ source: Int, scratch: inout RowScratch) -> (reached: [(destination: Int, ports: PortSet)], count: Int) {
        if scratch.marks.count != destinations.count { scratch.marks = [Int](repeating: -1, count: destinations.count) }
        scratch.generation += 1
        let stamp = scratch.generation
        let isPod = sources[source].isPod
        var related: [Int] = []
        var steps = 1
        func relate(_ destination: Int) {
            steps += 1
            if scratch.marks[destination] != stamp {
                scratch.marks[destination] = stamp
                related.append(destination)
            }
        }
        let egressKey = sourceEgress[source]
        if egressKey >= 0 {
            for peer in evaluator.peers(.egress, subject: egressKey) {
                for destination in destinationsByPeer[peer] { relate(destination) }
            }
        }
        for peer in evaluator.signature(sourceSignature[source]) {
            for key in ingressSubjectsByPeer[peer] {
                for destination in destinationsByIngressSubject[key] { relate(destination) }
            }
        }
        var reached: [(destination: Int, ports: PortSet)] = []
        for destination in related where isPod || destinations[destination].isPod {
            let ports = cell(source, destination)
            if !ports.isEmpty { reached.append((destination, ports)) }
        }
        for group in groups where isPod || group.isPod {
            steps += 1
            let ports = evaluator.evaluate(.egress, subject: egressKey, signature: 0, profile: group.profile).intersection(group.ports)
            guard !ports.isEmpty else { continue }
            for destination in group.members where scratch.marks[destination] != stamp {
                reached.append((destination, ports))
            }
            steps += group.members.count
        }
        reached.sort { $0.destination < $1.destination }
        evaluator.count(steps)
        return (reached, isPod ? destinations.count : podDestinations.count)
    }

    // MARK: - Peers

    static func key(of peer: NetworkPolicyPeer, in policy: NetworkPolicy) -> PeerKey {
        switch peer.match {
        case .pods(let pods, let namespaces):
            return .pods(pods: pods, namespaces: namespaces, namespace: namespaces == nil ? policy.namespace : nil)
        case .ipBlock(let cidr, let except):
            return .ipBlock(cidr, except: except)
        case .ciliumEndpoints(let selector, let namespace):
            return .cilium(selector, namespace: namespace)
        case .entity(let entity):
            return .entity(entity.rawValue)
        case .unmatchable, .unevaluated:
            return .nothing
        }
    }

    /// For each peer, the endpoints it matches (ascending). Candidates come from indexes and are
    /// confirmed with `NetworkReachability.matches`, which stays the one definition of a match.
    static func members(of keys: [PeerKey], samples: [(peer: NetworkPolicyPeer, policy: NetworkPolicy)], endpoints: [NetworkEndpoint],
                        network: NetworkReachability, work: inout Int) -> [[Int]] {
        var podsByNamespace: [String: [Int]] = [:]
        var podIndexes: [String: LabelIndex] = [:]
        var podIndex = LabelIndex()
        var outsideByPrefix: [CIDR: [Int]] = [:]
        let hasIPBlocks = keys.contains { if case .ipBlock = $0 { true } else { false } }
        for (position, endpoint) in endpoints.enumerated() {
            if let namespace = endpoint.namespace {
                podsByNamespace[namespace, default: []].append(position)
                podIndexes[namespace, default: LabelIndex()].add(position, labels: endpoint.labels)
                podIndex.add(position, labels: endpoint.labels)
            } else if hasIPBlocks, let address = endpoint.address {
                // Every prefix of the address, so that an ipBlock finds the addresses it contains by lookup.
                for length in 0...address.family.bitCount {
                    outsideByPrefix[CIDR(network: address, prefixLength: length), default: []].append(position)
                }
            }
            work += 1 + endpoint.labels.count
        }
        let namespaces = podsByNamespace.keys.sorted()
        var namespaceIndex = LabelIndex()
        for (position, namespace) in namespaces.enumerated() {
            namespaceIndex.add(position, labels: network.namespaceLabels(namespace))
        }
        let pods = endpoints.indices.filter { endpoints[$0].isPod }
        var ciliumIndex: LabelIndex?

        return keys.enumerated().map { number, key in
            let (peer, policy) = samples[number]
            var candidates: [Int]
            switch key {
            case .pods(let podSelector, let namespaceSelector, let namespace):
                var inNamespaces: [String]
                if let namespaceSelector {
                    let found = namespaceIndex.candidates(namespaceSelector).map { $0.map { namespaces[$0] } } ?? namespaces
                    work += found.count
                    inNamespaces = found.filter { namespaceSelector.matches(network.namespaceLabels($0)) }
                } else {
                    inNamespaces = namespace.map { [$0] } ?? []
                }
                if let podSelector, let anywhere = podIndex.candidates(podSelector), anywhere.count < inNamespaces.count {
                    // Few pods carry the label: cheaper than looking in every matching namespace.
                    let allowed = Set(inNamespaces)
                    candidates = anywhere.filter { endpoints[$0].namespace.map(allowed.contains) ?? false }
                    work += anywhere.count
                } else {
                    candidates = inNamespaces.flatMap { namespace in
                        podSelector.flatMap { podIndexes[namespace]?.candidates($0) } ?? podsByNamespace[namespace] ?? []
                    }
                    if inNamespaces.count > 1 { candidates.sort() }
                    work += inNamespaces.count
                }
            case .ipBlock(let cidr, _):
                candidates = outsideByPrefix[cidr] ?? []
            case .cilium(let selector, let namespace):
                if ciliumIndex == nil {
                    var index = LabelIndex()
                    for position in pods { index.add(position, labels: network.ciliumLabels(of: endpoints[position])) }
                    ciliumIndex = index
                    work += pods.count
                }
                candidates = ciliumIndex?.candidates(selector) ?? namespace.flatMap { podsByNamespace[$0] } ?? pods
            case .entity:
                candidates = Array(endpoints.indices)
            case .nothing:
                candidates = []
            }
            work += candidates.count
            return candidates.filter { network.matches(peer, endpoints[$0], policy: policy) }
        }
    }

    private struct GroupKey: Hashable {
        let ports: PortSet
        let profile: Int
        let isPod: Bool
    }

    private struct ProfileEntry: Hashable {
        let name: String
        let proto: NetworkProtocol
        let port: Int
    }
}

extension ReachabilityClasses {
    /// What one direction allows, per (subject key, signature of the other side, port profile of
    /// the destination), memoised; the same semantics as `NetworkReachability.evaluate`.
    final class Evaluator: Sendable {
        /// A rule whose peers are peer numbers.
        struct Rule: Sendable {
            let rule: NetworkPolicyRule
            /// Ascending peer numbers; nil = every peer.
            let peers: [Int]?
            /// The ports, when they name no port (so they do not depend on the destination).
            let fixedPorts: PortSet?
        }

        struct Key: Hashable, Sendable {
            let direction: Direction
            let subject: Int
            let signature: Int
            let profile: Int
        }

        struct NamedPortsKey: Hashable, Sendable {
            let direction: Direction
            let policy: Int
            let rule: Int
            let profile: Int
        }

        private let policies: [NetworkPolicy]
        /// Per direction slot and policy, its rules.
        private let rules: [[[Rule]]]
        /// Per direction slot, the subject keys (ascending policy positions).
        private let subjects: [[[Int]]]
        /// Per direction slot and subject key, the peers its rules name (ascending).
        private let subjectPeers: [[[Int]]]
        /// Interned signatures; number 0 is the empty one.
        private let signatures: [[Int]]
        /// A destination with each port profile (named ports resolve against it).
        private let profiles: [NetworkEndpoint]
        private let cache = Mutex<[Key: PortSet]>([:])
        private let namedPorts = Mutex<[NamedPortsKey: PortSet]>([:])
        private let counter = WorkCounter()

        init(policies: [NetworkPolicy], rules: [[[Rule]]], subjects: [[[Int]]], signatures: [[Int]], profiles: [NetworkEndpoint]) {
            self.policies = policies
            self.rules = rules
            self.subjects = subjects
            self.signatures = signatures
            self.profiles = profiles
            subjectPeers = (0..<2).map { slot in
                subjects[slot].map { selecting in
                    Set(selecting.flatMap { policy in rules[slot][policy].flatMap { $0.peers ?? [] } }).sorted()
                }
            }
        }

        static func slot(_ direction: Direction) -> Int { direction == .ingress ? 0 : 1 }

        var work: Int { counter.total }

        func count(_ steps: Int) {
            counter.add(steps)
        }

        func peers(_ direction: Direction, subject: Int) -> [Int] {
            subjectPeers[Self.slot(direction)][subject]
        }

        func signature(_ number: Int) -> [Int] {
            signatures[number]
        }

        /// What a direction allows: `subject` is the subject key (-1: outside the cluster, so
        /// open), `signature` the other side's, `profile` the destination's.
        func evaluate(_ direction: Direction, subject: Int, signature: Int, profile: Int) -> PortSet {
            guard subject >= 0 else { return .all }
            let key = Key(direction: direction, subject: subject, signature: signature, profile: profile)
            if let known = cache.withLock({ $0[key] }) { return known }
            let slot = Self.slot(direction)
            let matched = signatures[signature]
            var isolated = false
            var allowed = PortSet()
            var denied = PortSet()
            var steps = 1
            for policy in subjects[slot][subject] {
                if policies[policy].isolates(direction) { isolated = true }
                for (position, rule) in rules[slot][policy].enumerated() {
                    steps += 1
                    if let peers = rule.peers, !peers.contains(where: { Self.contains(matched, $0) }) { continue }
                    let ports = rule.fixedPorts ?? namedPorts.withLock { known in
                        let key = NamedPortsKey(direction: direction, policy: policy, rule: position, profile: profile)
                        if let ports = known[key] { return ports }
                        let ports = rule.rule.ports(towards: profiles[profile])
                        known[key] = ports
                        return ports
                    }
                    if rule.rule.isDeny { denied.formUnion(ports) } else { allowed.formUnion(ports) }
                }
            }
            let result = (isolated ? allowed : .all).subtracting(denied)
            count(steps)
            cache.withLock { $0[key] = result }
            return result
        }

        /// Whether an ascending list holds a number.
        static func contains(_ list: [Int], _ value: Int) -> Bool {
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low < list.count && list[low] == value
        }
    }
}
