import BulwarkCore

extension NetworkPolicy {
    /// The Cilium label that carries a pod's namespace.
    static let ciliumNamespaceKey = "io.kubernetes.pod.namespace"

    /// Reads the L3/L4 part of a cilium.io/v2 CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy
    /// (`spec` and every item of `specs`), with Cilium's semantics: a rule section (or deny section)
    /// with at least one rule puts the selected endpoints into default deny for that direction
    /// (unless `enableDefaultDeny` says otherwise); `fromEndpoints`/`toEndpoints` select endpoints of
    /// the policy's namespace unless they name `io.kubernetes.pod.namespace`; a rule with `toPorts`
    /// but no L3 selector allows every peer on those ports; an empty rule (`- {}`) allows nothing;
    /// deny rules win over allow rules. `toFQDNs`, `toServices`, `fromRequires` and L7 rules are
    /// not evaluated (L7 rules are read as their L4 ports).
    public static func cilium(_ object: KubeObject) -> [NetworkPolicy] {
        let clusterwide = object.kind == "CiliumClusterwideNetworkPolicy"
        var specs: [(YAMLNode, String)] = []
        if let spec = object.root["spec"], spec.isMapping { specs.append((spec, "spec")) }
        for (position, spec) in (object.root["specs"]?.items ?? []).enumerated() where spec.isMapping {
            specs.append((spec, "specs[\(position)]"))
        }
        return specs.enumerated().compactMap { number, entry in
            ciliumRule(entry.0, path: entry.1, object: object, clusterwide: clusterwide, specIndex: specs.count > 1 ? number : nil)
        }
    }

    static func ciliumRule(_ spec: YAMLNode, path: String, object: KubeObject, clusterwide: Bool, specIndex: Int? = nil) -> NetworkPolicy? {
        // Host policies (nodeSelector) apply to nodes, not pods.
        guard spec["nodeSelector"] == nil || spec["endpointSelector"] != nil else { return nil }
        let namespace = clusterwide ? nil : (object.effectiveNamespace ?? "default")
        let selectorNode = spec["endpointSelector"]
        let selector = selectorNode.map(ciliumSelector) ?? LabelSelector(matchLabels: [:], requirements: [
            LabelSelector.Requirement(key: "bulwark.dev/no-endpoint-selector", op: .exists),
        ])
        func rules(_ direction: NetworkPolicyRule.Direction, deny: Bool) -> [NetworkPolicyRule] {
            let key = direction.rawValue + (deny ? "Deny" : "")
            return (spec[key]?.items ?? []).enumerated().map { position, item in
                ciliumRuleEntry(item, direction: direction, deny: deny, path: "\(path).\(key)[\(position)]",
                                namespace: namespace)
            }
        }
        let ingress = rules(.ingress, deny: false) + rules(.ingress, deny: true)
        let egress = rules(.egress, deny: false) + rules(.egress, deny: true)
        let defaultDeny = spec["enableDefaultDeny"]
        return NetworkPolicy(
            object: object, flavor: clusterwide ? .ciliumClusterwide : .cilium, namespace: namespace, selector: .cilium(selector),
            selectorNode: selectorNode, selectorPath: "\(path).endpointSelector",
            isolatesIngress: defaultDeny?["ingress"]?.bool ?? !ingress.isEmpty,
            isolatesEgress: defaultDeny?["egress"]?.bool ?? !egress.isEmpty,
            ingress: ingress, egress: egress, specIndex: specIndex)
    }

    static func ciliumRuleEntry(_ item: YAMLNode, direction: NetworkPolicyRule.Direction, deny: Bool, path: String,
                                namespace: String?) -> NetworkPolicyRule {
        let prefix = direction == .ingress ? "from" : "to"
        var peers: [NetworkPolicyPeer] = []
        var hasL3 = false
        for (index, node) in (item["\(prefix)Endpoints"]?.items ?? []).enumerated() {
            hasL3 = true
            let selector = ciliumSelector(node)
            let restricted = mentionsNamespace(selector) ? nil : namespace
            peers.append(NetworkPolicyPeer(match: .ciliumEndpoints(selector, namespace: restricted), node: node,
                                           path: "\(path).\(prefix)Endpoints[\(index)]"))
        }
        for (index, node) in (item["\(prefix)CIDR"]?.items ?? []).enumerated() {
            hasL3 = true
            let match: NetworkPolicyPeer.Match = node.string.flatMap(CIDR.init).map { .ipBlock(cidr: $0, except: []) }
                ?? .unmatchable("invalid CIDR \(node.scalar ?? "")")
            peers.append(NetworkPolicyPeer(match: match, node: node, path: "\(path).\(prefix)CIDR[\(index)]"))
        }
        for (index, node) in (item["\(prefix)CIDRSet"]?.items ?? []).enumerated() {
            hasL3 = true
            let except = (node["except"]?.items ?? []).compactMap { $0.string.flatMap(CIDR.init) }
            let match: NetworkPolicyPeer.Match = node["cidr"]?.string.flatMap(CIDR.init).map { .ipBlock(cidr: $0, except: except) }
                ?? (node["cidrGroupRef"] != nil ? .unevaluated("cidrGroupRef (CiliumCIDRGroups are not evaluated)") : .unmatchable("CIDR set without a valid cidr"))
            peers.append(NetworkPolicyPeer(match: match, node: node, path: "\(path).\(prefix)CIDRSet[\(index)]"))
        }
        for (index, node) in (item["\(prefix)Entities"]?.items ?? []).enumerated() {
            hasL3 = true
            let text = node.string ?? ""
            let match: NetworkPolicyPeer.Match = CiliumEntity(rawValue: text).map { .entity($0) } ?? .unmatchable("unknown entity \(text)")
            peers.append(NetworkPolicyPeer(match: match, node: node, path: "\(path).\(prefix)Entities[\(index)]"))
        }
        for key in ["FQDNs", "Services", "Groups", "Nodes", "Requires"] {
            guard let node = item["\(prefix)\(key)"], !node.items.isEmpty else { continue }
            hasL3 = true
            peers.append(NetworkPolicyPeer(match: .unevaluated("\(prefix)\(key) (not evaluated by Bulwark)"), node: node,
                                           path: "\(path).\(prefix)\(key)"))
        }
        var ports: [NetworkPolicyPort]?
        let toPorts = item["toPorts"]?.items ?? []
        if !toPorts.isEmpty {
            var list: [NetworkPolicyPort] = []
            for entry in toPorts {
                let entries = entry["ports"]?.items ?? []
                if entries.isEmpty { list.append(NetworkPolicyPort(proto: nil, port: nil, node: entry)) }
                for port in entries { list.append(ciliumPort(port)) }
            }
            ports = list
        }
        // Cilium: no L3 selector and no L4 section matches nothing; no L3 selector with toPorts matches every peer.
        let effectivePeers: [NetworkPolicyPeer]? = hasL3 ? peers : (ports == nil ? [] : nil)
        return NetworkPolicyRule(direction: direction, peers: effectivePeers, ports: ports, node: item, path: path, isDeny: deny)
    }

    static func ciliumPort(_ node: YAMLNode) -> NetworkPolicyPort {
        var problem: String?
        var proto: NetworkProtocol?
        if let text = node["protocol"]?.string, text.uppercased() != "ANY" {
            proto = NetworkProtocol(parsing: text)
            if proto == nil { problem = "protocol \(text) is not evaluated" }
        }
        var value = portValue(node["port"])
        if case .number(0)? = value { value = nil }
        let endPort = node["endPort"]?.int
        return NetworkPolicyPort(proto: proto, port: value, endPort: endPort, node: node, problem: problem)
    }

    /// A Cilium endpoint selector with the `k8s:` / `any:` label-source prefixes removed.
    static func ciliumSelector(_ node: YAMLNode) -> LabelSelector {
        let parsed = LabelSelector(node)
        guard parsed.isValid else { return parsed }
        func strip(_ key: String) -> String {
            for prefix in ["k8s:", "any:"] where key.hasPrefix(prefix) { return String(key.dropFirst(prefix.count)) }
            return key
        }
        var labels: [String: String] = [:]
        for (key, value) in parsed.matchLabels { labels[strip(key)] = value }
        let requirements = parsed.requirements.map { LabelSelector.Requirement(key: strip($0.key), op: $0.op, values: $0.values) }
        return LabelSelector(matchLabels: labels, requirements: requirements)
    }

    static func mentionsNamespace(_ selector: LabelSelector) -> Bool {
        selector.matchLabels[ciliumNamespaceKey] != nil || selector.requirements.contains { $0.key == ciliumNamespaceKey }
    }
}
