import BulwarkCore
import Foundation

/// Ingresses that route to model servers without TLS.
extension ExposureRules {
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
            controls: ["nsa-k8s:encryption"],
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
}
