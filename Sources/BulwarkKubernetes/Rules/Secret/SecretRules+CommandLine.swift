import BulwarkCore
import Foundation

/// Credentials on containers' command lines.
extension SecretRules {
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
}
