import BulwarkCore
import BulwarkReport

/// The representative report every golden file is rendered from: several files and objects, every
/// severity, a cluster-scoped object, a finding without an object, two suppressed findings (inline
/// and from configuration), a rule alias, a Helm template source, input errors with and without a
/// position, and text that needs escaping in every format (quotes, `<&>`, control characters,
/// U+2028, non-ASCII).
enum ReportFixture {
    static let tool = ToolInfo(name: "bulwark", version: "0.1.0")

    static let rules: [RuleDescriptor] = [
        rule("k8s/run-as-non-root", .high, "Container may run as root",
             controls: ["pss-restricted:runAsNonRoot", "cis-k8s:5.2.7", "nist-800-190:4.4.3"], tags: ["pss"]),
        rule("k8s/privileged-container", .critical, "Privileged container", aliases: ["k8s/privileged"],
             controls: ["pss-baseline:privileged", "cis-k8s:5.2.2", "nist-800-190:4.4.3"], tags: ["pss"]),
        rule("k8s/latest-tag", .medium, "Image uses a mutable tag",
             controls: ["cis-k8s:5.5.1", "nist-800-190:4.1.5"]),
        rule("k8s/host-network", .high, "Pod shares the host network",
             controls: ["pss-baseline:hostNamespaces", "cis-k8s:5.2.5", "nist-800-190:4.4.2"], tags: ["pss"]),
        rule("k8s/automount-service-account-token", .low, "Service account token is mounted",
             controls: ["cis-k8s:5.1.6", "nist-800-190:4.3.2"]),
        rule("k8s/missing-network-policy", .info, "Namespace has no NetworkPolicy",
             controls: ["cis-k8s:5.3.2", "nist-800-190:4.3.3"], enabledByDefault: false),
        rule("serving/unauthenticated-endpoint", .medium, "Model endpoint without authentication",
             controls: ["nist-800-190:4.4.2", "owasp-k8s:K06"], tags: ["ml"]),
        rule("rbac/wildcard-verbs", .critical, "Role grants every verb",
             controls: ["cis-k8s:5.1.3", "nist-800-190:4.3.1"]),
        rule("k8s/read-only-root-filesystem", .low, "Root filesystem is writable",
             controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3"]),
    ]

    static func rule(
        _ id: String, _ severity: Severity, _ title: String, aliases: [String] = [], controls: [ControlID],
        tags: [String] = [], enabledByDefault: Bool = true
    ) -> RuleDescriptor {
        RuleDescriptor(
            id: id, aliases: aliases, severity: severity, title: title,
            summary: "\(title) (summary of \(id)).", remediation: "Fix \(id) as the documentation says.",
            controls: controls,
            failing: [RuleExample("kind: Pod\n↓spec: {}\n")], passing: [RuleExample("kind: Pod\nspec: {}\n")],
            enabledByDefault: enabledByDefault, tags: tags
        )
    }

    static let modelServer = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "model-server")

    static func container(_ name: String) -> ObjectReference {
        var object = modelServer
        object.container = name
        return object
    }

    static let findings: [Finding] = [
        Finding(
            ruleId: "k8s/run-as-non-root", severity: .high, title: "Container may run as root",
            message: "container \"server\" of Deployment ml/model-server sets no runAsNonRoot and no non-zero runAsUser",
            remediation: "Set securityContext.runAsNonRoot: true and runAsUser: 10001.",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 27, column: 9), object: container("server"),
            controls: ["pss-restricted:runAsNonRoot", "cis-k8s:5.2.7", "nist-800-190:4.4.3"],
            field: "spec.template.spec.containers[0].securityContext"
        ),
        Finding(
            ruleId: "k8s/privileged", severity: .critical, title: "Privileged container",
            message: "container \"sidecar<&>\" of Deployment ml/model-server sets privileged: true — 'quoted' \\ back/slash",
            remediation: "Remove securityContext.privileged or set it to false.",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 33, column: 11), object: container("sidecar<&>"),
            controls: ["pss-baseline:privileged", "cis-k8s:5.2.2", "nist-800-190:4.4.3"]
        ),
        Finding(
            ruleId: "k8s/latest-tag", severity: .medium, title: "Image uses a mutable tag",
            message: "image \"ghcr.io/ml/模型:latest\" of container \"server\" uses the tag latest 🚀\u{1}\tand\u{2028}moves",
            remediation: "Pin the image by digest (image@sha256:…).",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 29, column: 16), object: container("server"),
            controls: ["cis-k8s:5.5.1", "nist-800-190:4.1.5"]
        ),
        Finding(
            ruleId: "k8s/host-network", severity: .high, title: "Pod shares the host network",
            message: "Deployment ml/model-server sets hostNetwork: true",
            remediation: "Remove spec.hostNetwork.",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 21, column: 7), object: modelServer,
            controls: ["pss-baseline:hostNamespaces", "cis-k8s:5.2.5", "nist-800-190:4.4.2"],
            suppressed: true, suppressionReason: "needed by the CNI daemon; approved in SEC-123",
            suppressionKind: .external
        ),
        Finding(
            ruleId: "k8s/missing-network-policy", severity: .info, title: "Namespace has no NetworkPolicy",
            message: "Namespace ml has no NetworkPolicy",
            remediation: "Add a default-deny NetworkPolicy to namespace ml.",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 1, column: 1),
            object: ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "ml"),
            controls: ["cis-k8s:5.3.2", "nist-800-190:4.3.3"]
        ),
        Finding(
            ruleId: "k8s/automount-service-account-token", severity: .low, title: "Service account token is mounted",
            message: "Deployment ml/triton mounts the service account token",
            remediation: "Set automountServiceAccountToken: false.",
            location: SourceLocation(file: "charts/ml/rendered.yaml", line: 8, column: 3),
            object: ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "triton"),
            controls: ["cis-k8s:5.1.6", "nist-800-190:4.3.2"],
            suppressed: true, suppressionReason: "token required by the model registry client",
            templateSource: "ml-platform/templates/triton.yaml"
        ),
        Finding(
            ruleId: "serving/unauthenticated-endpoint", severity: .medium, title: "Model endpoint without authentication",
            message: "container \"triton\" of Deployment ml/triton serves HTTP on port 8000 without authentication",
            remediation: "Put the model server behind an authenticating proxy.",
            location: SourceLocation(file: "charts/ml/rendered.yaml", line: 31, column: 13),
            object: ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "triton", container: "triton"),
            controls: ["nist-800-190:4.4.2", "owasp-k8s:K06"],
            templateSource: "ml-platform/templates/triton.yaml", field: "spec.template.spec.containers[0].ports[0]"
        ),
        Finding(
            ruleId: "rbac/wildcard-verbs", severity: .critical, title: "Role grants every verb",
            message: "ClusterRole admin-ish grants verbs [\"*\"] on pods",
            remediation: "List the verbs the subjects need.",
            location: SourceLocation(file: "k8s/rbac & roles/übersicht.yaml", line: 5, column: 1),
            object: ObjectReference(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", namespace: nil, name: "admin-ish"),
            controls: ["cis-k8s:5.1.3", "nist-800-190:4.3.1"]
        ),
        Finding(
            ruleId: "dockerfile/root-user", severity: .low, title: "Image runs as root",
            message: "the final stage has no USER instruction",
            remediation: "Add USER 10001 after the last RUN.",
            location: SourceLocation(file: "docker/Dockerfile", line: 1, column: 1),
            controls: ["cis-docker:4.1", "nist-800-190:4.4.3"]
        ),
    ]

    static let errors: [InputError] = [
        InputError(file: "k8s/broken.yaml", line: 3, column: 1, message: "mapping values are not allowed in this context (\"key: value: x\")"),
        InputError(file: "secrets/unreadable.yaml", message: "permission denied"),
    ]

    static let report: Report = {
        let compliance = ComplianceSummarizer(rules: rules).summarize(findings, framework: "nist-800-190")
        return Report(findings: findings, errors: errors, files: 6, objects: 9, skippedDocuments: 1, compliance: compliance, tool: tool)
    }()

    static let empty = Report(findings: [], errors: [], files: 0, objects: 0, tool: tool)
}
