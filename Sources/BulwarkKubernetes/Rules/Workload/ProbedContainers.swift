import BulwarkCore

/// Which containers should carry health probes, and the findings for those without one.
extension WorkloadRules {
    /// The containers that should carry probes: those that run for the pod's lifetime (regular
    /// containers and restartable sidecars) of pods that do not run to completion (Jobs, CronJobs,
    /// pods with restartPolicy Never or OnFailure). Container-shaped CRD fields (KServe `model`)
    /// are skipped: the serving runtime that fills them in owns their probes.
    static func probedContainers(_ pod: PodSpecView) -> [ContainerView] {
        if pod.runsToCompletion { return [] }
        if let policy = pod.spec["restartPolicy"]?.string, policy == "Never" || policy == "OnFailure" { return [] }
        return pod.containers.filter { $0.isLongRunning && $0.kind != .embedded }
    }

    static func probeViolations(_ pod: PodSpecView, _ probe: String, _ consequence: String) -> [Violation] {
        probedContainers(pod).compactMap { container in
            if let node = container.node[probe], !node.isNull { return nil }
            return Violation(
                "\(container.displayName) of \(pod.displayName) has no \(probe): \(consequence)",
                at: containerAnchor(container, in: pod), field: "\(container.path).\(probe)", container: container.name)
        }
    }
}
