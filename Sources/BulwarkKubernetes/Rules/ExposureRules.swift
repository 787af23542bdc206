import BulwarkCore
import Foundation

/// Model servers reachable from outside the cluster: LoadBalancer/NodePort/externalIPs Services
/// and Ingresses without TLS. Both are whole-inventory rules over one index of the pods per
/// namespace and label, built once per scan.
///
/// The rules live in `Exposure/ExposureRules+<Topic>.swift`, their helpers next to them; this is
/// the one list of them.
public enum ExposureRules {
    public static let all: [KubernetesRule] = [
        serviceExposed,
        ingressWithoutTLS,
    ]
}
