import BulwarkCore

/// hostPath volumes: which host paths they expose and whether containers can write to them.
/// (That a pod uses hostPath at all is the Pod Security Standards' `hostPathVolumes` check.)
extension WorkloadRules {
    static let sensitiveHostPath = KubernetesRule(
        RuleDescriptor(
            id: "k8s/sensitive-host-path",
            severity: .critical,
            title: "hostPath volume exposes a sensitive path of the node",
            summary: "A hostPath volume of a container runtime socket, or of the node's root, hands the container control of every container on the node (critical); one of /etc, /proc, /sys, /dev, /boot, /root, /home, /var/log, /var/lib/kubelet, the runtime's storage or the node's Kubernetes configuration exposes credentials, other pods' data or the kernel (high). Paths are normalised (//, /./, trailing slashes) and a parent directory counts for what it contains: /var exposes /var/run/docker.sock.",
            remediation: "Remove the hostPath volume; use a ConfigMap, Secret, emptyDir, projected or CSI volume instead, or the Kubernetes API rather than the runtime socket. A node agent that truly needs the path should mount the narrowest path read-only, run in its own namespace, and be reviewed and suppressed explicitly.",
            controls: ["cis-k8s:5.2.12", "nist-800-190:4.4.3", "nist-800-190:4.5.5", "nsa-k8s:pod-security", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                        - name: agent
                          image: registry.example.com/agent:1.0
                          volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
                      volumes:
                        - name: docker
                          hostPath: {path: ↓/var/run/docker.sock, type: Socket}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                  volumes:
                    - name: host-var
                      hostPath:
                        path: ↓/var/
                    - name: runtime
                      hostPath:
                        path: ↓//run/./containerd//
                    - name: proc
                      hostPath:
                        path: ↓/proc/1/root
                    - name: root
                      hostPath:
                        path: ↓/
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: rc, namespace: ml}
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.9.0
                        volumes:
                          - name: kubelet
                            hostPath: {path: ↓/var/lib/kubelet/pods}
                          - name: etc
                            hostPath: {path: ↓/etc}
                """),
            ],
            passing: [
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
                      volumes:
                        - name: models
                          hostPath: {path: /mnt/models, type: Directory}
                        - name: tz
                          hostPath: {path: /etc/localtime}
                        - name: xtables
                          hostPath: {path: /run/xtables.lock, type: FileOrCreate}
                        - name: scratch
                          emptyDir: {}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                        - name: agent
                          image: registry.example.com/agent:1.0
                          volumeMounts: [{name: state, mountPath: /state}]
                      volumes:
                        - name: state
                          hostPath: {path: /var/lib/agent, type: DirectoryOrCreate}
                """),
            ]
        ),
        check: .pod { pod, _ in
            hostPathVolumes(pod).compactMap { name, pathNode, field in
                guard let pathNode, let written = pathNode.string, let match = SensitiveHostPaths.match(written) else { return nil }
                let shown = describeHostPath(written, normalised: match.path)
                let exposure = switch match.relation {
                case .exact: ""
                case .inside: ", inside \(match.entry.path)"
                case .contains: ", which contains \(match.entry.path)"
                }
                return Violation(
                    "volume \"\(name)\" of \(pod.displayName) mounts host path \(shown)\(exposure) (\(match.entry.what))",
                    at: pathNode, field: "\(field).hostPath.path", severity: match.severity)
            }
        }
    )

    static let writableHostPath = KubernetesRule(
        RuleDescriptor(
            id: "k8s/writable-host-path",
            severity: .high,
            title: "hostPath volume is mounted read-write",
            summary: "A container that mounts a hostPath volume without readOnly: true can change files of the node: plant binaries or cron jobs, tamper with other pods' data, or fill the node's disk, and what it writes outlives the pod.",
            remediation: "Set readOnly: true on every volumeMount of a hostPath volume, or replace the hostPath with a volume type that does not reach the node.",
            controls: ["cis-k8s:5.2.12", "nist-800-190:4.5.5", "nist-800-190:4.4.3", "nsa-k8s:immutable-containers", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: logs, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                        - name: shipper
                          image: registry.example.com/shipper:1.0
                          volumeMounts:
                            - ↓name: varlog
                              mountPath: /host/var/log
                            - name: config
                              mountPath: /etc/shipper
                              readOnly: false
                      volumes:
                        - name: varlog
                          hostPath: {path: /var/log}
                        - name: config
                          configMap: {name: shipper}
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      initContainers:
                        - name: fetch
                          image: registry.example.com/fetch:1.0
                          volumeMounts: [{name: models, mountPath: /models, readOnly: ↓false}]
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                          volumeMounts: [{name: models, mountPath: /models, readOnly: true}]
                      volumes:
                        - {name: models, hostPath: {path: /mnt/models}}
                """),
            ],
            passing: [
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
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                            - {name: cache, mountPath: /cache}
                      volumes:
                        - {name: models, hostPath: {path: /mnt/models}}
                        - {name: cache, emptyDir: {}}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  initContainers:
                    - name: log-shipper
                      image: registry.example.com/shipper:1.0
                      restartPolicy: Always
                      volumeMounts:
                        - name: varlog
                          mountPath: /host/var/log
                          readOnly: true
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                  volumes:
                    - name: varlog
                      hostPath: {path: /var/log}
                """),
            ]
        ),
        check: .pod { pod, _ in
            let volumes = hostPathVolumes(pod)
            guard !volumes.isEmpty else { return [] }
            var hostPaths: [String: String] = [:]
            for volume in volumes where hostPaths[volume.name] == nil {
                hostPaths[volume.name] = volume.path?.string ?? ""
            }
            var violations: [Violation] = []
            for container in pod.containers {
                for (index, mount) in (container.node["volumeMounts"]?.items ?? []).enumerated() {
                    guard let name = mount["name"]?.string, let hostPath = hostPaths[name] else { continue }
                    let readOnly = mount["readOnly"]
                    if readOnly?.bool == true { continue }
                    let mountPath = mount["mountPath"]?.string ?? "?"
                    let how = readOnly == nil || readOnly?.isNull == true ? "without readOnly: true" : "with readOnly: \(readOnly?.scalar ?? "")"
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) mounts hostPath volume \"\(name)\" (host path \(hostPath)) at \(mountPath) \(how)",
                        at: readOnly.flatMap { $0.isNull ? nil : $0 } ?? mount,
                        field: "\(container.path).volumeMounts[\(index)].readOnly", container: container.name))
                }
            }
            return violations
        }
    )
}
