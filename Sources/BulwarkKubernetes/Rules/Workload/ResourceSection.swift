import BulwarkCore

/// Requests and limits of a pod spec as the resource rules read them (see
/// `WorkloadRules+Resources.swift` for what Kubernetes fills in and is not reported).
extension WorkloadRules {
    enum ResourceSection: String {
        case limits, requests
    }

    static func resourceViolations(_ pod: PodSpecView, _ index: InventoryIndex, _ section: ResourceSection, _ resource: String) -> [Violation] {
        if resource == "cpu" || resource == "memory" {
            let podLevel = pod.spec["resources"]
            if isSet(podLevel?[section.rawValue]?[resource]) || section == .requests && isSet(podLevel?["limits"]?[resource]) {
                return []
            }
        }
        if limitRangeDefault(index, namespace: pod.object.effectiveNamespace ?? "default", section, resource) { return [] }
        var violations: [Violation] = []
        for container in pod.containers where container.kind != .ephemeral && container.kind != .embedded {
            let resources = container.node["resources"]
            let field = "\(container.path).resources.\(section.rawValue).\(resource)"
            if let value = resources?[section.rawValue]?[resource], !value.isNull {
                if let text = value.scalar, isZeroQuantity(text) {
                    let meaning = section == .limits ? "which Kubernetes treats as no limit" : "so the scheduler reserves nothing for it"
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets resources.\(section.rawValue).\(resource): \(text), \(meaning)",
                        at: value, field: field, container: container.name))
                }
                continue
            }
            if section == .requests, isSet(resources?["limits"]?[resource]) { continue }
            let anchor = resources.flatMap { $0.keyNode(section.rawValue) }
                ?? container.node.keyNode("resources") ?? containerAnchor(container, in: pod)
            violations.append(Violation(
                "\(container.displayName) of \(pod.displayName) sets no resources.\(section.rawValue).\(resource)",
                at: anchor, field: field, container: container.name))
        }
        return violations
    }

    /// A non-null, non-zero quantity.
    static func isSet(_ node: YAMLNode?) -> Bool {
        guard let node, !node.isNull, let text = node.scalar else { return false }
        return !text.isEmpty && !isZeroQuantity(text)
    }

    /// Whether a LimitRange of the namespace gives containers a default for the resource.
    static func limitRangeDefault(_ index: InventoryIndex, namespace: String, _ section: ResourceSection, _ resource: String) -> Bool {
        let keys = section == .limits ? ["default", "max"] : ["defaultRequest", "default", "max", "min"]
        for limitRange in index.limitRanges[namespace] ?? [] {
            for item in limitRange.root["spec"]?["limits"]?.items ?? [] where item["type"]?.string == "Container" {
                if keys.contains(where: { isSet(item[$0]?[resource]) }) { return true }
            }
        }
        return false
    }

    static let resourceControls: [ControlID] = ["nist-800-190:4.4.3", "nsa-k8s:resource-policies", "owasp-k8s:K01"]
}
