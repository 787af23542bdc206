import BulwarkCore

/// Where workloads are placed.
extension WorkloadRules {
    static let defaultNamespace = KubernetesRule(
        RuleDescriptor(
            id: "k8s/default-namespace",
            severity: .low,
            title: "Workload runs in the default namespace",
            summary: "The default namespace is where everything without a namespace lands, so its RBAC bindings, network policies, quotas and Pod Security labels are rarely tuned to any one workload; a workload there shares a trust boundary with whatever else was applied without -n. A manifest without metadata.namespace goes wherever it is applied, usually the default namespace. Reported once per workload, however many pod templates it has.",
            remediation: "Create a namespace per application or team, with its own RBAC, NetworkPolicies, ResourceQuota and Pod Security labels, and set metadata.namespace on the workload (or the namespace field of the kustomization or Helm release).",
            controls: ["cis-k8s:5.7.4", "cis-k8s:5.7.1", "nist-800-190:4.3.4", "nsa-k8s:namespaces"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                  namespace: ↓default
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.0
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                ↓metadata: {name: j}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: registry.example.com/train:1.0
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                ↓metadata:
                  name: rc
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        containers: [{name: ray-head, image: "rayproject/ray:2.9.0"}]
                  workerGroupSpecs:
                    - groupName: cpu
                      template:
                        spec:
                          containers: [{name: ray-worker, image: "rayproject/ray:2.9.0"}]
                    - groupName: gpu
                      template:
                        spec:
                          containers: [{name: ray-worker, image: "rayproject/ray:2.9.0"}]
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
                """),
                RuleExample("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {mode: fast}
                """),
            ]
        ),
        check: .object { object, _ in
            guard object.effectiveNamespace == "default" else { return [] }
            // Only pod-bearing objects; extracted again here only for the few in `default`.
            guard !PodSpecExtractor.podSpecs(in: object).isEmpty else { return [] }
            if object.namespace != nil, let node = object.metadata?["namespace"] {
                return [Violation("\(object.displayName) runs in the \"default\" namespace", at: node, field: "metadata.namespace")]
            }
            return [Violation(
                "\(object.displayName) sets no metadata.namespace, so it runs in the \"default\" namespace unless applied with another",
                at: object.metadata?["namespace"] ?? object.root.keyNode("metadata") ?? object.root, field: "metadata.namespace")]
        }
    )
}
