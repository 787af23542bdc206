import BulwarkCore

/// The ML-serving pack: remote code from model repositories, notebook servers in serving images,
/// unpinned model downloads at build time, TorchServe and vLLM switches.
///
/// The rules live in `DockerfileML/DockerfileMLRules+<Topic>.swift`, their helpers next to them;
/// this is the one list of them.
public enum DockerfileMLRules {
    public static let all: [DockerfileRule] = [trustRemoteCode, notebookServer, modelDownloadUnpinned, torchServeTokenAuth, torchServeEndOfLife, vllmDevMode]
}
