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
