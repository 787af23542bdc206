import BulwarkCore

extension PodHardener {
    /// Adds the default requests and limits a container lacks, marked for review. Pod-level
    /// resources count for cpu and memory; a limit implies the request (Kubernetes copies it), so
    /// no request is added next to a limit; an added limit is never below an existing request.
    func addResources(_ container: ContainerView, label: String) {
        guard options.addResources else { return }
        let resources = container.node["resources"]
        if let resources, !resources.isNull, !resources.isMapping {
            log.warn(resources, "\(label): resources is not a mapping; left unchanged")
            return
        }
        let podResources = spec["resources"]
        var additions: [(section: String, resource: String, quantity: String)] = []
        for (section, defaults) in [("requests", options.resourceRequests), ("limits", options.resourceLimits)] {
            for item in defaults {
                let resource = item.resource
                if resource == "cpu" || resource == "memory" {
                    if Quantity.isSet(podResources?[section]?[resource]) { continue }
                    if section == "requests" && Quantity.isSet(podResources?["limits"]?[resource]) { continue }
                }
                if let value = resources?[section]?[resource], !value.isNull { continue }
                if section == "requests" && Quantity.isSet(resources?["limits"]?[resource]) { continue }
                var quantity = item.quantity
                if section == "limits", let request = resources?["requests"]?[resource]?.scalar,
                   let requested = Quantity.parse(request), let limit = Quantity.parse(quantity), requested > limit {
                    quantity = request
                }
                additions.append((section, resource, quantity))
            }
        }
        guard !additions.isEmpty else { return }
        let resourcesExisted = resources?.isMapping == true
        guard let ref = patch.child(.node(container.node), "resources", comment: resourcesExisted ? nil : Self.review) else {
            log.warn(resources ?? container.node, "\(label): resources is shared through a YAML anchor and alias; left unchanged")
            return
        }
        for section in ["requests", "limits"] {
            let items = additions.filter { $0.section == section }
            guard !items.isEmpty else { continue }
            let current = resources?[section]
            if let current, !current.isNull, !current.isMapping { continue }
            let sectionExisted = current?.isMapping == true
            guard let sectionRef = patch.child(ref, section, comment: resourcesExisted && !sectionExisted ? Self.review : nil) else { continue }
            for (index, item) in items.enumerated() {
                set(sectionRef, item.resource, .string(item.quantity), comment: sectionExisted && index == 0 ? Self.review : nil)
            }
            log.change(current ?? resources ?? container.node,
                       "\(label): set resources.\(section) \(items.map { "\($0.resource): \($0.quantity)" }.joined(separator: ", ")) (defaults; review them)")
        }
    }
}
