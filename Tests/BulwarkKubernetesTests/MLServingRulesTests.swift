import BulwarkCore
import Foundation
import BulwarkKubernetes
import Testing

/// The ML-inference rule pack beyond its own examples: the registry, per-finding severities,
/// whole-inventory joins, and positions inside ConfigMap block scalars.
@Suite struct MLServingRulesTests {
    static func scan(_ yaml: String, rules: [KubernetesRule] = MLServingRules.all) -> [Finding] {
        let inventory = KubernetesLoader.parse(text: yaml, file: "stack.yaml")
        return KubernetesScanner(rules: rules).scan(inventory).sorted(by: Finding.reportOrder)
    }

    static func rule(_ id: String) throws -> KubernetesRule {
        try #require(MLServingRules.all.first { $0.descriptor.answers(to: id) })
    }

    // MARK: - Registry

    @Test func thePackHasAtLeastTwentyServingRules() {
        let ids = MLServingRules.all.map { $0.id }
        #expect(ids.count >= 20)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("serving/") })
        #expect(MLServingRules.all.allSatisfy { $0.descriptor.tags.contains("ml") })
        #expect(RuleCatalog(MLServingRules.all.map { $0.descriptor }).problems(domains: ["serving"]) == [])
    }

    @Test func everyRuleIsInTheKubernetesRegistry() {
        let registered = Set(KubernetesRules.all.map { $0.id })
        #expect(MLServingRules.all.allSatisfy { registered.contains($0.id) })
    }

    @Test func theOldTrustRemoteCodeIdStillSelectsTheRule() throws {
        let rule = try Self.rule("serving/vllm-trust-remote-code")
        #expect(rule.id == "serving/trust-remote-code")
    }

    @Test func onlyTheSandboxRuleIsOptIn() {
        let optIn = MLServingRules.all.filter { !$0.descriptor.enabledByDefault }.map { $0.id }
        #expect(optIn == ["serving/model-server-runtime-class"])
    }

    @Test("every control maps to a framework of the contract", arguments: MLServingRules.all.map { $0.id })
    func controlsUseKnownFrameworks(id: String) throws {
        let rule = try Self.rule(id)
        for control in rule.descriptor.controls {
            #expect(ControlCatalog.frameworks[control.framework] != nil, "\(control)")
        }
    }

    // MARK: - Severities per finding

    static let notebook = """
    apiVersion: v1
    kind: Pod
    metadata: {name: nb, namespace: team-a}
    spec:
      containers:
        - name: nb
          image: jupyter/base-notebook:2024-06-17
          args: ARGS
    """

    @Test("an empty Jupyter token is critical on all interfaces, high otherwise", arguments: [
        ("[\"start-notebook.py\", \"--ServerApp.token=\", \"--ServerApp.ip=0.0.0.0\"]", Severity.critical),
        ("[\"start-notebook.py\", \"--ServerApp.token=\", \"--ip\", \"*\"]", .critical),
        ("[\"start-notebook.py\", \"--ServerApp.token=\"]", .high),
        ("[\"start-notebook.py\", \"--ServerApp.token=\", \"--ip=127.0.0.1\"]", .high),
    ])
    func jupyterSeverity(args: String, severity: Severity) throws {
        let findings = Self.scan(Self.notebook.replacingOccurrences(of: "ARGS", with: args), rules: [try Self.rule("serving/jupyter-no-token")])
        #expect(findings.map(\.severity) == [severity])
    }

    @Test func driverCapabilitiesAllIsLowOnlyWithAGPULimit() throws {
        let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: with-limit
              image: nvcr.io/nvidia/pytorch:24.05-py3
              env: [{name: NVIDIA_DRIVER_CAPABILITIES, value: all}]
              resources: {limits: {nvidia.com/gpu: 1}}
            - name: without-limit
              image: registry.example.com/app:1.0
              env: [{name: NVIDIA_DRIVER_CAPABILITIES, value: "compute,all"}]
        """
        let findings = Self.scan(yaml, rules: [try Self.rule("serving/nvidia-visible-devices-all")])
        #expect(findings.map { "\($0.object?.container ?? "") \($0.severity)" } == ["with-limit low", "without-limit high"])
    }

    @Test func plainHTTPModelURIsAreHighAndArbitraryHTTPSMedium() throws {
        let yaml = """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: m, namespace: models}
        spec:
          predictor:
            sklearn: {storageUri: "http://10.0.0.5/model.joblib"}
          transformer:
            containers:
              - name: t
                image: registry.example.com/t:1
                env: [{name: STORAGE_URI, value: "https://example.org/t.pt"}]
        """
        let findings = Self.scan(yaml, rules: [try Self.rule("serving/kserve-storage-uri-insecure")])
        #expect(findings.map(\.severity) == [.high, .medium])
        #expect(findings.map(\.field) == ["spec.predictor.sklearn.storageUri", "spec.transformer.containers[0].env"])
    }

    // MARK: - Whole-inventory and cross-object behaviour

    @Test func aTorchServeConfigFindingPointsAtItsLineInsideTheBlockScalar() throws {
        let yaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ts, namespace: vision}
        data:
          config.properties: |
            # TorchServe
            inference_address=http://0.0.0.0:8080

            management_address = http://[::]:8081
            disable_token_authorization: true
            allowed_urls=https?://.*
        """
        let findings = Self.scan(yaml)
        let positions = findings.map { "\($0.ruleId) \($0.location.line):\($0.location.column)" }
        #expect(positions == [
            "serving/torchserve-management-api-exposed 9:5",
            "serving/torchserve-token-auth-disabled 10:5",
            "serving/torchserve-allowed-urls-open 11:5",
        ])
        #expect(findings.allSatisfy { $0.object?.kind == "ConfigMap" && $0.object?.name == "ts" })
    }

    @Test func theTorchServeModelAPIIsJudgedWithTheConfigMapThePodMounts() throws {
        func yaml(_ allowed: String, namespace: String) -> String {
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ts-config, namespace: \(namespace)}
            data:
              config.properties: |
                model_store=/models
                \(allowed)
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ts, namespace: vision}
            spec:
              selector: {matchLabels: {app: ts}}
              template:
                metadata: {labels: {app: ts}}
                spec:
                  containers:
                    - name: ts
                      image: pytorch/torchserve:0.12.0-cpu
                      env: [{name: TS_ENABLE_MODEL_API, value: "true"}]
                  volumes:
                    - name: config
                      projected: {sources: [{configMap: {name: ts-config}}]}
            """
        }
        let rule = try Self.rule("serving/torchserve-allowed-urls-open")
        #expect(Self.scan(yaml("allowed_urls=https://models.example.com/.*", namespace: "vision"), rules: [rule]).isEmpty)
        let otherNamespace = Self.scan(yaml("allowed_urls=https://models.example.com/.*", namespace: "other"), rules: [rule])
        #expect(otherNamespace.map { "\($0.object?.kind ?? "") \($0.location.line)" } == ["Deployment 20"])
    }

    @Test func aRayStackReportsExposureAndMissingAuthenticationOnTheirOwnObjects() throws {
        let yaml = """
        apiVersion: ray.io/v1
        kind: RayService
        metadata: {name: llm, namespace: ray}
        spec:
          rayClusterConfig:
            rayVersion: '2.46.0'
            headGroupSpec:
              serviceType: LoadBalancer
              rayStartParams: {dashboard-host: '0.0.0.0'}
              template:
                spec:
                  containers:
                    - name: ray-head
                      image: rayproject/ray-llm:2.46.0-py311-cu124
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: llm-head-external, namespace: ray}
        spec:
          type: NodePort
          selector: {ray.io/node-type: head}
          ports:
            - {name: client, port: 30001, targetPort: client}
            - {name: gcs, port: 6379}
        """
        let findings = Self.scan(yaml, rules: [try Self.rule("serving/ray-dashboard-exposed"), try Self.rule("serving/ray-auth-disabled")])
        #expect(findings.map { "\($0.ruleId) \($0.object?.kind ?? "") \($0.location.line):\($0.location.column)" } == [
            "serving/ray-auth-disabled RayService 5:3",
            "serving/ray-dashboard-exposed RayService 8:20",
            "serving/ray-dashboard-exposed Service 23:28",
            "serving/ray-dashboard-exposed Service 24:25",
        ])
        let auth = try #require(findings.first)
        #expect(auth.message.contains("Ray 2.46.0 predates token authentication"))
        #expect(auth.field == "spec.rayClusterConfig.authOptions.mode")
    }

    @Test func inlineSuppressionSilencesAServingRule() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: llm
          namespace: llm
          annotations:
            bulwark.dev/ignore: "serving/vllm-no-api-key: behind the authenticating gateway"
        spec:
          selector: {matchLabels: {app: llm}}
          template:
            metadata: {labels: {app: llm}}
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3
                  resources: {limits: {nvidia.com/gpu: 1}}
        """
        let findings = Self.scan(yaml, rules: [try Self.rule("serving/vllm-no-api-key")])
        #expect(findings.count == 1)
        #expect(findings.first?.suppressed == true)
        #expect(findings.first?.suppressionReason == "behind the authenticating gateway")
    }

    @Test func aHardenedVLLMDeploymentRaisesNothing() {
        let yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: llama, namespace: llm}
        spec:
          selector: {matchLabels: {app: llama}}
          template:
            metadata: {labels: {app: llama}}
            spec:
              runtimeClassName: gvisor
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.3@sha256:0c8f4a4a7e0e35b3b1b8f8e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f
                  args: ["--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--revision", "5f0b02c75b57c5855da9ae460ce51323ea669d8a"]
                  env:
                    - name: VLLM_API_KEY
                      valueFrom: {secretKeyRef: {name: vllm-api-key, key: key}}
                  resources:
                    limits: {cpu: "8", memory: 40Gi, nvidia.com/gpu: 1}
                  volumeMounts:
                    - {name: dshm, mountPath: /dev/shm}
                    - {name: models, mountPath: /root/.cache/huggingface, readOnly: true}
              volumes:
                - name: dshm
                  emptyDir: {medium: Memory, sizeLimit: 8Gi}
                - name: models
                  persistentVolumeClaim: {claimName: llama-weights, readOnly: true}
        """
        #expect(Self.scan(yaml).map(\.message) == [])
    }
}
