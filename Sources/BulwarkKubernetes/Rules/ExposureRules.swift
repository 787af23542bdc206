import BulwarkCore
import Foundation

/// Model servers reachable from outside the cluster: LoadBalancer/NodePort/externalIPs Services
/// and Ingresses without TLS. Both are whole-inventory rules over one index of the pods per
/// namespace and label, built once per scan.
public enum ExposureRules {
    public static let all: [KubernetesRule] = [
        serviceExposed,
        ingressWithoutTLS,
    ]

    // MARK: - k8s/service-exposed

    static let serviceExposed = KubernetesRule(
        RuleDescriptor(
            id: "k8s/service-exposed",
            severity: .high,
            title: "Model server exposed outside the cluster",
            summary: """
            A Service of type LoadBalancer or NodePort, or with externalIPs, publishes its pods beyond the cluster \
            network. Most model servers (vLLM, Triton, TorchServe, Ray, MLflow, Jupyter, Ollama …) ship without \
            authentication or with management APIs that load code, so exposing one is high; a Service whose selector \
            matches no workload in the scanned manifests is medium (it is exposed all the same); a LoadBalancer \
            narrowed by `loadBalancerSourceRanges` to private or small CIDRs, or marked internal, is low.
            """,
            remediation: """
            Use a ClusterIP Service behind an authenticating gateway or Ingress with TLS, or restrict the load \
            balancer with `loadBalancerSourceRanges` (and an internal load balancer annotation); add a NetworkPolicy \
            that admits only the gateway.
            """,
            controls: ["owasp-k8s:K07", "nsa-k8s:network-separation", "nist-800-190:4.3.3"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: llm}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  template:
                    metadata: {labels: {app: vllm, tier: api}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: [--model, meta-llama/Llama-3.1-8B-Instruct]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: vllm, namespace: llm}
                spec:
                  type: ↓LoadBalancer
                  selector: {app: vllm}
                  ports: [{port: 80, targetPort: 8000}]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Service
                metadata: {name: notebook, namespace: research}
                spec:
                  selector: {app: jupyter}
                  ports: [{port: 8888}]
                  ↓externalIPs: [203.0.113.10]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Service
                metadata: {name: ray-dashboard, namespace: ray}
                spec:
                  type: ↓NodePort
                  selector: {ray.io/cluster: raycluster, ray.io/node-type: head}
                  ports: [{port: 8265, nodePort: 30265}]
                ---
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: raycluster, namespace: ray}
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        containers: [{name: ray-head, image: rayproject/ray:2.9.0}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Service
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  type: ClusterIP
                  selector: {app.kubernetes.io/name: model-server}
                  ports: [{name: http, port: 8080, targetPort: http}]
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                spec:
                  template:
                    metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
                    spec:
                      containers:
                        - name: controller
                          image: registry.k8s.io/ingress-nginx/controller:v1.11.2
                          args: [/nginx-ingress-controller]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                spec:
                  type: LoadBalancer
                  selector: {app.kubernetes.io/name: ingress-nginx}
                  ports: [{port: 443, targetPort: https}]
                """),
            ],
            tags: ["ml", "network"]
        ),
        check: .inventory { index in
            let pods = PodIndex(index)
            var violations: [Violation] = []
            for service in index.objects(ofKind: "Service") where service.group.isEmpty {
                guard let spec = service.root["spec"], let exposure = Exposure(service: service) else { continue }
                let matched = pods.selected(by: spec["selector"], namespace: service.effectiveNamespace ?? "default")
                let servers = matched.compactMap { pod in ServingWorkload.detect(pod).map { (pod, $0) } }
                var severity: Severity
                let target: String
                if let (pod, server) = servers.first {
                    severity = .high
                    let others = servers.count > 1 ? " and \(servers.count - 1) more model-serving workload\(servers.count > 2 ? "s" : "")" : ""
                    target = "\(pod.displayName), which runs \(server),\(others)"
                } else if matched.isEmpty {
                    severity = .medium
                    let selector = spec["selector"]?.stringMap ?? [:]
                    target = selector.isEmpty
                        ? "endpoints managed outside Kubernetes (no selector)"
                        : "the pods selected by \(selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")), which match no workload in the scanned manifests,"
                } else {
                    continue
                }
                if exposure.narrowing != nil { severity = min(severity, .low) }
                violations.append(Violation(
                    "\(service.displayName) (\(exposure.description)) exposes \(target) outside the cluster"
                        + (exposure.narrowing.map { ", limited to \($0)" } ?? ""),
                    at: exposure.node, field: exposure.field, object: service, severity: severity))
            }
            return violations
        }
    )

    /// How a Service is reachable from outside the cluster.
    struct Exposure {
        let description: String
        let node: YAMLNode
        let field: String
        /// Why the exposure is narrower than "the internet", if it is.
        let narrowing: String?

        static let internalAnnotations: [String: Set<String>] = [
            "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
            "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
            "networking.gke.io/load-balancer-type": ["Internal", "internal"],
            "cloud.google.com/load-balancer-type": ["Internal", "internal"],
            "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
            "service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
            "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
        ]

        init?(service: KubeObject) {
            guard let spec = service.root["spec"] else { return nil }
            let type = spec["type"]?.string ?? "ClusterIP"
            let externalIPs = spec["externalIPs"]?.strings ?? []
            switch type {
            case "LoadBalancer", "NodePort":
                guard let node = spec["type"] else { return nil }
                self.node = node
                field = "spec.type"
                description = "type \(type)" + (externalIPs.isEmpty ? "" : " with externalIPs")
            default:
                guard !externalIPs.isEmpty, let node = spec.keyNode("externalIPs") else { return nil }
                self.node = node
                field = "spec.externalIPs"
                description = "externalIPs \(externalIPs.joined(separator: ", "))"
            }
            // Source ranges and internal load balancers only narrow LoadBalancer traffic; node
            // ports and external IPs stay reachable on every node.
            guard type == "LoadBalancer", externalIPs.isEmpty else {
                narrowing = nil
                return
            }
            let annotations = service.annotations
            if let (key, _) = Self.internalAnnotations.first(where: { annotations[$0.key].map($0.value.contains) ?? false }) {
                narrowing = "an internal load balancer (\(key))"
                return
            }
            var ranges = spec["loadBalancerSourceRanges"]?.strings ?? []
            if ranges.isEmpty, let annotation = annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] {
                ranges = annotation.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            if !ranges.isEmpty, ranges.allSatisfy(SourceRange.isNarrow) {
                narrowing = "loadBalancerSourceRanges \(ranges.joined(separator: ", "))"
            } else {
                narrowing = nil
            }
        }
    }

    // MARK: - k8s/ingress-without-tls

    static let ingressWithoutTLS = KubernetesRule(
        RuleDescriptor(
            id: "k8s/ingress-without-tls",
            severity: .medium,
            title: "Ingress to a model server without TLS",
            summary: """
            An Ingress host that routes to a model-serving Service but is not listed under `spec.tls` serves \
            prompts, completions and API keys over plain HTTP, readable and alterable on the way.
            """,
            remediation: """
            Add the host to `spec.tls` with a certificate Secret (e.g. issued by cert-manager) and redirect HTTP to \
            HTTPS at the ingress controller.
            """,
            controls: ["nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: tgi, namespace: llm}
                spec:
                  template:
                    metadata: {labels: {app: tgi}}
                    spec:
                      containers: [{name: tgi, image: ghcr.io/huggingface/text-generation-inference:2.4.0}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: tgi, namespace: llm}
                spec:
                  selector: {app: tgi}
                  ports: [{port: 80}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: llm, namespace: llm}
                spec:
                  tls:
                    - hosts: [secure.example.com]
                      secretName: secure-tls
                  rules:
                    - host: secure.example.com
                      http:
                        paths: [{path: /, pathType: Prefix, backend: {service: {name: tgi, port: {number: 80}}}}]
                    - host: ↓llm.example.com
                      http:
                        paths: [{path: /, pathType: Prefix, backend: {service: {name: tgi, port: {number: 80}}}}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: tgi, namespace: llm}
                spec:
                  template:
                    metadata: {labels: {app: tgi}}
                    spec:
                      containers: [{name: tgi, image: ghcr.io/huggingface/text-generation-inference:2.4.0}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: tgi, namespace: llm}
                spec:
                  selector: {app: tgi}
                  ports: [{port: 80}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: llm, namespace: llm}
                spec:
                  tls:
                    - hosts: ["*.example.com"]
                      secretName: wildcard-tls
                  rules:
                    - host: llm.example.com
                      http:
                        paths: [{path: /, pathType: Prefix, backend: {service: {name: tgi, port: {number: 80}}}}]
                """),
            ],
            tags: ["ml", "network"]
        ),
        check: .inventory { index in
            let ingresses = index.objects(ofKind: "Ingress").filter { $0.group == "networking.k8s.io" || $0.group == "extensions" }
            guard !ingresses.isEmpty else { return [] }
            let pods = PodIndex(index)
            var services: [String: KubeObject] = [:]
            for service in index.objects(ofKind: "Service") where service.group.isEmpty {
                services["\(service.effectiveNamespace ?? "default")/\(service.name)"] = service
            }
            var servers: [String: (PodSpecView, ServingWorkload)?] = [:]
            func server(behind name: String, namespace: String) -> (PodSpecView, ServingWorkload)? {
                let key = "\(namespace)/\(name)"
                if let known = servers[key] { return known }
                var found: (PodSpecView, ServingWorkload)?
                if let service = services[key] {
                    for pod in pods.selected(by: service.root.at("spec", "selector"), namespace: namespace) {
                        if let detection = ServingWorkload.detect(pod) {
                            found = (pod, detection)
                            break
                        }
                    }
                }
                servers[key] = found
                return found
            }
            var violations: [Violation] = []
            for ingress in ingresses {
                let namespace = ingress.effectiveNamespace ?? "default"
                let spec = ingress.root["spec"]
                let tlsEntries = spec?["tls"]?.items ?? []
                let tlsHosts = tlsEntries.flatMap { $0["hosts"]?.strings ?? [] }
                let tlsForAll = tlsEntries.contains { ($0["hosts"]?.strings ?? []).isEmpty }
                func covered(_ host: String?) -> Bool {
                    if tlsForAll { return true }
                    guard let host else { return false }
                    return tlsHosts.contains { pattern in
                        pattern == host || pattern.hasPrefix("*.") && host.hasSuffix(pattern.dropFirst())
                            && !host.dropLast(pattern.count - 1).contains(".")
                    }
                }
                for (position, rule) in (spec?["rules"]?.items ?? []).enumerated() {
                    let host = rule["host"]?.string
                    guard !covered(host) else { continue }
                    let backends = (rule.at("http", "paths")?.items ?? []).compactMap(Self.backendService)
                    guard let (serviceName, (pod, detection)) = backends.lazy.compactMap({ name in
                        server(behind: name, namespace: namespace).map { (name, $0) }
                    }).first else { continue }
                    violations.append(Violation(
                        "\(ingress.displayName) routes \(host.map { "host \($0)" } ?? "every host") without TLS to Service "
                            + "\(namespace)/\(serviceName), whose pods (\(pod.displayName)) run \(detection)",
                        at: rule["host"] ?? rule, field: "spec.rules[\(position)]\(host == nil ? "" : ".host")", object: ingress))
                }
                let defaultBackend = spec?["defaultBackend"] ?? spec?["backend"]
                if tlsEntries.isEmpty, let backend = defaultBackend, let serviceName = Self.serviceName(ofBackend: backend),
                   let (pod, detection) = server(behind: serviceName, namespace: namespace) {
                    violations.append(Violation(
                        "\(ingress.displayName) sends every unmatched request without TLS to Service "
                            + "\(namespace)/\(serviceName), whose pods (\(pod.displayName)) run \(detection)",
                        at: spec?.keyNode("defaultBackend") ?? spec?.keyNode("backend"), field: "spec.defaultBackend", object: ingress))
                }
            }
            return violations
        }
    )

    /// `backend.service.name` (networking.k8s.io/v1) or `backend.serviceName` (v1beta1) of a path.
    static func backendService(_ path: YAMLNode) -> String? {
        path["backend"].flatMap(serviceName(ofBackend:))
    }

    static func serviceName(ofBackend backend: YAMLNode) -> String? {
        backend.at("service", "name")?.string ?? backend["serviceName"]?.string
    }
}

extension ExposureRules {
    /// Pods of the inventory indexed by namespace and label, so that selecting the pods of a Service
    /// costs a lookup plus the candidates sharing one of its labels, not a pass over the inventory.
    struct PodIndex {
        struct Entry {
            let pod: PodSpecView
            let labels: [String: String]
        }

        private(set) var entries: [Entry] = []
        private var byLabel: [String: [String: [Int]]] = [:]  // namespace → "key=value" → entries

        init(_ index: InventoryIndex) {
            for pod in index.podSpecs where pod.describesRunningPods {
                let labels = pod.runningPodLabels
                let position = entries.count
                entries.append(Entry(pod: pod, labels: labels))
                let namespace = pod.object.effectiveNamespace ?? "default"
                for (key, value) in labels {
                    byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(position)
                }
            }
        }

        /// The pods in `namespace` whose labels include every pair of a Service-style selector map;
        /// none for a missing or empty selector (a Service without selector selects no pods).
        func selected(by selector: YAMLNode?, namespace: String) -> [PodSpecView] {
            let wanted = selector?.stringMap ?? [:]
            guard !wanted.isEmpty, let labels = byLabel[namespace] else { return [] }
            // Start from the rarest pair of the selector.
            var candidates: [Int]?
            for (key, value) in wanted {
                let list = labels["\(key)=\(value)"] ?? []
                if candidates.map({ list.count < $0.count }) ?? true { candidates = list }
            }
            guard let candidates else { return [] }
            return candidates.lazy.map { entries[$0] }
                .filter { entry in wanted.allSatisfy { entry.labels[$0.key] == $0.value } }
                .map(\.pod)
        }
    }

    /// Just enough CIDR parsing to tell a narrow source range from the internet.
    enum SourceRange {
        /// Private (RFC 1918, RFC 4193, loopback) ranges, and IPv4 prefixes of /16 or longer and IPv6
        /// prefixes of /48 or longer; `0.0.0.0/0`, `::/0` and other wide ranges are not narrow.
        static func isNarrow(_ text: String) -> Bool {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let address = parts.first else { return false }
            if address.contains(":") {
                let prefix = parts.count == 2 ? Int(parts[1]) : 128
                guard let prefix, (0...128).contains(prefix) else { return false }
                let lower = address.lowercased()
                if prefix >= 7, lower.hasPrefix("fc") || lower.hasPrefix("fd") { return true }
                if lower == "::1" { return true }
                return prefix >= 48
            }
            let octets = address.split(separator: ".").compactMap { Int($0) }
            guard octets.count == 4, octets.allSatisfy({ (0...255).contains($0) }) else { return false }
            let prefix = parts.count == 2 ? Int(parts[1]) : 32
            guard let prefix, (0...32).contains(prefix) else { return false }
            let isPrivate = octets[0] == 10 && prefix >= 8 || octets[0] == 172 && (16...31).contains(octets[1]) && prefix >= 12
                || octets[0] == 192 && octets[1] == 168 && prefix >= 16 || octets[0] == 127 && prefix >= 8
            return isPrivate || prefix >= 16
        }
    }
}
