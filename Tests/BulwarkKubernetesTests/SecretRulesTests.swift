import BulwarkTestSupport
import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// The repository's example scenario, found from this file's location (no working-directory assumptions).
enum ExampleStack {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/inference-stack")
    static var insecure: String { root.appendingPathComponent("k8s").path }
    static var hardened: String { root.appendingPathComponent("hardened/k8s").path }

    static func scan(_ paths: [String], rules: [KubernetesRule]) throws -> [Finding] {
        let inventory = TestInputs.kubernetes(paths)
        try #require(inventory.errors.isEmpty, "\(inventory.errors)")
        try #require(!inventory.objects.isEmpty)
        return KubernetesScanner(rules: rules).scan(inventory).sorted(by: Finding.reportOrder)
    }
}

/// The registered Kubernetes rule with this id.
func rule(_ id: String) -> KubernetesRule {
    guard let rule = KubernetesRules.all.first(where: { $0.id == id }) else {
        Issue.record("no rule \(id)")
        return KubernetesRule(RuleDescriptor(id: id, severity: .info, title: "", summary: "", remediation: "", controls: [], failing: [], passing: []),
                              check: .object { _, _ in [] })
    }
    return rule
}

/// Scans YAML text with the given rules.
func scanText(_ text: String, rules: [KubernetesRule], file: String = "test.yaml") -> [Finding] {
    let inventory = KubernetesLoader.parse(text: text, file: file)
    #expect(inventory.errors.isEmpty, "\(inventory.errors)")
    return KubernetesScanner(rules: rules).scan(inventory).sorted(by: Finding.reportOrder)
}

@Suite struct SecretRulesTests {
    @Test func insecureExampleStackFindings() throws {
        let findings = try ExampleStack.scan([ExampleStack.insecure], rules: SecretRules.all)
        let summary = findings.map { "\(URL(fileURLWithPath: $0.location.file).lastPathComponent):\($0.location.line):\($0.location.column) \($0.ruleId) \($0.severity)" }
        #expect(summary == [
            "deployment.yaml:36:22 secret/env-literal medium",
            "deployment.yaml:39:17 secret/env-from-secret low",
            "secret.yaml:13:3 secret/plaintext-secret high",
        ])
        let literal = try #require(findings.first)
        #expect(literal.message == "container \"server\" of Deployment ml-inference/model-server sets environment variable MODEL_REGISTRY_TOKEN to a literal placeholder value (chan…(25 chars))")
        #expect(literal.object?.container == "server")
        #expect(literal.field == "spec.template.spec.containers[0].env[1].value")
        #expect(findings[2].message == "Secret ml-inference/registry-credentials (type kubernetes.io/dockerconfigjson) is committed with 1 plaintext value (.dockerconfigjson)")
    }

    @Test func hardenedExampleStackHasNoSecretFindings() throws {
        #expect(try ExampleStack.scan([ExampleStack.hardened], rules: SecretRules.all).isEmpty)
    }

    @Test func sealedSecretCiphertextIsNeverFlagged() throws {
        let path = ExampleStack.root.appendingPathComponent("hardened/k8s/sealedsecret.yaml").path
        #expect(try ExampleStack.scan([path], rules: KubernetesRules.all).filter { $0.ruleId.hasPrefix("secret/") }.isEmpty)
    }

    @Test func messagesNeverContainWholeSecrets() {
        let secrets = [
            "changeme-not-a-real-token", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH", "s3cr3t-P4ss", "hunter2-but-longer", "=s3cr3t",
            "aHVudGVyMg==", "hunter2", "local-dev-key-123", "glpat-xY12abCD34efGH56ijKL",
        ]
        for rule in SecretRules.all {
            for example in rule.descriptor.failing {
                let findings = scanText(example.stripped.text, rules: [rule])
                #expect(!findings.isEmpty)
                for finding in findings {
                    for secret in secrets {
                        #expect(!finding.message.contains(secret), "\(rule.id): \(finding.message)")
                    }
                }
            }
        }
    }

    @Test func envLiteralSeverityFollowsTheValue() {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: c
              image: registry.example.com/c:1
              env:
                - {name: DB_PASSWORD, value: hunter2}
                - {name: API_KEY, value: Zx8Kq2mP9vL4wR7tY3nB}
                - {name: PLAIN_SETTING, value: "ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4"}
                - {name: MAX_TOKENS, value: "4096"}
                - {name: SECRET_NAME, value: hf-token}
                - {name: PASSWORD, value: ""}
        """
        let findings = scanText(text, rules: [rule("secret/env-literal")])
        #expect(findings.map(\.location.line) == [9, 10, 11])
        #expect(findings.map(\.severity) == [.medium, .high, .high])
        #expect(findings[1].message.hasSuffix("to a literal high-entropy value (Zx8K…(20 chars))"))
        #expect(findings[2].message.hasSuffix("to a literal value with a GitHub token (ghp_…(40 chars))"))
    }

    @Test func configMapFileLinesAreLocatedAndPlaceholdersAreMedium() {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg, namespace: ml}
        data:
          .env: |
            MODEL_NAME=llama
            OPENAI_API_KEY=changeme

            HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH
          folded: >
            password=hunter2
            and more
        """
        let findings = scanText(text, rules: [rule("secret/configmap-credentials")])
        #expect(findings.map { "\($0.location.line):\($0.location.column) \($0.severity)" } == ["7:5 medium", "9:5 high", "10:11 high"])
        #expect(findings[1].message == "ConfigMap ml/cfg key \".env\" line 4 sets HF_TOKEN to a literal value with a Hugging Face token (hf_a…(37 chars))")
    }

    @Test func lastAppliedAnnotationAndPlaintextSecretBothFire() {
        let text = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db
          namespace: ml
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","apiVersion":"v1","data":{"password":"aHVudGVyMg==","user":"YXBw"}}'
        data:
          password: aHVudGVyMg==
          user: YXBw
        """
        let findings = scanText(text, rules: SecretRules.all)
        #expect(findings.map(\.ruleId) == ["secret/annotation-last-applied", "secret/plaintext-secret"])
        #expect(findings.first?.message.contains("(2 keys)") == true)
        #expect(findings.last?.message.contains("2 plaintext values (password, user)") == true)
    }

    @Test func inlineSuppressionSilencesThePlaintextSecret() {
        let text = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: fixture
          namespace: test
          annotations: {bulwark.dev/ignore: "secret/plaintext-secret: test fixture, not a credential"}
        stringData: {password: not-used-anywhere}
        """
        let findings = scanText(text, rules: [rule("secret/plaintext-secret")])
        #expect(findings.count == 1)
        #expect(findings.first?.suppressed == true)
        #expect(findings.first?.suppressionReason == "test fixture, not a credential")
    }

    @Test func commandLineFlagsAndScripts() {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: jupyter
              image: quay.io/jupyter/base-notebook:2024-10-07
              args: [start-notebook.py, "--ServerApp.token=abc123", "--ServerApp.password=", --IdentityProvider.token, "''"]
            - name: script
              image: registry.example.com/tools:1
              command: [sh, -c, "curl -H 'Authorization: token x' --password changeme https://example.com"]
        """
        let findings = scanText(text, rules: [rule("secret/command-line-literal")])
        #expect(findings.map { "\($0.location.line):\($0.location.column) \($0.severity)" } == ["8:33 medium", "11:25 medium"])
        #expect(findings.first?.message == "container \"jupyter\" of Pod ml/p passes --ServerApp.token a literal value (…(6 chars)) on its command line")
        #expect(findings.last?.message.contains("passes --password a literal placeholder value") == true)
    }

    @Test func embeddedContainersOfInferenceServicesAreChecked() {
        let text = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llm, namespace: ml}
        spec:
          predictor:
            model:
              modelFormat: {name: huggingface}
              env:
                - {name: HF_TOKEN, value: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH}
        """
        let findings = scanText(text, rules: [rule("secret/env-literal")])
        #expect(findings.map(\.location.line) == [9])
        #expect(findings.first?.severity == .high)
    }
}
