import BulwarkKubernetes

/// The curated exec defaults per detected model server: which programs the server itself needs
/// (bare names, so one profile resolves both in the image and on a host where the app runs from a venv)
/// and the programs no model server needs, denied explicitly so that an event names them.
///
/// Denying by name is advisory (a copy under another name is another file, and an allowlist default of
/// `deny` is what stops it); the explicit rules make the event say "curl" rather than "default".
public enum ServerProfiles {
    /// One curated entry: a program and why it is there.
    public struct Program: Sendable, Hashable {
        public var name: String
        public var why: String

        public init(_ name: String, _ why: String) {
            self.name = name
            self.why = why
        }
    }

    static let pythonInterpreters = ["python3", "python"]

    /// What a kind of server runs, besides the container's own command.
    public static func programs(for kind: ServingWorkload.Kind) -> [Program] {
        let python = pythonInterpreters.map { Program($0, "the Python interpreter of the \(kind.displayName)") }
        // joblib/loky (used by scikit-learn) runs `lscpu --parse=core` to count physical cores when a model
        // is loaded or predicts (seen with strace -f -e trace=execve on the example app); it reads /proc only.
        let lscpu = Program("lscpu", "joblib/loky (scikit-learn) runs `lscpu --parse=core` to count CPU cores")
        switch kind {
        case .pythonWebServer, .genericModelServer, .mlflow, .bentoml, .kserve, .seldon:
            return python + [
                Program("gunicorn", "WSGI server of Flask apps"),
                Program("uvicorn", "ASGI server of FastAPI apps"),
                lscpu,
            ]
        case .torchserve:
            return [
                Program("java", "TorchServe's frontend is a Java process"),
                Program("torchserve", "TorchServe's launcher script"),
                Program("torch-model-archiver", "TorchServe's model archiver script"),
            ] + python.map { Program($0.name, "TorchServe starts Python workers for the model handlers") } + [lscpu]
        case .triton:
            return [
                Program("tritonserver", "the Triton server binary"),
                Program("triton_python_backend_stub", "Triton's Python backend runs each Python model in this stub"),
            ] + python.map { Program($0.name, "Python models of Triton's Python backend") }
        case .vllm:
            return python + [Program("vllm", "the vLLM entry point")]
        case .ray:
            return python + [
                Program("ray", "the Ray CLI that starts the node"),
                Program("raylet", "Ray's per-node scheduler"),
                Program("gcs_server", "Ray's global control store"),
                Program("dashboard_agent", "Ray's dashboard agent"),
                Program("runtime_env_agent", "Ray's runtime environment agent"),
                Program("serve", "the Ray Serve CLI"),
            ]
        case .sglang, .textGenerationInference:
            return python + [Program("text-generation-launcher", "TGI's launcher"), Program("text-generation-server", "TGI's shard server")]
        case .tensorflowServing:
            return [Program("tensorflow_model_server", "the TensorFlow Serving binary")]
        case .ollama:
            return [Program("ollama", "the Ollama server")]
        case .llamaCpp:
            return [Program("llama-server", "the llama.cpp server")]
        case .jupyter:
            return python + [Program("jupyter", "Jupyter's launcher")]
        }
    }

    /// Shells: a model server has no reason to start one; a reverse shell or an injected command does.
    public static let shells = ["sh", "bash", "dash", "zsh", "ash", "ksh"]

    /// Package managers: installing software at run time is how an intruder brings tools.
    public static let packageManagers = ["apt", "apt-get", "dpkg", "pip", "pip3", "conda", "mamba", "apk", "yum", "dnf", "microdnf"]

    /// Network tools: downloading payloads, scanning, tunnelling.
    public static let networkTools = ["curl", "wget", "nc", "ncat", "netcat", "socat", "ssh", "scp", "telnet", "nmap", "busybox"]

    /// Every denied name with its reason, in a fixed order.
    public static var denied: [Program] {
        shells.map { Program($0, "shell: a model server does not start one; a reverse shell or injected command does") }
            + packageManagers.map { Program($0, "package manager: installing software at run time brings an intruder's tools") }
            + networkTools.map { Program($0, "network tool: downloads, scans and tunnels") }
    }
}
