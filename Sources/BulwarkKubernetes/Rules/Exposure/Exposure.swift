import BulwarkCore
import Foundation

extension ExposureRules {
    /// How a Service is reachable from outside the cluster.
    struct Exposure {
        let description: String
        let node: YAMLNode
        let field: String
        /// Why the exposure is narrower than "the internet", if it is.
        let narrowing: String?

        static let internalAnnotations: [String: Set<String>] = [
            "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
            "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
            "networking.gke.io/load-balancer-type": ["Internal", "internal"],
            "cloud.google.com/load-balancer-type": ["Internal", "internal"],
            "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
            "service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
            "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
        ]

        init?(service: KubeObject) {
            guard let spec = service.root["spec"] else { return nil }
            let type = spec["type"]?.string ?? "ClusterIP"
            let externalIPs = spec["externalIPs"]?.strings ?? []
            switch type {
            case "LoadBalancer", "NodePort":
                guard let node = spec["type"] else { return nil }
                self.node = node
                field = "spec.type"
                description = "type \(type)" + (externalIPs.isEmpty ? "" : " with externalIPs")
            default:
                guard !externalIPs.isEmpty, let node = spec.keyNode("externalIPs") else { return nil }
                self.node = node
                field = "spec.externalIPs"
                description = "externalIPs \(externalIPs.joined(separator: ", "))"
            }
            // Source ranges and internal load balancers only narrow LoadBalancer traffic; node
            // ports and external IPs stay reachable on every node.
            guard type == "LoadBalancer", externalIPs.isEmpty else {
                narrowing = nil
                return
            }
            let annotations = service.annotations
            if let (key, _) = Self.internalAnnotations.first(where: { annotations[$0.key].map($0.value.contains) ?? false }) {
                narrowing = "an internal load balancer (\(key))"
                return
            }
            var ranges = spec["loadBalancerSourceRanges"]?.strings ?? []
            if ranges.isEmpty, let annotation = annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] {
                ranges = annotation.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            if !ranges.isEmpty, ranges.allSatisfy(SourceRange.isNarrow) {
                narrowing = "loadBalancerSourceRanges \(ranges.joined(separator: ", "))"
            } else {
                narrowing = nil
            }
        }
    }
}
