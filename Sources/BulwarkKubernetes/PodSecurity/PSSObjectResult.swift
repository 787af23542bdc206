import BulwarkCore

/// A verdict at one level and version (used for the audit and warn modes of a namespace).
public struct PSSModeVerdict: Sendable, Codable, Hashable {
    public let level: PSSLevel
    public let version: String
    public let allowed: Bool
    public let violations: [PSSViolation]

    public init(level: PSSLevel, version: String, allowed: Bool, violations: [PSSViolation]) {
        self.level = level
        self.version = version
        self.allowed = allowed
        self.violations = violations
    }
}

/// One entry of `bulwark pss --format json` (docs/cli.md): the verdict for one pod spec of one
/// pod-bearing object.
public struct PSSObjectResult: Sendable, Codable, Hashable {
    public let file: String
    /// The object's first line.
    public let line: Int
    public let kind: String
    public let namespace: String
    public let name: String
    public let level: PSSLevel
    /// The evaluated version: explicit versions as given, `latest` resolved (`v1.35`).
    public let version: String
    public let allowed: Bool
    public let violations: [PSSViolation]
    /// Which pod template of a multi-pod object (`head group`, `worker group "gpu"`, `predictor` …).
    public let role: String?
    /// True when the pod is exempt by namespace or RuntimeClass (then `allowed` is true).
    public let exempt: Bool?
    /// Why the pod is exempt, e.g. `namespace "kube-system" is exempt`.
    public let exemptReason: String?
    /// `enforce` when the level came from the namespace's labels (or the configured defaults)
    /// rather than from `--level`.
    public let mode: String?
    /// The namespace's audit / warn verdicts, when they set a level other than the enforced one.
    public let audit: PSSModeVerdict?
    public let warn: PSSModeVerdict?
    /// Invalid `pod-security.kubernetes.io/*` labels on the namespace.
    public let labelErrors: [String]?

    public init(
        file: String, line: Int, kind: String, namespace: String, name: String, level: PSSLevel, version: String,
        allowed: Bool, violations: [PSSViolation], role: String? = nil, exempt: Bool? = nil, exemptReason: String? = nil,
        mode: String? = nil, audit: PSSModeVerdict? = nil, warn: PSSModeVerdict? = nil, labelErrors: [String]? = nil
    ) {
        self.file = file
        self.line = line
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.level = level
        self.version = version
        self.allowed = allowed
        self.violations = violations
        self.role = role
        self.exempt = exempt
        self.exemptReason = exemptReason
        self.mode = mode
        self.audit = audit
        self.warn = warn
        self.labelErrors = labelErrors
    }

    enum CodingKeys: String, CodingKey {
        case file, line, kind, namespace, name, level, version, allowed, violations, role, exempt, exemptReason, mode, audit, warn, labelErrors
    }

    /// Encodes the keys docs/cli.md names; optional keys only when set. (Foundation's JSONEncoder on
    /// Linux does not keep key order: use `.sortedKeys` for deterministic output.)
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(kind, forKey: .kind)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(name, forKey: .name)
        try container.encode(level, forKey: .level)
        try container.encode(version, forKey: .version)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(violations, forKey: .violations)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(exempt, forKey: .exempt)
        try container.encodeIfPresent(exemptReason, forKey: .exemptReason)
        try container.encodeIfPresent(mode, forKey: .mode)
        try container.encodeIfPresent(audit, forKey: .audit)
        try container.encodeIfPresent(warn, forKey: .warn)
        try container.encodeIfPresent(labelErrors, forKey: .labelErrors)
    }
}
