import BulwarkCore

/// What a pod sees and sets of the kernel: the /proc mask (baseline and restricted) and sysctls
/// (baseline).
extension PodSecurityRules {
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
