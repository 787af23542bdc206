import BulwarkCore
import Foundation

extension MLServingRules {
    static let torchServeEndOfLife = KubernetesRule(
        RuleDescriptor(
            id: "serving/torchserve-end-of-life",
            severity: .medium,
            title: "TorchServe is no longer maintained",
            summary: "TorchServe is in limited maintenance: the project states it no longer ships security patches, so vulnerabilities found after its last release (it has had ShellTorch CVE-2023-43654 and the SnakeYAML CVE-2022-1471 in its history) stay open. KServe's `pytorch` predictor and `modelFormat: pytorch` run it too. Medium: no known exploit by itself, but an unpatched, network-facing server that loads pickled models.",
            remediation: "Plan a migration to a maintained server (Triton with the PyTorch/Python backend, KServe's Hugging Face runtime or vLLM for transformer models, or a small FastAPI/Ray Serve application that loads `torch.export`/safetensors artifacts). Until then keep the management API on localhost, token authorization on, `allowed_urls` restricted, and the pod isolated by a NetworkPolicy.",
            controls: ["nist-800-190:4.1.1", "owasp-k8s:K02"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: ↓pytorch/torchserve:0.11.0-gpu
                          args: ["torchserve", "--start", "--model-store", "/home/model-server/model-store", "--models", "resnet-18=resnet-18.mar"]
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: mnist, namespace: vision}
                spec:
                  predictor:
                    model:
                      modelFormat:
                        name: ↓pytorch
                      storageUri: gs://kfserving-examples/models/torchserve/image_classifier/v1
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: bert, namespace: nlp}
                spec:
                  predictor:
                    ↓pytorch:
                      storageUri: gs://kfserving-examples/models/torchserve/huggingface
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: bert, namespace: nlp}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: huggingface}
                      storageUri: hf://google-bert/bert-base-uncased
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            let note = "TorchServe is in limited maintenance and receives no security patches"
            for container in pod.containers {
                let field = "\(container.path).image"
                if let image = container.image, ServingImage(image).lastComponent.contains("torchserve") {
                    violations.append(Violation("\(container.displayName) of \(pod.displayName) runs TorchServe image \"\(image)\"; \(note)",
                                                at: container.node["image"], field: field, container: container.name))
                } else if let server = ModelServer.detect(container, kind: .torchserve).first, let word = server.programWord {
                    violations.append(Violation("\(container.displayName) of \(pod.displayName) runs torchserve; \(note)",
                                                at: word.node, field: "\(container.path).command", container: container.name))
                } else if container.kind == .embedded {
                    let key = container.path.split(separator: ".").last.map(String.init) ?? ""
                    if key == "pytorch", container.node["image"] == nil {
                        violations.append(Violation("\(pod.displayName) uses KServe's pytorch predictor, which is served by TorchServe; \(note)",
                                                    at: pod.spec.keyNode("pytorch"), field: container.path, container: container.name))
                    } else if let format = container.node["modelFormat"]?["name"], format.string?.lowercased() == "pytorch",
                              container.node["image"] == nil,
                              container.node["runtime"]?.string.map({ $0.contains("torchserve") }) ?? true {
                        violations.append(Violation("\(pod.displayName) serves modelFormat pytorch, which KServe runs on its TorchServe runtime (kserve-torchserve); \(note)",
                                                    at: format, field: "\(container.path).modelFormat.name", container: container.name))
                    }
                }
            }
            return violations
        }
    )

    static let torchServeManagementAPIExposed = KubernetesRule(
        RuleDescriptor(
            id: "serving/torchserve-management-api-exposed",
            severity: .high,
            title: "TorchServe management API bound to all interfaces",
            summary: "TorchServe's management API registers models from URLs, scales workers and deletes models; its documented default is `http://127.0.0.1:8081`, but configurations copied from examples bind it to `0.0.0.0`. Exposed, it was the entry point of ShellTorch (CVE-2023-43654: registering a model from an attacker's URL leads to code execution). Checked in `config.properties` held in ConfigMaps and in the `TS_MANAGEMENT_ADDRESS` variable (read when `enable_envvars_config=true`). High: network path to model registration, i.e. code execution.",
            remediation: "Set `management_address=http://127.0.0.1:8081` (or a Unix socket) and reach it with `kubectl port-forward` or a sidecar; if it must be remote, keep token authorization on, restrict `allowed_urls`, and admit only the deployment controller to the port with a NetworkPolicy. Keep the inference address separate from the management address.",
            controls: ["nist-800-190:4.4.2", "nist-800-190:4.4.4", "owasp-k8s:K07", "nsa-k8s:network-separation", "mitre-atlas:AML.T0049"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    inference_address=http://0.0.0.0:8085
                    ↓management_address=http://0.0.0.0:8085
                    metrics_address=http://0.0.0.0:8082
                    enable_envvars_config=true
                    model_store=/mnt/models/model-store
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: registry.example.com/vision/torchserve-resnet:2024.06
                          env:
                            - {name: TS_ENABLE_ENVVARS_CONFIG, value: "true"}
                            - {name: TS_MANAGEMENT_ADDRESS, value: ↓"http://0.0.0.0:8081"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    inference_address=http://0.0.0.0:8080
                    management_address=http://127.0.0.1:8081
                    metrics_address=http://0.0.0.0:8082
                  log4j2.xml: |
                    <Configuration status="WARN"/>
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: registry.example.com/vision/torchserve-resnet:2024.06
                          env:
                            - {name: TS_MANAGEMENT_ADDRESS, value: "unix:/run/torchserve/management.sock"}
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .inventory { index in
            var violations = TorchServeConfig.violations(in: index, key: "management_address") { value in
                TorchServeConfig.bindsAllInterfaces(value)
                    ? "TorchServe's management API (model registration from URLs, scaling, deletion) listens on every interface of the pod" : nil
            }
            for pod in index.podSpecs {
                for container in pod.containers {
                    guard let env = ServingEnv.find("TS_MANAGEMENT_ADDRESS", in: container), let value = env.value,
                          TorchServeConfig.bindsAllInterfaces(value) else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets TS_MANAGEMENT_ADDRESS=\(value); TorchServe's management API (model registration from URLs, scaling, deletion) listens on every interface of the pod",
                        at: env.node, field: "\(container.path).env", container: container.name, object: pod.object))
                }
            }
            return violations
        }
    )

    static let torchServeTokenAuthDisabled = KubernetesRule(
        RuleDescriptor(
            id: "serving/torchserve-token-auth-disabled",
            severity: .high,
            title: "TorchServe token authorization disabled",
            summary: "Since 0.11, TorchServe requires a token on its inference and management APIs; `disable_token_authorization=true`, `--disable-token-auth` or `TS_DISABLE_TOKEN_AUTHORIZATION=true` turn that off, so anyone who reaches the ports can register, scale and delete models and run inference. High: unauthenticated management of a server that executes model code.",
            remediation: "Remove the setting and distribute the generated keys (`key_file.json`) or a token from a Secret to the clients; keep the management API on localhost and isolate the pod with a NetworkPolicy.",
            controls: ["nist-800-190:4.4.4", "mitre-atlas:AML.T0040"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    inference_address=http://0.0.0.0:8080
                    management_address=http://127.0.0.1:8081
                    ↓disable_token_authorization=true
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: pytorch/torchserve:0.12.0-cpu
                          args: ["torchserve", "--start", "--ncs", "--model-store", "/models", ↓"--disable-token-auth"]
                        - name: canary
                          image: pytorch/torchserve:0.12.0-cpu
                          env:
                            - {name: TS_DISABLE_TOKEN_AUTHORIZATION, value: ↓"true"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    inference_address=http://0.0.0.0:8080
                    management_address=http://127.0.0.1:8081
                    disable_token_authorization=false
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .inventory { index in
            var violations = TorchServeConfig.violations(in: index, key: "disable_token_authorization") { value in
                ServerFlags.isTrue(value) ? "TorchServe's inference and management APIs accept requests without a token" : nil
            }
            for pod in index.podSpecs {
                for container in pod.containers {
                    for server in ModelServer.detect(container, kind: .torchserve) {
                        guard let flag = server.flags.switch("--disable-token-auth"), flag.isOn else { continue }
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs torchserve with \(flag.name); its inference and management APIs accept requests without a token",
                            at: flag.node, field: ServingAnchor.field(of: flag.node, in: container), container: container.name, object: pod.object))
                    }
                    if let env = ServingEnv.find("TS_DISABLE_TOKEN_AUTHORIZATION", in: container), let value = env.value, ServerFlags.isTrue(value) {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) sets TS_DISABLE_TOKEN_AUTHORIZATION=\(value); TorchServe's inference and management APIs accept requests without a token",
                            at: env.node, field: "\(container.path).env", container: container.name, object: pod.object))
                    }
                }
            }
            return violations
        }
    )

    static let torchServeAllowedURLsOpen = KubernetesRule(
        RuleDescriptor(
            id: "serving/torchserve-allowed-urls-open",
            severity: .high,
            title: "TorchServe registers models from any URL",
            summary: "TorchServe's `allowed_urls` limits where the management API may download model archives from; its default `file://.*|http(s)?://.*`, or any pattern whose host is a wildcard, lets a caller register a model from a server they control, the ShellTorch chain (CVE-2023-43654) to code execution. Reported where `allowed_urls`/`TS_ALLOWED_URLS` is open, and where the model API is enabled (`enable_model_api=true`, `--enable-model-api`, `TS_ENABLE_MODEL_API=true`) with no `allowed_urls` in sight. High: remote code execution through model registration.",
            remediation: "Set `allowed_urls` to the exact buckets or registries you publish models to (`allowed_urls=https://models-prod.s3.amazonaws.com/.*`), keep the model API disabled unless registration at runtime is required, and keep token authorization on.",
            controls: ["nist-800-190:4.4.4", "nist-800-190:4.1.5", "owasp-k8s:K02", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    management_address=http://127.0.0.1:8081
                    ↓allowed_urls=file://.*|http(s)?://.*
                """),
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: torchserve-config, namespace: vision}
                data:
                  config.properties: |
                    management_address=http://127.0.0.1:8081
                    ↓enable_model_api=true
                    model_store=/home/model-server/model-store
                """),
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ts-config, namespace: vision}
                data:
                  config.properties: |
                    management_address=http://127.0.0.1:8081
                    model_store=/home/model-server/model-store
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: pytorch/torchserve:0.12.0-cpu
                          args:
                            - torchserve
                            - --start
                            - --ts-config=/config/config.properties
                            - ↓--enable-model-api
                          volumeMounts:
                            - {name: config, mountPath: /config}
                      volumes:
                        - name: config
                          configMap: {name: ts-config}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ts-config, namespace: vision}
                data:
                  config.properties: |
                    management_address=http://127.0.0.1:8081
                    allowed_urls=https://models-prod.s3.amazonaws.com/.*,https://registry.example.com/models/.*
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: resnet, namespace: vision}
                spec:
                  selector: {matchLabels: {app: resnet}}
                  template:
                    metadata: {labels: {app: resnet}}
                    spec:
                      containers:
                        - name: torchserve
                          image: pytorch/torchserve:0.12.0-cpu
                          args: ["torchserve", "--start", "--ts-config=/config/config.properties", "--enable-model-api"]
                          volumeMounts:
                            - {name: config, mountPath: /config}
                      volumes:
                        - name: config
                          configMap: {name: ts-config}
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .inventory { index in
            var violations: [Violation] = []
            var configs: [String: [TorchServeConfig]] = [:]
            for object in index.objects(ofKind: "ConfigMap") {
                let found = TorchServeConfig.configs(in: object)
                guard !found.isEmpty else { continue }
                configs["\(object.effectiveNamespace ?? "")/\(object.name)", default: []] += found
                for config in found {
                    if let entry = config.entry("allowed_urls") {
                        if let open = TorchServeConfig.openAllowedURLs(entry.value) {
                            violations.append(Violation(
                                "\(object.displayName) sets allowed_urls=\(entry.value) in \(config.dataKey); \(open) lets the management API register model archives from any host",
                                at: entry.node, field: "data[\"\(config.dataKey)\"]", object: object))
                        }
                    } else if let enable = config.entry("enable_model_api"), ServerFlags.isTrue(enable.value) {
                        violations.append(Violation(
                            "\(object.displayName) sets enable_model_api=\(enable.value) in \(config.dataKey) without allowed_urls; the default file://.*|http(s)?://.* lets the management API register model archives from any host",
                            at: enable.node, field: "data[\"\(config.dataKey)\"]", object: object))
                    }
                }
            }
            for pod in index.podSpecs {
                let namespace = pod.object.effectiveNamespace ?? ""
                var mounted: [TorchServeConfig] = []
                for volume in pod.volumes {
                    var names = [volume["configMap"]?["name"]?.string].compactMap { $0 }
                    names += (volume["projected"]?["sources"]?.items ?? []).compactMap { $0["configMap"]?["name"]?.string }
                    for name in names { mounted += configs["\(namespace)/\(name)"] ?? [] }
                }
                for container in pod.containers {
                    let allowed = ServingEnv.find("TS_ALLOWED_URLS", in: container)
                    if let allowed, let value = allowed.value {
                        if let open = TorchServeConfig.openAllowedURLs(value) {
                            violations.append(Violation(
                                "\(container.displayName) of \(pod.displayName) sets TS_ALLOWED_URLS=\(value); \(open) lets the management API register model archives from any host",
                                at: allowed.node, field: "\(container.path).env", container: container.name, object: pod.object))
                        }
                        continue
                    }
                    if mounted.contains(where: { $0.entry("allowed_urls") != nil }) { continue }
                    var enabledBy: (String, YAMLNode)?
                    for server in ModelServer.detect(container, kind: .torchserve) {
                        if let flag = server.flags.switch("--enable-model-api"), flag.isOn { enabledBy = (flag.name, flag.node) }
                    }
                    if enabledBy == nil, let env = ServingEnv.find("TS_ENABLE_MODEL_API", in: container), let value = env.value, ServerFlags.isTrue(value) {
                        enabledBy = ("TS_ENABLE_MODEL_API=\(value)", env.node)
                    }
                    guard let (setting, node) = enabledBy else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) enables TorchServe's model API (\(setting)) with no allowed_urls in its env or mounted configuration; the default file://.*|http(s)?://.* lets it register model archives from any host",
                        at: node, field: ServingAnchor.field(of: node, in: container), container: container.name, object: pod.object))
                }
            }
            return violations
        }
    )
}
