import BulwarkCore

/// What the containers may do beyond the Pod Security Standards: write their root filesystem, run
/// without any securityContext, add capabilities that lead to the node, see each other's processes.
extension WorkloadRules {
    static let readOnlyRootFilesystem = KubernetesRule(
        RuleDescriptor(
            id: "k8s/read-only-root-filesystem",
            severity: .medium,
            title: "Container root filesystem is writable",
            summary: "A writable root filesystem lets an attacker who reaches the model server drop tools, modify code or tamper with model files.",
            remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for the paths that must be writable (e.g. /tmp).",
            controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.4", "nsa-k8s:immutable-containers"],
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

    static let noSecurityContext = KubernetesRule(
        RuleDescriptor(
            id: "k8s/no-security-context",
            severity: .medium,
            title: "Container and pod have no securityContext",
            summary: "A container without a securityContext, in a pod without one, runs with every runtime default: as the image's user (often root), with privilege escalation allowed, a writable root filesystem, the default capabilities and no seccomp profile.",
            remediation: "Add a securityContext with runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]} and seccompProfile: {type: RuntimeDefault} (the last two may also go on the pod).",
            controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      initContainers:
                        - ↓name: fetch
                          image: registry.example.com/fetch:1.0
                          securityContext: {}
                      containers:
                        - ↓name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      securityContext:
                      containers:
                        - ↓name: train
                          image: registry.example.com/train:1.0
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s, namespace: ml}
                spec:
                  serviceName: s
                  template:
                    spec:
                      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext:
                        allowPrivilegeEscalation: false
                        capabilities: {drop: [ALL]}
                  ephemeralContainers:
                    - name: debug
                      image: registry.example.com/debug:1.0
                """),
            ]
        ),
        check: .pod { pod, _ in
            guard isEmpty(pod.securityContext) else { return [] }
            return pod.containers.filter { $0.kind != .ephemeral && isEmpty($0.securityContext) }.map { container in
                Violation(
                    "\(container.displayName) of \(pod.displayName) has no securityContext and neither does the pod; set runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL] and seccompProfile.type: RuntimeDefault",
                    at: containerAnchor(container, in: pod), field: "\(container.path).securityContext", container: container.name)
            }
        }
    )

    static let privilegeEscalationCapabilities = KubernetesRule(
        RuleDescriptor(
            id: "k8s/privilege-escalation-capabilities",
            severity: .high,
            title: "Container adds a capability that leads to the node",
            summary: "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF, PERFMON, DAC_READ_SEARCH, SYS_RAWIO, SYS_BOOT, MAC_ADMIN, MAC_OVERRIDE (and ALL) each give a compromised container a known way to escape to or take over the node. Names are matched case-insensitively and with or without the CAP_ prefix, because container runtimes normalise them; Pod Security Admission compares them exactly and reports them only as non-default capabilities.",
            remediation: "Drop ALL capabilities and add back only what the process needs (usually nothing, or NET_BIND_SERVICE); move node-level work to a dedicated, reviewed agent.",
            controls: ["cis-k8s:5.2.9", "nist-800-190:4.4.3", "nsa-k8s:pod-security", "owasp-k8s:K01"],
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
                          securityContext:
                            capabilities:
                              drop: [ALL]
                              add: [NET_BIND_SERVICE, ↓SYS_ADMIN, ↓cap_bpf, ↓Perfmon]
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  initContainers:
                    - name: net-setup
                      image: registry.example.com/net-setup:1.0
                      securityContext:
                        capabilities:
                          add:
                            - ↓CAP_NET_ADMIN
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext: {capabilities: {add: [↓sys_ptrace]}}
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
                            securityContext: {capabilities: {add: [↓ALL]}}
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
                          securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CHOWN]}}
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                          securityContext: {capabilities: {drop: [SYS_ADMIN, NET_ADMIN]}}
                """),
            ]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                let added = container.securityContext?["capabilities"]?["add"]?.items ?? []
                for (index, item) in added.enumerated() {
                    guard let name = item.string else { continue }
                    let capability = canonicalCapability(name)
                    guard let risk = dangerousCapabilities[capability] else { continue }
                    let spelled = name == capability ? capability : "\"\(name)\" (\(capability))"
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) adds capability \(spelled): \(risk)",
                        at: item, field: "\(container.path).securityContext.capabilities.add[\(index)]", container: container.name))
                }
            }
            return violations
        }
    )

    static let shareProcessNamespace = KubernetesRule(
        RuleDescriptor(
            id: "k8s/share-process-namespace",
            severity: .low,
            title: "Pod shares one process namespace between its containers",
            summary: "With shareProcessNamespace: true every container sees the processes of the others, can signal them and, running as the same user, read their environment and their files through /proc/<pid>/root; a compromised sidecar reaches the model server's secrets and the other way round.",
            remediation: "Remove shareProcessNamespace (or set it to false); use an ephemeral debug container with a target container (kubectl debug --target) when a process view is needed.",
            controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      shareProcessNamespace: ↓true
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                        - name: proxy
                          image: registry.example.com/proxy:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec: {shareProcessNamespace: ↓yes, containers: [{name: server, image: registry.example.com/server:1.0}]}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s, namespace: ml}
                spec:
                  serviceName: s
                  template:
                    spec:
                      shareProcessNamespace: false
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                        - name: uploader
                          image: registry.example.com/uploader:1.0
                """),
            ]
        ),
        check: .pod { pod, _ in
            guard let node = pod.spec["shareProcessNamespace"], node.bool == true else { return [] }
            return [Violation(
                "\(pod.displayName) sets shareProcessNamespace: true, so its containers (\(list(pod.containers.filter { $0.kind != .ephemeral }))) see, signal and read each other's processes",
                at: node, field: "\(pod.specPath).shareProcessNamespace")]
        }
    )
}
