import BulwarkCore
import Foundation

/// Whether the weights a model server loads are the weights that were meant: the volume that
/// holds them, how they got there, and how much memory a memory-backed copy may take.
extension MLServingRules {
    static let modelVolumeWritable = KubernetesRule(
        RuleDescriptor(
            id: "serving/model-volume-writable",
            severity: .high,
            title: "Model server mounts its model volume writable",
            summary: "A model server that can write to the volume holding its model can replace the weights, tokenizer files and `trust_remote_code` modules it loads: an attacker who takes over the server process (through a malicious request, a pickled artifact or a vulnerable dependency) plants a backdoored model that survives the server's restart and, on a shared claim, reaches every replica. Reported for a model server's mount at a model path (a path the server declares with `--model-repository`, `--model-store`, `--model`, `--download-dir`, `vllm serve /path`, `HF_HOME` or `MODEL_PATH`, or a path such as /models, /mnt/models, /model-store, ~/.cache/huggingface) without `readOnly: true`, when the volume is persistent (a claim, NFS, CSI …) or is an emptyDir filled by another container (an init container that downloads or decrypts the model). Not reported: volumes the kubelet mounts read-only anyway (Secret, ConfigMap, projected, image volumes), volume sources set `readOnly: true`, an emptyDir only the server writes (it downloads its own model there), and hostPath volumes, which serving/model-cache-host-path reports.",
            remediation: "Mount the model volume with `readOnly: true` in every model-server container (and set `readOnly: true` on the persistentVolumeClaim source, or use a ReadOnlyMany claim or an image volume). Let an init container download, verify and decrypt the model into the volume, and give the server the read-only view of it (`bulwark model init-container` prints this pattern).",
            controls: ["nist-800-190:4.4.3", "nsa-k8s:immutable-containers", "owasp-k8s:K01", "mitre-atlas:AML.T0018", "owasp-ml:ML10"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: triton, namespace: models}
                spec:
                  selector: {matchLabels: {app: triton}}
                  template:
                    metadata: {labels: {app: triton}}
                    spec:
                      containers:
                        - name: triton
                          image: nvcr.io/nvidia/tritonserver:24.05-py3
                          args: ["tritonserver", "--model-repository=/opt/repository"]
                          volumeMounts:
                            - name: repository
                              ↓mountPath: /opt/repository
                      volumes:
                        - name: repository
                          persistentVolumeClaim: {claimName: triton-models}
                """),
                // The pattern of `bulwark model init-container`, with the server's mount left writable.
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama}}
                  template:
                    metadata: {labels: {app: llama}}
                    spec:
                      initContainers:
                        - name: decrypt-model
                          image: registry.example.com/bulwark:0.1.0
                          command: ["/bin/sh", "-ec", "bulwark model verify --key /keys/model.pub /encrypted\\nbulwark model decrypt --kek-file /keys/kek /encrypted/model.enc -o /models/model"]
                          volumeMounts:
                            - {name: encrypted, mountPath: /encrypted, readOnly: true}
                            - {name: keys, mountPath: /keys, readOnly: true}
                            - {name: models, mountPath: /models}
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "/models/model"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: ↓false}
                      volumes:
                        - name: encrypted
                          persistentVolumeClaim: {claimName: llama-encrypted, readOnly: true}
                        - name: keys
                          secret: {secretName: llama-kek}
                        - name: models
                          emptyDir: {medium: Memory, sizeLimit: 16Gi}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama}}
                  template:
                    metadata: {labels: {app: llama}}
                    spec:
                      initContainers:
                        - name: decrypt-model
                          image: registry.example.com/bulwark:0.1.0
                          command: ["/bin/sh", "-ec", "bulwark model verify --key /keys/model.pub /encrypted\\nbulwark model decrypt --kek-file /keys/kek /encrypted/model.enc -o /models/model"]
                          volumeMounts:
                            - {name: encrypted, mountPath: /encrypted, readOnly: true}
                            - {name: keys, mountPath: /keys, readOnly: true}
                            - {name: models, mountPath: /models}
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "/models/model"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                            - {name: scratch, mountPath: /tmp}
                      volumes:
                        - name: encrypted
                          persistentVolumeClaim: {claimName: llama-encrypted, readOnly: true}
                        - name: keys
                          secret: {secretName: llama-kek}
                        - name: models
                          emptyDir: {medium: Memory, sizeLimit: 16Gi}
                        - name: scratch
                          emptyDir: {sizeLimit: 1Gi}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: qwen, namespace: llm}
                spec:
                  selector: {matchLabels: {app: qwen}}
                  template:
                    metadata: {labels: {app: qwen}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--download-dir", "/cache"]
                          volumeMounts:
                            - {name: cache, mountPath: /cache}
                            - {name: weights, mountPath: /mnt/models}
                      volumes:
                        - name: cache
                          emptyDir: {sizeLimit: 40Gi}
                        - name: weights
                          persistentVolumeClaim: {claimName: qwen-weights, readOnly: true}
                """),
            ],
            tags: ["ml", "supply-chain"]
        ),
        check: .pod { pod, _ in
            ModelVolumes.writableModelMounts(pod).map { found in
                let mount = found.mount
                let consequence = found.writer.map {
                    "\($0.displayName) fills it, so the server only needs to read it, yet a compromised server can replace the weights, and a restarted server loads the replacement"
                } ?? "a compromised server can replace the weights that its next start, and every other pod mounting the volume, load"
                return Violation(
                    "\(found.server.displayName) of \(pod.displayName) mounts volume \"\(mount.volume)\" (\(found.sourceType)) at \(mount.mountPath), \(mount.why), without readOnly: true; \(consequence)",
                    at: mount.mount["readOnly"] ?? mount.mount.keyNode("mountPath") ?? mount.mount,
                    field: "\(mount.field).readOnly", container: found.server.name)
            }
        }
    )

    static let modelDownloadUnverified = KubernetesRule(
        RuleDescriptor(
            id: "serving/model-download-unverified",
            severity: .high,
            title: "Model downloaded without a digest or signature check",
            summary: "Model formats that run code when loaded (pickle, PyTorch `.pt`, joblib, `trust_remote_code` modules) make the download the point where a model server's integrity is decided. Reported: a KServe `storageUri` (or a container's `STORAGE_URI`) that can name different content tomorrow, since only `oci://…@sha256:<digest>` and `hf://ORG/MODEL:<40-hex commit>` pin content (`s3://`, `gs://`, Azure storage, `pvc://`, `hdfs://` paths and `oci://` tags do not; plain HTTP(S) URLs on other hosts are reported by serving/kserve-storage-uri-insecure); and an init container that downloads (`wget`, `curl -o`, `gsutil cp`, `gcloud storage cp`, `aws s3 cp`, `s5cmd`, `rclone`, `azcopy`, `huggingface-cli download` or `hf download` without a commit `--revision`, `oras pull` by tag) into a volume a model server mounts, when neither its script nor a later init container sharing the volume checks a digest or signature (`sha256sum -c`, `bulwark model verify`, `model_signing verify`, `cosign verify…`, `gpg --verify`, `notation verify`). Whoever controls the bucket, the repository, the tag or the network path then chooses the code the server runs.",
            remediation: "Pin the model to its content (an `oci://` modelcar by `@sha256:` digest, `hf://org/model:<commit sha>`, `--revision <commit sha>`) or verify it before the server starts: sign models in the pipeline and run `bulwark model verify` (or `model_signing verify`, `cosign verify-blob`, `sha256sum -c` against a digest kept in the manifest) in the init container that downloads them, failing the pod when the check fails (`bulwark model init-container` prints this pattern).",
            controls: ["nist-800-190:4.1.5", "owasp-k8s:K02", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: models}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: ↓s3://models-prod/fraud/latest
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: llama, namespace: llm}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: huggingface}
                      storageUri: ↓hf://meta-llama/Llama-3.1-8B-Instruct:main
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: triton, namespace: models}
                spec:
                  selector: {matchLabels: {app: triton}}
                  template:
                    metadata: {labels: {app: triton}}
                    spec:
                      initContainers:
                        - name: fetch
                          image: amazon/aws-cli:2.17.0
                          command:
                            - sh
                            - -c
                            - ↓|
                              aws s3 cp --recursive s3://models-prod/triton /models
                              echo "fetched"
                          volumeMounts:
                            - {name: models, mountPath: /models}
                      containers:
                        - name: triton
                          image: nvcr.io/nvidia/tritonserver:24.05-py3
                          args: ["tritonserver", "--model-repository=/models"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                      volumes:
                        - name: models
                          emptyDir: {sizeLimit: 20Gi}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: tgi, namespace: llm}
                spec:
                  serviceName: tgi
                  selector: {matchLabels: {app: tgi}}
                  template:
                    metadata: {labels: {app: tgi}}
                    spec:
                      initContainers:
                        - name: download
                          image: python:3.12-slim
                          command: [↓huggingface-cli, download, mistralai/Mistral-7B-Instruct-v0.3, --local-dir, /data/mistral]
                          volumeMounts:
                            - {name: data, mountPath: /data}
                      containers:
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          args: ["--model-id", "/data/mistral"]
                          volumeMounts:
                            - {name: data, mountPath: /data, readOnly: true}
                      volumes:
                        - name: data
                          emptyDir: {sizeLimit: 40Gi}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: models}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: oci://registry.example.com/models/fraud@sha256:8b1a9953c4611296a827abf8c47804d7e6c49c6b2f7a3e8e1a3c1e7f5b2a4d6e
                  transformer:
                    containers:
                      - name: kserve-container
                        image: registry.example.com/models/fraud-transformer:1.0
                        env:
                          - {name: STORAGE_URI, value: "hf://acme/fraud-tokenizer:3f2a9c5e1b7d4a6c8e0f2b4d6a8c0e2f4b6d8a0c"}
                """),
                // The pattern of `bulwark model init-container`: the download is verified in the same script.
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: triton, namespace: models}
                spec:
                  selector: {matchLabels: {app: triton}}
                  template:
                    metadata: {labels: {app: triton}}
                    spec:
                      initContainers:
                        - name: fetch
                          image: registry.example.com/ml/fetch:1.0
                          command:
                            - sh
                            - -c
                            - |
                              aws s3 cp --recursive s3://models-prod/triton/v7 /models
                              bulwark model verify --key /keys/model.pub /models
                          volumeMounts:
                            - {name: models, mountPath: /models}
                            - {name: keys, mountPath: /keys, readOnly: true}
                        - name: warmup
                          image: curlimages/curl:8.10.1
                          command: ["curl", "-fsS", "https://config.example.com/ping"]
                      containers:
                        - name: triton
                          image: nvcr.io/nvidia/tritonserver:24.05-py3
                          args: ["tritonserver", "--model-repository=/models"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                      volumes:
                        - name: models
                          emptyDir: {sizeLimit: 20Gi}
                        - name: keys
                          configMap: {name: model-signing-key}
                """),
            ],
            tags: ["ml", "kserve", "supply-chain"]
        ),
        check: .pod { pod, _ in storageURIViolations(pod) + initDownloadViolations(pod) }
    )

    static func storageURIViolations(_ pod: PodSpecView) -> [Violation] {
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
                guard let problem = ModelDownload.unpinnedStorageURI(source.uri) else { continue }
                violations.append(Violation(
                    "\(container.displayName) of \(pod.displayName) loads its model from \(ModelDownload.redacted(source.uri.trimmingCharacters(in: .whitespaces))), \(problem); nothing checks a digest or signature before the server loads it",
                    at: source.node, field: source.field, container: container.name))
            }
        }
        return violations
    }

    static func initDownloadViolations(_ pod: PodSpecView) -> [Violation] {
        let initContainers = pod.containers.filter { $0.kind == .initContainer && !$0.isRestartableSidecar }
        guard initContainers.contains(where: { !($0.node["volumeMounts"]?.items.isEmpty ?? true) }) else { return [] }
        let servers = ModelVolumes.servers(pod)
        guard !servers.isEmpty else { return [] }
        // Volume name → the first server mounting it.
        var served: [String: ContainerView] = [:]
        for server in servers {
            for mount in server.node["volumeMounts"]?.items ?? [] {
                if let name = mount["name"]?.string, served[name] == nil { served[name] = server }
            }
        }
        var violations: [Violation] = []
        for (position, container) in initContainers.enumerated() {
            var shared: [(volume: String, path: String)] = []
            for mount in container.node["volumeMounts"]?.items ?? [] where mount["readOnly"]?.bool != true {
                if let name = mount["name"]?.string, served[name] != nil, let path = mount["mountPath"]?.string { shared.append((name, path)) }
            }
            guard !shared.isEmpty else { continue }
            let invocations = ContainerCommandLine.invocations(of: container)
            let extracts = invocations.contains(where: ModelDownload.isExtraction)
            let downloads = invocations.compactMap { ModelDownload.recognize($0, extracts: extracts) }
                .filter { !$0.isPinned && $0.mayWrite(into: shared.map(\.path)) }
            guard let first = downloads.first else { continue }
            let names = Set(shared.map(\.volume))
            let verifiers = [container] + initContainers[(position + 1)...].filter { later in
                (later.node["volumeMounts"]?.items ?? []).contains { names.contains($0["name"]?.string ?? "") }
            }
            if verifiers.contains(where: { ContainerCommandLine.invocations(of: $0).contains(where: ModelDownload.isVerification) }) { continue }
            let volume = shared[0]
            let server = served[volume.volume].map { " \($0.displayName)" } ?? " the model server"
            violations.append(Violation(
                "\(container.displayName) of \(pod.displayName) runs \(downloads.map(\.summary).joined(separator: "; ")) into volume \"\(volume.volume)\" (mounted at \(volume.path)), which\(server) loads, and neither its script nor a later init container checks a digest or signature (sha256sum -c, bulwark model verify, model_signing verify, cosign verify); whoever controls the source or the path to it chooses the model the server runs",
                at: first.word.node, field: ServingAnchor.field(of: first.word.node, in: container), container: container.name))
        }
        return violations
    }

    static let modelVolumeMemoryWithoutSizeLimit = KubernetesRule(
        RuleDescriptor(
            id: "serving/model-volume-memory-without-size-limit",
            severity: .medium,
            title: "Memory-backed model volume without sizeLimit",
            summary: "A memory-backed emptyDir (`medium: Memory`) is the right place for decrypted model weights: they never touch the node's disk and vanish with the pod. Without `sizeLimit` the tmpfs may grow to the pod's memory limit or, without one, to the node's allocatable memory, and every byte is charged as memory, so a larger model than planned, a decompression bomb or a compromised writer pushes the model server into OOM kills and the node into memory pressure. Reported for a memory-backed emptyDir mounted at a model path (see serving/model-volume-writable); one at /dev/shm is reported by serving/shm-without-size-limit instead, which leaves model volumes to this rule. k8s/memory-volume-exceeds-limit reports the same volume from the memory-limit side.",
            remediation: "Set `emptyDir.sizeLimit` on the model volume to the size of the decrypted model with some headroom (for example `{medium: Memory, sizeLimit: 16Gi}`), and raise the memory limits of the containers that write and read it by as much as it may hold.",
            controls: ["nist-800-190:4.4.3", "nsa-k8s:resource-policies", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama}}
                  template:
                    metadata: {labels: {app: llama}}
                    spec:
                      initContainers:
                        - name: decrypt-model
                          image: registry.example.com/bulwark:0.1.0
                          command: ["/bin/sh", "-ec", "bulwark model verify --key /keys/model.pub /encrypted\\nbulwark model decrypt --kek-file /keys/kek /encrypted/model.enc -o /models/model"]
                          volumeMounts:
                            - {name: encrypted, mountPath: /encrypted, readOnly: true}
                            - {name: keys, mountPath: /keys, readOnly: true}
                            - {name: models, mountPath: /models}
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "/models/model"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                            - {name: dshm, mountPath: /dev/shm}
                      volumes:
                        - name: encrypted
                          persistentVolumeClaim: {claimName: llama-encrypted, readOnly: true}
                        - name: keys
                          secret: {secretName: llama-kek}
                        - name: models
                          ↓emptyDir: {medium: Memory}
                        - name: dshm
                          emptyDir: {medium: Memory}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama}}
                  template:
                    metadata: {labels: {app: llama}}
                    spec:
                      initContainers:
                        - name: decrypt-model
                          image: registry.example.com/bulwark:0.1.0
                          command: ["/bin/sh", "-ec", "bulwark model verify --key /keys/model.pub /encrypted\\nbulwark model decrypt --kek-file /keys/kek /encrypted/model.enc -o /models/model"]
                          volumeMounts:
                            - {name: encrypted, mountPath: /encrypted, readOnly: true}
                            - {name: keys, mountPath: /keys, readOnly: true}
                            - {name: models, mountPath: /models}
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "/models/model"]
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                      volumes:
                        - name: encrypted
                          persistentVolumeClaim: {claimName: llama-encrypted, readOnly: true}
                        - name: keys
                          secret: {secretName: llama-kek}
                        - name: models
                          emptyDir: {medium: Memory, sizeLimit: 16Gi}
                """),
            ],
            tags: ["ml"]
        ),
        check: .pod { pod, _ in
            let volumes = ModelVolumes.unboundedMemoryModelVolumes(pod)
            var violations: [Violation] = []
            for (index, volume) in pod.volumes.enumerated() {
                guard let name = volume["name"]?.string, let mount = volumes[name] else { continue }
                violations.append(Violation(
                    "emptyDir volume \"\(name)\" of \(pod.displayName) uses medium: Memory without sizeLimit and is mounted at \(mount.mountPath) in \(mount.containerDisplayName), \(mount.why); the model written there is charged to memory with no bound and can fill the pod's memory limit or the node's allocatable memory",
                    at: volume.keyNode("emptyDir") ?? volume, field: "\(pod.specPath).volumes[\(index)].emptyDir.sizeLimit",
                    container: mount.containerName))
            }
            return violations
        }
    )
}
