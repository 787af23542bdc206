import BulwarkCore
import Foundation

/// GPUs and other accelerators: resource names, images built for them, and the infrastructure
/// images (device plugins, exporters, drivers) that legitimately run without requesting any.
enum Accelerators {
    /// `nvidia.com/gpu`, `nvidia.com/mig-1g.5gb`, `amd.com/gpu`, `gpu.intel.com/i915`,
    /// `habana.ai/gaudi`, `aws.amazon.com/neuron…`, `google.com/tpu`, any `*/gpu…`.
    static func isAcceleratorResource(_ name: String) -> Bool {
        guard let slash = name.firstIndex(of: "/") else { return false }
        let domain = name[..<slash].lowercased()
        let resource = name[name.index(after: slash)...].lowercased()
        if resource.contains("gpu") || resource.hasPrefix("mig-") { return true }
        if domain == "gpu.intel.com" || domain == "habana.ai" { return true }
        if domain == "aws.amazon.com", resource.hasPrefix("neuron") { return true }
        if domain == "google.com", resource == "tpu" { return true }
        return false
    }

    struct Entry {
        let name: String
        let key: YAMLNode
        let value: YAMLNode
        var isZero: Bool {
            guard let text = value.scalar?.trimmingCharacters(in: .whitespaces) else { return false }
            return Double(text) == 0
        }
    }

    /// Accelerator entries of `resources.limits` or `resources.requests`.
    static func entries(_ container: ContainerView, _ section: String) -> [Entry] {
        (container.node["resources"]?[section]?.pairs ?? []).compactMap { pair in
            guard let name = pair.key.scalar, isAcceleratorResource(name) else { return nil }
            return Entry(name: name, key: pair.key, value: pair.value)
        }
    }

    /// A non-zero accelerator limit.
    static func limitsAccelerator(_ container: ContainerView) -> Bool {
        entries(container, "limits").contains { !$0.isZero }
    }

    /// A non-zero accelerator limit or request.
    static func requestsAccelerator(_ container: ContainerView) -> Bool {
        limitsAccelerator(container) || entries(container, "requests").contains { !$0.isZero }
    }

    /// Uses a GPU: asks for one, or runs an image built for one.
    static func usesGPU(_ container: ContainerView) -> Bool {
        requestsAccelerator(container) || isGPUImage(container)
    }

    static let infrastructureParts = [
        "device-plugin", "dcgm", "gpu-operator", "feature-discovery", "driver-manager", "/driver", "nvidia-driver",
        "container-toolkit", "mig-manager", "validator", "/k8s/", "/cloud-native/", "gpu-monitoring", "kubevirt-gpu",
    ]

    /// Images built to use a GPU: NVIDIA NGC (`nvcr.io/…`) and `nvidia/…` images, anything tagged
    /// or named `cuda*`/`cudnn*`/`gpu`/`rocm*`/`tensorrt`, vLLM, Triton, TGI, SGLang. GPU
    /// infrastructure (device plugins, DCGM exporter, drivers, the GPU operator) and `cpu`
    /// variants are not.
    /// Whether the container's image is a GPU image (computed once per container).
    static func isGPUImage(_ container: ContainerView) -> Bool {
        container.memo.value(.gpuImage) { isGPUImage(container.image) }
    }

    static func isGPUImage(_ image: String?) -> Bool {
        guard let image, !image.isEmpty else { return false }
        let name = ServingImage(image)
        let words = name.words
        // The positive signs first (most images have none), then the exclusions.
        let servers = ["vllm-openai", "tritonserver", "text-generation-inference", "sglang", "tensorrt-llm"]
        let gpuBuilt = name.repository.hasPrefix("nvcr.io/") || name.repository.hasPrefix("nvidia/") || name.repository.hasPrefix("docker.io/nvidia/")
            || words.contains(where: { $0.hasPrefix("cuda") || $0.hasPrefix("cudnn") || $0 == "gpu" || $0.hasPrefix("rocm") || $0 == "tensorrt" || $0 == "trtllm" })
            || servers.contains(where: name.repository.contains)
        guard gpuBuilt else { return false }
        let path = "/" + name.repository + "/"
        return !infrastructureParts.contains(where: path.contains) && !words.contains("cpu")
    }

    /// Where a "no GPU limit" finding lands: `limits`, else `resources`, else the container name.
    static func limitsAnchor(_ container: ContainerView) -> YAMLNode {
        container.node["resources"]?.keyNode("limits") ?? container.node.keyNode("resources") ?? ServingAnchor.container(container)
    }
}
