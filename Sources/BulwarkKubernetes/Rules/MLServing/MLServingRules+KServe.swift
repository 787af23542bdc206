import BulwarkCore
import Foundation

extension MLServingRules {
    static let kserveStorageURIInsecure = KubernetesRule(
        RuleDescriptor(
            id: "serving/kserve-storage-uri-insecure",
            severity: .high,
            title: "Model downloaded from an insecure or arbitrary URL",
            summary: "KServe's storage initializer downloads whatever `storageUri` (or a custom container's `STORAGE_URI`) names before the model server loads it, and most model formats (pickle, joblib, PyTorch `.pt`) execute code when loaded. Over plain `http://` anyone on the network path can swap the model; an `https://` URL on an arbitrary web host sits outside the registry's access control, versioning and provenance. High for `http://`, medium for an arbitrary `https://` host.",
            remediation: "Serve models from storage you control and can audit: `s3://`, `gs://`, Azure Blob, `pvc://`, `oci://` model images, or `hf://` pinned to a revision, with read-only credentials in a dedicated ServiceAccount; verify model signatures before loading (for example with `bulwark model verify` in the pipeline).",
            controls: ["nist-800-190:4.2.1", "nist-800-190:4.1.5", "owasp-k8s:K02", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: iris, namespace: models}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: ↓http://models.internal.example.com/iris/v3/model.joblib
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: models}
                spec:
                  predictor:
                    containers:
                      - name: kserve-container
                        image: registry.example.com/models/fraud-server:1.2.0
                        env:
                          - name: STORAGE_URI
                            value: ↓https://github.com/acme/fraud-model/releases/download/v1.2.0/model.pt
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: iris, namespace: models}
                spec:
                  predictor:
                    serviceAccountName: models-reader
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models-prod/iris/v3
                  transformer:
                    containers:
                      - name: kserve-container
                        image: registry.example.com/models/iris-transformer:1.0
                        env:
                          - {name: STORAGE_URI, value: "https://acmemodels.blob.core.windows.net/iris/v3"}
                """),
            ],
            tags: ["ml", "kserve", "supply-chain"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                var sources: [(uri: String, node: YAMLNode, field: String)] = []
                if container.kind == .embedded, let node = container.node["storageUri"], let uri = node.string {
                    sources.append((uri, node, "\(container.path).storageUri"))
                }
                if let env = ServingEnv.find("STORAGE_URI", in: container), let uri = env.value {
                    sources.append((uri, env.node, "\(container.path).env"))
                }
                for source in sources {
                    let uri = source.uri.trimmingCharacters(in: .whitespaces)
                    let lower = uri.lowercased()
                    if lower.hasPrefix("http://") {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) downloads its model from \(uri) over plain HTTP; anyone on the network path can replace the model, and loading a pickled model runs its code",
                            at: source.node, field: source.field, container: container.name))
                    } else if lower.hasPrefix("https://") {
                        let host = lower.dropFirst("https://".count).prefix { $0 != "/" && $0 != ":" }
                        if host.hasSuffix(".blob.core.windows.net") || host.hasSuffix(".dfs.core.windows.net") { continue }
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) downloads its model from an arbitrary HTTPS host (\(host)); that source is outside the model registry's access control, versioning and provenance",
                            at: source.node, field: source.field, container: container.name, severity: .medium))
                    }
                }
            }
            return violations
        }
    )

    static let modelServerRuntimeClass = KubernetesRule(
        RuleDescriptor(
            id: "serving/model-server-runtime-class",
            severity: .info,
            title: "Model server without a sandboxed runtime",
            summary: "Model servers and notebooks load artifacts that can carry code (pickled weights, `trust_remote_code` modules, Python backends) and run it with direct access to the node's kernel. A sandboxed runtimeClass (gVisor, which supports NVIDIA GPUs through nvproxy, or Kata Containers with GPU passthrough) puts a second boundary between such code and the node. Informational and off by default: sandboxing costs performance and needs node support.",
            remediation: "Install a sandboxed runtime on the inference node pool, create a RuntimeClass for it (for example `gvisor` with handler `runsc`, or `kata-qemu-nvidia-gpu`), and set `runtimeClassName` on pods that serve models from sources you do not fully trust.",
            controls: ["nist-800-190:4.4.3", "nist-800-190:4.3.4", "owasp-k8s:K01", "nsa-k8s:container-environments"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: community-models, namespace: llm}
                spec:
                  selector: {matchLabels: {app: community-models}}
                  template:
                    metadata: {labels: {app: community-models}}
                    ↓spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          resources:
                            limits: {nvidia.com/gpu: 1}
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: iris, namespace: models}
                spec:
                  predictor:
                    runtimeClassName: ↓nvidia
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models-prod/iris/v3
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: community-models, namespace: llm}
                spec:
                  selector: {matchLabels: {app: community-models}}
                  template:
                    metadata: {labels: {app: community-models}}
                    spec:
                      runtimeClassName: gvisor-nvproxy
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: web}
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers:
                        - name: api
                          image: registry.example.com/web/api:3.2.0
                """),
            ],
            enabledByDefault: false,
            tags: ["ml", "sandbox"]
        ),
        check: .pod { pod, _ in
            if pod.object.kind.hasSuffix("ServingRuntime") { return [] }  // no runtimeClassName field; the InferenceService carries it
            var what: String?
            for container in pod.containers where container.isLongRunning {
                if let server = ModelServer.detect(container).first(where: { $0.kind != .mlflow }) {
                    what = "\(container.displayName) runs \(server.kind.displayName)"
                } else if container.kind == .embedded {
                    what = "\(container.displayName) serves a KServe model"
                }
                if what != nil { break }
            }
            guard let what else { return [] }
            let runtimeClass = pod.spec["runtimeClassName"]
            let sandboxes = ["gvisor", "runsc", "kata", "firecracker", "sandbox"]
            if let name = runtimeClass?.string?.lowercased(), sandboxes.contains(where: name.contains) { return [] }
            let setting = runtimeClass?.string.map { "uses runtimeClassName: \($0), which is not a sandbox" } ?? "sets no runtimeClassName"
            return [Violation(
                "\(pod.displayName) \(setting) although \(what); code carried by the models it loads runs directly on the node's kernel",
                at: runtimeClass ?? ServingAnchor.podSpec(pod), field: "\(pod.specPath).runtimeClassName")]
        }
    )
}
