import BulwarkCore
import Foundation

/// Secret data in the manifests: committed plaintext Secrets and last-applied-configuration
/// annotations that copy it.
extension SecretRules {
    static let plaintextSecret = KubernetesRule(
        RuleDescriptor(
            id: "secret/plaintext-secret",
            severity: .high,
            title: "Plaintext Secret committed with the manifests",
            summary: """
            A v1 Secret with `data` or `stringData` in a manifest file is a credential in version control: base64 is \
            an encoding, not encryption, and every clone, fork, CI log and backup of the repository holds it. High \
            when the content looks like a credential (a credential type such as dockerconfigjson, tls or basic-auth, \
            a key named like a password, token, key, secret or credential, a known token format or a random-looking \
            value); low when it does not (a Secret that holds only settings such as a time zone), with the same advice.
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
                RuleExample("""
                apiVersion: v1
                kind: Secret
                metadata: {name: locale, namespace: llm}
                stringData:
                  ↓TZ: Europe/Berlin
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
            var credentialKey: (node: YAMLNode, section: String)?
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
                    let matches = SecretDetector.scan(value: text, name: pair.key.scalar)
                    for match in matches where !kinds.contains(match.kind) {
                        kinds.append(match.kind)
                    }
                    if credentialKey == nil, !matches.isEmpty || isCredentialLike(key: pair.key.scalar ?? "", value: text) {
                        credentialKey = (pair.key, section)
                    }
                }
            }
            guard let first = keys.first else { return [] }
            let type = object.root["type"]?.string ?? "Opaque"
            let credential = credentialTypes.contains(type) || credentialKey != nil
            let names = keys.prefix(5).compactMap(\.node.scalar).joined(separator: ", ") + (keys.count > 5 ? ", …" : "")
            let contents = kinds.isEmpty ? "" : "; it contains " + kinds.map(\.displayName).joined(separator: ", ")
            let weak = credential ? "" : "; no key or value looks like a credential, but a Secret is where one will be added"
            let anchor = credentialKey ?? first
            return [Violation(
                "\(object.displayName) (type \(type)) is committed with \(keys.count) plaintext value\(keys.count == 1 ? "" : "s") (\(names))\(contents)\(weak)",
                at: anchor.node, field: "\(anchor.section)[\(anchor.node.scalar ?? "")]", severity: credential ? nil : .low)]
        }
    )

    /// Secret types whose content is a credential by definition.
    static let credentialTypes: Set<String> = [
        "kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg", "kubernetes.io/tls", "kubernetes.io/basic-auth",
        "kubernetes.io/ssh-auth", "kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token",
    ]

    /// Keys that hold a credential whatever their value: the keys of the credential Secret types.
    static let credentialKeys: Set<String> = [".dockerconfigjson", ".dockercfg", "tls.key", "ssh-privatekey", "token", "password"]

    /// A key named like a credential (password, token, key, secret, credential …) or a
    /// random-looking value (token formats are found by `SecretDetector.scan` before).
    static func isCredentialLike(key: String, value: String) -> Bool {
        credentialKeys.contains(key) || key.hasSuffix(".key") || key.hasSuffix(".pem") || SecretDetector.isSensitiveName(key)
            || SecretDetector.looksLikeSecretValue(value) || value.contains("PRIVATE KEY-----")
    }

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
}
