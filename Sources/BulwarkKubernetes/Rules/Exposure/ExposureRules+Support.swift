import BulwarkCore
import Foundation

/// Helpers shared by the exposure rules: the Service an Ingress backend names.
extension ExposureRules {
    /// `backend.service.name` (networking.k8s.io/v1) or `backend.serviceName` (v1beta1) of a path.
    static func backendService(_ path: YAMLNode) -> String? {
        path["backend"].flatMap(serviceName(ofBackend:))
    }

    static func serviceName(ofBackend backend: YAMLNode) -> String? {
        backend.at("service", "name")?.string ?? backend["serviceName"]?.string
    }
}
