import BulwarkCore

/// Who a container runs as: never as root, by runAsNonRoot or a non-zero UID (restricted).
extension PodSecurityRules {
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
}
