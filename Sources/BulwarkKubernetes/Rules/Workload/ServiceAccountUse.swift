import BulwarkCore

extension WorkloadRules {
    /// The ServiceAccount a pod spec runs as, and what decides whether its token is mounted.
    struct ServiceAccountUse {
        /// `serviceAccountName` (or the deprecated `serviceAccount`), `default` when unset.
        let name: String
        /// The node naming it, when the pod spec names one.
        let nameNode: YAMLNode?
        let namespace: String
        /// The pod's `automountServiceAccountToken`, when set to a boolean.
        let podSetting: YAMLNode?
        /// The ServiceAccount object, when the inventory holds it.
        let account: KubeObject?

        init(_ pod: PodSpecView, _ index: InventoryIndex) {
            let named = [pod.spec["serviceAccountName"], pod.spec["serviceAccount"]]
                .compactMap { $0 }.first { !($0.string ?? "").isEmpty }
            name = named?.string ?? "default"
            nameNode = named
            namespace = pod.object.effectiveNamespace ?? "default"
            podSetting = pod.spec["automountServiceAccountToken"].flatMap { $0.bool == nil ? nil : $0 }
            account = index.serviceAccount(name, namespace: namespace)
        }

        /// False when the pod, or (the pod being silent) its ServiceAccount, sets
        /// `automountServiceAccountToken: false`. The pod's setting wins.
        var mountsToken: Bool {
            if let podSetting { return podSetting.bool == true }
            return account?.root["automountServiceAccountToken"]?.bool != false
        }
    }
}
