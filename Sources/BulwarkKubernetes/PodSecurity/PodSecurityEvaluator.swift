import BulwarkCore

/// Evaluates pod specs against a Pod Security Standards level and version, as
/// kubernetes/pod-security-admission's `checkRegistry.EvaluatePod` does.
public enum PodSecurityEvaluator {
    /// The reference's placeholder for a check that fails without a reason.
    static let unknownForbiddenReason = "unknown forbidden reason"

    public static func evaluate(pod: PodSpecView, level: PSSLevel, version: PSSVersion = .latest) -> PSSDecision {
        var violations: [PSSViolation] = []
        var evidence: [String: [PSSEvidence]] = [:]
        for (check, revision) in PSSChecks.checks(level: level, version: version) {
            let result = revision.evaluate(pod)
            guard !result.allowed else { continue }
            let reason = result.forbiddenReason.isEmpty ? unknownForbiddenReason : result.forbiddenReason
            violations.append(PSSViolation(check: check.id, reason: reason, detail: result.forbiddenDetail))
            evidence[check.id] = result.evidence
        }
        return PSSDecision(level: level, version: version, violations: violations, evidence: evidence)
    }
}
