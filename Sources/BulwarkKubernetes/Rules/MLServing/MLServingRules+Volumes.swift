import BulwarkCore
import Foundation

extension MLServingRules {
    static let shmWithoutSizeLimit = KubernetesRule(
        RuleDescriptor(
            id: "serving/shm-without-size-limit",
            severity: .medium,
            title: "Shared-memory volume without sizeLimit",
            summary: "Model servers and trainers mount an emptyDir at /dev/shm (usually `medium: Memory`) for NCCL and data-loader workers. Without `sizeLimit` the tmpfs is sized to the pod's memory limit or, without one, to the node's allocatable memory, and everything written there is charged as memory: a runaway or malicious writer causes OOM kills of the model server and memory pressure on the node. Medium: denial of service, not a privilege gain. A memory-backed emptyDir that holds a model (mounted at a model path, not at /dev/shm) is reported by serving/model-volume-memory-without-size-limit instead.",
            remediation: "Set `emptyDir.sizeLimit` on every memory-backed emptyDir and on any emptyDir mounted at /dev/shm (for example `{medium: Memory, sizeLimit: 8Gi}`), sized for the workload and included in the container's memory limit.",
            controls: ["nist-800-190:4.4.3", "owasp-k8s:K01", "nsa-k8s:resource-policies"],
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
                          args: ["tritonserver", "--model-repository=s3://models-prod/triton"]
                          resources:
                            limits: {nvidia.com/gpu: 1, memory: 24Gi}
                          volumeMounts:
                            - {name: dshm, mountPath: /dev/shm}
                      volumes:
                        - name: dshm
                          ↓emptyDir:
                            medium: Memory
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayService
                metadata: {name: stable-diffusion, namespace: ray}
                spec:
                  rayClusterConfig:
                    headGroupSpec:
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-head
                              image: rayproject/ray-ml:2.9.0-py310-gpu
                              volumeMounts:
                                - {name: shm, mountPath: /dev/shm}
                          volumes:
                            - {name: shm, ↓emptyDir: {}}
                """),
            ],
            passing: [
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
                          volumeMounts:
                            - {name: dshm, mountPath: /dev/shm}
                            - {name: scratch, mountPath: /tmp}
                      volumes:
                        - name: dshm
                          emptyDir: {medium: Memory, sizeLimit: 2Gi}
                        - name: scratch
                          emptyDir: {}
                """),
            ],
            tags: ["ml"]
        ),
        check: .pod { pod, _ in
            var shmVolumes: Set<String> = []
            for container in pod.containers {
                for mount in container.node["volumeMounts"]?.items ?? [] {
                    guard let path = mount["mountPath"]?.string, let name = mount["name"]?.string else { continue }
                    if path == "/dev/shm" || path == "/dev/shm/" { shmVolumes.insert(name) }
                }
            }
            var violations: [Violation] = []
            let modelVolumes = ModelVolumes.unboundedMemoryModelVolumes(pod)  // serving/model-volume-memory-without-size-limit
            for (index, volume) in pod.volumes.enumerated() {
                guard let emptyDir = volume["emptyDir"], let key = volume.keyNode("emptyDir") else { continue }
                let name = volume["name"]?.string ?? "#\(index)"
                let memory = emptyDir["medium"]?.string?.lowercased() == "memory"
                guard memory || shmVolumes.contains(name), modelVolumes[name] == nil else { continue }
                if let size = emptyDir["sizeLimit"], !size.isNull { continue }
                let what = memory ? "uses medium: Memory" : "is mounted at /dev/shm"
                violations.append(Violation(
                    "emptyDir volume \"\(name)\" of \(pod.displayName) \(what) without sizeLimit; it can fill the pod's memory limit or the node's allocatable memory",
                    at: key, field: "\(pod.specPath).volumes[\(index)].emptyDir.sizeLimit"))
            }
            return violations
        }
    )

    static let modelCacheHostPath = KubernetesRule(
        RuleDescriptor(
            id: "serving/model-cache-host-path",
            severity: .medium,
            title: "Model cache on a hostPath volume",
            summary: "Caching model weights on the node (`hostPath` mounted at ~/.cache/huggingface, /models, /mnt/models, or where HF_HOME/TRANSFORMERS_CACHE point) shares one writable directory between every pod and tenant scheduled on the node: any of them can replace weights, tokenizer files or `trust_remote_code` modules that the next model server loads and executes, and read models it should not see. Medium: a cross-workload integrity and confidentiality risk that needs a compromised or malicious neighbour.",
            remediation: "Keep model caches in storage scoped to the workload: a PersistentVolumeClaim (ReadOnlyMany for shared, pre-populated weights), an image volume or OCI model artifact, KServe `storageUri` with `pvc://` or a local model cache CR, or an emptyDir filled by an init container. If a node cache is unavoidable, mount it `readOnly: true`, populate it from a trusted pipeline and verify model signatures.",
            controls: ["cis-k8s:5.2.12", "pss-baseline:hostPathVolumes", "nist-800-190:4.3.4", "nist-800-190:4.4.3", "owasp-k8s:K01", "mitre-atlas:AML.T0018", "owasp-ml:ML10"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: qwen-coder, namespace: llm}
                spec:
                  selector: {matchLabels: {app: qwen-coder}}
                  template:
                    metadata: {labels: {app: qwen-coder}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "Qwen/Qwen2.5-Coder-7B-Instruct"]
                          volumeMounts:
                            - {name: hf-cache, mountPath: /root/.cache/huggingface}
                      volumes:
                        - name: hf-cache
                          hostPath:
                            path: ↓/mnt/nvme/huggingface
                            type: DirectoryOrCreate
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
                      containers:
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          env:
                            - {name: HF_HOME, value: /data/hf}
                          volumeMounts:
                            - {name: fast-disk, mountPath: /data}
                      volumes:
                        - name: fast-disk
                          hostPath: {path: ↓/var/lib/fast-disk}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: qwen-coder, namespace: llm}
                spec:
                  selector: {matchLabels: {app: qwen-coder}}
                  template:
                    metadata: {labels: {app: qwen-coder}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          volumeMounts:
                            - {name: hf-cache, mountPath: /root/.cache/huggingface, readOnly: true}
                            - {name: nvidia-libs, mountPath: /usr/local/nvidia, readOnly: true}
                      volumes:
                        - name: hf-cache
                          persistentVolumeClaim: {claimName: hf-cache-qwen, readOnly: true}
                        - name: nvidia-libs
                          hostPath: {path: /home/kubernetes/bin/nvidia}
                """),
            ],
            tags: ["ml"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for (index, volume) in pod.volumes.enumerated() {
                guard let hostPath = volume["hostPath"], let name = volume["name"]?.string else { continue }
                let path = hostPath["path"]?.string ?? ""
                var uses: [String] = []
                for container in pod.containers {
                    let cacheTargets = ModelCachePaths.envVariables.compactMap { ServingEnv.find($0, in: container) }
                        .compactMap { env in env.value.map { (env.name, $0) } }
                    for mount in container.node["volumeMounts"]?.items ?? [] where mount["name"]?.string == name {
                        guard let mountPath = mount["mountPath"]?.string else { continue }
                        let base = mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath
                        if let (variable, _) = cacheTargets.first(where: { $0.1 == base || $0.1.hasPrefix(base + "/") }) {
                            uses.append("at \(mountPath) in \(container.displayName), which holds \(variable)")
                        } else if ModelCachePaths.looksLikeCache(mountPath) {
                            uses.append("at \(mountPath) in \(container.displayName)")
                        }
                    }
                }
                guard !uses.isEmpty || ModelCachePaths.looksLikeCache(path) else { continue }
                let mounted = uses.isEmpty ? "" : " mounted \(uses.joined(separator: " and "))"
                violations.append(Violation(
                    "hostPath volume \"\(name)\" (\(path)) of \(pod.displayName) is a model cache\(mounted); every pod on the node that mounts it can read and replace the weights and code the model server loads",
                    at: hostPath["path"] ?? volume.keyNode("hostPath"), field: "\(pod.specPath).volumes[\(index)].hostPath.path"))
            }
            return violations
        }
    )
}
