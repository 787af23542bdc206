import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes

/// Inputs read the way the CLI reads them, through the engine.
public enum TestInputs {
    /// The Kubernetes manifests under `paths` (discovery, safe reading, parsing).
    public static func kubernetes(_ paths: [String]) -> Inventory {
        Engine.standard.loadKubernetes(ScanRequest(paths: paths)).inventory
    }

    /// The manifest files under `paths`, as the engine would route them to the Kubernetes domain.
    public static func manifestFiles(_ paths: [String]) -> [String] {
        var request = ScanRequest(paths: paths)
        request.domains = ["kubernetes"]
        return Engine.standard.collect(request).sources.flatMap { $0 }.map(\.name)
    }
}
