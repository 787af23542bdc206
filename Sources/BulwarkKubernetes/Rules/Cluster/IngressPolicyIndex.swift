import BulwarkCore

extension ClusterRules {
    /// The ingress-isolating NetworkPolicies of each namespace, indexed by one of their
    /// `matchLabels` pairs so that a pod is tested only against policies that can select it.
    struct IngressPolicyIndex {
        private var selectAll: Set<String> = []                       // namespaces with a `{}` ingress policy
        private var byLabel: [String: [String: [LabelSelector]]] = [:]  // namespace → "key=value" → selectors
        private var unindexed: [String: [LabelSelector]] = [:]         // namespace → expression-only selectors

        init(_ index: InventoryIndex) {
            for policy in index.objects(ofKind: "NetworkPolicy") where policy.group == "networking.k8s.io" {
                let spec = policy.root["spec"]
                let types = spec?["policyTypes"]
                // Omitted policyTypes: every policy affects ingress (egress only with egress rules).
                guard types == nil || types?.isNull == true || types?.strings.contains("Ingress") == true else { continue }
                let namespace = policy.effectiveNamespace ?? "default"
                let selector = spec?["podSelector"].map(LabelSelector.init) ?? .everything
                guard selector.isValid else { continue }
                if selector.selectsEverything {
                    selectAll.insert(namespace)
                } else if let (key, value) = selector.matchLabels.min(by: { $0.key < $1.key }) {
                    byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(selector)
                } else {
                    unindexed[namespace, default: []].append(selector)
                }
            }
        }

        func isolates(_ labels: [String: String], in namespace: String) -> Bool {
            if selectAll.contains(namespace) { return true }
            if let indexed = byLabel[namespace] {
                for (key, value) in labels {
                    if indexed["\(key)=\(value)"]?.contains(where: { $0.matches(labels) }) == true { return true }
                }
            }
            return unindexed[namespace]?.contains { $0.matches(labels) } ?? false
        }
    }
}
