import BulwarkCore
import Foundation

/// Services that make model servers reachable from outside the cluster: LoadBalancer, NodePort and
/// externalIPs.
extension ExposureRules {
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
            controls: ["owasp-k8s:K07", "nsa-k8s:network-separation", "nist-800-190:4.3.3", "mitre-atlas:AML.T0040"],
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
}
