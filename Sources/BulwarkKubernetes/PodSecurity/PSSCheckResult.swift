import BulwarkCore

/// One place in the manifest that makes a check fail: what scan findings point at.
public struct PSSEvidence: Sendable {
    /// The offending value, or — when a required field is missing — the nearest existing parent
    /// key (`securityContext`) or the container's `name` key.
    public let node: YAMLNode?
    /// JSON path of the offending (or missing) field, e.g. `spec.containers[0].securityContext.privileged`.
    public let field: String
    /// The container's name, for per-container evidence.
    public let container: String?
    /// A sentence naming the object, the container and the field.
    public let message: String

    public init(node: YAMLNode?, field: String, container: String? = nil, message: String) {
        self.node = node
        self.field = field
        self.container = container
        self.message = message
    }
}

/// The outcome of one check on one pod spec, worded exactly as the reference words it.
public struct PSSCheckResult: Sendable {
    public let allowed: Bool
    /// Short reason (`host namespaces`); empty when allowed.
    public let forbiddenReason: String
    /// Specific values (`hostNetwork=true, hostPID=true`); may be empty.
    public let forbiddenDetail: String
    /// Where in the manifest the problems are (empty when allowed).
    public let evidence: [PSSEvidence]

    public static let allowed = PSSCheckResult(allowed: true, forbiddenReason: "", forbiddenDetail: "", evidence: [])

    public static func forbidden(_ reason: String, _ detail: String, evidence: [PSSEvidence]) -> PSSCheckResult {
        PSSCheckResult(allowed: false, forbiddenReason: reason, forbiddenDetail: detail, evidence: evidence)
    }

    public init(allowed: Bool, forbiddenReason: String, forbiddenDetail: String, evidence: [PSSEvidence]) {
        self.allowed = allowed
        self.forbiddenReason = forbiddenReason
        self.forbiddenDetail = forbiddenDetail
        self.evidence = evidence
    }
}

extension PSSCheckResult {
    /// The reference's verdict for a setting of the pod and its containers: forbidden when the pod
    /// or a container (`setters`, then the `explicit` containers) sets a forbidden value —
    /// `pod and container "a" must not set <mustNotSet>` — else when containers rely on a pod
    /// value that is missing (`implicit`) — `pod or container "a" must set <mustSet>` — else allowed.
    static func podOrContainers(reason: String, setters: [String], explicit: [String], implicit: [String],
                                mustNotSet: String, mustSet: String, evidence: [PSSEvidence]) -> PSSCheckResult {
        var setters = setters
        if !explicit.isEmpty {
            setters.append("\(PSSText.pluralize("container", "containers", explicit.count)) \(PSSText.joinQuote(explicit))")
        }
        if !setters.isEmpty {
            return .forbidden(reason, "\(setters.joined(separator: " and ")) must not set \(mustNotSet)", evidence: evidence)
        }
        if !implicit.isEmpty {
            return .forbidden(reason, "pod or \(PSSText.pluralize("container", "containers", implicit.count)) \(PSSText.joinQuote(implicit)) must set \(mustSet)",
                              evidence: evidence)
        }
        return .allowed
    }
}
