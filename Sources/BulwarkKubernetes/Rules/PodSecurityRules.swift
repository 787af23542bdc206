import BulwarkCore

/// One scan rule per Pod Security Standards check. Each rule runs the evaluator's own check (not a
/// copy) at the `latest` policy version and reports one finding per offending field, so that
/// findings land on the line to fix. `bulwark pss` gives the aggregated verdicts per level.
public enum PodSecurityRules {
    public static let all: [KubernetesRule] = [
        hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile, seLinuxOptions,
        procMount, seccompProfileBaseline, sysctls, windowsHostProcess, hostProbesAndHostLifecycle,
        restrictedVolumes, allowPrivilegeEscalation, capabilitiesRestricted, runAsNonRoot, seccompProfileRestricted,
        runAsUser, procMountRestricted,
    ]

    /// Builds a rule around a check: the `pss-baseline:`/`pss-restricted:` control is added first.
    static func rule(
        _ check: PSSCheck, id: String, severity: Severity, title: String, summary: String, remediation: String,
        controls: [ControlID], failing: [RuleExample], passing: [RuleExample]
    ) -> KubernetesRule {
        let framework = check.level == .baseline ? "pss-baseline" : "pss-restricted"
        return KubernetesRule(
            RuleDescriptor(
                id: id, severity: severity, title: title, summary: summary, remediation: remediation,
                controls: [ControlID(framework: framework, control: check.id)] + controls,
                failing: failing, passing: passing, tags: ["pss", check.level.rawValue]
            ),
            check: .pod { pod, _ in
                check.evaluate(pod, version: .latest).evidence.map {
                    Violation($0.message, at: $0.node, field: $0.field, container: $0.container)
                }
            }
        )
    }

    // MARK: - Baseline

    static let hostNamespaces = rule(
        PSSChecks.hostNamespaces, id: "pss/host-namespaces", severity: .high,
        title: "Pod shares the host's network, PID or IPC namespace",
        summary: "Sharing the node's network, process or IPC namespace lets the pod sniff node traffic, reach services bound to localhost, see and signal every process on the node, and read shared memory of other workloads.",
        remediation: "Remove hostNetwork, hostPID and hostIPC (or set them to false); expose the server through a Service instead.",
        controls: ["cis-k8s:5.2.3", "cis-k8s:5.2.4", "cis-k8s:5.2.5", "nist-800-190:4.4.3", "nist-800-190:4.4.2", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: ↓true
              hostPID: ↓true
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
            RuleExample("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: ml}
            spec:
              template:
                spec:
                  hostIPC: ↓true
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: false
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let privileged = rule(
        PSSChecks.privileged, id: "pss/privileged", severity: .critical,
        title: "Container runs privileged",
        summary: "A privileged container has every capability and all host devices, and can trivially take over the node.",
        remediation: "Remove securityContext.privileged (or set it to false) and grant only the specific capabilities or devices the container needs.",
        controls: ["cis-k8s:5.2.2", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
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
                      restartPolicy: Never
                      initContainers:
                        - name: setup
                          image: registry.example.com/setup:1.0
                          securityContext: {privileged: ↓true}
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
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
                  securityContext: {privileged: false}
            """),
        ]
    )

    static let capabilitiesBaseline = rule(
        PSSChecks.capabilitiesBaseline, id: "pss/capabilities-baseline", severity: .high,
        title: "Container adds a capability beyond the default set",
        summary: "Capabilities outside the runtime's default set (such as NET_RAW, SYS_ADMIN or SYS_PTRACE) widen the kernel attack surface and enable container escapes; names are compared exactly, so a lower-case name is not a default capability either.",
        remediation: "Remove the capability from securityContext.capabilities.add, or add only upper-case names from the default set (e.g. NET_BIND_SERVICE).",
        controls: ["cis-k8s:5.2.8", "cis-k8s:5.2.9", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  securityContext:
                    capabilities:
                      add: [↓NET_RAW, CHOWN, ↓chown]
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
                  securityContext:
                    capabilities: {add: [CHOWN, NET_BIND_SERVICE]}
            """),
        ]
    )

    static let hostPathVolumes = rule(
        PSSChecks.hostPathVolumes, id: "pss/host-path-volumes", severity: .high,
        title: "Pod mounts a hostPath volume",
        summary: "A hostPath volume exposes the node's filesystem to the container: the container runtime socket, kubelet credentials or /etc are one mount away from a node takeover.",
        remediation: "Replace the hostPath volume with an emptyDir, a ConfigMap or Secret, or a PersistentVolumeClaim.",
        controls: ["cis-k8s:5.2.12", "nist-800-190:4.4.3", "nist-800-190:4.5.5", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: ml}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers:
                    - name: agent
                      image: registry.example.com/agent:1.0
                  volumes:
                    - name: docker
                      ↓hostPath: {path: /var/run/docker.sock}
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
              volumes:
                - name: scratch
                  emptyDir: {}
            """),
        ]
    )

    static let hostPorts = rule(
        PSSChecks.hostPorts, id: "pss/host-ports", severity: .medium,
        title: "Container binds a host port",
        summary: "A hostPort binds the port on the node's own address, bypassing Services and NetworkPolicies and limiting scheduling.",
        remediation: "Remove ports[].hostPort (and hostNetwork, which makes every containerPort of a Pod a hostPort) and expose the container through a Service.",
        controls: ["cis-k8s:5.2.13", "nist-800-190:4.4.2", "nsa-k8s:pod-security"],
        failing: [
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
                      ports:
                        - containerPort: 8080
                          hostPort: ↓8080
            """),
            // A Pod on the host network: the API server sets hostPort to the containerPort.
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: true
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  ports:
                    - containerPort: ↓8080
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
                  ports:
                    - containerPort: 8080
                      hostPort: 0
            """),
        ]
    )

    static let appArmorProfile = rule(
        PSSChecks.appArmorProfile, id: "pss/app-armor-profile", severity: .medium,
        title: "AppArmor is disabled for the pod or a container",
        summary: "An Unconfined AppArmor profile removes the mandatory access control that limits what a compromised process can do on the node.",
        remediation: "Set appArmorProfile.type to RuntimeDefault or Localhost (or remove it), and drop container.apparmor.security.beta.kubernetes.io annotations other than runtime/default or localhost/*.",
        controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: ml
              annotations:
                container.apparmor.security.beta.kubernetes.io/server: ↓unconfined
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  securityContext:
                    appArmorProfile: {type: ↓Unconfined}
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: ml
              annotations:
                container.apparmor.security.beta.kubernetes.io/server: localhost/model-server
            spec:
              securityContext:
                appArmorProfile: {type: RuntimeDefault}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let seLinuxOptions = rule(
        PSSChecks.seLinuxOptions, id: "pss/se-linux-options", severity: .high,
        title: "Pod or container sets a custom SELinux type, user or role",
        summary: "A custom SELinux type (such as spc_t) or user and role can switch off SELinux confinement of the container.",
        remediation: "Remove seLinuxOptions.user and role, and use only the container_t, container_init_t, container_kvm_t or container_engine_t types.",
        controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                seLinuxOptions: {user: ↓system_u}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  securityContext:
                    seLinuxOptions:
                      type: ↓spc_t
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                seLinuxOptions: {type: container_t, level: "s0:c123,c456"}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let procMount = rule(
        PSSChecks.procMount, id: "pss/proc-mount", severity: .high,
        title: "Container unmasks /proc",
        summary: "An Unmasked /proc exposes kernel interfaces that the default masks hide from containers; it is only acceptable inside a user namespace.",
        remediation: "Remove securityContext.procMount (or set it to Default), or run the pod in a user namespace with hostUsers: false.",
        controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: builder
                  image: registry.example.com/builder:1.0
                  securityContext: {procMount: ↓Unmasked}
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostUsers: false
              containers:
                - name: builder
                  image: registry.example.com/builder:1.0
                  securityContext: {procMount: Unmasked}
            """),
        ]
    )

    static let seccompProfileBaseline = rule(
        PSSChecks.seccompProfileBaseline, id: "pss/seccomp-profile-baseline", severity: .medium,
        title: "Seccomp is explicitly disabled",
        summary: "An Unconfined seccomp profile lets the container call every system call, including those behind many kernel privilege-escalation exploits.",
        remediation: "Set seccompProfile.type to RuntimeDefault or Localhost at pod level and remove Unconfined container profiles.",
        controls: ["cis-k8s:5.7.2", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: s, namespace: ml}
            spec:
              serviceName: s
              template:
                spec:
                  securityContext:
                    seccompProfile:
                      type: ↓Unconfined
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: ml
              annotations:
                seccomp.security.alpha.kubernetes.io/pod: unconfined
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let sysctls = rule(
        PSSChecks.sysctls, id: "pss/sysctls", severity: .medium,
        title: "Pod sets an unsafe sysctl",
        summary: "Sysctls outside the safe, namespaced set affect the whole node or other pods and can disable kernel protections.",
        remediation: "Remove the sysctl from securityContext.sysctls, or tune it on the node instead.",
        controls: ["nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                sysctls:
                  - name: net.ipv4.tcp_keepalive_time
                    value: "600"
                  - name: ↓kernel.msgmax
                    value: "65536"
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "80"}, {name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let windowsHostProcess = rule(
        PSSChecks.windowsHostProcess, id: "pss/windows-host-process", severity: .critical,
        title: "Windows HostProcess container",
        summary: "A Windows HostProcess container runs directly on the node with host networking and filesystem access, the Windows equivalent of a privileged container.",
        remediation: "Remove windowsOptions.hostProcess (or set it to false) from the pod and its containers.",
        controls: ["cis-k8s:5.2.11", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              os: {name: windows}
              hostNetwork: true
              securityContext:
                windowsOptions: {hostProcess: ↓true}
              containers:
                - name: agent
                  image: registry.example.com/agent:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              os: {name: windows}
              containers:
                - name: agent
                  image: registry.example.com/agent:1.0
                  securityContext:
                    windowsOptions: {hostProcess: false}
            """),
        ]
    )

    static let hostProbesAndHostLifecycle = rule(
        PSSChecks.hostProbesAndHostLifecycle, id: "pss/host-probes-and-host-lifecycle", severity: .medium,
        title: "Probe or lifecycle hook targets another host",
        summary: "A host in an httpGet or tcpSocket probe or lifecycle hook makes the kubelet connect to an arbitrary address from the node, a server-side request forgery towards node-local and cloud metadata endpoints.",
        remediation: "Remove the host field so that probes and hooks target the pod's own IP.",
        controls: ["nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  livenessProbe:
                    httpGet: {host: ↓169.254.169.254, path: /latest/meta-data/, port: 80}
                  lifecycle:
                    preStop:
                      tcpSocket: {host: ↓"127.0.0.1", port: 9000}
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
                  readinessProbe:
                    httpGet: {path: /healthz, port: 8080}
            """),
        ]
    )

    // MARK: - Restricted

    static let restrictedVolumes = rule(
        PSSChecks.restrictedVolumes, id: "pss/restricted-volumes", severity: .medium,
        title: "Pod uses a volume type the restricted profile forbids",
        summary: "Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes are allowed by the restricted profile; other types mount node paths or network storage directly into the pod.",
        remediation: "Use a PersistentVolumeClaim (backed by a PersistentVolume or a CSI driver) instead of the inline volume source.",
        controls: ["cis-k8s:5.2.12", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
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
                  volumes:
                    - name: datasets
                      ↓nfs: {server: nfs.example.com, path: /datasets}
                    - name: cache
                      ↓hostPath: {path: /var/cache/models}
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
              volumes:
                - {name: config, configMap: {name: config}}
                - {name: token, projected: {sources: [{serviceAccountToken: {path: token}}]}}
                - {name: models, persistentVolumeClaim: {claimName: models}}
                - {name: scratch, emptyDir: {}}
                # No source: the API server makes it an emptyDir before admission.
                - {name: work}
            """),
        ]
    )

    static let allowPrivilegeEscalation = rule(
        PSSChecks.allowPrivilegeEscalation, id: "pss/allow-privilege-escalation", severity: .medium,
        title: "Container allows privilege escalation",
        summary: "Unless allowPrivilegeEscalation is false, setuid binaries and file capabilities let a process in the container gain more privileges than it started with.",
        remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, including init and ephemeral containers.",
        controls: ["cis-k8s:5.2.6", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - ↓name: server
                  image: registry.example.com/server:1.0
                - name: sidecar
                  image: registry.example.com/sidecar:1.0
                  securityContext:
                    allowPrivilegeEscalation: ↓true
              ephemeralContainers:
                - name: debugger
                  image: registry.example.com/debug:1.0
                  ↓securityContext: {runAsNonRoot: true}
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
                  securityContext: {allowPrivilegeEscalation: false}
            """),
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              os: {name: windows}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let capabilitiesRestricted = rule(
        PSSChecks.capabilitiesRestricted, id: "pss/capabilities-restricted", severity: .medium,
        title: "Container does not drop ALL capabilities",
        summary: "The restricted profile requires every container to drop ALL capabilities (exactly \"ALL\"; \"all\" does not count) and to add back at most NET_BIND_SERVICE.",
        remediation: "Set securityContext.capabilities.drop: [\"ALL\"] and add only NET_BIND_SERVICE if the server binds a port below 1024.",
        controls: ["cis-k8s:5.2.8", "cis-k8s:5.2.9", "cis-k8s:5.2.10", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
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
                        capabilities:
                          drop: [↓all]
                          add: [NET_BIND_SERVICE, ↓SYS_ADMIN]
                    - name: sidecar
                      image: registry.example.com/sidecar:1.0
                      ↓securityContext: {runAsNonRoot: true}
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
                  securityContext:
                    capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
            """),
        ]
    )

    static let runAsNonRoot = rule(
        PSSChecks.runAsNonRoot, id: "pss/run-as-non-root", severity: .high,
        title: "Container may run as root",
        summary: "Without runAsNonRoot: true the kubelet starts the container as whatever user the image names, often root, which turns any code execution into root inside the container.",
        remediation: "Set securityContext.runAsNonRoot: true at pod level (and a non-zero runAsUser), and do not set it to false on any container.",
        controls: ["cis-k8s:5.2.7", "nist-800-190:4.4.3", "nsa-k8s:non-root-containers"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext: {runAsNonRoot: ↓false}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
            RuleExample("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: ml}
            spec:
              template:
                spec:
                  initContainers:
                    - ↓name: fetch-model
                      image: registry.example.com/fetch:1.0
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      securityContext:
                        runAsNonRoot: true
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 10001}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostUsers: false
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let seccompProfileRestricted = rule(
        PSSChecks.seccompProfileRestricted, id: "pss/seccomp-profile-restricted", severity: .medium,
        title: "Container has no RuntimeDefault or Localhost seccomp profile",
        summary: "The restricted profile requires a RuntimeDefault or Localhost seccomp profile for every container, set on the container or inherited from the pod, to filter dangerous system calls.",
        remediation: "Set securityContext.seccompProfile.type: RuntimeDefault at pod level.",
        controls: ["cis-k8s:5.7.2", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - ↓name: server
                  image: registry.example.com/server:1.0
                - name: exporter
                  image: registry.example.com/exporter:1.0
                  securityContext:
                    seccompProfile: {type: ↓Unconfined}
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                - name: exporter
                  image: registry.example.com/exporter:1.0
                  securityContext:
                    seccompProfile: {type: Localhost, localhostProfile: profiles/exporter.json}
            """),
        ]
    )

    static let runAsUser = rule(
        PSSChecks.runAsUser, id: "pss/run-as-user", severity: .high,
        title: "Pod or container runs as UID 0",
        summary: "Setting runAsUser to 0 explicitly runs the process as root, defeating runAsNonRoot and every file-permission boundary inside the container.",
        remediation: "Set runAsUser to a non-zero UID (e.g. 10001) or remove it and build the image with a non-root USER.",
        controls: ["cis-k8s:5.2.7", "nist-800-190:4.4.3", "nsa-k8s:non-root-containers"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext:
                runAsUser: ↓0
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  securityContext: {runAsUser: ↓0}
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              securityContext: {runAsUser: 10001, runAsGroup: 0}
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let procMountRestricted = rule(
        PSSChecks.procMountRestricted, id: "pss/proc-mount-restricted", severity: .medium,
        title: "Container unmasks /proc (restricted)",
        summary: "The restricted profile forbids an Unmasked /proc even for pods in a user namespace.",
        remediation: "Remove securityContext.procMount or set it to Default.",
        controls: ["cis-k8s:5.7.3", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostUsers: false
              containers:
                - name: builder
                  image: registry.example.com/builder:1.0
                  securityContext:
                    procMount: ↓Unmasked
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: builder
                  image: registry.example.com/builder:1.0
                  securityContext: {procMount: Default}
            """),
        ]
    )
}
