import BulwarkCore
import Foundation

/// Credentials in containers' environments: literal values, and Secrets passed as variables.
extension SecretRules {
    static let envLiteral = KubernetesRule(
        RuleDescriptor(
            id: "secret/env-literal",
            severity: .high,
            title: "Credential written as a literal environment value",
            summary: """
            A credential-named environment variable with a literal value, or any literal value in a known token format, \
            puts the secret into the manifest, into version control and into every tool that reads the object. \
            The finding is high when the value is a known token format or looks random, and medium for other \
            literals (including placeholders such as `changeme`, which get replaced by real secrets in place); \
            references such as `$(VAR)`, file paths and booleans are not reported.
            """,
            remediation: """
            Move the value into a Secret (sealed with `bulwark seal` or managed by an external secrets operator), \
            mount it as a file, and rotate the exposed credential.
            """,
            controls: secretControls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/ml/model-server:1.4.2
                          env:
                            - name: MODEL_PATH
                              value: /app/model/model.joblib
                            - name: MODEL_REGISTRY_TOKEN
                              value: ↓changeme-not-a-real-token
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: vllm, namespace: llm}
                spec:
                  initContainers:
                    - name: download
                      image: registry.example.com/tools/hf-cli:0.24
                      env:
                        - {name: HF_HUB_OFFLINE, value: "0"}
                        - {name: DOWNLOAD_AUTH, value: ↓hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH}
                  containers:
                    - name: vllm
                      image: vllm/vllm-openai:v0.6.3
                      env:
                        - name: DATABASE_URL
                          value: ↓"postgres://app:s3cr3t-P4ss@db.internal:5432/prompts"
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/ml/model-server:1.4.2
                          env:
                            - name: DOCKER_CONFIG
                              value: /var/run/secrets/registry
                            - name: GOOGLE_APPLICATION_CREDENTIALS
                              value: /var/secrets/google/key.json
                            - name: HF_TOKEN
                              valueFrom:
                                secretKeyRef: {name: hf-token, key: token}
                            - name: DB_PASSWORD
                              value: $(DB_PASSWORD_FROM_SECRET)
                            - name: TOKENIZER_PATH
                              value: /models/tokenizer
                            - name: BASIC_AUTH
                              value: "false"
                """),
            ],
            tags: ["secrets"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for (index, entry) in (container.node["env"]?.items ?? []).enumerated() {
                    guard let name = entry["name"]?.string, let valueNode = entry["value"], let value = valueNode.string,
                          let assessment = CredentialLiteral.assess(name: name, value: value, plainSeverity: .medium, tokenPhrase: literalValueWith)
                    else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets environment variable \(name) to \(assessment.what) (\(assessment.redacted))",
                        at: valueNode, field: "\(container.path).env[\(index)].value", container: container.name,
                        severity: assessment.severity))
                }
            }
            return violations
        }
    )

    static let envFromSecret = KubernetesRule(
        RuleDescriptor(
            id: "secret/env-from-secret",
            severity: .low,
            title: "Secret passed through environment variables",
            summary: """
            Secrets in environment variables (`env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`) are inherited by \
            every child process, show up in crash dumps, debug endpoints and `/proc/<pid>/environ`, and are often \
            logged by ML frameworks that print their configuration.
            """,
            remediation: """
            Mount the Secret as a read-only volume (`secret.defaultMode: 0440`) and point the application at the \
            file, e.g. with a `*_FILE` variable.
            """,
            controls: ["cis-k8s:5.4.1", "owasp-k8s:K08", "nsa-k8s:secrets"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/ml/model-server:1.4.2
                          env:
                            - name: REGISTRY_DOCKERCONFIGJSON
                              valueFrom:
                                ↓secretKeyRef:
                                  name: registry-credentials
                                  key: .dockerconfigjson
                          envFrom:
                            - configMapRef: {name: settings}
                            - ↓secretRef: {name: api-keys}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/ml/model-server:1.4.2
                          env:
                            - name: DOCKER_CONFIG
                              value: /var/run/secrets/registry
                            - name: POD_NAME
                              valueFrom:
                                fieldRef: {fieldPath: metadata.name}
                          envFrom:
                            - configMapRef: {name: settings}
                          volumeMounts:
                            - {name: registry-credentials, mountPath: /var/run/secrets/registry, readOnly: true}
                      volumes:
                        - name: registry-credentials
                          secret: {secretName: registry-credentials, defaultMode: 288}
                """),
            ],
            tags: ["secrets"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for (index, entry) in (container.node["env"]?.items ?? []).enumerated() {
                    guard let reference = entry["valueFrom"]?["secretKeyRef"], reference.isMapping else { continue }
                    let variable = entry["name"]?.string ?? "#\(index)"
                    let secret = reference["name"]?.string ?? "(unnamed)"
                    let key = reference["key"]?.string ?? "(no key)"
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) exposes key \(key) of Secret \(secret) as environment variable \(variable)",
                        at: entry["valueFrom"]?.keyNode("secretKeyRef") ?? reference,
                        field: "\(container.path).env[\(index)].valueFrom.secretKeyRef", container: container.name))
                }
                for (index, entry) in (container.node["envFrom"]?.items ?? []).enumerated() {
                    guard let reference = entry["secretRef"], !reference.isNull else { continue }
                    let secret = reference["name"]?.string ?? "(unnamed)"
                    let prefix = entry["prefix"]?.string.map { " with prefix \($0)" } ?? ""
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) loads every key of Secret \(secret) into its environment\(prefix)",
                        at: entry.keyNode("secretRef") ?? reference,
                        field: "\(container.path).envFrom[\(index)].secretRef", container: container.name))
                }
            }
            return violations
        }
    )
}
