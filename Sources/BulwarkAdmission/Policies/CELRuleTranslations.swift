import BulwarkCore
import BulwarkKubernetes

/// One Kubernetes rule expressed exactly in CEL, on one object.
///
/// A violation is a pod-level condition or a per-container one (over `containers`, a list the
/// policy's variables hold); `exempt` is what makes the whole object pass (Windows pods, pods in a
/// user namespace), as the Swift check returns early for them. The differential test proves each
/// entry gives the Swift check's verdict on the rule's examples and on a generated corpus.
public struct CELRuleTranslation: Sendable {
    public let rule: String
    /// Only the restricted level asks for it (`AdmissionScope.isRestrictedOnly`, the webhook's own
    /// test): skipped in namespaces labelled `bulwark.dev/enforce: baseline`.
    public var restrictedOnly: Bool { Self.restrictedOnlyRules.contains(rule) }

    static let restrictedOnlyRules = Set(KubernetesRules.all.lazy.filter { AdmissionScope.isRestrictedOnly($0.descriptor) }.map(\.id))
    /// The container list the per-container condition runs over.
    public let containers: CELExpr
    /// True for an offending container `c`.
    public let container: (@Sendable (CELExpr) -> CELExpr)?
    /// True when the pod spec itself offends.
    public let pod: CELExpr?
    /// True when the Swift check judges nothing for this object.
    public let exempt: CELExpr?
    /// What is wrong, for the message: `"sets securityContext.privileged: true"`.
    public let problem: String

    init(_ rule: String, containers: CELExpr = CELPolicyVariables.containers,
         container: (@Sendable (CELExpr) -> CELExpr)? = nil, pod: CELExpr? = nil, exempt: CELExpr? = nil, problem: String) {
        self.rule = rule
        self.containers = containers
        self.container = container
        self.pod = pod
        self.exempt = exempt
        self.problem = problem
    }

    /// The validation: true when the object passes.
    public var expression: CELExpr {
        var violations: [CELExpr] = []
        if let pod { violations.append(pod) }
        if let container { violations.append(containers.exists("c", container)) }
        var passes: [CELExpr] = []
        if restrictedOnly { passes.append(CELPolicyVariables.baselineNamespace) }
        if let exempt { passes.append(exempt) }
        passes.append(.not(.or(violations)))
        return .or(passes)
    }

    /// The message: the rule id, the first offending container (or the pod) and the problem. It is
    /// only evaluated when the validation failed, so when the pod itself does not offend a container
    /// does: the containers are scanned once more, not twice.
    public var messageExpression: CELExpr {
        let podMessage = CELExpr.string("\(rule): pod \(problem)")
        guard let container else { return podMessage }
        // A container's name is required, so the first offender always has one.
        let name = CELExpr.select(.index(containers.filter("c", container), .int(0)), "name")
        let containerMessage = CELExpr.plus(.plus(.string("\(rule): container "), name), .string(" \(problem)"))
        guard let pod else { return containerMessage }
        return .conditional(pod, podMessage, containerMessage)
    }
}

/// The `variables` of the generated ValidatingAdmissionPolicy: the pod spec of every kind the
/// policy matches, its containers, and the sets the rules compare with. VAP evaluates each once
/// per request, lazily, in order; later ones may use earlier ones.
public enum CELPolicyVariables {
    public static let podSpec = CELExpr.variable("podSpec")
    /// Init, regular and ephemeral containers (pod-security-admission's `visitContainers`).
    public static let containers = CELExpr.variable("containers")
    /// Init and regular containers (no ephemeral ones).
    public static let podContainers = CELExpr.variable("podContainers")
    public static let isWindows = CELExpr.variable("isWindows")
    public static let userNamespace = CELExpr.variable("userNamespace")
    public static let baselineNamespace = CELExpr.variable("baselineNamespace")

    /// The kinds whose pod spec the policy finds, with where it is.
    public struct Kind: Sendable {
        public let group: String
        public let version: String
        public let kind: String
        public let resource: String
        /// The path of the pod spec in the object.
        public let specPath: [String]
    }

    public static let kinds: [Kind] = [
        Kind(group: "", version: "v1", kind: "Pod", resource: "pods", specPath: ["spec"]),
        Kind(group: "", version: "v1", kind: "PodTemplate", resource: "podtemplates", specPath: ["template", "spec"]),
        Kind(group: "", version: "v1", kind: "ReplicationController", resource: "replicationcontrollers", specPath: ["spec", "template", "spec"]),
        Kind(group: "apps", version: "v1", kind: "Deployment", resource: "deployments", specPath: ["spec", "template", "spec"]),
        Kind(group: "apps", version: "v1", kind: "ReplicaSet", resource: "replicasets", specPath: ["spec", "template", "spec"]),
        Kind(group: "apps", version: "v1", kind: "StatefulSet", resource: "statefulsets", specPath: ["spec", "template", "spec"]),
        Kind(group: "apps", version: "v1", kind: "DaemonSet", resource: "daemonsets", specPath: ["spec", "template", "spec"]),
        Kind(group: "batch", version: "v1", kind: "Job", resource: "jobs", specPath: ["spec", "template", "spec"]),
        Kind(group: "batch", version: "v1", kind: "CronJob", resource: "cronjobs", specPath: ["spec", "jobTemplate", "spec", "template", "spec"]),
    ]

    /// The pod spec of the object by kind: `object.spec` for a Pod, the template's spec otherwise.
    static var podSpecExpression: CELExpr {
        func spec(_ path: [String]) -> CELExpr { path.reduce(CELExpr.object) { .select($0, $1) } }
        let standard = spec(["spec", "template", "spec"])
        return kinds.reversed().reduce(standard) { otherwise, kind in
            kind.specPath == ["spec", "template", "spec"] ? otherwise
                : .conditional(CELExpr.object["kind"].eq(.string(kind.kind)), spec(kind.specPath), otherwise)
        }
    }

    /// The sets the rules look names up in (map literals, built once per request).
    public static let sets: [(name: String, values: [String])] = [
        ("baselineCapabilities", PSSChecks.baselineCapabilities.sorted()),
        ("allowedSysctls", CELRuleTranslations.allowedSysctls),
        ("seLinuxTypes", CELRuleTranslations.seLinuxTypes),
        ("seccompTypes", ["Localhost", "RuntimeDefault"]),
    ]

    /// Name and expression of every variable, in evaluation order.
    public static var all: [(name: String, expression: CELExpr)] {
        let spec = podSpec
        var variables: [(name: String, expression: CELExpr)] = [
            ("podSpec", podSpecExpression),
            ("podContainers", .plus(spec.listOrEmpty(["initContainers"]), spec.listOrEmpty(["containers"]))),
            ("containers", .plus(podContainers, spec.listOrEmpty(["ephemeralContainers"]))),
            ("isWindows", spec.field(["os", "name"], equals: .string("windows"))),
            ("userNamespace", spec.field(["hostUsers"], equals: .bool(false))),
            ("baselineNamespace", .and([CELExpr.namespaceObject.hasPath(["metadata", "labels"]),
                         CELExpr.string(AdmissionLevel.label).isIn(CELExpr.namespaceObject.path("metadata", "labels")),
                         CELExpr.index(CELExpr.namespaceObject.path("metadata", "labels"), .string(AdmissionLevel.label)).eq(.string(AdmissionLevel.baseline.rawValue))])),
        ]
        variables += sets.map { ($0.name, CELExpr.stringSet($0.values)) }
        return variables
    }
}
