import BulwarkCore
import Foundation

/// What `bulwark netpol generate` needs to know about an inference service: where the model server
/// runs and on which ports, which pods (the API gateway) may call it, and where it may connect
/// (the model registry, DNS).
///
/// ```yaml
/// apiVersion: bulwark.dev/v1alpha1     # optional wrapper; the fields may also sit at the top level
/// kind: NetworkIntent
/// metadata: {name: model-server}       # prefix of the generated policy names
/// spec:
///   namespace: ml-inference
///   modelServer:
///     selector: {app.kubernetes.io/name: model-server}   # matchLabels (or {matchLabels: …})
///     ports: [8080, "8081/TCP", {name: grpc, port: 9000, protocol: TCP}]
///   gateway:
///     namespace: gateway
///     selector: {app.kubernetes.io/name: api-gateway}
///   registry:                          # or `registries: [...]`
///     cidr: 10.20.30.0/24
///     ports: [443]
///   dns:                               # optional: these are the defaults
///     namespace: kube-system
///     selector: {k8s-app: kube-dns}
///     nodeLocal: 169.254.20.10         # optional NodeLocal DNSCache address
/// ```
public struct NetworkIntent: Sendable, Equatable {
    public struct ServerPort: Sendable, Equatable {
        public var port: Int
        public var proto: NetworkProtocol
        /// The container port name, used for named-port verification.
        public var name: String?

        public init(port: Int, proto: NetworkProtocol = .tcp, name: String? = nil) {
            self.port = port
            self.proto = proto
            self.name = name
        }
    }

    public struct Destination: Sendable, Equatable {
        public var cidr: CIDR
        public var except: [CIDR]
        public var ports: [ServerPort]

        public init(cidr: CIDR, except: [CIDR] = [], ports: [ServerPort]) {
            self.cidr = cidr
            self.except = except
            self.ports = ports
        }
    }

    public struct IntentError: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Prefix of the generated policies (`<name>-ingress`, `<name>-egress`).
    public var name: String
    public var namespace: String
    public var serverLabels: [String: String]
    public var serverPorts: [ServerPort]
    public var gatewayNamespace: String
    public var gatewayLabels: [String: String]
    public var registries: [Destination]
    public var dnsNamespace: String
    public var dnsLabels: [String: String]
    public var nodeLocalDNS: IPAddress?

    public init(name: String = "model-server", namespace: String, serverLabels: [String: String], serverPorts: [ServerPort],
                gatewayNamespace: String, gatewayLabels: [String: String], registries: [Destination],
                dnsNamespace: String = "kube-system", dnsLabels: [String: String] = NetworkEndpoint.dnsLabels, nodeLocalDNS: IPAddress? = nil) {
        self.name = name
        self.namespace = namespace
        self.serverLabels = serverLabels
        self.serverPorts = serverPorts
        self.gatewayNamespace = gatewayNamespace
        self.gatewayLabels = gatewayLabels
        self.registries = registries
        self.dnsNamespace = dnsNamespace
        self.dnsLabels = dnsLabels
        self.nodeLocalDNS = nodeLocalDNS
    }

    /// Parses an intent file; the error names the first problem.
    public static func parse(_ text: String, file: String = "intent.yaml") throws -> NetworkIntent {
        let result = YAMLReader.read(text)
        if let error = result.errors.first { throw IntentError("\(file):\(error)") }
        guard let root = result.documents.lazy.compactMap(\.root).first else { throw IntentError("\(file): the file is empty") }
        guard root.isMapping else { throw IntentError("\(file): the intent must be a mapping") }
        let spec = root["spec"].flatMap { $0.isMapping ? $0 : nil } ?? root
        func fail(_ message: String) -> IntentError { IntentError("\(file): \(message)") }
        func string(_ node: YAMLNode?, _ field: String) throws -> String {
            guard let value = node?.string, !value.isEmpty else { throw fail("\(field) is required") }
            return value
        }
        func labels(_ node: YAMLNode?, _ field: String) throws -> [String: String] {
            guard let node, node.isMapping else { throw fail("\(field) must be a mapping of labels") }
            if node["matchExpressions"] != nil { throw fail("\(field): only matchLabels is supported") }
            let map = (node["matchLabels"] ?? node).stringMap
            guard !map.isEmpty else { throw fail("\(field) must name at least one label (an empty selector would select every pod)") }
            return map
        }
        func ports(_ node: YAMLNode?, _ field: String) throws -> [ServerPort] {
            let items = node?.items ?? []
            guard !items.isEmpty else { throw fail("\(field) must list at least one port") }
            return try items.map { item in
                var text = item.scalar ?? ""
                var name: String?
                var proto: NetworkProtocol = .tcp
                if item.isMapping {
                    text = item["port"]?.scalar ?? ""
                    name = item["name"]?.string
                    if let protoText = item["protocol"]?.string {
                        guard let parsed = NetworkProtocol(parsing: protoText) else { throw fail("\(field): unknown protocol \(protoText)") }
                        proto = parsed
                    }
                }
                let parts = text.split(separator: "/", maxSplits: 1)
                if parts.count == 2 {
                    guard let parsed = NetworkProtocol(parsing: String(parts[1])) else { throw fail("\(field): unknown protocol in \(text)") }
                    proto = parsed
                }
                guard let first = parts.first, let number = Int(first), PortSet.portRange.contains(number) else {
                    throw fail("\(field): \"\(text)\" is not a port number (1-65535)")
                }
                return ServerPort(port: number, proto: proto, name: name)
            }
        }
        func cidr(_ node: YAMLNode?, _ field: String) throws -> CIDR {
            let text = try string(node, field)
            guard let value = CIDR(text) else { throw fail("\(field): \"\(text)\" is not a CIDR") }
            return value
        }

        let namespace = try string(spec["namespace"], "namespace")
        guard let server = spec["modelServer"] else { throw fail("modelServer is required") }
        guard let gateway = spec["gateway"] else { throw fail("gateway is required") }
        var registryNodes = spec["registries"]?.items ?? []
        if let single = spec["registry"] { registryNodes.insert(single, at: 0) }
        guard !registryNodes.isEmpty else { throw fail("registry (cidr and ports) is required") }
        let registries = try registryNodes.enumerated().map { position, node in
            let field = "registr\(registryNodes.count == 1 ? "y" : "ies[\(position)]")"
            return Destination(
                cidr: try cidr(node["cidr"], "\(field).cidr"),
                except: try (node["except"]?.items ?? []).map { try cidr($0, "\(field).except") },
                ports: try ports(node["ports"], "\(field).ports"))
        }
        let dns = spec["dns"]
        var nodeLocal: IPAddress?
        if let text = dns?["nodeLocal"]?.string {
            guard let address = IPAddress(text) else { throw fail("dns.nodeLocal: \"\(text)\" is not an IP address") }
            nodeLocal = address
        }
        let name = server["name"]?.string ?? root.at("metadata", "name")?.string ?? "model-server"
        return NetworkIntent(
            name: name, namespace: namespace,
            serverLabels: try labels(server["selector"], "modelServer.selector"),
            serverPorts: try ports(server["ports"], "modelServer.ports"),
            gatewayNamespace: try string(gateway["namespace"], "gateway.namespace"),
            gatewayLabels: try labels(gateway["selector"], "gateway.selector"),
            registries: registries,
            dnsNamespace: dns?["namespace"]?.string ?? "kube-system",
            dnsLabels: dns?["selector"] == nil ? NetworkEndpoint.dnsLabels : try labels(dns?["selector"], "dns.selector"),
            nodeLocalDNS: nodeLocal)
    }
}
