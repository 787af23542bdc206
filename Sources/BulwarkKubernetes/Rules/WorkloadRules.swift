import BulwarkCore

/// Workload hardening beyond the Pod Security Standards (which the `pss/…` rules check): identity,
/// service account tokens, resources, images, probes, host paths and placement. The rules live in
/// `Workload/WorkloadRules+<Topic>.swift`; this is the one list of them.
public enum WorkloadRules {
    public static let all: [KubernetesRule] = [
        // Identity and privileges
        readOnlyRootFilesystem,
        runAsHighUID,
        runAsRootGroup,
        noSecurityContext,
        privilegeEscalationCapabilities,
        shareProcessNamespace,
        // Kubernetes API identity
        automountServiceAccountToken,
        defaultServiceAccount,
        // Resources
        memoryLimits,
        cpuLimits,
        memoryRequests,
        cpuRequests,
        ephemeralStorageLimits,
        // Images
        latestTag,
        imageDigest,
        imagePullPolicy,
        imageRegistry,
        // Probes
        livenessProbe,
        readinessProbe,
        // Host paths
        sensitiveHostPath,
        writableHostPath,
        // Placement
        defaultNamespace,
    ]

    static let readOnlyRootFilesystem = KubernetesRule(
        RuleDescriptor(
            id: "k8s/read-only-root-filesystem",
            severity: .medium,
            title: "Container root filesystem is writable",
            summary: "A writable root filesystem lets an attacker who reaches the model server drop tools, modify code or tamper with model files.",
            remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for the paths that must be writable (e.g. /tmp).",
            controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.4", "nsa-k8s:pod-security"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - ↓name: server
                      image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          securityContext:
                            readOnlyRootFilesystem: ↓false
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext: {readOnlyRootFilesystem: true}
                """),
            ]
        ),
        check: .pod { pod, _ in
            pod.containers.filter { $0.kind != .ephemeral }.compactMap { container in
                let field = container.securityContext?["readOnlyRootFilesystem"]
                if field?.bool == true { return nil }
                return Violation(
                    "\(container.displayName) of \(pod.displayName) \(field == nil ? "does not set" : "sets") securityContext.readOnlyRootFilesystem\(field == nil ? "" : ": \(field?.scalar ?? "")")",
                    at: field ?? container.node.keyNode("name") ?? container.node,
                    field: "\(container.path).securityContext.readOnlyRootFilesystem", container: container.name)
            }
        }
    )
}
