import BulwarkCore
import BulwarkKubernetes
import Testing

/// Pods an operator creates from a custom resource of the input are endpoints: NetworkPolicies and
/// Services that select them select something.
@Suite struct OperatorPodsTests {
    static let monitoring = """
    apiVersion: monitoring.coreos.com/v1
    kind: Prometheus
    metadata: {name: main, namespace: monitoring}
    spec:
      replicas: 2
      serviceAccountName: prometheus
      podMetadata:
        labels: {team: observability}
    ---
    apiVersion: monitoring.coreos.com/v1
    kind: Alertmanager
    metadata: {name: main, namespace: monitoring}
    spec: {replicas: 3}
    ---
    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata: {name: vllm, namespace: monitoring}
    spec:
      selector: {matchLabels: {app: vllm}}
      endpoints: [{port: metrics}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: prometheus, namespace: monitoring}
    spec:
      podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
      policyTypes: [Ingress]
      ingress:
        - from:
            - podSelector: {matchLabels: {alertmanager: main}}
          ports: [{port: web}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: by-team, namespace: monitoring}
    spec:
      podSelector: {matchLabels: {team: observability, prometheus: main}}
      policyTypes: [Ingress]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: prometheus, namespace: monitoring}
    spec:
      type: LoadBalancer
      selector: {app.kubernetes.io/name: prometheus, prometheus: main}
      ports: [{port: 9090, targetPort: web}]
    """

    @Test func prometheusOperatorPodsAreSelected() {
        let findings = scanText(Self.monitoring, rules: [rule("netpol/policy-selects-nothing"), rule("netpol/peer-matches-nothing"),
                                                         rule("k8s/service-exposed")])
        #expect(findings.map { "\($0.ruleId) \($0.message)" } == [])
    }

    @Test func operatorPodsCarryTheOperatorsLabels() {
        let objects = KubernetesLoader.parse(text: Self.monitoring, file: "m.yaml").objects
        let views = OperatorPods.views(in: InventoryIndex(objects))
        #expect(views.map(\.object.kind) == ["Prometheus", "Alertmanager"])
        #expect(views.first?.podLabels == [
            "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "main",
            "app.kubernetes.io/managed-by": "prometheus-operator", "prometheus": "main", "operator.prometheus.io/name": "main",
            "operator.prometheus.io/shard": "0", "team": "observability",
        ])
        #expect(views.first?.serviceAccountName == "prometheus")
        // Endpoints only: no pod rule runs on a Prometheus.
        #expect(InventoryIndex(objects).podSpecs.isEmpty)
    }

    @Test func aTypoIsStillReportedNextToOperatorPods() {
        let text = Self.monitoring + """

        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: typo, namespace: monitoring}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/name: promethues}}
          policyTypes: [Ingress]
        """
        let findings = scanText(text, rules: [rule("netpol/policy-selects-nothing")])
        #expect(findings.map(\.severity) == [.low])
        #expect(findings.first?.message.contains("Prometheus monitoring/main") == true)
    }

    static let unknownOperator = """
    apiVersion: databases.example.com/v1
    kind: RedisFailover
    metadata: {name: cache, namespace: feature-store}
    spec: {redis: {replicas: 3}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: feast, namespace: feature-store}
    spec:
      template:
        metadata: {labels: {app: feast}}
        spec:
          containers: [{name: feast, image: registry.example.com/feast:0.40.0}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: redis, namespace: feature-store}
    spec:
      podSelector: {matchLabels: {app.kubernetes.io/name: redis}}
      policyTypes: [Ingress]
      ingress:
        - from:
            - podSelector: {matchLabels: {app: feast}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: feast, namespace: feature-store}
    spec:
      podSelector: {matchLabels: {app: feast}}
      policyTypes: [Egress]
      egress:
        - to:
            - podSelector: {matchLabels: {app.kubernetes.io/name: redis}}
    """

    @Test func customResourcesOfUnknownKindsMakeMatchesNothingInfo() {
        let findings = scanText(Self.unknownOperator, rules: [rule("netpol/policy-selects-nothing"), rule("netpol/peer-matches-nothing")])
        #expect(findings.map { "\($0.ruleId) \($0.severity)" } == ["netpol/policy-selects-nothing info", "netpol/peer-matches-nothing info"])
        #expect(findings.allSatisfy { $0.message.contains("RedisFailover cache") && $0.message.contains("an operator may create the pods") })
        // Without the custom resource, the same policies are low.
        let without = Self.unknownOperator.split(separator: "---\n", maxSplits: 1).last.map(String.init) ?? ""
        let plain = scanText(without, rules: [rule("netpol/policy-selects-nothing"), rule("netpol/peer-matches-nothing")])
        #expect(plain.map(\.severity) == [.low, .low])
    }
}
