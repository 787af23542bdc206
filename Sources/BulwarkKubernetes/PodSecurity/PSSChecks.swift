import BulwarkCore

/// The registry of Pod Security Standards checks, mirroring kubernetes/pod-security-admission's
/// `policy/registry.go`: 12 baseline and 7 restricted checks, each with its revisions.
public enum PSSChecks {
    /// Baseline checks sorted by id (Go byte order), as the reference orders them.
    public static let baseline: [PSSCheck] = [
        appArmorProfile, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, hostProbesAndHostLifecycle,
        privileged, procMount, seLinuxOptions, seccompProfileBaseline, sysctls, windowsHostProcess,
    ]

    /// Restricted checks sorted by id.
    public static let restricted: [PSSCheck] = [
        allowPrivilegeEscalation, capabilitiesRestricted, procMountRestricted, restrictedVolumes, runAsNonRoot, runAsUser,
        seccompProfileRestricted,
    ]

    /// All 19 checks: baseline ids sorted, then restricted ids sorted (the reference's result order).
    public static let all: [PSSCheck] = baseline + restricted

    private static let byID: [String: PSSCheck] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func check(_ id: String) -> PSSCheck? { byID[id] }

    /// The checks that run for a level at a policy version, in result order: the baseline checks
    /// that exist at that version, minus (for restricted) those a restricted revision overrides,
    /// then the restricted checks that exist at that version.
    public static func checks(level: PSSLevel, version: PSSVersion) -> [(check: PSSCheck, revision: PSSVersionedCheck)] {
        let minor = version.effectiveMinor
        switch level {
        case .privileged:
            return []
        case .baseline:
            return plan(minor).baseline
        case .restricted:
            return plan(minor).restricted
        }
    }

    private struct Plan: Sendable {
        let baseline: [(check: PSSCheck, revision: PSSVersionedCheck)]
        let restricted: [(check: PSSCheck, revision: PSSVersionedCheck)]
    }

    /// Plans for every policy minor version up to the newest known one, built once.
    private static let plans: [Plan] = (0...PSSVersion.newestKnownMinor).map(makePlan)

    private static func plan(_ minor: Int) -> Plan {
        plans[min(max(minor, 0), plans.count - 1)]
    }

    private static func makePlan(_ minor: Int) -> Plan {
        let baselineRevisions = baseline.compactMap { check in check.revision(atMinor: minor).map { (check: check, revision: $0) } }
        let restrictedRevisions = restricted.compactMap { check in check.revision(atMinor: minor).map { (check: check, revision: $0) } }
        let overridden = Set(restrictedRevisions.flatMap { $0.revision.overrides })
        return Plan(
            baseline: baselineRevisions,
            restricted: baselineRevisions.filter { !overridden.contains($0.check.id) } + restrictedRevisions
        )
    }
}
