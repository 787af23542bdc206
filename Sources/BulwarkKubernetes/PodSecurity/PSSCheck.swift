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

/// One revision of a check, applying from `minimumVersion` until the next revision.
public struct PSSVersionedCheck: Sendable {
    /// The first policy minor version (`v1.N`) this revision applies to.
    public let minimumVersion: Int
    /// Baseline check ids this (restricted) revision replaces in the restricted level.
    public let overrides: [String]
    public let evaluate: @Sendable (PodSpecView) -> PSSCheckResult

    public init(_ minimumVersion: Int, overrides: [String] = [], _ evaluate: @escaping @Sendable (PodSpecView) -> PSSCheckResult) {
        self.minimumVersion = minimumVersion
        self.overrides = overrides
        self.evaluate = evaluate
    }
}

/// A Pod Security Standards check: the reference's `Check` with its id, level and revisions.
public struct PSSCheck: Sendable {
    public let id: String
    /// `baseline` or `restricted`.
    public let level: PSSLevel
    /// Revisions in strictly increasing `minimumVersion` order.
    public let versions: [PSSVersionedCheck]

    public init(id: String, level: PSSLevel, versions: [PSSVersionedCheck]) {
        self.id = id
        self.level = level
        self.versions = versions
    }

    /// The revision that applies at policy minor version `minor`, or nil when the check does not
    /// exist yet at that version.
    public func revision(atMinor minor: Int) -> PSSVersionedCheck? {
        versions.last { $0.minimumVersion <= minor }
    }

    /// The revision for a policy version (`latest` resolved, newer versions clamped).
    public func revision(at version: PSSVersion) -> PSSVersionedCheck? {
        revision(atMinor: version.effectiveMinor)
    }

    /// Runs the check at a policy version; a check that does not exist yet allows everything.
    public func evaluate(_ pod: PodSpecView, version: PSSVersion = .latest) -> PSSCheckResult {
        revision(at: version)?.evaluate(pod) ?? .allowed
    }
}
