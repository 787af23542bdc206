import BulwarkCore

/// CPU, memory and ephemeral-storage requests and limits.
///
/// What Kubernetes itself fills in is not reported: a request defaults to the container's limit;
/// pod-level `spec.resources` (cpu and memory) bounds every container; a LimitRange of the
/// namespace (in the input) with a Container default supplies missing values (`default`, else
/// `max`, for limits; `defaultRequest`, else `default`, `max` or `min`, for requests). A zero
/// quantity counts as unset. Regular, init and sidecar containers are checked (all are scheduled
/// with their resources); ephemeral containers cannot have resources. Container-shaped CRD
/// fields (KServe `model`, `sklearn`, …) are skipped: the KServe webhook fills in their requests
/// and limits from its `inferenceservice-config` and the serving runtime's container.
extension WorkloadRules {
    static let memoryLimits = KubernetesRule(
        RuleDescriptor(
            id: "k8s/memory-limits",
            severity: .medium,
            title: "Container has no memory limit",
            summary: "A container without a memory limit can use all the memory of its node: a leak, a large request to the model or a deliberate attack makes the kernel kill other pods, a denial of service for everything scheduled there. Pod-level limits and LimitRange defaults of the namespace (when in the input) count; KServe model fields are left to the defaults KServe gives them.",
            remediation: "Set resources.limits.memory on every container (for a model server, its peak working set plus headroom), or give the namespace a LimitRange with a default memory limit.",
            controls: resourceControls,
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
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources:
                            requests: {cpu: 500m, memory: 1Gi}
                            ↓limits: {cpu: "1"}
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s, namespace: ml}
                spec:
                  serviceName: s
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          ↓resources:
                            requests: {memory: 1Gi}
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
                            resources: {limits: {memory: 8Gi}}
                  workerGroupSpecs:
                    - groupName: gpu
                      template:
                        spec:
                          containers:
                            - name: ray-worker
                              image: rayproject/ray:2.9.0
                              resources: {limits: {memory: ↓0, nvidia.com/gpu: 1}}
                """),
            ],
            passing: [
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
                          resources: {limits: {memory: 16Gi}}
                      ephemeralContainers:
                        - name: debug
                          image: registry.example.com/debug:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  resources: {limits: {cpu: "2", memory: 4Gi}}
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                    - name: proxy
                      image: registry.example.com/proxy:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: defaults, namespace: ml}
                spec:
                  limits:
                    - type: Container
                      default: {cpu: 500m, memory: 512Mi}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: agent
                          image: registry.example.com/agent:1.0
                """),
            ]
        ),
        check: .pod { pod, index in resourceViolations(pod, index, .limits, "memory") }
    )

    static let cpuLimits = KubernetesRule(
        RuleDescriptor(
            id: "k8s/cpu-limits",
            severity: .low,
            title: "Container has no CPU limit",
            summary: "A container without a CPU limit can take every idle CPU of its node, so a busy or hijacked process (a crypto miner, a request flood against the model) slows down the pods next to it. Pod-level limits and LimitRange defaults of the namespace (when in the input) count; KServe model fields are left to the defaults KServe gives them.",
            remediation: "Set resources.limits.cpu on every container, or give the namespace a LimitRange with a default CPU limit.",
            controls: resourceControls,
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
                          resources:
                            ↓limits: {memory: 1Gi}
                """),
                RuleExample("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: defaults, namespace: other}
                spec:
                  limits:
                    - type: Container
                      default: {cpu: 500m}
                ---
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
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources: {limits: {cpu: 2, memory: 1Gi}}
                """),
                RuleExample("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: defaults, namespace: ml}
                spec:
                  limits:
                    - type: Container
                      max: {cpu: "4"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                """),
            ]
        ),
        check: .pod { pod, index in resourceViolations(pod, index, .limits, "cpu") }
    )

    static let memoryRequests = KubernetesRule(
        RuleDescriptor(
            id: "k8s/memory-requests",
            severity: .low,
            title: "Container has no memory request",
            summary: "Without a memory request the scheduler places the pod as if it needed no memory, over-committing nodes, and the pod is among the first to be evicted under memory pressure. A memory limit implies an equal request; pod-level resources and LimitRange defaults of the namespace (when in the input) count; KServe model fields are left to the defaults KServe gives them.",
            remediation: "Set resources.requests.memory on every container to its usual working set.",
            controls: resourceControls,
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                        - ↓name: agent
                          image: registry.example.com/agent:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  initContainers:
                    - name: log-shipper
                      image: registry.example.com/shipper:1.0
                      restartPolicy: Always
                      resources:
                        ↓requests: {cpu: 100m}
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      resources: {requests: {memory: 1Gi}}
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
                          resources: {limits: {memory: 2Gi}}
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fraud, namespace: ml}
                spec:
                  predictor:
                    model:
                      modelFormat: {name: sklearn}
                      storageUri: s3://models/fraud
                """),
            ]
        ),
        check: .pod { pod, index in resourceViolations(pod, index, .requests, "memory") }
    )

    static let cpuRequests = KubernetesRule(
        RuleDescriptor(
            id: "k8s/cpu-requests",
            severity: .low,
            title: "Container has no CPU request",
            summary: "Without a CPU request the scheduler places the pod as if it needed no CPU and the container gets the smallest share under contention, so noisy neighbours starve it. A CPU limit implies an equal request; pod-level resources and LimitRange defaults of the namespace (when in the input) count; KServe model fields are left to the defaults KServe gives them.",
            remediation: "Set resources.requests.cpu on every container to its usual consumption.",
            controls: resourceControls,
            failing: [
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: custom, namespace: ml}
                spec:
                  predictor:
                    containers:
                      - name: kserve-container
                        image: registry.example.com/predictor:1.0
                        resources:
                          ↓requests: {memory: 2Gi}
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
                          resources: {requests: {cpu: ↓"0"}}
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
                          resources: {limits: {cpu: "1"}}
                """),
                RuleExample("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: defaults}
                spec:
                  limits:
                    - type: Container
                      defaultRequest: {cpu: 100m}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                """),
            ]
        ),
        check: .pod { pod, index in resourceViolations(pod, index, .requests, "cpu") }
    )

    static let ephemeralStorageLimits = KubernetesRule(
        RuleDescriptor(
            id: "k8s/ephemeral-storage-limits",
            severity: .low,
            title: "Container has no ephemeral-storage limit",
            summary: "Writes to the container's writable layer, its logs and disk-backed emptyDir volumes all use the node's ephemeral storage; without a limit one container (downloading models, writing caches or logs) can fill the node's disk and get other pods evicted. LimitRange defaults of the namespace (when in the input) count; KServe model fields are left to the defaults KServe gives them.",
            remediation: "Set resources.limits.ephemeral-storage on every container, and a sizeLimit on emptyDir volumes.",
            controls: resourceControls,
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
                          resources:
                            ↓limits: {cpu: "1", memory: 1Gi}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  resources: {limits: {cpu: "1", memory: 1Gi}}
                  containers:
                    - ↓name: server
                      image: registry.example.com/server:1.0
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
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                          resources: {limits: {ephemeral-storage: 2Gi}}
                """),
                RuleExample("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: defaults, namespace: ml}
                spec:
                  limits:
                    - type: Container
                      default: {ephemeral-storage: 1Gi}
                ---
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
                """),
            ]
        ),
        check: .pod { pod, index in resourceViolations(pod, index, .limits, "ephemeral-storage") }
    )
}
