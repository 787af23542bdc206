import BulwarkCore
import Foundation

extension MLServingRules {
    static let rayDashboardExposed = KubernetesRule(
        RuleDescriptor(
            id: "serving/ray-dashboard-exposed",
            severity: .high,
            title: "Ray dashboard or client port exposed outside the cluster",
            summary: "The Ray head serves the dashboard and Jobs API on 8265 (KubeRay binds it to 0.0.0.0), Ray Client on 10001 and GCS on 6379; by default none of them authenticates, and `POST /api/jobs/` runs any command on the cluster (ShadowRay, CVE-2023-48022, exploited at scale). Reported for Services of type LoadBalancer or NodePort (or with externalIPs) that expose those ports, Ingresses that route to 8265 without an authentication annotation, and KubeRay clusters whose head service is a LoadBalancer/NodePort or has `enableIngress: true`. High: unauthenticated remote code execution from outside the cluster.",
            remediation: "Keep the Ray head service ClusterIP and reach the dashboard with `kubectl port-forward` or through an authenticating proxy (oauth2-proxy, an Ingress with external auth); enable Ray token authentication (`spec.authOptions.mode: token`, Ray ≥ 2.52); and allow only the job submitters to reach 8265/10001 with a NetworkPolicy.",
            controls: ["nist-800-190:4.4.2", "nist-800-190:4.3.3", "owasp-k8s:K07", "nsa-k8s:network-separation", "mitre-atlas:AML.T0049"],
            failing: [
                RuleExample("""
                apiVersion: v1
                kind: Service
                metadata: {name: ray-dashboard, namespace: ml}
                spec:
                  type: LoadBalancer
                  selector: {ray.io/cluster: raycluster-kuberay, ray.io/node-type: head}
                  ports:
                    - {name: dashboard, port: ↓8265, targetPort: 8265}
                    - {name: client, port: ↓10001, targetPort: 10001}
                    - {name: serve, port: 8000, targetPort: 8000}
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: raycluster-kuberay, namespace: ml}
                spec:
                  rayVersion: '2.52.0'
                  authOptions: {mode: token}
                  headGroupSpec:
                    serviceType: ↓NodePort
                    rayStartParams: {dashboard-host: '0.0.0.0'}
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.52.0
                """),
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: ray-dashboard, namespace: ml}
                spec:
                  ingressClassName: nginx
                  rules:
                    - host: ray.example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: raycluster-kuberay-head-svc
                                port: {number: ↓8265}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Service
                metadata: {name: ray-dashboard, namespace: ml}
                spec:
                  type: ClusterIP
                  selector: {ray.io/cluster: raycluster-kuberay, ray.io/node-type: head}
                  ports:
                    - {name: dashboard, port: 8265, targetPort: 8265}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: llm-serve, namespace: ml}
                spec:
                  type: LoadBalancer
                  selector: {ray.io/cluster: raycluster-kuberay, ray.io/node-type: head}
                  ports:
                    - {name: serve, port: 443, targetPort: 8000}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: ray-dashboard
                  namespace: ml
                  annotations:
                    nginx.ingress.kubernetes.io/auth-url: https://oauth2-proxy.example.com/oauth2/auth
                    nginx.ingress.kubernetes.io/auth-signin: https://oauth2-proxy.example.com/oauth2/start
                spec:
                  rules:
                    - http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service: {name: raycluster-kuberay-head-svc, port: {number: 8265}}
                """),
            ],
            tags: ["ml", "ray", "exposure"]
        ),
        check: .object { object, _ in
            switch (object.group, object.kind) {
            case ("", "Service"): RayExposure.service(object)
            case ("networking.k8s.io", "Ingress"): RayExposure.ingress(object)
            case ("ray.io", _): RayExposure.cluster(object)
            default: []
            }
        }
    )

    static let rayAuthDisabled = KubernetesRule(
        RuleDescriptor(
            id: "serving/ray-auth-disabled",
            severity: .high,
            title: "Ray cluster without token authentication",
            summary: "Ray's authentication mode is `disabled` by default: the dashboard and Jobs API, Ray Client and GCS accept any caller, and a job submission runs arbitrary code on every node with the pods' credentials (ShadowRay, CVE-2023-48022). Ray 2.52 added token authentication (`RAY_AUTH_MODE=token`) and KubeRay 1.5.1 the `spec.authOptions.mode: token` field that generates and distributes the token. Reported for KubeRay head groups and for pods that run `ray start --head`. High: remote code execution for anyone who reaches the head.",
            remediation: "Upgrade to Ray ≥ 2.52 and KubeRay ≥ 1.5.1 and set `spec.authOptions: {mode: token}` on the RayCluster (or `rayClusterConfig` of a RayService, `rayClusterSpec` of a RayJob); without KubeRay support, set `RAY_AUTH_MODE=token` and `RAY_AUTH_TOKEN` from a Secret on every Ray container. Keep the head service ClusterIP and restrict 8265/10001/6379 with a NetworkPolicy.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: raycluster-kuberay, namespace: ml}
                ↓spec:
                  rayVersion: '2.9.0'
                  headGroupSpec:
                    rayStartParams: {dashboard-host: '0.0.0.0'}
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.9.0
                            ports:
                              - {containerPort: 6379, name: gcs-server}
                              - {containerPort: 8265, name: dashboard}
                              - {containerPort: 10001, name: client}
                  workerGroupSpecs:
                    - groupName: workers
                      replicas: 2
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-worker
                              image: rayproject/ray:2.9.0
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayService
                metadata: {name: llm-serve, namespace: ray}
                spec:
                  serveConfigV2: |
                    applications:
                      - name: llm
                        import_path: ray.serve.llm:build_openai_app
                  rayClusterConfig:
                    rayVersion: '2.52.0'
                    authOptions:
                      mode: ↓disabled
                    headGroupSpec:
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-head
                              image: rayproject/ray-llm:2.52.0-py311-cu128
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ray-head, namespace: research}
                spec:
                  selector: {matchLabels: {app: ray-head}}
                  template:
                    metadata: {labels: {app: ray-head}}
                    spec:
                      containers:
                        - name: ray
                          image: rayproject/ray:2.40.0-py311
                          command: ["/bin/bash", "-lc", "ray start --head --port=6379 --dashboard-host=0.0.0.0 --block"]
                          ↓env:
                            - {name: RAY_GRAFANA_HOST, value: "http://grafana.monitoring:3000"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: raycluster-auth, namespace: ml}
                spec:
                  rayVersion: '2.52.0'
                  authOptions: {mode: token}
                  headGroupSpec:
                    rayStartParams: {}
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: rayproject/ray:2.52.0
                ---
                apiVersion: ray.io/v1
                kind: RayJob
                metadata: {name: batch-inference, namespace: ml}
                spec:
                  entrypoint: python /home/ray/samples/batch.py
                  rayClusterSpec:
                    headGroupSpec:
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-head
                              image: rayproject/ray:2.52.0
                              env:
                                - {name: RAY_AUTH_MODE, value: token}
                                - name: RAY_AUTH_TOKEN
                                  valueFrom: {secretKeyRef: {name: ray-auth, key: auth_token}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ray-worker, namespace: research}
                spec:
                  selector: {matchLabels: {app: ray-worker}}
                  template:
                    metadata: {labels: {app: ray-worker}}
                    spec:
                      containers:
                        - name: ray
                          image: rayproject/ray:2.40.0-py311
                          command: ["ray", "start", "--address=ray-head:6379", "--block"]
                """),
            ],
            tags: ["ml", "ray"]
        ),
        check: .pod { pod, _ in
            let isKubeRayHead = pod.object.group == "ray.io" && pod.role == "head group"
            let regular = pod.containers.filter { $0.kind == .container }
            let head: ContainerView?
            if isKubeRayHead {
                head = regular.first
            } else {
                head = regular.first { container in
                    ModelServer.detect(container, kind: .ray).contains { $0.flags.switch("--head")?.isOn == true }
                }
            }
            guard let head else { return [] }
            let clusterPath = isKubeRayHead ? ServingPath.dropLast(pod.specPath, 3) : nil
            let cluster = clusterPath.flatMap { ServingPath.node(pod.object.root, path: $0) }
            let mode = cluster?["authOptions"]?["mode"]
            if mode?.string?.lowercased() == "token" { return [] }
            let env = regular.lazy.compactMap { ServingEnv.find("RAY_AUTH_MODE", in: $0) }.first
            if let env, env.isReference || env.value?.lowercased() == "token" { return [] }

            var setting = "no spec.authOptions.mode: token and no RAY_AUTH_MODE=token"
            let anchor: YAMLNode
            if let mode {
                setting = "authOptions.mode: \(mode.scalar ?? "")"
                anchor = mode
            } else if let env {
                setting = "RAY_AUTH_MODE=\(env.value ?? "")"
                anchor = env.node
            } else if let clusterPath, let key = ServingPath.keyNode(pod.object.root, path: clusterPath) {
                anchor = key
            } else {
                setting = "no RAY_AUTH_MODE=token"
                anchor = ServingAnchor.env(head)
            }
            var version = cluster?["rayVersion"]?.string
            if version == nil, let image = head.image { version = ServingImage(image).tag.prefix { $0.isNumber || $0 == "." }.description }
            var note = ""
            if let version, let parsed = RayVersion(version), parsed < RayVersion.tokenAuth {
                note = "; Ray \(version) predates token authentication (2.52), upgrade it"
            }
            return [Violation(
                "\(head.displayName) (the Ray head) of \(pod.displayName) runs without token authentication (\(setting)); anyone who reaches the dashboard/Jobs API (8265), Ray Client (10001) or GCS (6379) can run arbitrary code on the cluster\(note)",
                at: anchor, field: clusterPath.map { "\($0).authOptions.mode" } ?? "\(head.path).env", container: head.name)]
        }
    )
}
