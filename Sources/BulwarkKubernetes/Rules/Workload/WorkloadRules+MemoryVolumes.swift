import BulwarkCore

/// Memory-backed emptyDir volumes (tmpfs) and the memory limits they are charged to.
extension WorkloadRules {
    static let memoryVolumeExceedsLimit = KubernetesRule(
        RuleDescriptor(
            id: "k8s/memory-volume-exceeds-limit",
            severity: .medium,
            title: "Memory-backed emptyDir can exhaust the container's memory limit",
            summary: "The pages of a memory-backed emptyDir (`medium: Memory`, a tmpfs) are charged to the memory limit of the containers that write to it. Without a sizeLimit, or with memory-backed volumes that together reach the limit of a container mounting them, a full /tmp, /dev/shm or model cache becomes an out-of-memory kill of the model server instead of a write error. Reported once per volume without sizeLimit, and once per container whose memory-backed volumes add up to its memory limit (its own, else the pod-level one) or more.",
            remediation: "Give every memory-backed emptyDir a sizeLimit, and keep the sum of those a container mounts well below its resources.limits.memory (raise the limit by as much as the volumes may hold), or use a disk-backed emptyDir with a sizeLimit.",
            controls: resourceControls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: server, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources:
                            limits: {memory: 1Gi}
                          volumeMounts:
                            - {name: shm, mountPath: /dev/shm}
                      volumes:
                        - name: shm
                          ↓emptyDir: {medium: Memory}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: server, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources:
                            limits: {memory: ↓1Gi}
                          volumeMounts:
                            - {name: shm, mountPath: /dev/shm}
                            - {name: tmp, mountPath: /tmp}
                      volumes:
                        - {name: shm, emptyDir: {medium: Memory, sizeLimit: 512Mi}}
                        - {name: tmp, emptyDir: {medium: Memory, sizeLimit: 512Mi}}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: server, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources:
                            limits: {memory: 1Gi}
                          volumeMounts:
                            - {name: shm, mountPath: /dev/shm}
                            - {name: tmp, mountPath: /tmp}
                            - {name: cache, mountPath: /cache}
                      volumes:
                        - {name: shm, emptyDir: {medium: Memory, sizeLimit: 128Mi}}
                        - {name: tmp, emptyDir: {medium: Memory, sizeLimit: 128Mi}}
                        - {name: cache, emptyDir: {sizeLimit: 10Gi}}
                """),
            ]
        ),
        check: .pod { pod, _ in memoryVolumeViolations(pod) }
    )

    static func memoryVolumeViolations(_ pod: PodSpecView) -> [Violation] {
        var violations: [Violation] = []
        // Name → sizeLimit in bytes, for the memory-backed volumes that have one.
        var sized: [String: (size: Double, text: String)] = [:]
        for (position, volume) in pod.volumes.enumerated() {
            guard let emptyDir = volume["emptyDir"], emptyDir["medium"]?.string == "Memory" else { continue }
            let name = volume["name"]?.string ?? "(unnamed)"
            let limitNode = emptyDir["sizeLimit"]
            if let text = limitNode?.scalar, isSet(limitNode), let size = Quantity.parse(text) {
                sized[name] = (size, text)
                continue
            }
            violations.append(Violation(
                "volume \"\(name)\" of \(pod.displayName) is a memory-backed emptyDir without sizeLimit: what is written there counts against the memory limit of the containers mounting it, up to an out-of-memory kill",
                at: volume.keyNode("emptyDir") ?? volume, field: "\(pod.specPath).volumes[\(position)].emptyDir.sizeLimit"))
        }
        guard !sized.isEmpty else { return violations }
        let podLimit = pod.spec["resources"]?["limits"]?["memory"]
        for container in pod.containers where container.kind != .ephemeral && container.kind != .embedded {
            let own = container.node["resources"]?["limits"]?["memory"]
            guard let limitNode = isSet(own) ? own : (isSet(podLimit) ? podLimit : nil),
                  let limitText = limitNode.scalar, let limit = Quantity.parse(limitText) else { continue }
            var names: [String] = []
            for mount in container.node["volumeMounts"]?.items ?? [] {
                if let name = mount["name"]?.string, sized[name] != nil, !names.contains(name) { names.append(name) }
            }
            let total = names.reduce(0.0) { $0 + (sized[$1]?.size ?? 0) }
            guard !names.isEmpty, total >= limit else { continue }
            let listed = names.map { "\"\($0)\" (\(sized[$0]?.text ?? "?"))" }.joined(separator: ", ")
            violations.append(Violation(
                "\(container.displayName) of \(pod.displayName) mounts memory-backed emptyDir \(names.count == 1 ? "volume" : "volumes") \(listed), not below its memory limit \(limitText): filling \(names.count == 1 ? "it" : "them") is an out-of-memory kill",
                at: limitNode, field: own === limitNode ? "\(container.path).resources.limits.memory" : "\(pod.specPath).resources.limits.memory",
                container: container.name))
        }
        return violations
    }
}
