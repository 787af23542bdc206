import BulwarkCore
import BulwarkKubernetes
import Testing

@Suite struct ServingWorkloadTests {
    static let images: [(String, ServingWorkload.Kind?)] = [
        ("vllm/vllm-openai:v0.6.3", .vllm),
        ("nvcr.io/nvidia/tritonserver:24.05-py3", .triton),
        ("pytorch/torchserve:0.11.0-cpu", .torchserve),
        ("ghcr.io/huggingface/text-generation-inference:2.4.0", .textGenerationInference),
        ("tensorflow/serving:2.15.0-gpu", .tensorflowServing),
        ("lmsysorg/sglang:v0.3.5-cu124", .sglang),
        ("ollama/ollama:0.3.14", .ollama),
        ("ghcr.io/ggerganov/llama.cpp:server", .llamaCpp),
        ("rayproject/ray:2.9.0-py310-gpu", .ray),
        ("rayproject/ray-ml:2.9.0", .ray),
        ("ghcr.io/mlflow/mlflow:v2.17.0", .mlflow),
        ("quay.io/jupyter/scipy-notebook:2024-10-07", .jupyter),
        ("kubeflownotebookswg/jupyter-scipy:v1.9.0", .jupyter),
        ("kserve/sklearnserver:v0.13.0", .kserve),
        ("docker.io/seldonio/mlserver:1.6.0", .seldon),
        ("bentoml/bento-server:1.2.0", .bentoml),
        ("registry.example.com/ml/model-server:latest", .genericModelServer),
        ("registry.example.com:5000/fraud-inference@sha256:01254ef56589f99c15ad4e4f5ab0347bbb69f600e2cbac538dba0873446250ab", .genericModelServer),
        ("nginx:1.27", nil),
        ("postgres:16", nil),
        ("python:3.12-slim", nil),
        ("registry.k8s.io/ingress-nginx/controller:v1.11.2", nil),
        ("amazon/aws-xray-daemon:3.3", nil),
        ("registry.example.com/array-service:1", nil),
        ("grafana/grafana:11.2.0", nil),
    ]

    @Test("images", arguments: images)
    func image(_ image: String, _ kind: ServingWorkload.Kind?) {
        #expect(ServingWorkload.kind(ofImage: image) == kind)
    }

    static let commandLines: [([String], ServingWorkload.Kind?)] = [
        (["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"], .vllm),
        (["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"], .vllm),
        (["tritonserver", "--model-repository=/models"], .triton),
        (["torchserve", "--start", "--ts-config", "/home/model-server/config.properties"], .torchserve),
        (["text-generation-launcher", "--model-id", "m"], .textGenerationInference),
        (["/usr/bin/tensorflow_model_server", "--port=8500"], .tensorflowServing),
        (["python", "-m", "sglang.launch_server", "--model-path", "m"], .sglang),
        (["mlflow", "server", "--host", "0.0.0.0"], .mlflow),
        (["jupyter", "lab", "--ip=0.0.0.0"], .jupyter),
        (["start-notebook.sh", "--NotebookApp.token="], .jupyter),
        (["ray", "start", "--head", "--dashboard-host=0.0.0.0"], .ray),
        (["/bin/sh", "-c", "exec gunicorn --bind 0.0.0.0:8080 app:app"], .pythonWebServer),
        (["uvicorn", "main:app", "--host", "0.0.0.0"], .pythonWebServer),
        (["python", "-m", "flask", "run"], .pythonWebServer),
        (["sh", "-c", "gunicorn app:app & vllm serve m"], .vllm),
        (["nginx", "-g", "daemon off;"], nil),
        (["python", "train.py"], nil),
        (["papermill", "notebook.ipynb", "out.ipynb"], nil),
        ([], nil),
    ]

    @Test("command lines", arguments: commandLines)
    func commandLine(_ commandLine: [String], _ kind: ServingWorkload.Kind?) {
        #expect(ServingWorkload.kind(ofCommandLine: commandLine) == kind)
    }

    func pod(_ yaml: String) throws -> PodSpecView {
        let inventory = KubernetesLoader.parse(text: yaml, file: "pod.yaml")
        let object = try #require(inventory.objects.first)
        return try #require(PodSpecExtractor.podSpecs(in: object).first)
    }

    @Test func pythonCountsOnlyWithAContainerPort() throws {
        let withPort = try pod("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: api, image: registry.example.com/scorer:1, command: [python3.12, serve.py], ports: [{containerPort: 8080}]}
            - {name: worker, image: registry.example.com/scorer:1, command: [python3, worker.py]}
        """)
        let detection = try #require(ServingWorkload.detect(withPort))
        #expect(detection.kind == .pythonWebServer)
        #expect(detection.container == "api")
        #expect(detection.description == "Python web server (command \"python3.12\" of container \"api\")")
        #expect(!detection.kind.isSpecific)
        #expect(ServingWorkload.detect(withPort.containers[1]) == nil)
    }

    @Test func specificKindsWinOverGuesses() throws {
        let view = try pod("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d, namespace: ml}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: inference}}
            spec:
              initContainers:
                - {name: fetch, image: vllm/vllm-openai:v0.6.3}
              containers:
                - {name: proxy, image: registry.example.com/ml/model-server:2, command: [gunicorn]}
                - {name: dashboard, image: registry.example.com/ops/dash:1, ports: [{containerPort: 8265}]}
        """)
        let all = ServingWorkload.detectAll(view)
        #expect(all.map(\.kind) == [.genericModelServer, .ray, .genericModelServer])
        #expect(ServingWorkload.detect(view)?.kind == .ray)
        #expect(ServingWorkload.detect(view)?.evidence == .port(8265))
        #expect(ServingWorkload.Kind.ray.defaultPorts.contains(8265))
    }

    @Test func objectKindsAndLabels() throws {
        let inferenceService = try pod("""
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: iris, namespace: ml}
        spec:
          predictor:
            model: {modelFormat: {name: sklearn}, storageUri: "gs://bucket/iris"}
        """)
        #expect(ServingWorkload.detect(inferenceService)?.kind == .kserve)
        #expect(ServingWorkload.detect(inferenceService)?.evidence == .objectKind("InferenceService"))
        #expect(inferenceService.runningPodLabels["serving.kserve.io/inferenceservice"] == "iris")
        #expect(inferenceService.runningPodLabels["component"] == "predictor")

        let labelled = try pod("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            metadata: {labels: {app: fraud-predictor}}
            spec:
              containers: [{name: c, image: registry.example.com/c:1}]
        """)
        #expect(ServingWorkload.detect(labelled) == ServingWorkload(kind: .genericModelServer, evidence: .label(key: "app", value: "fraud-predictor")))

        let plain = try pod("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
        """)
        #expect(ServingWorkload.detect(plain) == nil)
    }
}
