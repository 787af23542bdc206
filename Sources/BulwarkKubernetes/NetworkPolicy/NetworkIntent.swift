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

    /// An intent read from a file, with the warnings it raised (unknown keys, a wrong `kind`).
    public struct ParseResult: Sendable, Equatable {
        public var intent: NetworkIntent
        public var warnings: [InputWarning]

        public init(intent: NetworkIntent, warnings: [InputWarning]) {
            self.intent = intent
            self.warnings = warnings
        }
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

    /// Parses an intent file. Throws an `InputError` with the line of the first problem: a missing
    /// field, a value of the wrong type (a list where a mapping is due, a mapping where a port is
    /// due), an invalid port, CIDR or address. Unknown keys are warnings (`ParseResult.warnings`),
    /// with their line and a did-you-mean; they are ignored.
    public static func read(_ text: String, file: String = "intent.yaml") throws(InputError) -> ParseResult {
        let result = YAMLReader.read(text)
        if let error = result.errors.first {
            throw error.located(in: file)
        }
        guard let root = result.documents.lazy.compactMap(\.root).first(where: { !$0.isNull }) else {
            throw InputError(file: file, line: 1, column: 1, message: "the file is empty; an intent names the namespace, modelServer, gateway and registry")
        }
        var reader = NetworkIntentReader(file: file)
        let intent = try reader.read(root)
        return ParseResult(intent: intent, warnings: reader.warnings)
    }

    /// `read(_:file:)` without the warnings.
    public static func parse(_ text: String, file: String = "intent.yaml") throws(InputError) -> NetworkIntent {
        try read(text, file: file).intent
    }
}
