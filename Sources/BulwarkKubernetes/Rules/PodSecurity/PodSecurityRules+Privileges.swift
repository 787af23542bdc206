import BulwarkCore

/// What a container may do: run privileged, add capabilities (baseline), escalate privileges and keep
/// the default capabilities (restricted).
extension PodSecurityRules {
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
}
