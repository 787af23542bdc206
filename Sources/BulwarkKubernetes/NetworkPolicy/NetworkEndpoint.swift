import BulwarkCore

/// One side of a connection: the pods of a workload, a hypothetical pod given by its labels, the
/// cluster DNS, or an address outside the cluster (the cloud metadata service, an external IP).
///
/// ```swift
/// NetworkEndpoint.pod(namespace: "gateway", labels: ["app.kubernetes.io/name": "api-gateway"])
/// NetworkEndpoint.external(IPAddress("203.0.113.5")!)
/// NetworkEndpoint.clusterDNS        // kube-system pods labelled k8s-app=kube-dns, 53/UDP and 53/TCP
/// NetworkEndpoint.metadataService   // 169.254.169.254, 80/TCP
/// ```
public struct NetworkEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The pods of a pod-bearing workload in the input.
        case workload
        /// A pod given by namespace and labels (`gateway:app=api-gateway`).
        case pod
        /// The cluster DNS (kube-dns / CoreDNS pods in kube-system), modelled even when absent from the input.
        case dns
        /// The cloud instance metadata service (169.254.169.254).
        case metadata
        /// An address outside the cluster.
        case external
    }

    /// A container port the endpoint's pods expose (named ports are resolved against these).
    public struct Port: Sendable, Hashable, CustomStringConvertible {
        public let name: String?
        public let port: Int
        public let proto: NetworkProtocol
        public let container: String?

        public init(name: String?, port: Int, proto: NetworkProtocol = .tcp, container: String? = nil) {
            self.name = name
            self.port = port
            self.proto = proto
            self.container = container
        }

        /// `8080/TCP (http)`.
        public var description: String { "\(port)/\(proto)" + (name.map { " (\($0))" } ?? "") }
    }

    /// How queries name the endpoint: `NAMESPACE/NAME` (workload, `#role` appended for one of
    /// several pod specs of an object), `NAMESPACE:key=value,…` (pod), an IP address.
    public let id: String
    public let kind: Kind
    /// The pods' namespace; nil for addresses outside the cluster.
    public let namespace: String?
    public let labels: [String: String]
    public let ports: [Port]
    /// The address of an endpoint outside the cluster.
    public let address: IPAddress?
    /// The pods' ServiceAccount (Cilium selects on it).
    public let serviceAccount: String?
    /// `Deployment ml/model-server`, `cluster DNS`, `external 203.0.113.5` …
    public let displayName: String

    public init(id: String, kind: Kind, namespace: String?, labels: [String: String] = [:], ports: [Port] = [],
                address: IPAddress? = nil, serviceAccount: String? = nil, displayName: String? = nil) {
        self.id = id
        self.kind = kind
        self.namespace = namespace
        self.labels = labels
        self.ports = ports
        self.address = address
        self.serviceAccount = serviceAccount
        self.displayName = displayName ?? id
    }

    /// Whether the endpoint is a pod (policies select it, pod and namespace selectors match it).
    public var isPod: Bool { namespace != nil }

    public var description: String { displayName }

    /// A hypothetical pod: `NAMESPACE:key=value,…`.
    public static func pod(namespace: String, labels: [String: String], ports: [Port] = [], serviceAccount: String? = nil) -> NetworkEndpoint {
        let labelText = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return NetworkEndpoint(id: "\(namespace):\(labelText)", kind: .pod, namespace: namespace, labels: labels, ports: ports,
                               serviceAccount: serviceAccount ?? "default",
                               displayName: "pod \(labelText.isEmpty ? "without labels" : labelText) in namespace \(namespace)")
    }

    /// An address outside the cluster (169.254.169.254 is the metadata service).
    public static func external(_ address: IPAddress, name: String? = nil) -> NetworkEndpoint {
        if address == metadataAddress { return metadataService }
        return NetworkEndpoint(id: address.description, kind: .external, namespace: nil, address: address,
                               displayName: name.map { "\($0) \(address)" } ?? "external \(address)")
    }

    // MARK: - Well-known endpoints

    public static let metadataAddress = IPAddress(family: .v4, high: 0, low: 0xA9FE_A9FE)  // 169.254.169.254

    /// The cloud instance metadata service (AWS, GCP, Azure, OpenStack …) at 169.254.169.254, port 80.
    public static let metadataService = NetworkEndpoint(
        id: "169.254.169.254", kind: .metadata, namespace: nil, ports: [Port(name: "http", port: 80)],
        address: metadataAddress, displayName: "cloud metadata service 169.254.169.254")

    /// The labels kube-dns and CoreDNS pods carry in every mainstream distribution.
    public static let dnsLabels = ["k8s-app": "kube-dns"]

    /// The cluster DNS as kubeadm, EKS, GKE and AKS deploy it: pods labelled `k8s-app: kube-dns` in
    /// kube-system serving 53/UDP (`dns`), 53/TCP (`dns-tcp`) and 9153/TCP (`metrics`).
    public static let clusterDNS = NetworkEndpoint(
        id: "kube-system/kube-dns", kind: .dns, namespace: "kube-system", labels: dnsLabels,
        ports: [Port(name: "dns", port: 53, proto: .udp), Port(name: "dns-tcp", port: 53, proto: .tcp), Port(name: "metrics", port: 9153)],
        serviceAccount: "coredns", displayName: "cluster DNS kube-system/kube-dns")

    /// An arbitrary address on the internet (TEST-NET-3), the default external endpoint.
    public static let internet = NetworkEndpoint(
        id: "203.0.113.5", kind: .external, namespace: nil, address: IPAddress(family: .v4, high: 0, low: 0xCB00_7105),
        displayName: "internet 203.0.113.5")

    /// The endpoint for the pods of a pod spec.
    public static func workload(_ pod: PodSpecView, id: String) -> NetworkEndpoint {
        var ports: [Port] = []
        for container in pod.containers where container.isLongRunning {
            for entry in container.node["ports"]?.items ?? [] {
                guard let number = entry["containerPort"]?.int else { continue }
                let proto = entry["protocol"]?.string.flatMap(NetworkProtocol.init(parsing:)) ?? .tcp
                ports.append(Port(name: entry["name"]?.string, port: number, proto: proto, container: container.name))
            }
        }
        let namespace = pod.object.effectiveNamespace ?? "default"
        let kind: Kind = namespace == "kube-system" && pod.runningPodLabels["k8s-app"] == "kube-dns" ? .dns : .workload
        return NetworkEndpoint(id: id, kind: kind, namespace: namespace, labels: pod.runningPodLabels, ports: ports,
                               serviceAccount: pod.serviceAccountName, displayName: pod.displayName)
    }

    /// The port number a named port has on this endpoint's pods, for a protocol.
    public func resolve(portName: String, proto: NetworkProtocol) -> Int? {
        ports.first { $0.name == portName && $0.proto == proto }?.port
    }
}
