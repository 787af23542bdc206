import BulwarkCore
import Foundation

/// Paths and variables where model weights and hub downloads are cached.
enum ModelCachePaths {
    static let envVariables = [
        "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "HF_DATASETS_CACHE", "TORCH_HOME",
        "XDG_CACHE_HOME", "VLLM_CACHE_ROOT", "SENTENCE_TRANSFORMERS_HOME", "OLLAMA_MODELS",
    ]

    /// `/root/.cache/huggingface`, `/home/jovyan/.cache`, `/models`, `/mnt/models`, `/model-store`,
    /// `/opt/ml/model`, `/root/.ollama`, `/data/hf-cache` …
    static func looksLikeCache(_ path: String) -> Bool {
        path.lowercased().split(separator: "/").contains { component in
            [".cache", "huggingface", "hf-cache", "hf_cache", "hf_home", ".ollama", "ollama"].contains(component)
                || component.hasPrefix("model")
        }
    }
}
