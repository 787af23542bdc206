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
        memoryVolumeExceedsLimit,
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
}
