import BulwarkCore
import Foundation

extension MLServingRules {
    static let trustRemoteCode = KubernetesRule(
        RuleDescriptor(
            id: "serving/trust-remote-code",
            aliases: ["serving/vllm-trust-remote-code"],
            severity: .high,
            title: "Model server trusts remote code",
            summary: "`--trust-remote-code` (vLLM, SGLang, KServe's Hugging Face server as `--trust_remote_code`) and `TRUST_REMOTE_CODE=true` (Text Generation Inference) make the server import and run the Python files shipped in the model repository (`modeling_*.py`, custom tokenizers). Whoever controls that repository, a compromised Hub account, a typo-squatted model name or a poisoned cache, runs code inside the server with its credentials, GPUs and network access. High: remote code execution by design.",
            remediation: "Remove `--trust-remote-code` / `TRUST_REMOTE_CODE` and use models whose architectures the server supports natively. If custom code is unavoidable, pin the model to a reviewed commit (`--revision`, `--code-revision`), mirror it to storage you control, verify its signature, and run the server in a sandboxed runtimeClass without credentials or egress.",
            controls: ["nist-800-190:4.1.5", "nist-800-190:4.4.4", "owasp-k8s:K02", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: deepseek-v2-lite, namespace: llm}
                spec:
                  selector: {matchLabels: {app: deepseek-v2-lite}}
                  template:
                    metadata: {labels: {app: deepseek-v2-lite}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          command: ["vllm", "serve"]
                          args: ["deepseek-ai/DeepSeek-V2-Lite-Chat", ↓"--trust-remote-code", "--api-key", "$(VLLM_API_KEY)"]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: phi3-small, namespace: llm}
                spec:
                  containers:
                    - name: server
                      image: vllm/vllm-openai:v0.6.3
                      command: ["/bin/sh", "-c"]
                      args:
                        - ↓pip install tiktoken && exec python3 -m vllm.entrypoints.openai.api_server --model microsoft/Phi-3-small-8k-instruct --trust-remote-code
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: tgi-falcon, namespace: llm}
                spec:
                  serviceName: tgi-falcon
                  selector: {matchLabels: {app: tgi-falcon}}
                  template:
                    metadata: {labels: {app: tgi-falcon}}
                    spec:
                      containers:
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          env:
                            - {name: MODEL_ID, value: tiiuae/falcon-7b-instruct}
                            - name: TRUST_REMOTE_CODE
                              value: ↓"true"
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: phi-3, namespace: llm}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: huggingface}
                      args:
                        - --model_name=phi3
                        - --model_id=microsoft/Phi-3-small-8k-instruct
                        - ↓--trust_remote_code
                      resources:
                        limits: {nvidia.com/gpu: "1"}
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
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--revision", "5f0b02c75b57c5855da9ae460ce51323ea669d8a"]
                        - name: tgi
                          image: ghcr.io/huggingface/text-generation-inference:2.4.1
                          env:
                            - {name: TRUST_REMOTE_CODE, value: "false"}
                """),
            ],
            tags: ["ml", "supply-chain"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                let words = ContainerCommandLine.invocations(of: container).flatMap { $0 }
                if let flag = ServerFlags(words: words).switch("--trust-remote-code"), flag.isOn {
                    let what = ModelServer.detect(container).first.map { "runs \($0.kind.displayName) with" } ?? "passes"
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) \(what) \(flag.display); the Python code in the model repository runs inside the server with its credentials, GPUs and network access",
                        at: flag.node, field: ServingAnchor.field(of: flag.node, in: container), container: container.name))
                }
                for name in ["TRUST_REMOTE_CODE", "HF_MODEL_TRUST_REMOTE_CODE"] {
                    guard let env = ServingEnv.find(name, in: container), let value = env.value, ServerFlags.isTrue(value) else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets \(name)=\(value); Text Generation Inference then runs the Python code in the model repository inside the server",
                        at: env.node, field: "\(container.path).env", container: container.name))
                }
            }
            return violations
        }
    )

    static let vllmNoAPIKey = KubernetesRule(
        RuleDescriptor(
            id: "serving/vllm-no-api-key",
            severity: .medium,
            title: "vLLM server without an API key",
            summary: "The vLLM OpenAI-compatible server accepts every request unless `--api-key` or `VLLM_API_KEY` is set, and it listens on all interfaces by default: anyone who reaches the pod can use the model and its GPUs, and call operational endpoints such as `/pause`. The key protects only `/v1`, `/v2` and `/inference` paths; `/invocations`, `/pooling`, `/classify`, `/score`, `/rerank`, `/tokenize`, `/pause` and others stay open even with it. Medium: abuse and data exposure rather than code execution, and often behind a gateway.",
            remediation: "Set `VLLM_API_KEY` from a Secret (`valueFrom.secretKeyRef`) or pass `--api-key $(VLLM_API_KEY)`, and put the server behind a reverse proxy or Gateway that allowlists the endpoints clients need; add a NetworkPolicy that admits only the gateway to the API port.",
            controls: ["nist-800-190:4.4.4", "mitre-atlas:AML.T0040"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mistral-7b, namespace: llm}
                spec:
                  selector: {matchLabels: {app: mistral-7b}}
                  template:
                    metadata: {labels: {app: mistral-7b}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          ↓args:
                            - --model=mistralai/Mistral-7B-Instruct-v0.3
                            - --max-model-len=16384
                          resources:
                            limits: {nvidia.com/gpu: 1}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: qwen, namespace: llm}
                spec:
                  containers:
                    - name: vllm
                      image: registry.example.com/llm/vllm:0.6.3-cu124
                      ↓command: ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--port", "8000"]
                      resources:
                        limits: {nvidia.com/gpu: 1}
                """),
                RuleExample("""
                apiVersion: leaderworkerset.x-k8s.io/v1
                kind: LeaderWorkerSet
                metadata: {name: vllm-multinode, namespace: llm}
                spec:
                  leaderWorkerTemplate:
                    size: 2
                    leaderTemplate:
                      spec:
                        containers:
                          - name: vllm-leader
                            image: vllm/vllm-openai:v0.6.3
                            env:
                              - {name: HUGGING_FACE_HUB_TOKEN, valueFrom: {secretKeyRef: {name: hf-token, key: token}}}
                            ↓command:
                              - sh
                              - -c
                              - "bash /vllm-workspace/examples/online_serving/multi-node-serving.sh leader --ray_cluster_size=$(LWS_GROUP_SIZE);
                                 python3 -m vllm.entrypoints.openai.api_server --port 8080 --model meta-llama/Meta-Llama-3.1-405B-Instruct --tensor-parallel-size 8 --pipeline_parallel_size 2"
                            resources:
                              limits: {nvidia.com/gpu: "8"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mistral-7b, namespace: llm}
                spec:
                  selector: {matchLabels: {app: mistral-7b}}
                  template:
                    metadata: {labels: {app: mistral-7b}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: ["--model=mistralai/Mistral-7B-Instruct-v0.3"]
                          env:
                            - name: VLLM_API_KEY
                              valueFrom: {secretKeyRef: {name: vllm-api-key, key: key}}
                        - name: vllm-second
                          image: vllm/vllm-openai:v0.6.3
                          command: ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--api-key", "$(VLLM_API_KEY)"]
                        - name: downloader
                          image: vllm/vllm-openai:v0.6.3
                          command: ["huggingface-cli", "download", "Qwen/Qwen2.5-7B-Instruct"]
                """),
            ],
            tags: ["ml", "vllm"]
        ),
        check: .pod { pod, _ in
            pod.containers.compactMap { container -> Violation? in
                guard let server = ModelServer.detect(container, kind: .vllm).first else { return nil }
                if let key = server.flags.option("--api-key"), let value = key.value, !ServerFlags.unquoted(value).isEmpty { return nil }
                if let env = ServingEnv.find("VLLM_API_KEY", in: container), env.isReference || !(env.value ?? "").isEmpty { return nil }
                let legacy = server.entrypoint.hasSuffix("vllm.entrypoints.api_server")
                    ? " (vllm.entrypoints.api_server is a demo server with no authentication at all; use vllm serve)" : ""
                return Violation(
                    "\(container.displayName) of \(pod.displayName) runs the vLLM server (\(server.entrypoint)) without --api-key or VLLM_API_KEY\(legacy); anyone who reaches it can use every endpoint, and even with a key only /v1, /v2 and /inference paths are protected",
                    at: ServingAnchor.arguments(container), field: "\(container.path).\(container.node["args"] == nil && container.node["command"] != nil ? "command" : "args")", container: container.name)
            }
        }
    )

    static let vllmDevMode = KubernetesRule(
        RuleDescriptor(
            id: "serving/vllm-dev-mode",
            severity: .high,
            title: "vLLM development endpoints enabled",
            summary: "`VLLM_SERVER_DEV_MODE=1` adds unauthenticated development endpoints to the vLLM server: `/collective_rpc` executes arbitrary RPC methods on the engine, `/sleep` and the cache resets take the service down, and `/server_info` discloses the configuration. The API key does not cover them. High: remote control of the engine from anyone who reaches the port.",
            remediation: "Remove `VLLM_SERVER_DEV_MODE` (or set it to 0) from production workloads; keep development mode to local, isolated environments.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llama-rlhf, namespace: research}
                spec:
                  selector: {matchLabels: {app: llama-rlhf}}
                  template:
                    metadata: {labels: {app: llama-rlhf}}
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.8.5
                          env:
                            - name: VLLM_SERVER_DEV_MODE
                              value: ↓"1"
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
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.8.5
                          env:
                            - {name: VLLM_SERVER_DEV_MODE, value: "0"}
                """),
            ],
            tags: ["ml", "vllm"]
        ),
        check: .pod { pod, _ in
            pod.containers.compactMap { container -> Violation? in
                guard let env = ServingEnv.find("VLLM_SERVER_DEV_MODE", in: container), let value = env.value, ServerFlags.isTrue(value) else { return nil }
                return Violation(
                    "\(container.displayName) of \(pod.displayName) sets VLLM_SERVER_DEV_MODE=\(value); vLLM then serves unauthenticated development endpoints, including /collective_rpc (arbitrary engine RPC) and /sleep",
                    at: env.node, field: "\(container.path).env", container: container.name)
            }
        }
    )

    static let vllmProfilerEnabled = KubernetesRule(
        RuleDescriptor(
            id: "serving/vllm-profiler-enabled",
            severity: .low,
            title: "vLLM profiler endpoints enabled",
            summary: "Setting `VLLM_TORCH_PROFILER_DIR` (or `--profiler-config` in newer releases, or `VLLM_TORCH_CUDA_PROFILE=1`) turns on the profiler and its unauthenticated `/start_profile` and `/stop_profile` endpoints: anyone who reaches the server can slow it down and fill the trace directory. Low: degraded service and disk use, no code execution.",
            remediation: "Remove the profiler settings from production workloads and profile in a separate, isolated deployment.",
            controls: ["nist-800-190:4.4.4"],
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
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          env:
                            - {name: VLLM_TORCH_PROFILER_DIR, value: ↓/traces}
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
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          env:
                            - {name: VLLM_LOGGING_LEVEL, value: INFO}
                """),
            ],
            tags: ["ml", "vllm"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                if let env = ServingEnv.find("VLLM_TORCH_PROFILER_DIR", in: container), env.isReference || !(env.value ?? "").isEmpty {
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets VLLM_TORCH_PROFILER_DIR; vLLM then serves unauthenticated /start_profile and /stop_profile endpoints",
                        at: env.node, field: "\(container.path).env", container: container.name))
                }
                if let env = ServingEnv.find("VLLM_TORCH_CUDA_PROFILE", in: container), let value = env.value, ServerFlags.isTrue(value) {
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets VLLM_TORCH_CUDA_PROFILE=\(value); vLLM then serves unauthenticated profiler endpoints",
                        at: env.node, field: "\(container.path).env", container: container.name))
                }
                for server in ModelServer.detect(container, kind: .vllm) {
                    guard let flag = server.flags.option("--profiler-config") else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) passes \(flag.name); vLLM then serves unauthenticated /start_profile and /stop_profile endpoints",
                        at: flag.node, field: ServingAnchor.field(of: flag.node, in: container), container: container.name))
                }
            }
            return violations
        }
    )
}
