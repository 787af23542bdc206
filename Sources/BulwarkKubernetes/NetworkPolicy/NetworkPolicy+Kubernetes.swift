import BulwarkCore

extension NetworkPolicy {
    /// Reads a networking.k8s.io/v1 NetworkPolicy with the API server's defaulting: a missing
    /// `podSelector` selects every pod; empty `policyTypes` becomes `[Ingress]` plus `Egress` when
    /// `egress` has rules; rules of a direction the policy does not list are ignored; a missing or
    /// empty `from`/`to` means every peer, a missing or empty `ports` every port, a port without
    /// `protocol` TCP.
    public static func kubernetes(_ object: KubeObject) -> NetworkPolicy {
        let spec = object.root["spec"]
        let namespace = object.effectiveNamespace ?? "default"
        let selectorNode = spec?["podSelector"]
        let selector = selectorNode.flatMap { $0.isNull ? nil : LabelSelector($0) } ?? .everything
        let egressItems = spec?["egress"]?.items ?? []
        var types = Set(spec?["policyTypes"]?.strings ?? [])
        if types.isEmpty {
            types = ["Ingress"]
            if !egressItems.isEmpty { types.insert("Egress") }
        }
        func rules(_ direction: NetworkPolicyRule.Direction) -> [NetworkPolicyRule] {
            guard types.contains(direction.policyType) else { return [] }
            let key = direction.rawValue
            return (spec?[key]?.items ?? []).enumerated().map { position, item in
                let path = "spec.\(key)[\(position)]"
                let peerItems = item[direction.peerKey]?.items ?? []
                let peers = peerItems.isEmpty ? nil : peerItems.enumerated().map { index, peer in
                    kubernetesPeer(peer, path: "\(path).\(direction.peerKey)[\(index)]")
                }
                let portItems = item["ports"]?.items ?? []
                let ports = portItems.isEmpty ? nil : portItems.map(kubernetesPort)
                return NetworkPolicyRule(direction: direction, peers: peers, ports: ports, node: item, path: path)
            }
        }
        return NetworkPolicy(
            object: object, flavor: .kubernetes, namespace: namespace, selector: .pods(selector),
            selectorNode: selectorNode, selectorPath: "spec.podSelector",
            isolatesIngress: types.contains("Ingress"), isolatesEgress: types.contains("Egress"),
            ingress: rules(.ingress), egress: rules(.egress))
    }

    static func kubernetesPeer(_ node: YAMLNode, path: String) -> NetworkPolicyPeer {
        func present(_ key: String) -> YAMLNode? {
            guard let value = node[key], !value.isNull else { return nil }
            return value
        }
        let pods = present("podSelector")
        let namespaces = present("namespaceSelector")
        if let block = present("ipBlock") {
            guard pods == nil, namespaces == nil else {
                return NetworkPolicyPeer(match: .unmatchable("ipBlock together with a selector in one peer (the API server rejects it)"),
                                         node: node, path: path)
            }
            guard let text = block["cidr"]?.string, let cidr = CIDR(text) else {
                return NetworkPolicyPeer(match: .unmatchable("ipBlock without a valid cidr (\(block["cidr"]?.scalar ?? "none"))"),
                                         node: node, path: path)
            }
            let except = (block["except"]?.items ?? []).compactMap { $0.string.flatMap(CIDR.init) }
            return NetworkPolicyPeer(match: .ipBlock(cidr: cidr, except: except), node: node, path: path)
        }
        guard pods != nil || namespaces != nil else {
            return NetworkPolicyPeer(match: .unmatchable("a peer without podSelector, namespaceSelector or ipBlock (the API server rejects it)"),
                                     node: node, path: path)
        }
        return NetworkPolicyPeer(match: .pods(podSelector: pods.map(LabelSelector.init), namespaceSelector: namespaces.map(LabelSelector.init)),
                                 node: node, path: path)
    }

    static func kubernetesPort(_ node: YAMLNode) -> NetworkPolicyPort {
        var problem: String?
        var proto: NetworkProtocol = .tcp
        if let text = node["protocol"]?.string {
            if let parsed = NetworkProtocol(rawValue: text) {
                proto = parsed
            } else {
                problem = "unknown protocol \(text)"
            }
        }
        let value = portValue(node["port"])
        if case .number(let number)? = value, !PortSet.portRange.contains(number) { problem = "port \(number) is out of range" }
        var endPort: Int?
        if let end = node["endPort"], !end.isNull {
            switch value {
            case .number(let number)?:
                if let last = end.int, last >= number, last <= 65535 {
                    endPort = last
                } else {
                    problem = "endPort \(end.scalar ?? "?") is not a port at or above \(number)"
                }
            case .name?:
                problem = "endPort with a named port (the API server rejects it)"
            case nil:
                problem = "endPort without port (the API server rejects it)"
            }
        }
        return NetworkPolicyPort(proto: proto, port: value, endPort: endPort, node: node, problem: problem)
    }

    /// An IntOrString port: a number, a numeric string, or a name; nil when missing.
    static func portValue(_ node: YAMLNode?) -> NetworkPolicyPort.Value? {
        guard let node, !node.isNull, let text = node.scalar else { return nil }
        if let number = node.int ?? Int(text) { return .number(number) }
        return .name(text)
    }
}
