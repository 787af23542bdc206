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
            component == ".cache" || isModelComponent(component)
        }
    }

    /// Like `looksLikeCache`, without the generic `.cache` (which holds pip's and others' caches
    /// too): for containers that are not known model servers, whose mounts need a model-ish name.
    static func looksLikeModelDirectory(_ path: String) -> Bool {
        path.lowercased().split(separator: "/").contains(where: isModelComponent)
    }

    private static func isModelComponent(_ component: Substring) -> Bool {
        ["huggingface", "hf-cache", "hf_cache", "hf_home", ".ollama", "ollama"].contains(component) || component.hasPrefix("model")
    }

    /// Server flags whose value is the directory (or file) a model server loads its model from:
    /// Triton's `--model-repository` (alias `--model-store`), TorchServe's `--model-store`,
    /// TensorFlow Serving's `--model_base_path`, vLLM's `--model`/`--download-dir`, TGI's
    /// `--model-id`/`--huggingface-hub-cache`, SGLang's `--model-path`, KServe runtimes' `--model_dir`.
    static let modelFlags = [
        "--model-repository", "--model-store", "--model-base-path", "--model", "--model-id", "--model-path", "--model-dir",
        "--download-dir", "--huggingface-hub-cache", "--weights-dir",
    ]

    /// Variables (besides the hub caches of `envVariables`) that name a model directory by convention.
    static let modelPathVariables = ["MODEL_PATH", "MODEL_DIR", "MODEL_REPOSITORY", "MODEL_BASE_PATH", "MODEL_STORE"]
}
