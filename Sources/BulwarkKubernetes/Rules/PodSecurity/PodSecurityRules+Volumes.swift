import BulwarkCore

/// Which volumes a pod may mount: no hostPath (baseline), only the restricted profile's volume types
/// (restricted).
extension PodSecurityRules {
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
}
