import BulwarkCore

/// The pod's Kubernetes API identity: which ServiceAccount, and whether its token is mounted.
extension WorkloadRules {
    static let automountServiceAccountToken = KubernetesRule(
        RuleDescriptor(
            id: "k8s/automount-service-account-token",
            severity: .medium,
            title: "Service account token is mounted into the pod",
            summary: "Unless the pod or its ServiceAccount sets automountServiceAccountToken: false, every container gets a Kubernetes API token at /var/run/secrets/kubernetes.io/serviceaccount; an attacker who reaches any container can use it with all the permissions bound to the ServiceAccount. The ServiceAccount's setting counts only when the ServiceAccount is in the scanned input (same namespace); the pod's setting wins over it.",
            remediation: "Set automountServiceAccountToken: false in the pod spec (or on a dedicated ServiceAccount); a pod that does need the API should mount a projected serviceAccountToken volume with a short expirationSeconds and an audience, in the container that needs it only.",
            controls: ["cis-k8s:5.1.6", "nist-800-190:4.3.1", "nsa-k8s:service-account-tokens", "owasp-k8s:K01", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    ↓spec:
                      serviceAccountName: model-server
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: model-server, namespace: ml}
                automountServiceAccountToken: false
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  serviceAccountName: model-server
                  automountServiceAccountToken: ↓true
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: trainer, namespace: other}
                automountServiceAccountToken: false
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: retrain, namespace: ml}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        ↓spec:
                          serviceAccountName: trainer
                          restartPolicy: OnFailure
                          containers:
                            - name: train
                              image: registry.example.com/train:1.0
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: ml}
                spec:
                  ↓predictor:
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models/fraud
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
                      automountServiceAccountToken: false
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: model-server, namespace: ml}
                automountServiceAccountToken: false
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      serviceAccountName: model-server
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default}
                automountServiceAccountToken: false
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                """),
            ]
        ),
        check: .pod { pod, index in
            let use = ServiceAccountUse(pod, index)
            guard use.mountsToken else { return [] }
            if let setting = use.podSetting {
                return [Violation(
                    "\(pod.displayName) sets automountServiceAccountToken: \(setting.scalar ?? "true"), mounting an API token of ServiceAccount \(use.namespace)/\(use.name) into every container",
                    at: setting, field: "\(pod.specPath).automountServiceAccountToken")]
            }
            let account = use.account == nil
                ? "ServiceAccount \(use.namespace)/\(use.name) is not in the input"
                : "ServiceAccount \(use.namespace)/\(use.name) does not disable it either"
            return [Violation(
                "\(pod.displayName) does not set automountServiceAccountToken: false and \(account), so every container gets an API token",
                at: specAnchor(pod), field: "\(pod.specPath).automountServiceAccountToken")]
        }
    )

    static let defaultServiceAccount = KubernetesRule(
        RuleDescriptor(
            id: "k8s/default-service-account",
            severity: .low,
            title: "Pod runs as the default ServiceAccount",
            summary: "Every pod of a namespace that names no ServiceAccount shares the \"default\" one, so a permission granted to one workload is granted to all of them and audit logs cannot tell them apart. Pods that mount no token (automountServiceAccountToken: false on the pod, or on the default ServiceAccount in the input) are not reported.",
            remediation: "Create a ServiceAccount per workload, reference it with serviceAccountName, and bind only the permissions that workload needs; set automountServiceAccountToken: false on the default ServiceAccount.",
            controls: ["cis-k8s:5.1.5", "nist-800-190:4.3.1", "nsa-k8s:service-account-tokens", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    ↓spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  serviceAccountName: ↓default
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: ml}
                automountServiceAccountToken: false
                ---
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: rc, namespace: ml}
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        serviceAccountName: ray-head
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.9.0
                  workerGroupSpecs:
                    - groupName: gpu
                      template:
                        ↓spec:
                          automountServiceAccountToken: true
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
                      serviceAccountName: agent
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
                      automountServiceAccountToken: false
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                """),
            ]
        ),
        check: .pod { pod, index in
            let use = ServiceAccountUse(pod, index)
            guard use.name == "default", use.mountsToken else { return [] }
            if let node = use.nameNode {
                return [Violation(
                    "\(pod.displayName) runs as the \"default\" ServiceAccount of namespace \(use.namespace), whose token it mounts",
                    at: node, field: "\(pod.specPath).\(node === pod.spec["serviceAccountName"] ? "serviceAccountName" : "serviceAccount")")]
            }
            return [Violation(
                "\(pod.displayName) sets no serviceAccountName, so it runs as the \"default\" ServiceAccount of namespace \(use.namespace) and mounts its token",
                at: specAnchor(pod), field: "\(pod.specPath).serviceAccountName")]
        }
    )
}
