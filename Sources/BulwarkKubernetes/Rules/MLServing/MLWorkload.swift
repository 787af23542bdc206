import BulwarkCore
import Foundation

/// Whether a pod is an ML workload (GPU, distributed training or inference, model server, Ray).
enum MLWorkload {
    static let launchers: Set<String> = ["torchrun", "deepspeed", "mpirun", "horovodrun", "accelerate", "torch.distributed.run", "torch.distributed.launch"]
    static let distributedEnv: Set<String> = ["MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "PET_NNODES", "PET_NPROC_PER_NODE"]

    /// Why the pod counts as an ML workload, for messages; nil when it does not.
    static func reason(_ pod: PodSpecView) -> String? {
        for container in pod.containers {
            if Accelerators.requestsAccelerator(container) { return "a GPU workload (\(container.displayName) requests a GPU)" }
        }
        for container in pod.containers {
            if Accelerators.isGPUImage(container) { return "a GPU workload (\(container.displayName) runs a GPU image)" }
        }
        for container in pod.containers {
            if container.env.contains(where: { $0.name.hasPrefix("NCCL_") || distributedEnv.contains($0.name) }) {
                return "distributed training or inference (\(container.displayName) sets NCCL or torch.distributed variables)"
            }
            let words = ContainerCommandLine.invocations(of: container).flatMap { $0 }
            if words.contains(where: { launchers.contains($0.basename) }) {
                return "distributed training (\(container.displayName) runs a distributed launcher)"
            }
            if let server = ModelServer.detect(container).first {
                return "model serving (\(container.displayName) runs \(server.kind.displayName))"
            }
        }
        if let role = pod.role, pod.object.group == "ray.io" { return "a Ray \(role)" }
        return nil
    }
}
