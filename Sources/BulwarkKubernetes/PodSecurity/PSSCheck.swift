import BulwarkCore

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
