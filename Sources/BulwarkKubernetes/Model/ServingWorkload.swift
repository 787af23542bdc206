import BulwarkCore

/// A model server, notebook or ML platform UI recognised in a pod spec, with the evidence.
///
/// The one heuristic for "is this a model server", shared by the exposure, ML-serving and
/// network rules. Evidence, strongest first: the command line (`vllm serve`, `tritonserver`,
/// `python -m vllm.entrypoints.openai.api_server`, `gunicorn …`), the image
/// (`vllm/vllm-openai`, `nvcr.io/nvidia/tritonserver`, `…/model-server`), distinctive ports
/// (8265 Ray dashboard, 11434 Ollama), the object kind (KServe, KubeRay, Kubeflow Notebook) and
/// pod labels (`serving.kserve.io/inferenceservice`, `ray.io/node-type`,
/// `app.kubernetes.io/component: inference`).
///
/// `Kind` is the one list of model servers. `ModelServer` (the `serving/…` rules) answers a
/// narrower question with the same kinds: which program the container execs, with which flags, so
/// that rules can read `--api-key` or `--model-control-mode`; this type answers "does it serve
/// models at all" and so also takes weak evidence (a word anywhere in the command line, names).
///
/// ```swift
/// if let server = ServingWorkload.detect(pod) {       // best match of a PodSpecView
///     server.kind            // .vllm
///     server.kind.isSpecific // true (false for a Python web server or a name-based guess)
///     server.container       // "server"
///     server.description     // vLLM (image "vllm/vllm-openai:v0.6.3" of container "server")
/// }
/// ServingWorkload.detect(container)                   // one ContainerView
/// ServingWorkload.kind(ofImage: "ollama/ollama:0.3")  // .ollama
/// ServingWorkload.kind(ofCommandLine: ["tritonserver", "--model-repository=/models"]) // .triton
/// ```
public struct ServingWorkload: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case vllm
        case triton
        case torchserve
        case textGenerationInference = "text-generation-inference"
        case tensorflowServing = "tensorflow-serving"
        case sglang
        case ollama
        case llamaCpp = "llama.cpp"
        case ray
        case mlflow
        case jupyter
        case kserve
        case seldon
        case bentoml
        /// gunicorn, uvicorn, Flask, FastAPI, Streamlit, Gradio … or `python` with container ports.
        case pythonWebServer = "python-web-server"
        /// Recognised by names only (`…/model-server` image, `component: inference` label).
        case genericModelServer = "model-server"

        public var displayName: String {
            switch self {
            case .vllm: "vLLM"
            case .triton: "NVIDIA Triton Inference Server"
            case .torchserve: "TorchServe"
            case .textGenerationInference: "Hugging Face Text Generation Inference"
            case .tensorflowServing: "TensorFlow Serving"
            case .sglang: "SGLang"
            case .ollama: "Ollama"
            case .llamaCpp: "llama.cpp server"
            case .ray: "Ray"
            case .mlflow: "MLflow"
            case .jupyter: "Jupyter"
            case .kserve: "KServe"
            case .seldon: "Seldon / MLServer"
            case .bentoml: "BentoML"
            case .pythonWebServer: "Python web server"
            case .genericModelServer: "model server"
            }
        }

        /// A recognised product, as opposed to a Python web server or a name-based guess.
        public var isSpecific: Bool { self != .pythonWebServer && self != .genericModelServer }

        /// The ports the product listens on by default (APIs, management, dashboards, metrics).
        public var defaultPorts: [Int] {
            switch self {
            case .vllm: [8000]
            case .triton: [8000, 8001, 8002]
            case .torchserve: [8080, 8081, 8082, 7070, 7071]
            case .textGenerationInference: [80, 8080]
            case .tensorflowServing: [8500, 8501]
            case .sglang: [30000]
            case .ollama: [11434]
            case .llamaCpp: [8080]
            case .ray: [8265, 10001, 6379, 8000]
            case .mlflow: [5000]
            case .jupyter: [8888]
            case .kserve: [8080, 8081]
            case .seldon: [8080, 8081, 9000]
            case .bentoml: [3000]
            case .pythonWebServer, .genericModelServer: []
            }
        }

        /// Preference when several detections compete: specific products, then model-server
        /// names, then Python web servers.
        var rank: Int {
            switch self {
            case .pythonWebServer: 0
            case .genericModelServer: 1
            default: 2
            }
        }
    }

    /// What gave the workload away.
    public enum Evidence: Sendable, Hashable, CustomStringConvertible {
        case commandLine(String)
        case image(String)
        case port(Int)
        case objectKind(String)
        case label(key: String, value: String)

        public var description: String {
            switch self {
            case .commandLine(let word): "command \"\(word)\""
            case .image(let image): "image \"\(image)\""
            case .port(let port): "port \(port)"
            case .objectKind(let kind): "kind \(kind)"
            case .label(let key, let value): "label \(key)=\(value)"
            }
        }
    }

    public let kind: Kind
    public let evidence: Evidence
    /// The container the evidence is about; nil for object kinds and pod labels.
    public let container: String?

    public init(kind: Kind, evidence: Evidence, container: String? = nil) {
        self.kind = kind
        self.evidence = evidence
        self.container = container
    }

    /// `vLLM (image "vllm/vllm-openai:v0.6.3" of container "server")`.
    public var description: String {
        if let container { return "\(kind.displayName) (\(evidence) of container \"\(container)\")" }
        return "\(kind.displayName) (\(evidence))"
    }

    // MARK: - Detection

    /// The model server a container runs, if any: command line first, then image, then ports.
    public static func detect(_ container: ContainerView) -> ServingWorkload? {
        container.memo.value(.servingWorkload) { compute(container) }
    }

    private static func compute(_ container: ContainerView) -> ServingWorkload? {
        let commandLine = container.commandLine
        var best: ServingWorkload?
        func offer(_ candidate: ServingWorkload) {
            if best.map({ candidate.kind.rank > $0.kind.rank }) ?? true { best = candidate }
        }
        if let (kind, word) = match(commandLine: commandLine) {
            offer(ServingWorkload(kind: kind, evidence: .commandLine(word), container: container.name))
        }
        if let image = container.image, let kind = kind(ofImage: image) {
            offer(ServingWorkload(kind: kind, evidence: .image(image), container: container.name))
        }
        let ports = (container.node["ports"]?.items ?? []).compactMap { $0["containerPort"]?.int }
        if best?.kind.isSpecific != true, let port = ports.first(where: { distinctivePorts[$0] != nil }), let kind = distinctivePorts[port] {
            offer(ServingWorkload(kind: kind, evidence: .port(port), container: container.name))
        }
        // `python app.py` (or an image of the official python repository) listening on a port.
        if best == nil, !ports.isEmpty {
            if let word = commandLine.lazy.flatMap(commandWords).first(where: isPythonInterpreter) {
                offer(ServingWorkload(kind: .pythonWebServer, evidence: .commandLine(word), container: container.name))
            } else if let image = container.image, ["python", "pypy"].contains(repositoryName(of: image)) {
                offer(ServingWorkload(kind: .pythonWebServer, evidence: .image(image), container: container.name))
            }
        }
        return best
    }

    /// The best detection of a pod spec: over its long-running containers, the object kind and
    /// the pod labels; nil when nothing suggests a model server.
    public static func detect(_ pod: PodSpecView) -> ServingWorkload? {
        detectAll(pod).max { $0.kind.rank < $1.kind.rank }
    }

    /// Every detection of a pod spec (one per matching container, then object kind, then
    /// labels), in that order.
    public static func detectAll(_ pod: PodSpecView) -> [ServingWorkload] {
        var found: [ServingWorkload] = []
        for container in pod.containers where container.isLongRunning {
            if let detection = detect(container) { found.append(detection) }
        }
        if let kind = objectKinds[pod.object.group + "/" + pod.object.kind] {
            found.append(ServingWorkload(kind: kind, evidence: .objectKind(pod.object.kind)))
        }
        let labels = pod.podLabels
        for key in labels.keys.sorted() {
            guard let value = labels[key] else { continue }
            if let kind = labelKeys[key] {
                found.append(ServingWorkload(kind: kind, evidence: .label(key: key, value: value)))
            } else if ["app.kubernetes.io/component", "component", "app.kubernetes.io/name", "app"].contains(key),
                      isModelServerName(tokens(of: value.lowercased())) {
                found.append(ServingWorkload(kind: .genericModelServer, evidence: .label(key: key, value: value)))
            }
        }
        return found
    }

    /// The kind an image reference suggests (`vllm/vllm-openai:v0.6.3` → `.vllm`).
    public static func kind(ofImage image: String) -> Kind? {
        // Images repeat across workloads (a cluster runs a few dozen); the answer depends on the string only.
        imageKinds.value(image) { computeKind(ofImage: image) }
    }

    private static let imageKinds = SharedCache<String, Kind?>(capacity: 4096)

    private static func computeKind(ofImage image: String) -> Kind? {
        let path = imagePath(image)
        for (needle, kind) in imageSubstrings where path.contains(needle) { return kind }
        let words = tokens(of: path)
        if words.contains("ray") || words.contains("rayproject") { return .ray }
        if words.contains("notebook") || words.contains("jupyterlab") { return .jupyter }
        if isModelServerName(words) { return .genericModelServer }
        return nil
    }

    /// The kind a container's `command` + `args` suggest (`["vllm", "serve", …]` → `.vllm`).
    public static func kind(ofCommandLine commandLine: [String]) -> Kind? {
        match(commandLine: commandLine)?.0
    }

    // MARK: - Tables

    /// Substrings of an image path (lower-case, without registry, tag or digest), in order.
    static let imageSubstrings: [(String, Kind)] = [
        ("text-generation-inference", .textGenerationInference), ("vllm", .vllm), ("tritonserver", .triton),
        ("triton-inference-server", .triton), ("torchserve", .torchserve), ("tensorflow/serving", .tensorflowServing),
        ("tensorflow-serving", .tensorflowServing), ("tf-serving", .tensorflowServing), ("sglang", .sglang),
        ("ollama", .ollama), ("llama.cpp", .llamaCpp), ("llama-cpp", .llamaCpp), ("llamacpp", .llamaCpp),
        ("mlserver", .seldon), ("seldon", .seldon), ("kserve", .kserve), ("sklearnserver", .kserve),
        ("xgbserver", .kserve), ("lgbserver", .kserve), ("pmmlserver", .kserve), ("huggingfaceserver", .kserve),
        ("bentoml", .bentoml), ("mlflow", .mlflow), ("jupyter", .jupyter),
    ]

    /// Executables (basenames) and Python modules that are model servers.
    static let executables: [String: Kind] = [
        "vllm": .vllm, "tritonserver": .triton, "torchserve": .torchserve, "text-generation-launcher": .textGenerationInference,
        "text-generation-server": .textGenerationInference, "tensorflow_model_server": .tensorflowServing, "ollama": .ollama,
        "llama-server": .llamaCpp, "mlserver": .seldon, "bentoml": .bentoml, "mlflow": .mlflow, "jupyter": .jupyter,
        "jupyter-lab": .jupyter, "jupyter-notebook": .jupyter, "jupyter-server": .jupyter, "jupyterhub": .jupyter,
        "jupyterhub-singleuser": .jupyter, "start-notebook.sh": .jupyter, "start-notebook.py": .jupyter,
        "start-singleuser.sh": .jupyter, "start-singleuser.py": .jupyter, "ray": .ray,
        "gunicorn": .pythonWebServer, "uvicorn": .pythonWebServer, "hypercorn": .pythonWebServer, "daphne": .pythonWebServer,
        "granian": .pythonWebServer, "waitress-serve": .pythonWebServer, "flask": .pythonWebServer, "fastapi": .pythonWebServer,
        "streamlit": .pythonWebServer, "gradio": .pythonWebServer,
    ]

    /// `python -m` modules (exact or as a package prefix).
    static let modules: [(String, Kind)] = [
        ("vllm.entrypoints", .vllm), ("sglang.launch_server", .sglang), ("text_generation_server", .textGenerationInference),
        ("mlserver", .seldon), ("kserve", .kserve), ("sklearnserver", .kserve), ("xgbserver", .kserve), ("lgbserver", .kserve),
        ("huggingfaceserver", .kserve), ("pmmlserver", .kserve), ("ts.model_server", .torchserve), ("mlflow", .mlflow),
        ("jupyterlab", .jupyter), ("notebook", .jupyter), ("jupyter_server", .jupyter), ("bentoml", .bentoml), ("ray", .ray),
        ("gunicorn", .pythonWebServer), ("uvicorn", .pythonWebServer), ("hypercorn", .pythonWebServer), ("flask", .pythonWebServer),
        ("streamlit", .pythonWebServer), ("gradio", .pythonWebServer),
    ]

    /// Dotted module paths that identify a server even without `-m` (entry points, config paths).
    static let dottedModules: [(String, Kind)] = [
        ("vllm.entrypoints", .vllm), ("sglang.launch_server", .sglang), ("ts.model_server", .torchserve),
        ("text_generation_server", .textGenerationInference),
    ]

    static let distinctivePorts: [Int: Kind] = [8265: .ray, 11434: .ollama]

    static let objectKinds: [String: Kind] = [
        "serving.kserve.io/InferenceService": .kserve, "serving.kserve.io/ServingRuntime": .kserve,
        "serving.kserve.io/ClusterServingRuntime": .kserve, "ray.io/RayCluster": .ray, "ray.io/RayService": .ray,
        "ray.io/RayJob": .ray, "kubeflow.org/Notebook": .jupyter,
    ]

    static let labelKeys: [String: Kind] = [
        "serving.kserve.io/inferenceservice": .kserve, "ray.io/node-type": .ray, "ray.io/cluster": .ray,
        "notebook-name": .jupyter, "seldon-deployment-id": .seldon, "yatai.ai/bento": .bentoml,
    ]

    // MARK: - Helpers

    /// The kind and the word that gave it away, over every whitespace-separated word of the
    /// command line (so `sh -c "exec gunicorn …"` is seen too). Specific products win.
    static func match(commandLine: [String]) -> (Kind, String)? {
        var best: (Kind, String)?
        var previous = ""
        for word in commandLine.lazy.flatMap(commandWords) {
            defer { previous = word }
            var kind: Kind?
            let base = basename(word)
            if let executable = executables[base] {
                kind = executable
            } else if previous == "-m" {
                kind = modules.first { base == $0.0 || base.hasPrefix($0.0 + ".") }?.1
            } else if base.contains(".") {
                kind = dottedModules.first { base.hasPrefix($0.0) }?.1
            }
            if let kind, best.map({ kind.rank > $0.0.rank }) ?? true { best = (kind, word) }
        }
        return best
    }

    /// Lower-cased words of the command line, without quotes.
    static func commandWords(_ argument: String) -> [String] {
        argument.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ";" || $0 == "&" || $0 == "|" })
            .map { String($0.filter { $0 != "\"" && $0 != "'" }).lowercased() }
            .filter { !$0.isEmpty }
    }

    static func isPythonInterpreter(_ word: String) -> Bool {
        let base = basename(word)
        guard base.hasPrefix("python") || base.hasPrefix("pypy") else { return false }
        return base.drop { $0.isLetter }.allSatisfy { $0.isNumber || $0 == "." }
    }

    static func basename(_ word: String) -> String {
        word.split(separator: "/").last.map(String.init) ?? word
    }

    /// `registry.example.com:5000/ml/model-server:1.0@sha256:…` → `ml/model-server`.
    static func imagePath(_ image: String) -> String {
        var reference = Substring(image.lowercased())
        if let at = reference.firstIndex(of: "@") { reference = reference[..<at] }
        var components = reference.split(separator: "/", omittingEmptySubsequences: false)
        if let last = components.last, let colon = last.lastIndex(of: ":") {
            components[components.count - 1] = last[..<colon]
        }
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            components.removeFirst()
        }
        return components.joined(separator: "/")
    }

    /// The last path component of an image (`docker.io/library/python:3.12` → `python`).
    static func repositoryName(of image: String) -> String {
        imagePath(image).split(separator: "/").last.map(String.init) ?? ""
    }

    static func tokens(of text: String) -> [String] {
        text.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "_" || $0 == "." }).map(String.init)
    }

    /// `model-server`, `modelserver`, `model-serving`, `model-api`, `inference`, `predictor` …
    static func isModelServerName(_ words: [String]) -> Bool {
        for (position, word) in words.enumerated() {
            if ["modelserver", "modelserving", "inference", "predictor", "inferenceserver"].contains(word) { return true }
            if word == "model" || word == "models" || word == "llm",
               position + 1 < words.count, ["server", "serving", "serve", "api", "service"].contains(words[position + 1]) {
                return true
            }
        }
        return false
    }
}
