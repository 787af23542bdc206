import BulwarkCore

/// A permission that opens an escalation path (docs/facts.md, RBAC), as a declarative record: the
/// requests that give it, how severe it is cluster-wide and in one namespace, and what it leads to.
struct RBACCapability: Sendable {
    /// Verbs on resources of one API group; holding any one of them is enough.
    struct Need: Sendable {
        let verbs: [String]
        let group: String
        let resources: [String]

        init(_ verbs: [String], _ group: String, _ resources: [String]) {
            self.verbs = verbs
            self.group = group
            self.resources = resources
        }
    }

    /// One request a role allows.
    struct Match: Sendable {
        let verb: String
        let group: String
        let resource: String
        /// The object names the request is limited to; empty = every object.
        let names: [String]
    }

    /// What the message and severity may depend on.
    struct Context: Sendable {
        let matches: [Match]
        /// The RoleBinding's namespace; nil for a ClusterRoleBinding.
        let namespace: String?
        let subject: RBACSubject
        let analyzer: RBACAnalyzer

        /// `namespace ml` / `every namespace`, for what the permission reaches.
        var scope: String { namespace.map { "namespace \($0)" } ?? "every namespace" }
        /// `in namespace ml` / `cluster-wide`, for where the permission holds.
        var placement: String { namespace.map { "in namespace \($0)" } ?? "cluster-wide" }
        var isRestricted: Bool { matches.allSatisfy { !$0.names.isEmpty } }
    }

    let ruleId: String
    /// `read Secrets`.
    let phrase: String
    let needs: [Need]
    /// For a workload identity: held cluster-wide, and held in one namespace (nil when a
    /// RoleBinding cannot grant it).
    let clusterSeverity: Severity
    let namespaceSeverity: Severity?
    /// Whether a grant limited to named objects is no escalation path at all (reading one named
    /// Secret is the least-privilege pattern) rather than a narrower one.
    var ignoresNamedGrants = false
    /// A different base severity for some matches (e.g. impersonating users vs ServiceAccounts).
    var severity: (@Sendable (Context) -> Severity?)?
    /// What the permission leads to, appended to the message.
    let consequence: @Sendable (Context) -> String

    /// The requests of `needs` that `rules` allow in the binding's scope.
    func matches(in rules: [RBACPolicyRule], namespaced: Bool) -> [Match] {
        var matches: [Match] = []
        for need in needs {
            let candidates = rules.filter { $0.matchesGroup(need.group) && !$0.resources.isEmpty }
            guard !candidates.isEmpty else { continue }
            for resource in need.resources {
                for verb in need.verbs {
                    if namespaced && ResourceCatalog.isClusterScopedRequest(verb: verb, group: need.group, resource: resource) { continue }
                    let allowing = candidates.filter { $0.matchesVerb(verb) && $0.matchesResource(resource) }
                    guard !allowing.isEmpty else { continue }
                    let names = allowing.contains { $0.resourceNames.isEmpty } ? [] : Array(Set(allowing.flatMap(\.resourceNames))).sorted()
                    matches.append(Match(verb: verb, group: need.group, resource: resource, names: names))
                }
            }
        }
        return matches
    }

    /// `get, list secrets; create pods/exec [web-0]`, resources as kubectl writes them
    /// (`deployments.apps`).
    static func describe(_ matches: [Match]) -> String {
        var order: [String] = []
        var verbs: [String: [String]] = [:]
        var names: [String: [String]] = [:]
        for match in matches {
            let key = match.group.isEmpty ? match.resource : "\(match.resource).\(match.group)"
            if verbs[key] == nil { order.append(key) }
            if !(verbs[key] ?? []).contains(match.verb) { verbs[key, default: []].append(match.verb) }
            names[key] = match.names
        }
        let shown = order.prefix(4).map { key in
            let limited = (names[key] ?? []).isEmpty ? "" : " [\((names[key] ?? []).joined(separator: ", "))]"
            return "\((verbs[key] ?? []).joined(separator: ", ")) \(key)\(limited)"
        }
        return shown.joined(separator: "; ") + (order.count > 4 ? " and \(order.count - 4) more resources" : "")
    }
}

extension RBACCapability {
    static let podControllers: [Need] = [
        Need(["create", "update", "patch"], "", ["replicationcontrollers"]),
        Need(["create", "update", "patch"], "apps", ["deployments", "replicasets", "statefulsets", "daemonsets"]),
        Need(["create", "update", "patch"], "extensions", ["deployments", "replicasets", "daemonsets"]),
        Need(["create", "update", "patch"], "batch", ["jobs", "cronjobs"]),
        Need(["create", "update", "patch"], "serving.kserve.io", ["inferenceservices", "servingruntimes", "inferencegraphs"]),
        Need(["create", "update", "patch"], "ray.io", ["rayclusters", "rayjobs", "rayservices"]),
        Need(["create", "update", "patch"], "kubeflow.org", ["notebooks", "pytorchjobs", "tfjobs", "mpijobs", "xgboostjobs"]),
        Need(["create", "update", "patch"], "serving.knative.dev", ["services", "configurations"]),
        Need(["create", "update", "patch"], "machinelearning.seldon.io", ["seldondeployments"]),
        Need(["create", "update", "patch"], "leaderworkerset.x-k8s.io", ["leaderworkersets"]),
        Need(["create", "update", "patch"], "jobset.x-k8s.io", ["jobsets"]),
        Need(["create", "update", "patch"], "argoproj.io", ["rollouts"]),
    ]

    static let all: [RBACCapability] = [
        readSecrets, createPods, podExec, escalateOrBind, impersonate, createServiceAccountToken, nodesProxy, approveCSR,
        admissionWebhookWrite, createPersistentVolumes, ephemeralContainers,
    ]

    static let readSecrets = RBACCapability(
        ruleId: "rbac/read-secrets", phrase: "read Secrets",
        needs: [Need(["get", "list", "watch"], "", ["secrets"])],
        clusterSeverity: .high, namespaceSeverity: .medium, ignoresNamedGrants: true,
        consequence: { context in
            context.namespace.map { "every Secret of namespace \($0), ServiceAccount tokens and registry credentials included" }
                ?? "every Secret of the cluster, ServiceAccount tokens and registry credentials of kube-system included"
        }
    )

    static let createPods = RBACCapability(
        ruleId: "rbac/create-pods", phrase: "create pods or pod controllers",
        needs: [Need(["create"], "", ["pods"])] + podControllers,
        clusterSeverity: .high, namespaceSeverity: .medium,
        consequence: { context in
            guard let namespace = context.namespace else {
                return "so it can run a pod as any ServiceAccount of any namespace (kube-system's included) and use its token"
            }
            let accounts = context.analyzer.boundServiceAccounts(in: namespace)
            let others = accounts.lazy.filter { $0 != context.subject }
            let count = accounts.count - (accounts.contains(context.subject) ? 1 : 0)
            guard count > 0 else { return "so it can run a pod as any ServiceAccount of namespace \(namespace) and use its token" }
            let names = others.prefix(3).map { "\(namespace)/\($0.name)" }.joined(separator: ", ")
            let more = count > 3 ? " and \(count - 3) more" : ""
            return "so it can run a pod as any ServiceAccount of namespace \(namespace) and use its token (ServiceAccounts with bindings there: \(names)\(more))"
        }
    )

    static let podExec = RBACCapability(
        ruleId: "rbac/pod-exec", phrase: "exec into, attach to or port-forward to pods",
        needs: [Need(["create", "get"], "", ["pods/exec", "pods/attach", "pods/portforward"])],
        clusterSeverity: .high, namespaceSeverity: .medium,
        consequence: { context in
            let getOnly = !context.matches.contains { $0.verb == "create" }
            return "so it can run commands with the token, files and network of the pods of \(context.scope)"
                + (getOnly ? " (get is enough: the WebSocket form of these requests is a GET, authorised as get before Kubernetes 1.35)" : "")
        }
    )

    static let escalateOrBind = RBACCapability(
        ruleId: "rbac/escalate-or-bind", phrase: "escalate or bind roles",
        needs: [Need(["escalate", "bind"], "rbac.authorization.k8s.io", ["roles", "clusterroles"])],
        clusterSeverity: .critical, namespaceSeverity: .high,
        consequence: { context in
            "so RBAC's escalation check no longer limits it: it can write roles with permissions it lacks (escalate) or bind roles it does not hold (bind), up to cluster-admin "
                + (context.namespace.map { "within namespace \($0)" } ?? "for the whole cluster")
        }
    )

    static let impersonate = RBACCapability(
        ruleId: "rbac/impersonate", phrase: "impersonate other identities",
        needs: [Need(["impersonate"], "", ["users", "groups", "serviceaccounts"])],
        clusterSeverity: .high, namespaceSeverity: .medium,
        severity: { context in
            context.matches.contains { $0.resource == "users" || $0.resource == "groups" } ? .critical : nil
        },
        consequence: { context in
            context.matches.contains { $0.resource == "users" || $0.resource == "groups" }
                ? "so it can act as any user or group, system:masters included"
                : "so it can act as any ServiceAccount of \(context.scope) with that ServiceAccount's permissions"
        }
    )

    static let createServiceAccountToken = RBACCapability(
        ruleId: "rbac/create-service-account-token", phrase: "create ServiceAccount tokens",
        needs: [Need(["create"], "", ["serviceaccounts/token"])],
        clusterSeverity: .high, namespaceSeverity: .medium,
        consequence: { context in
            context.isRestricted
                ? "so it can mint API tokens for the ServiceAccounts it names and act with their permissions"
                : "so it can mint API tokens for any ServiceAccount of \(context.scope) and act with their permissions"
        }
    )

    static let nodesProxy = RBACCapability(
        ruleId: "rbac/nodes-proxy", phrase: "use the nodes/proxy subresource",
        needs: [Need(["get", "create", "update", "patch", "delete"], "", ["nodes/proxy"])],
        clusterSeverity: .high, namespaceSeverity: nil,
        consequence: { _ in
            "so it can call every kubelet's API directly, bypassing admission and audit, and run commands in any pod of any node (get is enough, through a WebSocket upgrade)"
        }
    )

    static let approveCSR = RBACCapability(
        ruleId: "rbac/approve-csr", phrase: "approve CertificateSigningRequests",
        needs: [Need(["update", "patch"], "certificates.k8s.io", ["certificatesigningrequests/approval"])],
        clusterSeverity: .high, namespaceSeverity: nil,
        severity: { context in
            RBACCapability.canApproveClientCertificates(context) ? nil : .medium
        },
        consequence: { context in
            RBACCapability.canApproveClientCertificates(context)
                ? "and approve on the kubernetes.io/kube-apiserver-client signer, so it can approve a client certificate for any user or group, system:masters included"
                : "(approving also needs the approve verb on the signer, which it does not hold for kubernetes.io/kube-apiserver-client)"
        }
    )

    static let admissionWebhookWrite = RBACCapability(
        ruleId: "rbac/admission-webhook-write", phrase: "change admission webhooks or policies",
        needs: [Need(["create", "update", "patch", "delete"], "admissionregistration.k8s.io", [
            "mutatingwebhookconfigurations", "validatingwebhookconfigurations", "mutatingadmissionpolicies",
            "mutatingadmissionpolicybindings", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
        ])],
        clusterSeverity: .high, namespaceSeverity: nil,
        consequence: { _ in
            "so it can receive (and rewrite) every object sent to the API server, Secrets and pods included, or switch admission checks off"
        }
    )

    static let createPersistentVolumes = RBACCapability(
        ruleId: "rbac/create-persistent-volumes", phrase: "create PersistentVolumes",
        needs: [Need(["create"], "", ["persistentvolumes"])],
        clusterSeverity: .medium, namespaceSeverity: nil,
        consequence: { _ in
            "so it can create a hostPath PersistentVolume and, through a claim, mount any directory of a node into a pod"
        }
    )

    static let ephemeralContainers = RBACCapability(
        ruleId: "rbac/ephemeral-containers", phrase: "add ephemeral containers to running pods",
        needs: [Need(["update", "patch"], "", ["pods/ephemeralcontainers"])],
        clusterSeverity: .high, namespaceSeverity: .medium,
        consequence: { context in
            "so it can start a debug container of its choosing in any running pod of \(context.scope) and use that pod's token, volumes and network"
        }
    )

    /// Whether the subject (through any of its bindings) may approve certificates for the
    /// kube-apiserver client signer, whose certificates authenticate any user or group.
    static func canApproveClientCertificates(_ context: Context) -> Bool {
        context.analyzer.grants(for: context.subject).contains { grant in
            grant.namespace == nil
                && ["kubernetes.io/kube-apiserver-client", "kubernetes.io/*"].contains { signer in
                    grant.rule.allows(verb: "approve", group: "certificates.k8s.io", resource: "signers", name: signer)
                }
        }
    }
}
