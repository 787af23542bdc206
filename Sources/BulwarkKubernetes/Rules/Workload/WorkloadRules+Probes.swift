import BulwarkCore

/// Health probes of long-running containers.
extension WorkloadRules {
    static let livenessProbe = KubernetesRule(
        RuleDescriptor(
            id: "k8s/liveness-probe",
            severity: .low,
            title: "Long-running container has no liveness probe",
            summary: "Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked or wedged model server keeps its place, and its share of traffic fails, until someone notices. Init containers, ephemeral containers and run-to-completion pods (Jobs, CronJobs) are not checked.",
            remediation: "Add a livenessProbe (httpGet on a cheap health endpoint, or exec/grpc) with a failureThreshold and period that tolerate slow model loading; use a startupProbe for the first load.",
            controls: ["owasp-k8s:K01"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      initContainers:
                        - name: fetch
                          image: registry.example.com/fetch:1.0
                        - ↓name: log-shipper
                          image: registry.example.com/shipper:1.0
                          restartPolicy: Always
                      containers:
                        - ↓name: server
                          image: registry.example.com/server:1.0
                          readinessProbe: {httpGet: {path: /ready, port: 8080}}
                """),
                RuleExample("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: custom, namespace: ml}
                spec:
                  predictor:
                    containers:
                      - ↓name: kserve-container
                        image: registry.example.com/predictor:1.0
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
                          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
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
                            - name: train
                              image: registry.example.com/train:1.0
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: once, namespace: ml}
                spec:
                  restartPolicy: Never
                  containers:
                    - name: convert
                      image: registry.example.com/convert:1.0
                """),
            ]
        ),
        check: .pod { pod, _ in
            probeViolations(pod, "livenessProbe", "a hung process is never restarted")
        }
    )

    static let readinessProbe = KubernetesRule(
        RuleDescriptor(
            id: "k8s/readiness-probe",
            severity: .low,
            title: "Long-running container has no readiness probe",
            summary: "Without a readiness probe a pod receives traffic as soon as its containers start, before the model is loaded, and keeps receiving it while overloaded or broken; rollouts proceed on pods that cannot serve. Init containers, ephemeral containers and run-to-completion pods (Jobs, CronJobs) are not checked.",
            remediation: "Add a readinessProbe that succeeds only once the model is loaded and the server can answer (httpGet on a readiness endpoint, or grpc).",
            controls: ["owasp-k8s:K01"],
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
                          livenessProbe: {tcpSocket: {port: 9100}}
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
                            readinessProbe: {exec: {command: [ray, health-check]}}
                  workerGroupSpecs:
                    - groupName: gpu
                      template:
                        spec:
                          containers:
                            - ↓name: ray-worker
                              image: rayproject/ray:2.9.0
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
                          readinessProbe: {httpGet: {path: /ready, port: 8080}}
                      ephemeralContainers:
                        - name: debug
                          image: registry.example.com/debug:1.0
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
        check: .pod { pod, _ in
            probeViolations(pod, "readinessProbe", "it receives traffic before it can serve")
        }
    )
}
