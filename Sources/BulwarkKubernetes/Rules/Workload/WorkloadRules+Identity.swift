import BulwarkCore

/// Who the containers run as, and what they may do beyond the Pod Security Standards.
extension WorkloadRules {
    /// The UID below which IDs collide with the node's system and login accounts.
    static let highUIDThreshold = 10000

    static let runAsHighUID = KubernetesRule(
        RuleDescriptor(
            id: "k8s/run-as-high-uid",
            severity: .low,
            title: "Container may run with a UID below 10000",
            summary: "A container whose user ID is below 10000 shares it with the system and login accounts of the node, so a process that escapes the container, or writes to a host volume, acts as that host user. The effective runAsUser is the container's, else the pod's, else the image's USER (root when the image sets none); pods in a user namespace (hostUsers: false) and Windows pods are exempt.",
            remediation: "Set securityContext.runAsUser to 10000 or more (e.g. 10001) on the pod or the container, with a matching runAsGroup, and make the image work under that UID; or run the pod in a user namespace with hostUsers: false.",
            controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:non-root-containers", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext: {runAsUser: ↓1000}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      securityContext:
                        runAsUser: ↓999
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                        - name: proxy
                          image: registry.example.com/proxy:1.0
                          securityContext: {runAsUser: 10001}
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: retrain, namespace: ml}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                            - ↓name: train
                              image: registry.example.com/train:1.0
                              securityContext: {runAsNonRoot: true}
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: ml}
                spec:
                  predictor:
                    securityContext: {runAsUser: 10001}
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models/fraud
                      securityContext: {runAsUser: ↓0}
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
                      securityContext: {runAsUser: 10001, runAsGroup: 10001}
                      initContainers:
                        - name: fetch
                          image: registry.example.com/fetch:1.0
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: ml}
                spec:
                  serviceName: db
                  template:
                    spec:
                      hostUsers: false
                      containers:
                        - name: db
                          image: registry.example.com/db:16
                          securityContext: {runAsUser: 999}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: win, namespace: ml}
                spec:
                  os: {name: windows}
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0-windows
                """),
            ]
        ),
        check: .pod { pod, _ in
            if isWindows(pod) || pod.spec["hostUsers"]?.bool == false { return [] }
            return pod.containers.compactMap { container in
                guard let effective = contextField("runAsUser", of: container, in: pod) else {
                    return Violation(
                        "\(container.displayName) of \(pod.displayName) sets no runAsUser and neither does the pod, so the image's USER decides (root when the image sets none)",
                        at: containerAnchor(container, in: pod), field: "\(container.path).securityContext.runAsUser", container: container.name)
                }
                guard let uid = effective.node.int, uid < highUIDThreshold else { return nil }
                let how = effective.inherited ? "inherits runAsUser: \(uid) from the pod securityContext" : "sets runAsUser: \(uid)"
                return Violation(
                    "\(container.displayName) of \(pod.displayName) \(how), below \(highUIDThreshold) where it may collide with a user of the node",
                    at: effective.node, field: effective.field, container: container.name)
            }
        }
    )

    static let runAsRootGroup = KubernetesRule(
        RuleDescriptor(
            id: "k8s/run-as-root-group",
            severity: .medium,
            title: "Pod or container runs with the root group",
            summary: "Group ID 0 gives the container's processes every permission the root group has on files in the image and on mounted volumes, and fsGroup: 0 makes the kubelet hand volumes to the root group. Pod Security Admission does not check groups (the optional \"non-root groups\" control of the Pod Security Standards is not implemented), so even the restricted level admits these pods.",
            remediation: "Set runAsGroup and fsGroup to a non-zero GID (e.g. 10001) and remove 0 from supplementalGroups.",
            controls: ["cis-k8s:5.2.7", "cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:non-root-containers", "owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext: {runAsUser: 10001, runAsGroup: ↓0}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      securityContext:
                        runAsUser: 10001
                        runAsGroup: ↓0
                        fsGroup: ↓0
                        supplementalGroups: [10001, ↓0]
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
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
                            securityContext: {runAsGroup: 10001}
                  workerGroupSpecs:
                    - groupName: gpu
                      template:
                        spec:
                          securityContext: {fsGroup: ↓0}
                          containers:
                            - name: ray-worker
                              image: rayproject/ray:2.9.0
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      securityContext: {runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, supplementalGroups: [10002]}
                      containers:
                        - name: agent
                          image: registry.example.com/agent:1.0
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      securityContext: {runAsGroup: 0}
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                          securityContext: {runAsGroup: 10001}
                """),
            ]
        ),
        check: .pod { pod, _ in
            if isWindows(pod) { return [] }
            var violations: [Violation] = []
            let podContext = pod.securityContext
            if let node = podContext?["runAsGroup"], node.int == 0 {
                // Only a problem for the containers that do not override it.
                let inheriting = pod.containers.filter { container in
                    guard let own = container.securityContext?["runAsGroup"] else { return true }
                    return own.isNull
                }
                if !inheriting.isEmpty {
                    violations.append(Violation(
                        "\(pod.displayName) sets pod securityContext.runAsGroup: 0, running \(list(inheriting)) in the root group",
                        at: node, field: "\(pod.specPath).securityContext.runAsGroup"))
                }
            }
            if let node = podContext?["fsGroup"], node.int == 0 {
                violations.append(Violation(
                    "\(pod.displayName) sets securityContext.fsGroup: 0, so its volumes belong to the root group",
                    at: node, field: "\(pod.specPath).securityContext.fsGroup"))
            }
            for (index, item) in (podContext?["supplementalGroups"]?.items ?? []).enumerated() where item.int == 0 {
                violations.append(Violation(
                    "\(pod.displayName) adds the root group (0) to securityContext.supplementalGroups of every container",
                    at: item, field: "\(pod.specPath).securityContext.supplementalGroups[\(index)]"))
            }
            for container in pod.containers {
                if let node = container.securityContext?["runAsGroup"], node.int == 0 {
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets runAsGroup: 0, the root group",
                        at: node, field: "\(container.path).securityContext.runAsGroup", container: container.name))
                }
            }
            return violations
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

    /// Capabilities that turn a container compromise into a node compromise, with what they allow.
    static let dangerousCapabilities: [String: String] = [
        "ALL": "every capability, SYS_ADMIN included",
        "SYS_ADMIN": "mounts, namespaces and most of root's powers; the usual container escape",
        "NET_ADMIN": "reconfiguring interfaces, routes and firewall rules to intercept or redirect traffic",
        "SYS_PTRACE": "tracing and injecting code into every process it can see",
        "SYS_MODULE": "loading kernel modules, i.e. full control of the node",
        "BPF": "loading BPF programs into the node's kernel",
        "PERFMON": "kernel and process tracing through perf and BPF",
        "DAC_READ_SEARCH": "bypassing read permission checks and open_by_handle_at (the \"shocker\" escape)",
        "SYS_RAWIO": "raw I/O ports and device memory",
        "SYS_BOOT": "rebooting the node and loading a new kernel with kexec",
        "MAC_ADMIN": "changing the AppArmor or SELinux policy",
        "MAC_OVERRIDE": "bypassing the AppArmor or SELinux policy",
    ]

    /// `cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`.
    static func canonicalCapability(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
    }

    static let privilegeEscalationCapabilities = KubernetesRule(
        RuleDescriptor(
            id: "k8s/privilege-escalation-capabilities",
            severity: .high,
            title: "Container adds a capability that leads to the node",
            summary: "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF, PERFMON, DAC_READ_SEARCH, SYS_RAWIO, SYS_BOOT, MAC_ADMIN, MAC_OVERRIDE (and ALL) each give a compromised container a known way to escape to or take over the node. Names are matched case-insensitively and with or without the CAP_ prefix, because container runtimes normalise them; Pod Security Admission compares them exactly and reports them only as non-default capabilities.",
            remediation: "Drop ALL capabilities and add back only what the process needs (usually nothing, or NET_BIND_SERVICE); move node-level work to a dedicated, reviewed agent.",
            controls: ["cis-k8s:5.2.9", "cis-k8s:5.2.10", "nist-800-190:4.4.3", "nsa-k8s:pod-security", "owasp-k8s:K01"],
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
