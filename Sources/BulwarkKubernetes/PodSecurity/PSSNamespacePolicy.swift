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
    /// invalid version `latest`. When only enforce is labelled and it is stricter than warn, warn
    /// follows enforce (level, and version unless warn-version is labelled).
    public static func resolve(labels: [String: String], defaults: PSSNamespacePolicy = PSSNamespacePolicy()) -> PSSNamespacePolicy {
        var policy = defaults
        policy.errors = []
        guard labels.keys.contains(where: { $0.hasPrefix(labelPrefix) }) else { return policy }
        func invalid(_ label: String, _ value: String, _ message: String) {
            policy.errors.append("metadata.labels[\(label)]: Invalid value: \(PSSText.goQuote(value)): \(message)")
        }
        if let value = labels[enforceLevelLabel] {
            let (level, error) = PSSLevel.parseLabel(value)
            policy.enforce.level = level
            if let error { invalid(enforceLevelLabel, value, error) }
        }
        if let value = labels[enforceVersionLabel] {
            let (version, error) = PSSVersion.parseLabel(value)
            policy.enforce.version = version
            if let error { invalid(enforceVersionLabel, value, error) }
        }
        if let value = labels[auditLevelLabel] {
            let (level, error) = PSSLevel.parseLabel(value)
            policy.audit.level = error == nil ? level : .privileged
            if let error { invalid(auditLevelLabel, value, error) }
        }
        if let value = labels[auditVersionLabel] {
            let (version, error) = PSSVersion.parseLabel(value)
            policy.audit.version = version
            if let error { invalid(auditVersionLabel, value, error) }
        }
        if let value = labels[warnLevelLabel] {
            let (level, error) = PSSLevel.parseLabel(value)
            policy.warn.level = error == nil ? level : .privileged
            if let error { invalid(warnLevelLabel, value, error) }
        }
        if let value = labels[warnVersionLabel] {
            let (version, error) = PSSVersion.parseLabel(value)
            policy.warn.version = version
            if let error { invalid(warnVersionLabel, value, error) }
        }
        if labels[warnLevelLabel] == nil, labels[enforceLevelLabel] != nil, policy.enforce.level > policy.warn.level {
            policy.warn.level = policy.enforce.level
            if labels[warnVersionLabel] == nil {
                policy.warn.version = policy.enforce.version
            }
        }
        return policy
    }
}
