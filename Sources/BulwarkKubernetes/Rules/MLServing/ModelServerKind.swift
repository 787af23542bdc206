import BulwarkCore
import Foundation

/// The model servers and ML web applications the `serving/…` rules know how to read.
public enum ModelServerKind: String, Sendable, CaseIterable {
    case vllm
    case textGenerationInference = "text-generation-inference"
    case triton
    case torchServe = "torchserve"
    case ray
    case jupyter
    case mlflow

    /// Human name for messages.
    public var displayName: String {
        switch self {
        case .vllm: "vLLM"
        case .textGenerationInference: "Text Generation Inference"
        case .triton: "Triton Inference Server"
        case .torchServe: "TorchServe"
        case .ray: "Ray"
        case .jupyter: "Jupyter"
        case .mlflow: "MLflow"
        }
    }

    /// The first model server the container runs (see `ModelServer.detect`), if any.
    public static func detect(_ container: ContainerView) -> ModelServerKind? {
        ModelServer.detect(container).first?.kind
    }

    /// The kind an image runs by default (its entrypoint), from the repository name.
    public static func fromImage(_ image: String?) -> ModelServerKind? {
        guard let image else { return nil }
        let reference = ServingImage(image)
        let repository = reference.repository
        let last = reference.lastComponent
        if last.contains("vllm") { return .vllm }
        if last.contains("text-generation-inference") { return .textGenerationInference }
        if last.contains("tritonserver") { return .triton }
        if last.contains("torchserve") { return .torchServe }
        let hubParts = ["k8s-hub", "http-proxy", "network-tools", "image-awaiter", "secret-sync", "web-app", "foundation"]
        if repository.contains("jupyter") || last.hasSuffix("-notebook") || last.hasPrefix("jupyter-") {
            return hubParts.contains(where: repository.contains) ? nil : .jupyter
        }
        return nil
    }
}
