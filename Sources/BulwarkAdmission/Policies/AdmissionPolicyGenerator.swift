import BulwarkCore
import BulwarkKubernetes

/// What `bulwark admission policies` is asked for.
public struct AdmissionPolicyOptions: Sendable {
    /// Rule ids (or aliases) to consider; nil = every enabled Kubernetes rule.
    public var rules: [String]?
    /// The mode the bindings carry: enforce → `[Deny]`, warn → `[Warn]`, audit → `[Audit]`.
    public var mode: AdmissionMode
    /// Also print the MutatingAdmissionPolicy (and binding) for the mutation defaults.
    public var includeMutating: Bool

    public init(rules: [String]? = nil, mode: AdmissionMode = .enforce, includeMutating: Bool = true) {
        self.rules = rules
        self.mode = mode
        self.includeMutating = includeMutating
    }
}

/// The in-tree policies generated from the catalogue.
public struct GeneratedAdmissionPolicies: Sendable {
    /// The YAML stream to apply (policies, then bindings).
    public var yaml: String
    /// Rule ids emitted as CEL.
    public var emitted: [String]
    /// Rule ids that stay webhook-only, each with why.
    public var webhookOnly: [(rule: String, reason: String)]

    public init(yaml: String, emitted: [String], webhookOnly: [(rule: String, reason: String)]) {
        self.yaml = yaml
        self.emitted = emitted
        self.webhookOnly = webhookOnly
    }
}

/// Generates one ValidatingAdmissionPolicy holding a validation per translated rule
/// (`CELRuleTranslations`), the bindings (one per mode, not per rule), and the
/// MutatingAdmissionPolicy for the hardening defaults.
public enum AdmissionPolicyGenerator {
    /// The name of the validating policy.
    public static let policyName = "bulwark-rules"
    /// Namespaces no binding matches: the control plane's and Bulwark's own.
    public static let excludedNamespaces = ["kube-system", "bulwark-system"]

    public static func generate(_ options: AdmissionPolicyOptions) -> GeneratedAdmissionPolicies {
        let selection = select(options.rules)
        var emitted: [CELRuleTranslation] = []
        var webhookOnly: [(rule: String, reason: String)] = []
        for rule in selection {
            guard let translation = CELRuleTranslations.all.first(where: { $0.rule == rule }) else {
                webhookOnly.append((rule, CELRuleTranslations.webhookOnlyReason(rule)))
                continue
            }
            let cost = max(CELCost.estimate(translation.expression), CELCost.estimate(translation.messageExpression))
            guard cost <= CELCost.staticEstimatedCostLimit else {
                webhookOnly.append((rule, "estimated CEL cost \(cost) on a worst-case 3 MiB object exceeds the limit \(CELCost.staticEstimatedCostLimit)"))
                continue
            }
            emitted.append(translation)
        }
        var documents: [PolicyYAML] = []
        if !emitted.isEmpty {
            documents.append(validatingPolicy(emitted, webhookOnly: webhookOnly.count))
            documents += bindings(defaultMode: options.mode)
        }
        if options.includeMutating {
            documents += AdmissionMutatingPolicy.documents()
        }
        let yaml = documents.map { "---\n" + $0.document }.joined()
        return GeneratedAdmissionPolicies(yaml: yaml, emitted: emitted.map(\.rule), webhookOnly: webhookOnly)
    }

    /// Kinds whose pod specs the Swift engine reads (`PodSpecExtractor`) but the policy does not
    /// match: their pod specs sit at kind-specific places (several per object, container-shaped
    /// predictor fields), so the webhook judges them with every rule.
    public static let webhookOnlyKinds = [
        "serving.kserve.io InferenceService, ServingRuntime, ClusterServingRuntime",
        "ray.io RayCluster, RayService, RayJob", "leaderworkerset.x-k8s.io LeaderWorkerSet", "jobset.x-k8s.io JobSet",
        "argoproj.io Rollout", "serving.knative.dev Service", "kubeflow.org Notebook",
    ]

    /// The ids of `requested` (ids or aliases) that name no Kubernetes rule.
    public static func unknownRules(_ requested: [String]) -> [String] {
        requested.filter { resolve($0) == nil }
    }

    /// The Kubernetes rule a name (id or alias) stands for.
    static func resolve(_ name: String) -> String? {
        KubernetesRules.descriptors.first { $0.id == name || $0.aliases.contains(name) }?.id
    }

    /// The rules considered, in catalogue order.
    static func select(_ requested: [String]?) -> [String] {
        let all = CELRuleTranslations.kubernetesRuleIDs
        guard let requested else { return all }
        let wanted = Set(requested.compactMap(resolve))
        return all.filter { wanted.contains($0) }
    }

    // MARK: - Documents

    static let managedBy: PolicyYAML = .map([("app.kubernetes.io/managed-by", .string("bulwark"))])

    static func validatingPolicy(_ translations: [CELRuleTranslation], webhookOnly: Int) -> PolicyYAML {
        .map([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")),
            ("kind", .string("ValidatingAdmissionPolicy")),
            ("metadata", .map([
                ("name", .string(policyName)),
                ("labels", managedBy),
                ("annotations", .map([
                    ("bulwark.dev/rules", .string(translations.map(\.rule).joined(separator: ","))),
                    ("bulwark.dev/webhook-only-rules", .string(String(webhookOnly))),
                ])),
            ])),
            ("spec", .map([
                // Evaluation errors deny: the expressions guard every optional field with has(), so
                // an error means an object the generator did not foresee, which the webhook then judges.
                ("failurePolicy", .string("Fail")),
                ("matchConstraints", .map([("resourceRules", .list(resourceRules))])),
                ("variables", .list(CELPolicyVariables.all.map { variable in
                    .map([("name", .string(variable.name)), ("expression", .string(variable.expression.rendered))])
                })),
                ("validations", .list(translations.map { translation in
                    .map([
                        ("expression", .string(translation.expression.rendered)),
                        ("messageExpression", .string(translation.messageExpression.rendered)),
                        ("message", .string("\(translation.rule): \(translation.problem)")),
                        ("reason", .string("Forbidden")),
                    ])
                })),
            ])),
        ])
    }

    /// One rule per API group, listing every kind whose pod spec the policy reads.
    static var resourceRules: [PolicyYAML] {
        var groups: [(group: String, version: String, resources: [String])] = []
        for kind in CELPolicyVariables.kinds {
            var resources = [kind.resource]
            // Ephemeral containers arrive through the Pod's subresource (an UPDATE).
            if kind.kind == "Pod" { resources.append("pods/ephemeralcontainers") }
            if let index = groups.firstIndex(where: { $0.group == kind.group }) {
                groups[index].resources += resources
            } else {
                groups.append((kind.group, kind.version, resources))
            }
        }
        return groups.map { group in
            .map([
                ("apiGroups", .list([.string(group.group)])),
                ("apiVersions", .list([.string(group.version)])),
                ("operations", .list([.string("CREATE"), .string("UPDATE")])),
                ("resources", .list(group.resources.map(PolicyYAML.string))),
            ])
        }
    }

    /// The validation actions of a mode.
    static func actions(_ mode: AdmissionMode) -> [String] {
        switch mode {
        case .enforce: ["Deny"]
        case .warn: ["Warn"]
        case .audit: ["Audit"]
        }
    }

    /// A namespace selector: the excluded namespaces never, plus `requirement` on the mode label.
    static func namespaceSelector(modeOperator: String, modes: [AdmissionMode]) -> PolicyYAML {
        .map([("matchExpressions", .list([
            .map([("key", .string(AdmissionMode.label)), ("operator", .string(modeOperator)),
                  ("values", .list(modes.map { .string($0.rawValue) }))]),
            .map([("key", .string("kubernetes.io/metadata.name")), ("operator", .string("NotIn")),
                  ("values", .list(excludedNamespaces.map(PolicyYAML.string)))]),
        ]))])
    }

    /// One binding per mode label value, and one for namespaces without (a valid) label that
    /// carries the default mode: four bindings whatever the number of rules.
    static func bindings(defaultMode: AdmissionMode) -> [PolicyYAML] {
        let labelled = AdmissionMode.allCases.reversed().map { mode in
            binding(name: "\(policyName)-\(mode.rawValue)", actions: actions(mode),
                    selector: namespaceSelector(modeOperator: "In", modes: [mode]))
        }
        let unlabelled = binding(name: "\(policyName)-default", actions: actions(defaultMode),
                                 selector: namespaceSelector(modeOperator: "NotIn", modes: Array(AdmissionMode.allCases)))
        return labelled + [unlabelled]
    }

    static func binding(name: String, actions: [String], selector: PolicyYAML) -> PolicyYAML {
        .map([
            ("apiVersion", .string("admissionregistration.k8s.io/v1")),
            ("kind", .string("ValidatingAdmissionPolicyBinding")),
            ("metadata", .map([("name", .string(name)), ("labels", managedBy)])),
            ("spec", .map([
                ("policyName", .string(policyName)),
                ("validationActions", .list(actions.map(PolicyYAML.string))),
                ("matchResources", .map([("namespaceSelector", selector)])),
            ])),
        ])
    }
}
