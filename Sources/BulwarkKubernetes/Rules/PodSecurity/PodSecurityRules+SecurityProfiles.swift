import BulwarkCore

/// The Linux security modules around a container: AppArmor, SELinux and seccomp (baseline), and a
/// RuntimeDefault or Localhost seccomp profile (restricted).
extension PodSecurityRules {
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
}
