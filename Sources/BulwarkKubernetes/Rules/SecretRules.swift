import BulwarkCore
import Foundation

/// Credentials in manifests: literal environment values, Secrets in environment variables,
/// credentials in ConfigMaps, committed plaintext Secrets and last-applied annotations.
///
/// Messages name the object, container and variable or key, and show values only redacted
/// (`SecretDetector.redact`). SealedSecret `spec.encryptedData` is ciphertext and never looked at.
public enum SecretRules {
    public static let all: [KubernetesRule] = [
        envLiteral,
        commandLineLiteral,
        envFromSecret,
        configMapCredentials,
        plaintextSecret,
        lastAppliedAnnotation,
    ]

    static let secretControls: [ControlID] = ["owasp-k8s:K08", "cis-k8s:5.4.2", "nist-800-190:4.1.4", "nsa-k8s:secrets"]

    // MARK: - secret/env-literal

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
                          let assessment = CredentialLiteral.assess(name: name, value: value, plainSeverity: .medium)
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

    // MARK: - secret/command-line-literal

    static let commandLineLiteral = KubernetesRule(
        RuleDescriptor(
            id: "secret/command-line-literal",
            severity: .high,
            title: "Credential written on a container command line",
            summary: """
            A known token format in `command`/`args`, or a literal value for a credential flag such as `--api-key`,             `--token` or `--password`, is visible in the manifest, in `ps` and `/proc/<pid>/cmdline` of every process             on the node, and in the startup logs many model servers print. High for token formats and random-looking             values, medium for other literals; `$(VAR)` references and empty values are not reported.
            """,
            remediation: """
            Pass the credential through a mounted Secret file (or, failing that, an environment variable from a             Secret referenced as `$(VAR)`), and rotate the exposed value.
            """,
            controls: secretControls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: llm}
                spec:
                  template:
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args:
                            - --model
                            - meta-llama/Llama-3.1-8B-Instruct
                            - --api-key
                            - ↓local-dev-key-123
                            - ↓--hf-token=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: fetch, namespace: llm}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: fetch
                          image: registry.example.com/tools/git:2.45
                          command: [sh, -c, ↓"git clone https://ci:glpat-xY12abCD34efGH56ijKL@gitlab.example.com/ml/models.git /models"]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vllm, namespace: llm}
                spec:
                  template:
                    spec:
                      containers:
                        - name: vllm
                          image: vllm/vllm-openai:v0.6.3
                          args: [--model, /models/llama, --api-key, $(VLLM_API_KEY), --max-tokens, "4096", --tokenizer, /models/tok]
                          env:
                            - name: VLLM_API_KEY
                              valueFrom: {secretKeyRef: {name: vllm, key: api-key}}
                """),
            ],
            tags: ["secrets"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for field in ["command", "args"] {
                    let items = container.node[field]?.items ?? []
                    // One finding per argument: `sh -c SCRIPT` with a token in SCRIPT is reported once, at SCRIPT.
                    var reported: Set<Int> = []
                    for (index, node) in items.enumerated() {
                        guard let argument = node.string else { continue }
                        let next = index + 1 < items.count ? items[index + 1].string : nil
                        guard let (flag, assessment) = commandLineCredential(argument, next: next) else { continue }
                        // A `--flag value` pair points at the value.
                        let targetIndex = flag.valueIsNext ? index + 1 : index
                        guard reported.insert(targetIndex).inserted else { continue }
                        let target = items[targetIndex]
                        let where_ = flag.name.map { "passes \($0) " } ?? "has "
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) \(where_)\(assessment.what) (\(assessment.redacted)) on its command line",
                            at: target, field: "\(container.path).\(field)[\(flag.valueIsNext ? index + 1 : index)]",
                            container: container.name, severity: assessment.severity))
                    }
                }
            }
            return violations
        }
    )

    struct CommandLineFlag {
        let name: String?
        let valueIsNext: Bool
    }

    /// A credential in one argument: a token format anywhere (also inside `sh -c` scripts), or a
    /// sensitive `--flag=value`, or a sensitive `--flag` whose value is the next argument.
    static func commandLineCredential(_ argument: String, next: String?) -> (CommandLineFlag, CredentialLiteral)? {
        if let match = SecretDetector.scan(value: argument).first {
            return (CommandLineFlag(name: nil, valueIsNext: false),
                    CredentialLiteral(severity: .high, what: match.kind.displayName, redacted: CredentialLiteral.redact(match, in: argument)))
        }
        let words = argument.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        for (position, word) in words.enumerated() where word.hasPrefix("-") {
            let body = word.drop { $0 == "-" }
            let name: Substring
            let value: String?
            var valueIsNext = false
            let dashes = String(word.prefix { $0 == "-" })
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                value = String(body[body.index(after: equals)...])
            } else {
                name = body
                if position + 1 < words.count {
                    value = words[position + 1]
                } else if words.count == 1, let next, !next.hasPrefix("-") {
                    value = next
                    valueIsNext = true
                } else {
                    value = nil
                }
            }
            guard let value, !name.isEmpty else { continue }
            let literal = value.count >= 2 && (value.first == "'" || value.first == "\"") && value.last == value.first
                ? String(value.dropFirst().dropLast()) : value
            guard !literal.isEmpty, !literal.hasPrefix("-"),
                  let assessment = CredentialLiteral.assess(name: String(name), value: literal, plainSeverity: .medium) else { continue }
            return (CommandLineFlag(name: dashes + name, valueIsNext: valueIsNext), assessment)
        }
        return nil
    }

    // MARK: - secret/env-from-secret

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

    // MARK: - secret/configmap-credentials

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

    static func configMapValue(_ object: KubeObject, key: String, keyNode: YAMLNode, value: String, valueNode: YAMLNode) -> [Violation] {
        let field = "data[\(key)]"
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
        let content = lines.last?.isEmpty == true ? lines.dropLast() : lines[...]
        if content.count <= 1 {
            let line = String(content.first ?? "")
            if let assessment = CredentialLiteral.assess(name: key, value: line, plainSeverity: .high) {
                return [Violation("\(object.displayName) key \"\(key)\" holds \(assessment.what) (\(assessment.redacted))",
                                  at: valueNode, field: field, severity: assessment.severity)]
            }
            // A one-line setting such as `password=…` or `token: …`.
            for assignment in SecretDetector.assignments(in: line) {
                guard let assessment = CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .high)
                else { continue }
                return [Violation("\(object.displayName) key \"\(key)\" sets \(assignment.key) to \(assessment.what) (\(assessment.redacted))",
                                  at: valueNode, field: field, severity: assessment.severity)]
            }
            return []
        }
        // An embedded file: report each line with a token or a credential assignment, at that line
        // when the value is a literal block (`|`), whose lines map one-to-one onto the source.
        var findings: [Int: (String, Severity)] = [:]
        for assignment in SecretDetector.assignments(in: value) {
            guard let assessment = CredentialLiteral.assess(name: assignment.key, value: assignment.value, plainSeverity: .high) else { continue }
            findings[assignment.line] = ("sets \(assignment.key) to \(assessment.what) (\(assessment.redacted))", assessment.severity)
        }
        for (index, line) in content.enumerated() where findings[index] == nil {
            let text = String(line)
            guard let match = SecretDetector.scan(value: text).first else { continue }
            findings[index] = ("contains \(match.kind.displayName) (\(CredentialLiteral.redact(match, in: text)))", .high)
        }
        return findings.keys.sorted().compactMap { index in
            guard let (what, severity) = findings[index] else { return nil }
            let node: YAMLNode
            if valueNode.scalarStyle == .literal {
                let position = TextPosition(line: valueNode.position.line + 1 + index, column: keyNode.position.column + 2)
                node = YAMLNode(.scalar(String(content[index]), .plain), position: position)
            } else {
                node = valueNode
            }
            return Violation("\(object.displayName) key \"\(key)\" line \(index + 1) \(what)", at: node, field: field, severity: severity)
        }
    }

    // MARK: - secret/plaintext-secret

    static let plaintextSecret = KubernetesRule(
        RuleDescriptor(
            id: "secret/plaintext-secret",
            severity: .high,
            title: "Plaintext Secret committed with the manifests",
            summary: """
            A v1 Secret with `data` or `stringData` in a manifest file is a credential in version control: base64 is \
            an encoding, not encryption, and every clone, fork, CI log and backup of the repository holds it.
            """,
            remediation: """
            Replace the Secret with a SealedSecret (`bulwark seal --cert CERT secret.yaml`) or an ExternalSecret that \
            pulls the value from a secret manager, remove the plaintext from the repository history, and rotate the \
            credential.
            """,
            controls: secretControls,
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata: {name: registry-credentials, namespace: ml-inference}
                type: kubernetes.io/dockerconfigjson
                data:
                  ↓.dockerconfigjson: eyJhdXRocyI6e319
                """),
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata: {name: hf-token, namespace: llm}
                stringData:
                  ↓token: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: model-server-token
                  namespace: ml-inference
                  annotations: {kubernetes.io/service-account.name: model-server}
                type: kubernetes.io/service-account-token
                """),
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata: {name: filled-by-ci, namespace: ml-inference}
                stringData:
                  password: ${DB_PASSWORD}
                data: {}
                """),
                RuleExample("""
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata: {name: registry-credentials, namespace: ml-inference}
                spec:
                  encryptedData:
                    .dockerconfigjson: AgCDAWRgWDG1iYX+2YAW7qrVkvtiz6v6zk1g77d6goCROB37sr+AkN1P2UkBmjllsuh5lgI2QHahUqC2T25Qv
                  template:
                    metadata: {name: registry-credentials, namespace: ml-inference}
                    type: kubernetes.io/dockerconfigjson
                """),
            ],
            tags: ["secrets"]
        ),
        check: .object { object, _ in
            guard object.group.isEmpty, object.kind == "Secret" else { return [] }
            var keys: [(node: YAMLNode, section: String)] = []
            var kinds: [SecretMatch.Kind] = []
            for section in ["data", "stringData"] {
                for pair in object.root[section]?.pairs ?? [] {
                    guard let value = pair.value.string, !value.isEmpty else { continue }
                    var text = value
                    if section == "data" {
                        text = Data(base64Encoded: value, options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) } ?? ""
                    } else if SecretDetector.isReference(value) {
                        continue
                    }
                    keys.append((pair.key, section))
                    for match in SecretDetector.scan(value: text, name: pair.key.scalar) where !kinds.contains(match.kind) {
                        kinds.append(match.kind)
                    }
                }
            }
            guard let first = keys.first else { return [] }
            let type = object.root["type"]?.string ?? "Opaque"
            let names = keys.prefix(5).compactMap(\.node.scalar).joined(separator: ", ") + (keys.count > 5 ? ", …" : "")
            let contents = kinds.isEmpty ? "" : "; it contains " + kinds.map(\.displayName).joined(separator: ", ")
            return [Violation(
                "\(object.displayName) (type \(type)) is committed with \(keys.count) plaintext value\(keys.count == 1 ? "" : "s") (\(names))\(contents)",
                at: first.node, field: "\(first.section)[\(first.node.scalar ?? "")]")]
        }
    )

    // MARK: - secret/annotation-last-applied

    static let lastAppliedKeys = ["kubectl.kubernetes.io/last-applied-configuration", "kubecfg.ksonnet.io/last-applied-configuration"]

    static let lastAppliedAnnotation = KubernetesRule(
        RuleDescriptor(
            id: "secret/annotation-last-applied",
            severity: .medium,
            title: "Secret data copied into a last-applied-configuration annotation",
            summary: """
            `kubectl apply` stores the whole applied object, Secret data included, in the \
            `kubectl.kubernetes.io/last-applied-configuration` annotation; exporting such a Secret (or sealing it \
            with an old kubeseal, Sealed Secrets issue #227) carries the plaintext along in an annotation that \
            nobody thinks of as secret.
            """,
            remediation: """
            Remove the annotation from the manifest (and re-create the Secret with `kubectl create` or server-side \
            apply), then rotate the credential that leaked.
            """,
            controls: secretControls,
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  namespace: ml-inference
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: ↓'{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"ml-inference"},"stringData":{"password":"hunter2"}}'
                """),
                RuleExample("""
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata: {name: db, namespace: ml-inference}
                spec:
                  encryptedData:
                    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
                  template:
                    metadata:
                      name: db
                      annotations:
                        kubectl.kubernetes.io/last-applied-configuration: ↓|
                          {"apiVersion":"v1","data":{"password":"aHVudGVyMg=="},"kind":"Secret","metadata":{"name":"db"}}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata:
                  name: db
                  namespace: ml-inference
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"db"},"spec":{"encryptedData":{"password":"AgBy3i4OJSWK"}}}'
                spec:
                  encryptedData:
                    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
                """),
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: empty
                  namespace: ml-inference
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"empty"},"data":{}}'
                """),
            ],
            tags: ["secrets"]
        ),
        check: .object { object, _ in
            let annotationMaps: [(YAMLNode?, String)]
            switch (object.group, object.kind) {
            case ("", "Secret"):
                annotationMaps = [(object.metadata?["annotations"], "metadata.annotations")]
            case ("bitnami.com", "SealedSecret"):
                annotationMaps = [(object.metadata?["annotations"], "metadata.annotations"),
                                  (object.root.at("spec", "template", "metadata", "annotations"), "spec.template.metadata.annotations")]
            default:
                return []
            }
            var violations: [Violation] = []
            for (annotations, path) in annotationMaps {
                for key in lastAppliedKeys {
                    guard let node = annotations?[key], let text = node.string, let count = plaintextKeyCount(inAppliedConfiguration: text)
                    else { continue }
                    violations.append(Violation(
                        "\(object.displayName) carries a \(key) annotation with the plaintext data of a Secret (\(count) key\(count == 1 ? "" : "s"))",
                        at: node, field: "\(path)[\(key)]"))
                }
            }
            return violations
        }
    )

    /// The number of non-empty `data`/`stringData` entries of the Secret recorded in a
    /// last-applied-configuration annotation; nil when it records no Secret data.
    static func plaintextKeyCount(inAppliedConfiguration text: String) -> Int? {
        let result = YAMLReader.read(text)
        guard result.errors.isEmpty, let root = result.documents.first?.root, root.isMapping else {
            // Not parseable: report when it plainly holds a data section.
            return text.contains("\"data\":{\"") || text.contains("\"stringData\":{\"") ? 1 : nil
        }
        guard root["kind"]?.string ?? "Secret" == "Secret" else { return nil }
        let count = ["data", "stringData"].reduce(0) { total, section in
            total + (root[section]?.pairs ?? []).filter { !($0.value.string ?? "").isEmpty }.count
        }
        return count > 0 ? count : nil
    }
}

extension SecretRules {
    /// How a literal value of a named variable or key reads as a credential.
    struct CredentialLiteral {
        let severity: Severity
        /// `a literal value`, `a GitHub token` …
        let what: String
        let redacted: String

        /// Nil when the value is not a credential: no token format and a non-sensitive name, or an
        /// empty value, a reference (`$(VAR)`, `${VAR}`, `{{ … }}`), a file path or a boolean.
        /// High for a token format or a random-looking value; `plainSeverity` for other literals of
        /// a credential name; medium for placeholders.
        static func assess(name: String, value: String, plainSeverity: Severity) -> CredentialLiteral? {
            if let match = SecretDetector.scan(value: value, name: name).first {
                return CredentialLiteral(severity: .high, what: "a literal value with \(match.kind.displayName)", redacted: redact(match, in: value))
            }
            guard SecretDetector.isSensitiveName(name) else { return nil }
            if value.allSatisfy(\.isWhitespace) || SecretDetector.isReference(value) || SecretDetector.isPath(value)
                || SecretDetector.isFlag(value) {
                return nil
            }
            let redacted = SecretDetector.redact(value)
            if SecretDetector.looksLikeSecretValue(value) {
                return CredentialLiteral(severity: .high, what: "a literal high-entropy value", redacted: redacted)
            }
            if SecretDetector.isPlaceholder(value) {
                return CredentialLiteral(severity: .medium, what: "a literal placeholder value", redacted: redacted)
            }
            return CredentialLiteral(severity: plainSeverity, what: "a literal value", redacted: redacted)
        }

        /// The redacted matched text.
        static func redact(_ match: SecretMatch, in value: String) -> String {
            let bytes = Array(value.utf8)
            guard match.range.upperBound <= bytes.count else { return SecretDetector.redact(value) }
            return SecretDetector.redact(String(decoding: bytes[match.range], as: UTF8.self))
        }
    }
}
