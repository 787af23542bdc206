import BulwarkCore
import Foundation

/// NVIDIA's CUDA libraries as ML images carry them: PyPI wheels (`nvidia-cudnn-cu12`, whose version
/// is the library's: `nvidia-cudnn-cu12 8.9.2.26` holds cuDNN 8.9.2.26) and shared libraries vendored
/// into wheels, conda packages or CUDA base images, recognisable by their file names
/// (`libcudnn.so.8.9.2`, `libnccl.so.2.18.3`, `libcudart.so.12.2.140`).
///
/// Those libraries carry their own CVEs (NVIDIA security bulletins) and are what "which cuDNN is in
/// this image" asks about; package managers other than pip do not list the vendored copies.
enum NvidiaLibraries {
    /// Wheel names without the `nvidia-` prefix and `-cuNN` suffix → the library's name.
    static let wheels: [String: String] = [
        "cudnn": "NVIDIA cuDNN", "nccl": "NVIDIA NCCL", "cublas": "NVIDIA cuBLAS", "cuda-runtime": "NVIDIA CUDA Runtime",
        "cuda-nvrtc": "NVIDIA NVRTC", "cuda-cupti": "NVIDIA CUPTI", "cufft": "NVIDIA cuFFT", "curand": "NVIDIA cuRAND",
        "cusolver": "NVIDIA cuSOLVER", "cusparse": "NVIDIA cuSPARSE", "cusparselt": "NVIDIA cuSPARSELt",
        "nvjitlink": "NVIDIA nvJitLink", "nvtx": "NVIDIA NVTX", "cufile": "NVIDIA cuFile", "cuda-nvcc": "NVIDIA CUDA compiler (nvcc)",
        "nvshmem": "NVIDIA NVSHMEM", "dali": "NVIDIA DALI", "tensorrt": "NVIDIA TensorRT",
    ]

    /// Shared-library families (file name up to `.so`) → the package name they are reported under
    /// and the library's name. Families with several files (`libcudnn_ops`, `libcublasLt`) are one
    /// package: they ship together with one version.
    static let sharedLibraries: [String: (package: String, library: String)] = [
        "libcudnn": ("libcudnn", "NVIDIA cuDNN"), "libnccl": ("libnccl", "NVIDIA NCCL"),
        "libcublas": ("libcublas", "NVIDIA cuBLAS"), "libcublasLt": ("libcublas", "NVIDIA cuBLAS"),
        "libcudart": ("libcudart", "NVIDIA CUDA Runtime"), "libcufft": ("libcufft", "NVIDIA cuFFT"),
        "libcufftw": ("libcufft", "NVIDIA cuFFT"), "libcurand": ("libcurand", "NVIDIA cuRAND"),
        "libcusolver": ("libcusolver", "NVIDIA cuSOLVER"), "libcusolverMg": ("libcusolver", "NVIDIA cuSOLVER"),
        "libcusparse": ("libcusparse", "NVIDIA cuSPARSE"), "libcusparseLt": ("libcusparseLt", "NVIDIA cuSPARSELt"),
        "libnvrtc": ("libnvrtc", "NVIDIA NVRTC"), "libnvrtc-builtins": ("libnvrtc", "NVIDIA NVRTC"),
        "libnvJitLink": ("libnvJitLink", "NVIDIA nvJitLink"), "libcupti": ("libcupti", "NVIDIA CUPTI"),
        "libnvToolsExt": ("libnvToolsExt", "NVIDIA NVTX"), "libcufile": ("libcufile", "NVIDIA cuFile"),
        "libnvinfer": ("libnvinfer", "NVIDIA TensorRT"), "libnvinfer_plugin": ("libnvinfer", "NVIDIA TensorRT"),
    ]

    /// `NVIDIA cuDNN 8.9.2.26 (CUDA 12)` for `nvidia-cudnn-cu12` 8.9.2.26; nil for other wheels.
    static func wheelNote(name: String, version: String) -> String? {
        let normalized = PackageURL.pypiName(name).replacingOccurrences(of: ".", with: "-")
        guard normalized.hasPrefix("nvidia-") else { return nil }
        var stem = Substring(normalized.dropFirst("nvidia-".count))
        var cuda: Substring?
        if let dash = stem.lastIndex(of: "-"), stem[stem.index(after: dash)...].hasPrefix("cu"),
           stem[stem.index(after: dash)...].dropFirst(2).allSatisfy(\.isNumber), stem.distance(from: dash, to: stem.endIndex) > 3 {
            cuda = stem[stem.index(dash, offsetBy: 3)...]
            stem = stem[..<dash]
        }
        guard let library = wheels[String(stem)] else { return nil }
        return "\(library) \(version)" + (cuda.map { " (CUDA \($0))" } ?? "")
    }

    /// The package a file name stands for: `libcudnn.so.8.9.2` → (`libcudnn`, `8.9.2`, `NVIDIA cuDNN
    /// 8.9.2`). Only names with at least a major and minor version after `.so`: `libcudnn.so.8` is a
    /// soname symlink that says too little, and `libcudart-9335f6a2.so.12` (auditwheel's renamed copy)
    /// has no version to report.
    static func sharedLibrary(fileName: Substring) -> (name: String, version: String, note: String)? {
        guard fileName.hasPrefix("lib"), let range = fileName.range(of: ".so.") else { return nil }
        let base = fileName[..<range.lowerBound]
        let version = fileName[range.upperBound...]
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let family: (package: String, library: String)?
        if let known = sharedLibraries[String(base)] {
            family = known
        } else if base.hasPrefix("libcudnn_") {
            family = ("libcudnn", "NVIDIA cuDNN")
        } else {
            family = nil
        }
        guard let family else { return nil }
        return (family.package, String(version), "\(family.library) \(version)")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
