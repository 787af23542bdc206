import BulwarkCore

/// Reads the YAML tree of a `NetworkIntent`: missing fields and values of the wrong type are errors
/// with their position; keys the format does not have are warnings (they would otherwise be
/// ignored without a word, and a misspelt optional key such as `nodeLocl` changes the output).
struct NetworkIntentReader {
    let file: String
    var warnings: [InputWarning] = []

    init(file: String) {
        self.file = file
    }

    static let wrapperKeys = ["apiVersion", "kind", "metadata", "spec"]
    static let specKeys = ["namespace", "modelServer", "gateway", "registry", "registries", "dns"]
    static let metadataKeys = ["name", "labels", "annotations"]
    static let serverKeys = ["name", "selector", "ports"]
    static let gatewayKeys = ["namespace", "selector"]
    static let destinationKeys = ["cidr", "except", "ports"]
    static let dnsKeys = ["namespace", "selector", "nodeLocal"]
    static let portKeys = ["name", "port", "protocol"]
    static let selectorKeys = ["matchLabels", "matchExpressions"]
    static let apiVersion = "bulwark.dev/v1alpha1"
    static let kind = "NetworkIntent"

    mutating func read(_ root: YAMLNode) throws(InputError) -> NetworkIntent {
        guard root.isMapping else {
            throw fail(root, "the intent must be a mapping with namespace, modelServer, gateway and registry, not \(Self.describe(root))")
        }
        let spec: YAMLNode
        if let wrapped = root["spec"] {
            guard wrapped.isMapping else {
                throw fail(wrapped, "spec must be a mapping with the keys \(Self.list(Self.specKeys)), not \(Self.describe(wrapped))")
            }
            spec = wrapped
            for pair in root.pairs ?? [] {
                guard let key = pair.key.scalar, !Self.wrapperKeys.contains(key) else { continue }
                if Self.specKeys.contains(key) {
                    warn(pair.key, "\(key) at the top level is ignored because the intent has a spec; move it under spec")
                } else {
                    warnUnknown(pair.key, in: "the top level of the intent", expected: Self.wrapperKeys)
                }
            }
            try checkKeys(spec, "spec", expected: Self.specKeys)
        } else {
            spec = root
            try checkKeys(root, "the top level of the intent", expected: Self.specKeys + Self.wrapperKeys.dropLast())
        }
        if let kind = root["kind"], kind.string != Self.kind {
            warn(kind, "kind is \(Self.describe(kind)), not \(Self.kind); is this an intent file?")
        }
        if let version = root["apiVersion"], version.string != Self.apiVersion {
            warn(version, "apiVersion is \(Self.describe(version)); intent files use \(Self.apiVersion)")
        }
        var metadataName: String?
        if let metadata = root["metadata"], !metadata.isNull {
            guard metadata.isMapping else {
                throw fail(metadata, "metadata must be a mapping with the keys \(Self.list(Self.metadataKeys)), not \(Self.describe(metadata))")
            }
            try checkKeys(metadata, "metadata", expected: Self.metadataKeys + ["namespace"])
            metadataName = try optionalString(metadata, "name", "metadata.name")
            if let namespace = metadata.keyNode("namespace") {
                warn(namespace, "metadata.namespace is ignored; the policies go to the namespace given by \(spec === root ? "" : "spec.")namespace")
            }
        }

        let namespace = try requiredString(spec, "namespace", "namespace")
        let server = try requiredMapping(spec, "modelServer", "modelServer", keys: Self.serverKeys)
        let gateway = try requiredMapping(spec, "gateway", "gateway", keys: Self.gatewayKeys)
        let registries = try destinations(spec)
        var dnsNamespace = "kube-system"
        var dnsLabels = NetworkEndpoint.dnsLabels
        var nodeLocal: IPAddress?
        if let dns = try optionalMapping(spec, "dns", "dns", keys: Self.dnsKeys) {
            dnsNamespace = try optionalString(dns, "namespace", "dns.namespace") ?? dnsNamespace
            if dns["selector"] != nil { dnsLabels = try labels(dns, "selector", "dns.selector") }
            if let text = try optionalString(dns, "nodeLocal", "dns.nodeLocal") {
                guard let address = IPAddress(text) else {
                    throw fail(dns["nodeLocal"] ?? dns, "dns.nodeLocal: \"\(text)\" is not an IP address")
                }
                nodeLocal = address
            }
        }
        let name = try optionalString(server, "name", "modelServer.name") ?? metadataName ?? "model-server"
        return NetworkIntent(
            name: name, namespace: namespace,
            serverLabels: try labels(server, "selector", "modelServer.selector"),
            serverPorts: try ports(server, "ports", "modelServer.ports"),
            gatewayNamespace: try requiredString(gateway, "namespace", "gateway.namespace"),
            gatewayLabels: try labels(gateway, "selector", "gateway.selector"),
            registries: registries,
            dnsNamespace: dnsNamespace,
            dnsLabels: dnsLabels,
            nodeLocalDNS: nodeLocal)
    }

    // MARK: - Sections

    private mutating func destinations(_ spec: YAMLNode) throws(InputError) -> [NetworkIntent.Destination] {
        var nodes: [(node: YAMLNode, field: String)] = []
        if let single = spec["registry"], !single.isNull {
            guard single.isMapping else {
                throw fail(single, "registry must be a mapping with the keys \(Self.list(Self.destinationKeys)), not \(Self.describe(single))"
                           + (single.isSequence ? "; for several registries use registries: [...]" : ""))
            }
            nodes.append((single, "registry"))
        }
        if let list = spec["registries"], !list.isNull {
            guard let items = list.sequence else {
                throw fail(list, "registries must be a list of mappings with the keys \(Self.list(Self.destinationKeys)), not \(Self.describe(list))")
            }
            for (index, item) in items.enumerated() {
                guard item.isMapping else {
                    throw fail(item, "registries[\(index)] must be a mapping with the keys \(Self.list(Self.destinationKeys)), not \(Self.describe(item))")
                }
                nodes.append((item, "registries[\(index)]"))
            }
        }
        guard !nodes.isEmpty else { throw fail(spec, "registry (cidr and ports) is required") }
        var destinations: [NetworkIntent.Destination] = []
        for (node, field) in nodes {
            try checkKeys(node, field, expected: Self.destinationKeys)
            var except: [CIDR] = []
            if let list = node["except"], !list.isNull {
                guard let items = list.sequence else {
                    throw fail(list, "\(field).except must be a list of CIDRs, not \(Self.describe(list))")
                }
                for item in items { except.append(try cidr(item, "\(field).except")) }
            }
            guard let cidrNode = node["cidr"], !cidrNode.isNull else { throw fail(node, "\(field).cidr is required") }
            destinations.append(NetworkIntent.Destination(
                cidr: try cidr(cidrNode, "\(field).cidr"), except: except, ports: try ports(node, "ports", "\(field).ports")))
        }
        return destinations
    }

    private mutating func labels(_ parent: YAMLNode, _ key: String, _ field: String) throws(InputError) -> [String: String] {
        guard let node = parent[key], !node.isNull else { throw fail(parent, "\(field) must be a mapping of labels") }
        guard node.isMapping else {
            throw fail(node, "\(field) must be a mapping of labels ({app: model-server}) or {matchLabels: …}, not \(Self.describe(node))")
        }
        if let expressions = node["matchExpressions"] { throw fail(expressions, "\(field): only matchLabels is supported") }
        var map = node
        if let matchLabels = node["matchLabels"] {
            try checkKeys(node, field, expected: Self.selectorKeys)
            guard matchLabels.isMapping else {
                throw fail(matchLabels, "\(field).matchLabels must be a mapping of labels, not \(Self.describe(matchLabels))")
            }
            map = matchLabels
        }
        var labels: [String: String] = [:]
        for pair in map.pairs ?? [] {
            guard let name = pair.key.scalar, let value = pair.value.scalar, !pair.value.isNull else {
                throw fail(pair.value, "\(field): the label \(pair.key.scalar.map { "\"\($0)\"" } ?? "key") must have a string value, "
                           + "not \(Self.describe(pair.value))")
            }
            labels[name] = value
        }
        guard !labels.isEmpty else {
            throw fail(node, "\(field) must name at least one label (an empty selector would select every pod)")
        }
        return labels
    }

    private mutating func ports(_ parent: YAMLNode, _ key: String, _ field: String) throws(InputError) -> [NetworkIntent.ServerPort] {
        guard let node = parent[key], !node.isNull else { throw fail(parent, "\(field) must list at least one port") }
        guard let items = node.sequence else {
            throw fail(node, "\(field) must be a list of ports ([8080, \"8081/TCP\", {name: grpc, port: 9000}]), not \(Self.describe(node))")
        }
        guard !items.isEmpty else { throw fail(node, "\(field) must list at least one port") }
        var ports: [NetworkIntent.ServerPort] = []
        for (index, item) in items.enumerated() {
            var textNode = item
            var name: String?
            var proto: NetworkProtocol = .tcp
            if item.isMapping {
                try checkKeys(item, "\(field)[\(index)]", expected: Self.portKeys)
                guard let port = item["port"], !port.isNull else { throw fail(item, "\(field)[\(index)].port is required") }
                textNode = port
                name = try optionalString(item, "name", "\(field)[\(index)].name")
                if let protoText = try optionalString(item, "protocol", "\(field)[\(index)].protocol") {
                    guard let parsed = NetworkProtocol(parsing: protoText) else {
                        throw fail(item["protocol"] ?? item, "\(field): unknown protocol \(protoText) (expected TCP, UDP or SCTP)")
                    }
                    proto = parsed
                }
            }
            guard let text = textNode.scalar else {
                throw fail(textNode, "\(field): a port must be a number, \"number/PROTOCOL\" or {name, port, protocol}, not \(Self.describe(textNode))")
            }
            let parts = text.split(separator: "/", maxSplits: 1)
            if parts.count == 2 {
                guard let parsed = NetworkProtocol(parsing: String(parts[1])) else {
                    throw fail(textNode, "\(field): unknown protocol in \(text) (expected TCP, UDP or SCTP)")
                }
                proto = parsed
            }
            guard let first = parts.first, let number = Int(first), PortSet.portRange.contains(number) else {
                throw fail(textNode, "\(field): \"\(text)\" is not a port number (1-65535)")
            }
            ports.append(NetworkIntent.ServerPort(port: number, proto: proto, name: name))
        }
        return ports
    }

    private func cidr(_ node: YAMLNode, _ field: String) throws(InputError) -> CIDR {
        guard let text = node.scalar, !node.isNull else { throw fail(node, "\(field) must be a CIDR such as 10.0.0.0/8, not \(Self.describe(node))") }
        guard let value = CIDR(text) else { throw fail(node, "\(field): \"\(text)\" is not a CIDR") }
        return value
    }

    // MARK: - Fields

    private mutating func requiredMapping(_ parent: YAMLNode, _ key: String, _ field: String, keys: [String]) throws(InputError) -> YAMLNode {
        guard let node = try optionalMapping(parent, key, field, keys: keys) else { throw fail(parent, "\(field) is required") }
        return node
    }

    private mutating func optionalMapping(_ parent: YAMLNode, _ key: String, _ field: String, keys: [String]) throws(InputError) -> YAMLNode? {
        guard let node = parent[key], !node.isNull else { return nil }
        guard node.isMapping else {
            throw fail(node, "\(field) must be a mapping with the keys \(Self.list(keys)), not \(Self.describe(node))")
        }
        try checkKeys(node, field, expected: keys)
        return node
    }

    private func requiredString(_ parent: YAMLNode, _ key: String, _ field: String) throws(InputError) -> String {
        guard let value = try optionalString(parent, key, field), !value.isEmpty else { throw fail(parent[key] ?? parent, "\(field) is required") }
        return value
    }

    private func optionalString(_ parent: YAMLNode, _ key: String, _ field: String) throws(InputError) -> String? {
        guard let node = parent[key], !node.isNull else { return nil }
        guard let value = node.scalar else { throw fail(node, "\(field) must be a string, not \(Self.describe(node))") }
        return value
    }

    /// Warns about every key of `node` outside `expected`; a key that is not a string is an error.
    private mutating func checkKeys(_ node: YAMLNode, _ place: String, expected: [String]) throws(InputError) {
        for pair in node.pairs ?? [] {
            guard let key = pair.key.scalar else { throw fail(pair.key, "\(place): keys must be strings, not \(Self.describe(pair.key))") }
            if !expected.contains(key) { warnUnknown(pair.key, in: place, expected: expected) }
        }
    }

    // MARK: - Messages

    private mutating func warnUnknown(_ key: YAMLNode, in place: String, expected: [String]) {
        let name = key.scalar ?? ""
        warn(key, "unknown key \"\(name)\" in \(place) is ignored (expected \(Self.list(expected)))"
             + SpellingSuggestion.didYouMean(name, among: expected))
    }

    private mutating func warn(_ node: YAMLNode, _ message: String) {
        warnings.append(InputWarning(file: file, line: node.position.line, column: node.position.column, message: message))
    }

    private func fail(_ node: YAMLNode, _ message: String) -> InputError {
        InputError(file: file, line: node.position.line, column: node.position.column, message: message)
    }

    /// `a mapping`, `a list`, `the number 3`, `"text"`, `nothing`.
    static func describe(_ node: YAMLNode) -> String {
        if node.isMapping { return "a mapping" }
        if node.isSequence { return "a list" }
        if node.isNull { return "nothing" }
        let text = node.scalar ?? ""
        if node.scalarStyle == .plain, node.int != nil { return "the number \(text)" }
        return "\"\(text)\""
    }

    static func list(_ keys: [String]) -> String {
        guard let last = keys.last else { return "" }
        return keys.count == 1 ? last : keys.dropLast().joined(separator: ", ") + " and " + last
    }
}
