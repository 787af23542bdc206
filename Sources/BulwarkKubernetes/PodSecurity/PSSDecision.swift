import BulwarkCore

/// One failed check in a decision.
public struct PSSViolation: Sendable, Codable, Hashable {
    /// The reference's check id, e.g. `runAsNonRoot`.
    public let check: String
    /// `ForbiddenReason`, e.g. `runAsNonRoot != true`.
    public let reason: String
    /// `ForbiddenDetail`, e.g. `pod or container "c" must set securityContext.runAsNonRoot=true`.
    public let detail: String

    public init(check: String, reason: String, detail: String) {
        self.check = check
        self.reason = reason
        self.detail = detail
    }
}

/// The verdict for one pod spec at one level and version.
public struct PSSDecision: Sendable {
    public let level: PSSLevel
    public let version: PSSVersion
    public let allowed: Bool
    /// Failed checks in the reference's order (baseline ids sorted, then restricted ids sorted).
    public let violations: [PSSViolation]
    /// Where each violation is in the manifest, by check id.
    public let evidence: [String: [PSSEvidence]]

    /// The reference's aggregated `ForbiddenDetail()`: `reason1 (detail1), reason2, …`.
    public var message: String {
        violations.map { $0.detail.isEmpty ? $0.reason : "\($0.reason) (\($0.detail))" }.joined(separator: ", ")
    }

    /// The reference's aggregated `ForbiddenReason()`: `reason1, reason2, …`.
    public var reasons: String {
        violations.map(\.reason).joined(separator: ", ")
    }

    public init(level: PSSLevel, version: PSSVersion, violations: [PSSViolation], evidence: [String: [PSSEvidence]] = [:]) {
        self.level = level
        self.version = version
        self.violations = violations
        self.allowed = violations.isEmpty
        self.evidence = evidence
    }
}
