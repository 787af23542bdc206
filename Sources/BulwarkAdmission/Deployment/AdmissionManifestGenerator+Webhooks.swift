import BulwarkCore
import Foundation

/// The webhook configurations and the in-tree policy that guards Bulwark's own namespace.
extension AdmissionManifestGenerator {
    /// One API group's resources that a webhook entry matches.
    struct ResourceRule {
        let group: String
        let versions: [String]
        let resources: [String]
        /// True for the kinds that hold a pod spec (the ones the mutating webhook patches).
        let podBearing: Bool
    }

    /// Namespaced objects the engine judges one at a time (REFERENCES.md §5: `bulwark scan` rules
    /// on one object): every PodSpecExtractor kind, Services, Secrets and ConfigMaps (credential
    /// rules), namespaced RBAC. The ML CRDs match every served version (`*`).
    static let namespacedRules: [ResourceRule] = [
        ResourceRule(group: "", versions: ["v1"], resources: ["pods", "replicationcontrollers", "podtemplates"], podBearing: true),
        ResourceRule(group: "", versions: ["v1"], resources: ["services", "secrets", "configmaps"], podBearing: false),
        ResourceRule(group: "apps", versions: ["v1"], resources: ["deployments", "replicasets", "statefulsets", "daemonsets"], podBearing: true),
        ResourceRule(group: "batch", versions: ["v1"], resources: ["jobs", "cronjobs"], podBearing: true),
        ResourceRule(group: "rbac.authorization.k8s.io", versions: ["v1"], resources: ["roles", "rolebindings"], podBearing: false),
        ResourceRule(group: "serving.kserve.io", versions: ["*"], resources: ["inferenceservices", "servingruntimes"], podBearing: true),
        ResourceRule(group: "ray.io", versions: ["*"], resources: ["rayclusters", "rayservices", "rayjobs"], podBearing: true),
        ResourceRule(group: "kubeflow.org", versions: ["*"], resources: ["notebooks"], podBearing: true),
        ResourceRule(group: "leaderworkerset.x-k8s.io", versions: ["*"], resources: ["leaderworkersets"], podBearing: true),
        ResourceRule(group: "jobset.x-k8s.io", versions: ["*"], resources: ["jobsets"], podBearing: true),
        ResourceRule(group: "argoproj.io", versions: ["*"], resources: ["rollouts"], podBearing: true),
        ResourceRule(group: "serving.knative.dev", versions: ["*"], resources: ["services"], podBearing: true),
    ]

    /// Cluster-scoped objects: a namespaceSelector never skips them, so they get one entry of their
    /// own (else every (mode, level) entry would be called for each).
    static let clusterRules: [ResourceRule] = [
        ResourceRule(group: "rbac.authorization.k8s.io", versions: ["v1"], resources: ["clusterroles", "clusterrolebindings"], podBearing: false),
        ResourceRule(group: "serving.kserve.io", versions: ["*"], resources: ["clusterservingruntimes"], podBearing: true),
    ]

    /// Requests the webhook never judges, skipped before the call (CEL `matchConditions`, all must
    /// hold for the call to happen): the kubelets' mirror pods of static pods (the node authorizer
    /// already limits what they may create, and a denied mirror pod does not stop the static pod),
    /// and kube-system's controllers, which create pods and ReplicaSets from templates the webhook
    /// has already judged in the Deployment, Job, StatefulSet… they belong to.
    static let matchConditions: [(name: String, expression: String)] = [
        ("not-a-node", "!request.userInfo.username.startsWith('system:node:')"),
        ("not-a-kube-system-controller", "!request.userInfo.username.startsWith('system:serviceaccount:kube-system:')"),
    ]

    /// One validating entry: which namespaces (by their labels), which path, how to fail.
    struct ValidatingEntry {
        let name: String
        let route: AdmissionRoute
        /// The mode that decides the failure policy.
        let mode: AdmissionMode
        let labelExpressions: [JSONValue]
        let scope: String
    }

    /// The entries: one per (mode, level) label pair, one per mode label alone (the configuration's
    /// level), one per level label alone (the default mode), one for unlabelled namespaces, and one
    /// for cluster-scoped objects. A label whose value is not one of ours counts as absent (`NotIn`
    /// matches a missing label too), so exactly one namespaced entry matches every namespace.
    static func validatingEntries(_ options: AdmissionManifestOptions) -> [ValidatingEntry] {
        let modes = AdmissionMode.allCases.sorted(by: >)
        let levels = AdmissionLevel.allCases.sorted { $0.rawValue > $1.rawValue }
        func expression(_ key: String, _ operation: String, _ values: [String]) -> JSONValue {
            .object([("key", .string(key)), ("operator", .string(operation)), ("values", .array(values.map(JSONValue.string)))])
        }
        let noMode = expression(AdmissionMode.label, "NotIn", modes.map(\.rawValue))
        let noLevel = expression(AdmissionLevel.label, "NotIn", levels.map(\.rawValue))
        var entries: [ValidatingEntry] = []
        for mode in modes {
            let modeIs = expression(AdmissionMode.label, "In", [mode.rawValue])
            for level in levels {
                entries.append(ValidatingEntry(
                    name: "\(mode.rawValue)-\(level.rawValue).validate.bulwark.dev",
                    route: AdmissionRoute(operation: .validate, mode: mode, level: level), mode: mode,
                    labelExpressions: [modeIs, expression(AdmissionLevel.label, "In", [level.rawValue])], scope: "Namespaced"))
            }
            entries.append(ValidatingEntry(
                name: "\(mode.rawValue).validate.bulwark.dev", route: AdmissionRoute(operation: .validate, mode: mode), mode: mode,
                labelExpressions: [modeIs, noLevel], scope: "Namespaced"))
        }
        for level in levels {
            entries.append(ValidatingEntry(
                name: "default-\(level.rawValue).validate.bulwark.dev",
                route: AdmissionRoute(operation: .validate, mode: options.mode, level: level), mode: options.mode,
                labelExpressions: [noMode, expression(AdmissionLevel.label, "In", [level.rawValue])], scope: "Namespaced"))
        }
        entries.append(ValidatingEntry(
            name: "default.validate.bulwark.dev", route: AdmissionRoute(operation: .validate), mode: options.mode,
            labelExpressions: [noMode, noLevel], scope: "Namespaced"))
        entries.append(ValidatingEntry(
            name: "cluster.validate.bulwark.dev", route: AdmissionRoute(operation: .validate), mode: options.mode,
            labelExpressions: [], scope: "Cluster"))
        return entries
    }

    static func validatingWebhooks(_ options: AdmissionManifestOptions) -> JSONValue {
        let webhooks = validatingEntries(options).map { entry in
            webhook(options, name: entry.name, path: entry.route.path, failurePolicy: entry.mode == .enforce ? "Fail" : "Ignore",
                    labelExpressions: entry.labelExpressions,
                    rules: entry.scope == "Cluster" ? clusterRules : namespacedRules, scope: entry.scope, extra: [])
        }
        return .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")), ("kind", .string("ValidatingWebhookConfiguration")),
            ("metadata", metadata(options, namespaced: false)),
            ("webhooks", .array(webhooks)),
        ])
    }

    /// One entry for every namespace not excluded: the hardening defaults are added wherever the
    /// webhook runs; failing open, since validation (not mutation) is what enforces. Reinvoked
    /// when a later mutating webhook changes the object, so an injected sidecar is hardened too.
    static func mutatingWebhooks(_ options: AdmissionManifestOptions) -> JSONValue {
        let webhook = webhook(options, name: "harden.mutate.bulwark.dev", path: AdmissionRoute(operation: .mutate).path,
                              failurePolicy: "Ignore", labelExpressions: [],
                              rules: namespacedRules.filter(\.podBearing), scope: "Namespaced",
                              extra: [("reinvocationPolicy", .string("IfNeeded"))])
        return .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")), ("kind", .string("MutatingWebhookConfiguration")),
            ("metadata", metadata(options, namespaced: false)),
            ("webhooks", .array([webhook])),
        ])
    }

    static func webhook(_ options: AdmissionManifestOptions, name: String, path: String, failurePolicy: String,
                        labelExpressions: [JSONValue], rules: [ResourceRule], scope: String,
                        extra: [(String, JSONValue)]) -> JSONValue {
        var clientConfig: [(String, JSONValue)] = [
            ("service", .object([("namespace", .string(options.namespace)), ("name", .string(options.name)), ("path", .string(path)),
                                 ("port", .number(443))])),
        ]
        if let bundle = options.caBundlePEM { clientConfig.append(("caBundle", .string(Data(bundle.utf8).base64EncodedString()))) }
        let excluded = JSONValue.object([("key", .string("kubernetes.io/metadata.name")), ("operator", .string("NotIn")),
                                         ("values", .array(options.excludedNamespaces.map(JSONValue.string)))])
        return .object([
            ("name", .string(name)),
            ("admissionReviewVersions", .array([.string("v1")])),
            ("clientConfig", .object(clientConfig)),
            ("failurePolicy", .string(failurePolicy)),
            ("matchPolicy", .string("Equivalent")),
            ("sideEffects", .string("None")),
            ("timeoutSeconds", .number(Double(options.timeoutSeconds))),
            ("namespaceSelector", .object([("matchExpressions", .array([excluded] + labelExpressions))])),
            ("matchConditions", .array(matchConditions.map {
                .object([("name", .string($0.name)), ("expression", .string($0.expression))])
            })),
            ("rules", .array(rules.map { rule in
                .object([
                    ("apiGroups", .array([.string(rule.group)])),
                    ("apiVersions", .array(rule.versions.map(JSONValue.string))),
                    ("operations", .array([.string("CREATE"), .string("UPDATE")])),
                    ("resources", .array(rule.resources.map(JSONValue.string))),
                    ("scope", .string(scope)),
                ])
            })),
        ] + extra)
    }

    // MARK: - Self-protection

    /// The identities that may always change the webhook's objects besides the admin groups: the
    /// controllers that empty a namespace being deleted (after an admin deleted it).
    static let namespaceCleanupUsers = [
        "system:serviceaccount:kube-system:namespace-controller",
        "system:serviceaccount:kube-system:generic-garbage-collector",
    ]

    static func selfProtectionName(_ options: AdmissionManifestOptions) -> String { options.name + "-self-protection" }

    /// A ValidatingAdmissionPolicy (no webhook, so it works while the webhook is down) that denies
    /// UPDATE and DELETE of the webhook's objects in its namespace, and of the namespace itself,
    /// unless the requester is in an admin group. Subresources (`deployments/scale` from the
    /// autoscaler, `/status` from controllers) are not matched.
    static func selfProtectionPolicy(_ options: AdmissionManifestOptions) -> JSONValue {
        let name = options.name
        func rule(_ group: String, _ resources: [String], _ names: [String]) -> JSONValue {
            .object([
                ("apiGroups", .array([.string(group)])),
                ("apiVersions", .array([.string("*")])),
                ("operations", .array([.string("UPDATE"), .string("DELETE")])),
                ("resources", .array(resources.map(JSONValue.string))),
                ("resourceNames", .array(names.map(JSONValue.string))),
            ])
        }
        let groups = options.adminGroups.map { "'\($0)'" }.joined(separator: ", ")
        let users = namespaceCleanupUsers.map { "'\($0)'" }.joined(separator: ", ")
        let expression = "(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in [\(groups)])) || "
            + "request.userInfo.username in [\(users)]"
        let message = "the Bulwark admission webhook's objects in namespace \(options.namespace) can be changed only by members of "
            + options.adminGroups.joined(separator: ", ")
        return .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")), ("kind", .string("ValidatingAdmissionPolicy")),
            ("metadata", metadata(options, name: selfProtectionName(options), namespaced: false)),
            ("spec", .object([
                ("failurePolicy", .string("Fail")),
                ("matchConstraints", .object([
                    ("matchPolicy", .string("Equivalent")),
                    ("namespaceSelector", .object([("matchLabels", .object([("kubernetes.io/metadata.name", .string(options.namespace))]))])),
                    ("resourceRules", .array([
                        rule("", ["namespaces"], [options.namespace]),
                        rule("", ["services", "configmaps", "serviceaccounts"], [name]),
                        rule("", ["secrets"], [name + "-tls"]),
                        rule("apps", ["deployments"], [name]),
                        rule("policy", ["poddisruptionbudgets"], [name]),
                        rule("autoscaling", ["horizontalpodautoscalers"], [name]),
                        rule("networking.k8s.io", ["networkpolicies"], [name + "-default-deny", name + "-ingress"]),
                    ])),
                ])),
                ("validations", .array([.object([
                    ("expression", .string(expression)),
                    ("message", .string(message)),
                    ("reason", .string("Forbidden")),
                ])])),
            ])),
        ])
    }

    static func selfProtectionBinding(_ options: AdmissionManifestOptions) -> JSONValue {
        .object([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")), ("kind", .string("ValidatingAdmissionPolicyBinding")),
            ("metadata", metadata(options, name: selfProtectionName(options), namespaced: false)),
            ("spec", .object([
                ("policyName", .string(selfProtectionName(options))),
                ("validationActions", .array([.string("Deny")])),
            ])),
        ])
    }
}
