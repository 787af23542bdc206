import BulwarkCore

/// The ML-inference rule pack (`serving/…`): GPU access, shared memory and model caches, and
/// the security settings of model servers and ML web applications (vLLM, TGI, Triton, TorchServe,
/// Ray, Jupyter, MLflow, KServe). Rules live in `Rules/MLServing/MLServingRules+<Topic>.swift`.
public enum MLServingRules {
    public static let all: [KubernetesRule] = [
        // GPUs and the node's devices
        gpuWithoutLimit,
        nvidiaVisibleDevicesAll,
        privilegedGPU,
        hostIPCForNCCL,
        // volumes
        shmWithoutSizeLimit,
        modelCacheHostPath,
        // model integrity: read-only model volumes, verified downloads, bounded memory-backed weights
        modelVolumeWritable,
        modelDownloadUnverified,
        modelVolumeMemoryWithoutSizeLimit,
        // model servers
        trustRemoteCode,
        vllmNoAPIKey,
        vllmDevMode,
        vllmProfilerEnabled,
        tritonExplicitModelControl,
        torchServeEndOfLife,
        torchServeManagementAPIExposed,
        torchServeTokenAuthDisabled,
        torchServeAllowedURLsOpen,
        kserveStorageURIInsecure,
        modelServerRuntimeClass,
        // Ray
        rayDashboardExposed,
        rayAuthDisabled,
        // notebooks and tracking servers
        jupyterNoToken,
        jupyterCrossOrigin,
        mlflowNoAuth,
        mlflowSecurityMiddlewareDisabled,
    ]
}
