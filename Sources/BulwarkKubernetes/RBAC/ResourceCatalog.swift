/// The API resources Bulwark knows (built-in groups and the ML-serving CRDs), with their verbs
/// and scope: what `*` expands to in a permission table, and which resources a RoleBinding cannot
/// grant (cluster-scoped ones).
///
/// Resources outside the catalogue are still matched exactly (the analyser never needs the
/// catalogue to answer `can`); they only appear in tables as written, `*` kept.
public enum ResourceCatalog {
    public struct Entry: Sendable, Hashable {
        public let group: String
        /// With the subresource, e.g. `pods/exec`.
        public let resource: String
        public let verbs: [String]
        public let namespaced: Bool
        /// Verbs a RoleBinding can grant on this cluster-scoped resource: `bind` on
        /// `clusterroles`, which the API server checks in the namespace of the RoleBinding being
        /// written (a RoleBinding may reference a ClusterRole).
        public let namespacedVerbs: [String]

        init(group: String, resource: String, verbs: [String], namespaced: Bool, namespacedVerbs: [String] = []) {
            self.group = group
            self.resource = resource
            self.verbs = verbs
            self.namespaced = namespaced
            self.namespacedVerbs = namespacedVerbs
        }

        /// The verbs a grant of this scope can hold on the entry.
        func verbs(namespaced grant: Bool) -> [String] {
            !grant || namespaced ? verbs : namespacedVerbs
        }
    }

    static let standard = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
    static let subresourceVerbs = ["get", "update", "patch"]

    /// Every entry, in catalogue order.
    public static let entries: [Entry] = {
        var entries: [Entry] = []
        func add(_ group: String, namespaced: Bool, _ resources: [String], verbs: [String] = standard,
                 status: Bool = false, scale: Bool = false) {
            for resource in resources {
                entries.append(Entry(group: group, resource: resource, verbs: verbs, namespaced: namespaced))
                if status { entries.append(Entry(group: group, resource: "\(resource)/status", verbs: subresourceVerbs, namespaced: namespaced)) }
                if scale { entries.append(Entry(group: group, resource: "\(resource)/scale", verbs: subresourceVerbs, namespaced: namespaced)) }
            }
        }
        func sub(_ group: String, namespaced: Bool, _ resource: String, _ verbs: [String]) {
            entries.append(Entry(group: group, resource: resource, verbs: verbs, namespaced: namespaced))
        }
        // core
        add("", namespaced: true, ["pods"], status: true)
        for (subresource, verbs) in [("exec", ["create", "get"]), ("attach", ["create", "get"]), ("portforward", ["create", "get"]),
                                     ("proxy", ["create", "delete", "get", "patch", "update"]), ("log", ["get"]),
                                     ("ephemeralcontainers", subresourceVerbs), ("resize", subresourceVerbs),
                                     ("eviction", ["create"]), ("binding", ["create"])] {
            sub("", namespaced: true, "pods/\(subresource)", verbs)
        }
        add("", namespaced: true, ["secrets", "configmaps", "endpoints", "events", "limitranges", "podtemplates"])
        add("", namespaced: true, ["services", "persistentvolumeclaims", "resourcequotas"], status: true)
        sub("", namespaced: true, "services/proxy", ["create", "delete", "get", "patch", "update"])
        add("", namespaced: true, ["replicationcontrollers"], status: true, scale: true)
        add("", namespaced: true, ["serviceaccounts"], verbs: standard + ["impersonate"])
        sub("", namespaced: true, "serviceaccounts/token", ["create"])
        sub("", namespaced: true, "bindings", ["create"])
        add("", namespaced: false, ["nodes", "namespaces", "persistentvolumes"], status: true)
        sub("", namespaced: false, "nodes/proxy", ["create", "delete", "get", "patch", "update"])
        sub("", namespaced: false, "namespaces/finalize", ["update"])
        sub("", namespaced: false, "componentstatuses", ["get", "list"])
        sub("", namespaced: false, "users", ["impersonate"])
        sub("", namespaced: false, "groups", ["impersonate"])
        // workloads
        add("apps", namespaced: true, ["deployments", "replicasets", "statefulsets"], status: true, scale: true)
        add("apps", namespaced: true, ["daemonsets"], status: true)
        add("apps", namespaced: true, ["controllerrevisions"])
        add("batch", namespaced: true, ["jobs", "cronjobs"], status: true)
        add("autoscaling", namespaced: true, ["horizontalpodautoscalers"], status: true)
        add("policy", namespaced: true, ["poddisruptionbudgets"], status: true)
        // networking, discovery, coordination, events
        add("networking.k8s.io", namespaced: true, ["networkpolicies"])
        add("networking.k8s.io", namespaced: true, ["ingresses"], status: true)
        add("networking.k8s.io", namespaced: false, ["ingressclasses", "ipaddresses", "servicecidrs"])
        add("discovery.k8s.io", namespaced: true, ["endpointslices"])
        add("coordination.k8s.io", namespaced: true, ["leases"])
        add("events.k8s.io", namespaced: true, ["events"])
        // RBAC and authn/authz
        add("rbac.authorization.k8s.io", namespaced: true, ["roles"], verbs: standard + ["bind", "escalate"])
        add("rbac.authorization.k8s.io", namespaced: true, ["rolebindings"])
        entries.append(Entry(group: "rbac.authorization.k8s.io", resource: "clusterroles", verbs: standard + ["bind", "escalate"],
                             namespaced: false, namespacedVerbs: ["bind"]))
        add("rbac.authorization.k8s.io", namespaced: false, ["clusterrolebindings"])
        sub("authentication.k8s.io", namespaced: false, "tokenreviews", ["create"])
        sub("authentication.k8s.io", namespaced: false, "selfsubjectreviews", ["create"])
        sub("authentication.k8s.io", namespaced: false, "userextras/*", ["impersonate"])
        sub("authentication.k8s.io", namespaced: false, "uids", ["impersonate"])
        sub("authorization.k8s.io", namespaced: false, "subjectaccessreviews", ["create"])
        sub("authorization.k8s.io", namespaced: false, "selfsubjectaccessreviews", ["create"])
        sub("authorization.k8s.io", namespaced: false, "selfsubjectrulesreviews", ["create"])
        sub("authorization.k8s.io", namespaced: true, "localsubjectaccessreviews", ["create"])
        // admission, certificates, storage, extension points
        add("admissionregistration.k8s.io", namespaced: false, ["mutatingwebhookconfigurations", "validatingwebhookconfigurations",
                                                                "validatingadmissionpolicybindings", "mutatingadmissionpolicies",
                                                                "mutatingadmissionpolicybindings"])
        add("admissionregistration.k8s.io", namespaced: false, ["validatingadmissionpolicies"], status: true)
        add("certificates.k8s.io", namespaced: false, ["certificatesigningrequests"], status: true)
        sub("certificates.k8s.io", namespaced: false, "certificatesigningrequests/approval", subresourceVerbs)
        sub("certificates.k8s.io", namespaced: false, "signers", ["approve", "sign"])
        add("certificates.k8s.io", namespaced: false, ["clustertrustbundles"])
        add("storage.k8s.io", namespaced: false, ["storageclasses", "csidrivers", "csinodes", "volumeattributesclasses"])
        add("storage.k8s.io", namespaced: false, ["volumeattachments"], status: true)
        add("storage.k8s.io", namespaced: true, ["csistoragecapacities"])
        add("apiextensions.k8s.io", namespaced: false, ["customresourcedefinitions"], status: true)
        add("apiregistration.k8s.io", namespaced: false, ["apiservices"], status: true)
        add("scheduling.k8s.io", namespaced: false, ["priorityclasses"])
        add("node.k8s.io", namespaced: false, ["runtimeclasses"])
        add("flowcontrol.apiserver.k8s.io", namespaced: false, ["flowschemas", "prioritylevelconfigurations"], status: true)
        add("resource.k8s.io", namespaced: true, ["resourceclaims"], status: true)
        add("resource.k8s.io", namespaced: true, ["resourceclaimtemplates"])
        add("resource.k8s.io", namespaced: false, ["deviceclasses", "resourceslices"])
        // ML serving and training CRDs
        add("serving.kserve.io", namespaced: true, ["inferenceservices", "servingruntimes", "inferencegraphs", "trainedmodels"], status: true)
        add("serving.kserve.io", namespaced: false, ["clusterservingruntimes", "clusterstoragecontainers"])
        add("ray.io", namespaced: true, ["rayclusters", "rayjobs", "rayservices"], status: true)
        add("serving.knative.dev", namespaced: true, ["services", "configurations", "revisions", "routes"], status: true)
        add("kubeflow.org", namespaced: true, ["notebooks", "pytorchjobs", "tfjobs", "mpijobs", "xgboostjobs"], status: true)
        add("machinelearning.seldon.io", namespaced: true, ["seldondeployments"], status: true)
        add("leaderworkerset.x-k8s.io", namespaced: true, ["leaderworkersets"], status: true, scale: true)
        add("jobset.x-k8s.io", namespaced: true, ["jobsets"], status: true)
        add("argoproj.io", namespaced: true, ["rollouts"], status: true, scale: true)
        add("bitnami.com", namespaced: true, ["sealedsecrets"], status: true)
        return entries
    }()

    private static let byGroup: [String: [String: Entry]] = {
        var byGroup: [String: [String: Entry]] = [:]
        for entry in entries where byGroup[entry.group]?[entry.resource] == nil {
            byGroup[entry.group, default: [:]][entry.resource] = entry
        }
        return byGroup
    }()

    public static func entry(group: String, resource: String) -> Entry? { byGroup[group]?[resource] }

    /// Whether a resource is known to be cluster-scoped (false for unknown resources).
    public static func isClusterScoped(group: String, resource: String) -> Bool {
        entry(group: group, resource: resource).map { !$0.namespaced } ?? false
    }

    /// Whether a request for `verb` on the resource is made without a namespace, so that only
    /// cluster-wide grants can allow it (`bind` on `clusterroles` is checked in a namespace).
    public static func isClusterScopedRequest(verb: String, group: String, resource: String) -> Bool {
        guard let entry = entry(group: group, resource: resource), !entry.namespaced else { return false }
        return !entry.namespacedVerbs.contains(verb)
    }

    /// Whether any group holds a cluster-scoped resource of this name (used when the group is `*`).
    static func isClusterScopedInEveryGroup(resource: String) -> Bool {
        let matching = entries.filter { $0.resource == resource }
        return !matching.isEmpty && matching.allSatisfy { !$0.namespaced }
    }
}
