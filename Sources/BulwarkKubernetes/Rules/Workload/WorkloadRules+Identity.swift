import BulwarkCore

/// Who the containers run as: UIDs and GIDs apart from the node's system accounts and the root group.
extension WorkloadRules {
    static let runAsHighUID = KubernetesRule(
        RuleDescriptor(
            id: "k8s/run-as-high-uid",
            severity: .low,
            title: "Container may run with a UID below 10000",
            summary: "A container whose user ID is below 10000 shares it with the system and login accounts of the node, so a process that escapes the container, or writes to a host volume, acts as that host user. The effective runAsUser is the container's, else the pod's, else the image's USER (root when the image sets none, in which case runAsNonRoot: true keeps the container from starting); pods in a user namespace (hostUsers: false) and Windows pods are exempt.",
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
                    // With runAsNonRoot: true the kubelet refuses to start an image whose USER is root
                    // (or a name it cannot check), so the container runs as the image's numeric non-root UID.
                    let what = contextField("runAsNonRoot", of: container, in: pod)?.node.bool == true
                        ? "so the image's USER decides; with runAsNonRoot: true the kubelet refuses to start the container when that USER is root (also when the image sets none) or a name rather than a number, so it runs as the image's numeric UID, which may be below \(highUIDThreshold)"
                        : "so the image's USER decides (root when the image sets none)"
                    return Violation(
                        "\(container.displayName) of \(pod.displayName) sets no runAsUser and neither does the pod, \(what)",
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
}
