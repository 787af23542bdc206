import BulwarkCore
import Foundation

/// Credentials stored in ConfigMaps.
extension SecretRules {
    static let configMapCredentials = KubernetesRule(
        RuleDescriptor(
            id: "secret/configmap-credentials",
            severity: .high,
            title: "Credential stored in a ConfigMap",
            summary: """
            ConfigMaps are readable by anyone who may read configuration in the namespace, are not encrypted at \
            rest, and are printed by routine tooling. A credential-named key, a known token format, or a \
            `password=`/`token:` line of an embedded configuration file (application.properties, .env, YAML, JSON) \
            leaks the credential; obvious placeholders are reported as medium.
            """,
            remediation: """
            Move the credential into a Secret (sealed with `bulwark seal` or managed by an external secrets operator) \
            mounted as a file, reference it from the configuration file, and rotate it.
            """,
            controls: secretControls,
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-config, namespace: ml-inference}
                data:
                  MODEL_PATH: /app/model/model.joblib
                  DB_PASSWORD: ↓hunter2-but-longer
                  application.properties: |
                    spring.datasource.url=jdbc:postgresql://db:5432/app
                    spring.datasource.username=app
                    ↓spring.datasource.password=s3cr3t
                    # password=commented-out
                    server.port=8080
                """),
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: hub, namespace: llm}
                data:
                  download.sh: ↓"huggingface-cli download --token hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH meta-llama/Llama-3.1-8B"
                binaryData:
                  id_rsa_password: ↓aHVudGVyMg==
                  model.onnx: b25ueA==
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: model-server-config, namespace: ml-inference}
                data:
                  MODEL_PATH: /app/model/model.joblib
                  GUNICORN_CMD_ARGS: "--bind 0.0.0.0:8080 --workers 2"
                  SECRET_NAME: registry-credentials
                  AUTH_ENABLED: "true"
                  application.properties: |
                    spring.datasource.url=jdbc:postgresql://db:5432/app
                    spring.datasource.password=${DB_PASSWORD}
                    spring.datasource.password-file=/var/run/secrets/db/password
                """),
            ],
            tags: ["secrets"]
        ),
        check: .object { object, _ in
            guard object.group.isEmpty, object.kind == "ConfigMap" else { return [] }
            var violations: [Violation] = []
            for pair in object.root["data"]?.pairs ?? [] {
                guard let key = pair.key.scalar, let value = pair.value.string else { continue }
                violations += configMapValue(object, key: key, keyNode: pair.key, value: value, valueNode: pair.value)
            }
            for pair in object.root["binaryData"]?.pairs ?? [] {
                guard let key = pair.key.scalar, let encoded = pair.value.string else { continue }
                let field = "binaryData[\(key)]"
                if SecretDetector.isSensitiveName(key), !encoded.isEmpty {
                    violations.append(Violation(
                        "\(object.displayName) stores binary data under the credential name \"\(key)\"", at: pair.value, field: field))
                } else if let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
                          let text = String(data: data, encoding: .utf8),
                          let match = SecretDetector.scan(value: text).first {
                    violations.append(Violation(
                        "\(object.displayName) key \"\(key)\" (binaryData) contains \(match.kind.displayName)", at: pair.value, field: field))
                }
            }
            return violations
        }
    )
}
