import BulwarkCore
import Foundation

extension MLServingRules {
    static let gpuWithoutLimit = KubernetesRule(
        RuleDescriptor(
            id: "serving/gpu-without-limit",
            severity: .medium,
            title: "GPU container without a GPU limit",
            summary: "A container built for GPUs (CUDA, NGC, vLLM, Triton, TGI images) that sets no `nvidia.com/gpu` (or other accelerator) limit is not given GPUs by the device plugin, yet on nodes whose container runtime is NVIDIA's the image's own `NVIDIA_VISIBLE_DEVICES=all` mounts every GPU of the node into it, outside the scheduler's accounting and next to other tenants' workloads (NVIDIA/k8s-device-plugin#1605). A GPU request without a limit is rejected by the API server. Medium: it breaks isolation and capacity between workloads but does not by itself grant host access.",
            remediation: "Set `resources.limits` for the accelerator the container needs (`nvidia.com/gpu: 1`, a MIG profile, `amd.com/gpu` …); requests default to the limit. For a GPU-built image that must not use a GPU, set the env variable `NVIDIA_VISIBLE_DEVICES=void`, and configure the NVIDIA Container Toolkit with `accept-nvidia-visible-devices-envvar-when-unprivileged = false` (device-plugin `volume-mounts` or CDI strategy).",
            controls: ["nist-800-190:4.4.3", "nist-800-190:4.3.4", "owasp-k8s:K01", "nsa-k8s:resource-policies"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama-3-8b, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama-3-8b}}
                  template:
                    metadata: {labels: {app: llama-3-8b}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--api-key", "$(VLLM_API_KEY)"]
                          resources:
                            ↓limits: {cpu: "8", memory: 32Gi}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: finetune, namespace: research}
                spec:
                  restartPolicy: Never
                  containers:
                    - name: train
                      image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime
                      command: ["torchrun", "--nproc-per-node=1", "train.py"]
                      resources:
                        requests:
                          ↓nvidia.com/gpu: 1
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1alpha1
                kind: ServingRuntime
                metadata: {name: triton-23-05, namespace: models}
                spec:
                  supportedModelFormats:
                    - {name: onnx, version: "1", autoSelect: true}
                  containers:
                    - ↓name: kserve-container
                      image: nvcr.io/nvidia/tritonserver:23.05-py3
                      args: ["tritonserver", "--model-store=/mnt/models", "--grpc-port=9000"]
                """),
                RuleExample("""
                apiVersion: kubeflow.org/v1
                kind: Notebook
                metadata: {name: alice, namespace: team-a}
                spec:
                  template:
                    spec:
                      containers:
                        - name: alice
                          image: kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.8.0
                          resources:
                            limits:
                              ↓nvidia.com/gpu: "0"
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama-3-8b, namespace: llm}
                spec:
                  selector: {matchLabels: {app: llama-3-8b}}
                  template:
                    metadata: {labels: {app: llama-3-8b}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          resources:
                            limits: {cpu: "8", memory: 32Gi, nvidia.com/gpu: 1}
                """),
                RuleExample("""
                apiVersion: kubeflow.org/v1
                kind: Notebook
                metadata: {name: alice, namespace: team-a}
                spec:
                  template:
                    spec:
                      containers:
                        - name: alice
                          image: kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.8.0
                          env:
                            - {name: NVIDIA_VISIBLE_DEVICES, value: void}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: nvidia-device-plugin-daemonset, namespace: kube-system}
                spec:
                  selector: {matchLabels: {name: nvidia-device-plugin-ds}}
                  template:
                    metadata: {labels: {name: nvidia-device-plugin-ds}}
                    spec:
                      containers:
                        - name: nvidia-device-plugin-ctr
                          image: nvcr.io/nvidia/k8s-device-plugin:v0.16.2
                        - name: dcgm-exporter
                          image: nvcr.io/nvidia/k8s/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: embeddings, namespace: llm}
                spec:
                  selector: {matchLabels: {app: embeddings}}
                  template:
                    metadata: {labels: {app: embeddings}}
                    spec:
                      containers:
                        - name: tei
                          image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.5
                        - name: vllm
                          image: public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.8.5
                """),
            ],
            tags: ["ml", "gpu"]
        ),
        check: .pod { pod, _ in
            pod.containers.filter { $0.kind != .ephemeral }.compactMap { container -> Violation? in
                if ServingEnv.find("NVIDIA_VISIBLE_DEVICES", in: container) != nil { return nil }
                let limits = Accelerators.entries(container, "limits")
                if limits.contains(where: { !$0.isZero }) { return nil }
                let field = "\(container.path).resources.limits"
                if let request = Accelerators.entries(container, "requests").first(where: { !$0.isZero }) {
                    return Violation(
                        "\(container.displayName) of \(pod.displayName) requests \(request.name) without a limit; GPUs are allocated from resources.limits only, and the API server rejects a GPU request without a limit",
                        at: request.key, field: field, container: container.name)
                }
                guard let image = container.image, Accelerators.isGPUImage(container) else { return nil }
                if let zero = limits.first {
                    return Violation(
                        "\(container.displayName) of \(pod.displayName) sets \(zero.name): 0 but runs GPU image \"\(image)\"; without NVIDIA_VISIBLE_DEVICES=void the image's own NVIDIA_VISIBLE_DEVICES can expose every GPU of the node",
                        at: zero.key, field: field, container: container.name)
                }
                return Violation(
                    "\(container.displayName) of \(pod.displayName) runs GPU image \"\(image)\" without a GPU limit (resources.limits nvidia.com/gpu); the NVIDIA runtime can expose every GPU of the node to it without device-plugin accounting",
                    at: Accelerators.limitsAnchor(container), field: field, container: container.name)
            }
        }
    )

    static let nvidiaVisibleDevicesAll = KubernetesRule(
        RuleDescriptor(
            id: "serving/nvidia-visible-devices-all",
            severity: .high,
            title: "NVIDIA_VISIBLE_DEVICES or NVIDIA_DRIVER_CAPABILITIES set to all",
            summary: "With the NVIDIA Container Toolkit's default `accept-nvidia-visible-devices-envvar-when-unprivileged = true`, an unprivileged container that sets `NVIDIA_VISIBLE_DEVICES=all` gets every GPU of the node mounted, bypassing the device plugin's allocation and isolation, so it can read other tenants' GPU memory and starve their jobs (NVIDIA/k8s-device-plugin#1605). High for a container without a GPU limit; `NVIDIA_DRIVER_CAPABILITIES=all` on a container that does limit GPUs is reported as low, since it only mounts more of the host's driver libraries (graphics, video, display) than CUDA inference needs.",
            remediation: "Remove `NVIDIA_VISIBLE_DEVICES` and `NVIDIA_DRIVER_CAPABILITIES` from the pod spec and request GPUs with `resources.limits` (`nvidia.com/gpu: 1`); set `NVIDIA_DRIVER_CAPABILITIES=compute,utility` if the image needs an explicit value. On the nodes, set `accept-nvidia-visible-devices-envvar-when-unprivileged = false` and run the device plugin with the `volume-mounts` or CDI strategy, and deny these variables in user pods with admission policy.",
            controls: ["nist-800-190:4.4.3", "nist-800-190:4.3.4", "owasp-k8s:K01", "nsa-k8s:pod-security"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch-scorer, namespace: analytics}
                spec:
                  selector: {matchLabels: {app: batch-scorer}}
                  template:
                    metadata: {labels: {app: batch-scorer}}
                    spec:
                      containers:
                        - name: scorer
                          image: registry.example.com/analytics/scorer:2.3.1
                          env:
                            - name: NVIDIA_VISIBLE_DEVICES
                              value: ↓all
                            - name: NVIDIA_DRIVER_CAPABILITIES
                              value: ↓all
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: llm-batch, namespace: ml}
                spec:
                  headGroupSpec:
                    rayStartParams: {}
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.52.0-py311
                            env:
                              - {name: RAY_AUTH_MODE, value: token}
                  workerGroupSpecs:
                    - groupName: gpu
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-worker
                              image: rayproject/ray:2.52.0-py311-cu121
                              env:
                                - {name: NVIDIA_DRIVER_CAPABILITIES, value: ↓all}
                              resources:
                                limits: {nvidia.com/gpu: 1}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch-scorer, namespace: analytics}
                spec:
                  selector: {matchLabels: {app: batch-scorer}}
                  template:
                    metadata: {labels: {app: batch-scorer}}
                    spec:
                      containers:
                        - name: scorer
                          image: nvcr.io/nvidia/pytorch:24.05-py3
                          env:
                            - {name: NVIDIA_DRIVER_CAPABILITIES, value: "compute,utility"}
                          resources:
                            limits: {nvidia.com/gpu: 1}
                        - name: metrics
                          image: registry.example.com/analytics/metrics-sidecar:1.0
                          env:
                            - {name: NVIDIA_VISIBLE_DEVICES, value: void}
                """),
            ],
            tags: ["ml", "gpu"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                let limited = Accelerators.limitsAccelerator(container)
                if !limited, let devices = ServingEnv.find("NVIDIA_VISIBLE_DEVICES", in: container),
                   devices.value?.trimmingCharacters(in: .whitespaces).lowercased() == "all" {
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets NVIDIA_VISIBLE_DEVICES=all without a GPU limit; the NVIDIA runtime mounts every GPU of the node into it, bypassing the device plugin's allocation and isolation",
                        at: devices.node, field: "\(container.path).env", container: container.name))
                }
                if let capabilities = ServingEnv.find("NVIDIA_DRIVER_CAPABILITIES", in: container),
                   let value = capabilities.value,
                   value.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "all" }) {
                    if limited {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) sets NVIDIA_DRIVER_CAPABILITIES=all; CUDA inference needs only compute,utility, and \"all\" also mounts the host's graphics, video and display driver libraries",
                            at: capabilities.node, field: "\(container.path).env", container: container.name, severity: .low))
                    } else {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) sets NVIDIA_DRIVER_CAPABILITIES=all without a GPU limit; with the NVIDIA runtime it reaches the node's GPUs outside the device plugin's accounting, with every driver capability",
                            at: capabilities.node, field: "\(container.path).env", container: container.name))
                    }
                }
            }
            return violations
        }
    )

    static let privilegedGPU = KubernetesRule(
        RuleDescriptor(
            id: "serving/privileged-gpu",
            severity: .high,
            title: "GPU container runs privileged",
            summary: "Running a GPU workload privileged is a common shortcut to \"make the GPU work\", but the NVIDIA device plugin (or CDI) already injects the device nodes and driver libraries a container asks for. A privileged container sees every device of the node, including all GPUs of other tenants, can load kernel modules and escape to the host, and turns any model-server or model-file exploit into node compromise. High: full host access from a workload that processes untrusted inputs.",
            remediation: "Remove `securityContext.privileged: true` and request GPUs with `resources.limits` (`nvidia.com/gpu`); add only the specific capability a tool needs (none, for CUDA inference and training). Keep privileged mode for GPU infrastructure (driver, toolkit, device plugin) in its own namespace.",
            controls: ["cis-k8s:5.2.2", "pss-baseline:privileged", "nist-800-190:4.4.3", "owasp-k8s:K01", "nsa-k8s:pod-security"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: tgi-mixtral, namespace: llm}
                spec:
                  serviceName: tgi-mixtral
                  selector: {matchLabels: {app: tgi-mixtral}}
                  template:
                    metadata: {labels: {app: tgi-mixtral}}
                    spec:
                      containers:
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          args: ["--model-id", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--num-shard", "2"]
                          securityContext:
                            privileged: ↓true
                          resources:
                            limits: {nvidia.com/gpu: 2}
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: sdxl, namespace: images}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: huggingface}
                      storageUri: hf://stabilityai/stable-diffusion-xl-base-1.0
                      securityContext: {privileged: ↓true}
                      resources:
                        limits: {nvidia.com/gpu: "1"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: tgi-mixtral, namespace: llm}
                spec:
                  serviceName: tgi-mixtral
                  selector: {matchLabels: {app: tgi-mixtral}}
                  template:
                    metadata: {labels: {app: tgi-mixtral}}
                    spec:
                      containers:
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          securityContext:
                            privileged: false
                            allowPrivilegeEscalation: false
                          resources:
                            limits: {nvidia.com/gpu: 2}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: nvidia-dcgm-exporter, namespace: gpu-operator}
                spec:
                  selector: {matchLabels: {app: nvidia-dcgm-exporter}}
                  template:
                    metadata: {labels: {app: nvidia-dcgm-exporter}}
                    spec:
                      containers:
                        - name: nvidia-dcgm-exporter
                          image: nvcr.io/nvidia/k8s/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04
                          securityContext: {privileged: true}
                """),
            ],
            tags: ["ml", "gpu"]
        ),
        check: .pod { pod, _ in
            pod.containers.compactMap { container -> Violation? in
                guard let privileged = container.securityContext?["privileged"], privileged.bool == true else { return nil }
                let reason: String
                if let entry = (Accelerators.entries(container, "limits") + Accelerators.entries(container, "requests")).first(where: { !$0.isZero }) {
                    reason = "requests \(entry.name)"
                } else if let image = container.image, Accelerators.isGPUImage(container) {
                    reason = "runs GPU image \"\(image)\""
                } else {
                    return nil
                }
                return Violation(
                    "\(container.displayName) of \(pod.displayName) \(reason) and sets privileged: true; the device plugin already provides the GPUs it asks for, while privileged mode exposes every device of the node and disables isolation",
                    at: privileged, field: "\(container.path).securityContext.privileged", container: container.name)
            }
        }
    )

    static let hostIPCForNCCL = KubernetesRule(
        RuleDescriptor(
            id: "serving/host-ipc-nccl",
            severity: .high,
            title: "GPU or distributed ML pod shares the host IPC namespace",
            summary: "`hostIPC: true` is often set on GPU, distributed-training and tensor-parallel inference pods because NCCL and PyTorch DataLoader workers need a larger `/dev/shm` than the 64 MiB default. It shares the node's System V and POSIX shared memory with every process on the node, so the pod can read and tamper with other workloads' shared-memory segments (including other tenants' tensors) and theirs with it. High: a host namespace shared for a problem a sized memory-backed volume solves.",
            remediation: "Remove `hostIPC: true` and mount a memory-backed emptyDir at /dev/shm instead: a volume `{name: dshm, emptyDir: {medium: Memory, sizeLimit: 8Gi}}` with a `volumeMount` at `/dev/shm`, sized for NCCL and the data loaders and counted in the container's memory limit.",
            controls: ["cis-k8s:5.2.4", "pss-baseline:hostNamespaces", "nist-800-190:4.4.3", "owasp-k8s:K01", "nsa-k8s:pod-security"],
            failing: [
                RuleExample("""
                apiVersion: leaderworkerset.x-k8s.io/v1
                kind: LeaderWorkerSet
                metadata: {name: vllm-405b, namespace: llm}
                spec:
                  leaderWorkerTemplate:
                    size: 2
                    leaderTemplate:
                      spec:
                        hostIPC: ↓true
                        containers:
                          - name: vllm-leader
                            image: vllm/vllm-openai:v0.6.3
                            env:
                              - {name: NCCL_SOCKET_IFNAME, value: eth0}
                            resources:
                              limits: {nvidia.com/gpu: 8}
                    workerTemplate:
                      spec:
                        hostIPC: ↓true
                        containers:
                          - name: vllm-worker
                            image: vllm/vllm-openai:v0.6.3
                            resources:
                              limits: {nvidia.com/gpu: 8}
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: ddp-resnet, namespace: research}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      hostIPC: ↓true
                      containers:
                        - name: trainer
                          image: registry.example.com/research/trainer:1.4.0
                          command: ["torchrun", "--nnodes=1", "--nproc-per-node=4", "train.py"]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm-70b, namespace: llm}
                spec:
                  selector: {matchLabels: {app: vllm-70b}}
                  template:
                    metadata: {labels: {app: vllm-70b}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "meta-llama/Meta-Llama-3-70B-Instruct", "--tensor-parallel-size", "4"]
                          resources:
                            limits: {nvidia.com/gpu: 4, memory: 96Gi}
                          volumeMounts:
                            - {name: dshm, mountPath: /dev/shm}
                      volumes:
                        - name: dshm
                          emptyDir: {medium: Memory, sizeLimit: 16Gi}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: legacy-ipc, namespace: tools}
                spec:
                  hostIPC: true
                  containers:
                    - name: app
                      image: registry.example.com/tools/shm-reader:1.0
                """),
            ],
            tags: ["ml", "gpu"]
        ),
        check: .pod { pod, _ in
            guard let hostIPC = pod.spec["hostIPC"], hostIPC.bool == true, let reason = MLWorkload.reason(pod) else { return [] }
            return [Violation(
                "\(pod.displayName) sets hostIPC: true for \(reason); it shares the node's shared memory with every process on the node, where an emptyDir with medium: Memory and a sizeLimit mounted at /dev/shm gives NCCL the same room",
                at: hostIPC, field: "\(pod.specPath).hostIPC")]
        }
    )
}
