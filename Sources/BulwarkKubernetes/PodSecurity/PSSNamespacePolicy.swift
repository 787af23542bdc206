import BulwarkCore

/// The policy of a namespace: what its `pod-security.kubernetes.io/*` labels enforce, audit and
/// warn, resolved as the reference's `api.PolicyToEvaluate` does.
public struct PSSNamespacePolicy: Sendable, Hashable {
    public static let labelPrefix = "pod-security.kubernetes.io/"
    public static let enforceLevelLabel = labelPrefix + "enforce"
    public static let enforceVersionLabel = labelPrefix + "enforce-version"
    public static let auditLevelLabel = labelPrefix + "audit"
    public static let auditVersionLabel = labelPrefix + "audit-version"
    public static let warnLevelLabel = labelPrefix + "warn"
    public static let warnVersionLabel = labelPrefix + "warn-version"

    public var enforce: PSSLevelVersion
    public var audit: PSSLevelVersion
    public var warn: PSSLevelVersion
    /// Invalid label values, worded like the reference's field errors
    /// (`metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of …`).
    public var errors: [String]

    public init(enforce: PSSLevelVersion = .privileged, audit: PSSLevelVersion = .privileged, warn: PSSLevelVersion = .privileged, errors: [String] = []) {
        self.enforce = enforce
        self.audit = audit
        self.warn = warn
        self.errors = errors
    }

    /// The defaults of `.bulwark.yaml` (`pss.defaults`), like the reference's AdmissionConfiguration
    /// defaults: enforce as configured (invalid values fail closed to restricted / latest),
    /// audit and warn privileged.
    public init(defaults settings: Configuration.PSSSettings) {
        self.init(enforce: PSSLevelVersion(PSSLevel.parseLabel(settings.defaultEnforce).level,
                                           PSSVersion.parseLabel(settings.defaultEnforceVersion).version))
    }

    /// Resolves namespace labels over the defaults (`PolicyToEvaluate`): an invalid enforce level
    /// is `restricted` (fail closed), an invalid audit or warn level `privileged` (fail open), an
    /// invalid version `latest`. When a valid enforce level is labelled, warn is not, and enforce is
    /// stricter than warn, warn follows enforce (level, and version unless warn-version is labelled).
    public static func resolve(labels: [String: String], defaults: PSSNamespacePolicy = PSSNamespacePolicy()) -> PSSNamespacePolicy {
        var policy = defaults
        policy.errors = []
        guard labels.keys.contains(where: { $0.hasPrefix(labelPrefix) }) else { return policy }
        func invalid(_ label: String, _ value: String, _ message: String) {
            policy.errors.append("metadata.labels[\(label)]: Invalid value: \(PSSText.goQuote(value)): \(message)")
        }
        // Each mode's labels: an invalid level fails closed for enforce and open for audit and warn.
        let modes: [(level: String, version: String, mode: WritableKeyPath<PSSNamespacePolicy, PSSLevelVersion>, onInvalid: PSSLevel?)] = [
            (enforceLevelLabel, enforceVersionLabel, \.enforce, nil),
            (auditLevelLabel, auditVersionLabel, \.audit, .privileged),
            (warnLevelLabel, warnVersionLabel, \.warn, .privileged),
        ]
        for mode in modes {
            if let value = labels[mode.level] {
                let (level, error) = PSSLevel.parseLabel(value)
                policy[keyPath: mode.mode].level = error == nil ? level : mode.onInvalid ?? level
                if let error { invalid(mode.level, value, error) }
            }
            if let value = labels[mode.version] {
                let (version, error) = PSSVersion.parseLabel(value)
                policy[keyPath: mode.mode].version = version
                if let error { invalid(mode.version, value, error) }
            }
        }
        // Warn follows a valid enforce level that is stricter, unless warn is labelled itself
        // (`hasEnforceLevel = (err == nil)` in the reference: an invalid enforce label does not count).
        let hasEnforceLevel = labels[enforceLevelLabel].map { PSSLevel(parsing: $0) != nil } ?? false
        if labels[warnLevelLabel] == nil, hasEnforceLevel, policy.enforce.level > policy.warn.level {
            policy.warn.level = policy.enforce.level
            if labels[warnVersionLabel] == nil {
                policy.warn.version = policy.enforce.version
            }
        }
        return policy
    }
}
