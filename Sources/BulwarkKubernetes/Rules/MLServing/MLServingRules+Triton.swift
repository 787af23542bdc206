import BulwarkCore
import Foundation

extension MLServingRules {
    static let tritonExplicitModelControl = KubernetesRule(
        RuleDescriptor(
            id: "serving/triton-explicit-model-control",
            severity: .high,
            title: "Triton model control API open",
            summary: "With `--model-control-mode=explicit`, Triton's model-repository API loads and unloads models on request, and a load request may even carry the model's files in its body: loading a Python-backend model runs its `model.py`. Unless `--http-restricted-api` and `--grpc-restricted-protocol` restrict `model-repository` to callers that present a secret header, anyone who reaches the HTTP (8000) or gRPC (8001) port can run code in the server. High: remote code execution from the network. (`poll` mode refuses load and unload requests; its risk is a writable model repository.)",
            remediation: "Use `--model-control-mode=none` (the default) when models are fixed at deployment. If explicit control is needed, add `--http-restricted-api=model-repository,logging,shared-memory:<header>=<secret>` and `--grpc-restricted-protocol=model-repository,logging,shared-memory:<header>=<secret>` with the secret from a Kubernetes Secret, or disable the unused protocol (`--allow-http=false` / `--allow-grpc=false`), and admit only the controller to the ports with a NetworkPolicy.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1alpha1
                kind: ServingRuntime
                metadata: {name: triton-2.x, namespace: modelmesh-serving}
                spec:
                  multiModel: true
                  supportedModelFormats:
                    - {name: onnx, version: "1", autoSelect: true}
                  containers:
                    - name: triton
                      image: nvcr.io/nvidia/tritonserver:23.04-py3
                      command: [/bin/sh]
                      args:
                        - -c
                        - ↓'mkdir -p /models/_triton_models;
                          chmod 777 /models/_triton_models;
                          exec tritonserver "--model-repository=/models/_triton_models" "--model-control-mode=explicit" "--strict-model-config=false" "--allow-http=true"'
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
                      containers:
                        - name: triton
                          image: nvcr.io/nvidia/tritonserver:24.05-py3
                          args:
                            - tritonserver
                            - --model-repository=s3://models-prod/triton
                            - --model-control-mode
                            - ↓explicit
                            - --http-restricted-api=model-repository:triton-admin-key=$(TRITON_ADMIN_KEY)
                          resources:
                            limits: {nvidia.com/gpu: 1}
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
                          args:
                            - tritonserver
                            - --model-repository=s3://models-prod/triton
                            - --model-control-mode=explicit
                            - --http-restricted-api=model-repository,logging,shared-memory:triton-admin-key=$(TRITON_ADMIN_KEY)
                            - --allow-grpc=false
                        - name: triton-static
                          image: nvcr.io/nvidia/tritonserver:24.05-py3
                          args: ["tritonserver", "--model-repository=/models", "--model-control-mode=poll"]
                """),
            ],
            tags: ["ml", "triton"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for server in ModelServer.detect(container, kind: .triton) {
                    let flags = server.flags
                    guard let mode = flags.option("--model-control-mode"), let value = mode.value,
                          ServerFlags.unquoted(value).lowercased() == "explicit" else { continue }
                    var missing: [String] = []
                    if flags.option("--allow-http")?.value.map(ServerFlags.isTrue) ?? true,
                       !TritonFlags.restricts(flags.options(["--http-restricted-api"])) {
                        missing.append("--http-restricted-api")
                    }
                    if flags.option("--allow-grpc")?.value.map(ServerFlags.isTrue) ?? true,
                       !TritonFlags.restricts(flags.options(["--grpc-restricted-protocol"])) {
                        missing.append("--grpc-restricted-protocol")
                    }
                    guard !missing.isEmpty else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) runs Triton with --model-control-mode=explicit and no \(missing.joined(separator: " or ")) covering model-repository; anyone who reaches the port can load models, and loading a Python-backend model runs its code",
                        at: mode.node, field: ServingAnchor.field(of: mode.node, in: container), container: container.name))
                }
            }
            return violations
        }
    )
}
