import BulwarkCore
import Foundation

/// Where a Ray head's ports leave the cluster.
enum RayExposure {
    static let dashboardPort = 8265
    static let rayPorts: [(port: Int, name: String, what: String)] = [
        (8265, "dashboard", "the Ray dashboard and Jobs API"),
        (10001, "client", "Ray Client"),
        (6379, "gcs-server", "the Ray GCS"),
    ]
    static let exposedTypes: Set<String> = ["LoadBalancer", "NodePort"]

    static func service(_ object: KubeObject) -> [Violation] {
        guard let spec = object.root["spec"] else { return [] }
        let type = spec["type"]?.string ?? "ClusterIP"
        let externalIPs = !(spec["externalIPs"]?.items.isEmpty ?? true)
        guard exposedTypes.contains(type) || externalIPs else { return [] }
        let selector = spec["selector"]?.stringMap ?? [:]
        let rayContext = selector.keys.contains { $0.hasPrefix("ray.io/") } || object.name.contains("ray")
        let how = exposedTypes.contains(type) ? "of type \(type)" : "with externalIPs"
        var violations: [Violation] = []
        for (index, port) in (spec["ports"]?.items ?? []).enumerated() {
            let number = port["port"]?.int
            let target = port["targetPort"]
            for ray in rayPorts {
                let byNumber = number == ray.port || target?.int == ray.port
                let byName = rayContext && target?.string == ray.name
                guard byNumber && (ray.port == dashboardPort || rayContext) || byName else { continue }
                violations.append(Violation(
                    "\(object.displayName) \(how) exposes port \(number.map(String.init) ?? "?") (\(ray.what)) outside the cluster; without authentication anyone who reaches it can submit jobs that run arbitrary code",
                    at: port["port"] ?? port, field: "spec.ports[\(index)].port", object: object))
                break
            }
        }
        return violations
    }

    static let authAnnotations = [
        "nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-type", "alb.ingress.kubernetes.io/auth-type",
        "traefik.ingress.kubernetes.io/router.middlewares", "konghq.com/plugins",
    ]

    static func ingress(_ object: KubeObject) -> [Violation] {
        let annotations = object.annotations
        if authAnnotations.contains(where: { annotations[$0] != nil }) { return [] }
        var violations: [Violation] = []
        for (ruleIndex, rule) in (object.root["spec"]?["rules"]?.items ?? []).enumerated() {
            for (pathIndex, path) in (rule["http"]?["paths"]?.items ?? []).enumerated() {
                guard let service = path["backend"]?["service"], let port = service["port"] else { continue }
                let name = service["name"]?.string ?? ""
                let number = port["number"]
                let portName = port["name"]
                guard number?.int == dashboardPort || (portName?.string == "dashboard" && name.contains("ray")) else { continue }
                violations.append(Violation(
                    "\(object.displayName) routes \(rule["host"]?.string ?? "every host") to port \(number?.scalar ?? "dashboard") (the Ray dashboard and Jobs API) of Service \"\(name)\" without an authentication annotation; anyone who reaches the Ingress can submit jobs that run arbitrary code",
                    at: number ?? portName ?? port, field: "spec.rules[\(ruleIndex)].http.paths[\(pathIndex)].backend.service.port", object: object))
            }
        }
        return violations
    }

    /// The RayClusterSpec of RayCluster, RayService and RayJob objects, with its path.
    static func clusterSpecs(_ object: KubeObject) -> [(node: YAMLNode, path: String)] {
        let candidates: [String] = switch object.kind {
        case "RayCluster": ["spec"]
        case "RayService": ["spec.rayClusterConfig"]
        case "RayJob": ["spec.rayClusterSpec"]
        default: []
        }
        return candidates.compactMap { path in ServingPath.node(object.root, path: path).map { ($0, path) } }
    }

    static func cluster(_ object: KubeObject) -> [Violation] {
        var violations: [Violation] = []
        for (cluster, path) in clusterSpecs(object) {
            guard let head = cluster["headGroupSpec"] else { continue }
            let exposedPorts = "(dashboard and Jobs API 8265, Ray Client 10001, GCS 6379)"
            if let type = head["serviceType"], let value = type.string, exposedTypes.contains(value) {
                violations.append(Violation(
                    "\(object.displayName) exposes its Ray head service \(exposedPorts) outside the cluster with headGroupSpec.serviceType: \(value)",
                    at: type, field: "\(path).headGroupSpec.serviceType", object: object))
            }
            if let type = head["headService"]?["spec"]?["type"], let value = type.string, exposedTypes.contains(value) {
                violations.append(Violation(
                    "\(object.displayName) exposes its Ray head service \(exposedPorts) outside the cluster with headGroupSpec.headService.spec.type: \(value)",
                    at: type, field: "\(path).headGroupSpec.headService.spec.type", object: object))
            }
            if let ingress = head["enableIngress"], ingress.bool == true {
                violations.append(Violation(
                    "\(object.displayName) sets headGroupSpec.enableIngress: true, which publishes the Ray dashboard and Jobs API (8265) through an Ingress without authentication",
                    at: ingress, field: "\(path).headGroupSpec.enableIngress", object: object))
            }
        }
        return violations
    }
}
