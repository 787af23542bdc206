import BulwarkCore

/// An image rule's finding: the message and where in the image it is. `member` names the place
/// as findings show it (`SourceLocation.member`): `config` (with `field` the config key, e.g.
/// `config.User`), `<layer digest>:<path>` for a layer file, or `package <kind>:<name>@<version>`.
public struct ImageViolation: RuleViolation, Hashable {
    public var message: String
    public var member: String
    /// The config field (`config.User`, `config.Env[3]`, `history[4].created_by`) when about the config.
    public var field: String?
    public var severity: Severity?
    /// When set, the finding is reported suppressed with this reason (VEX `not_affected`/`fixed`).
    public var suppression: String?

    public init(_ message: String, member: String, field: String? = nil, severity: Severity? = nil, suppression: String? = nil) {
        self.message = message
        self.member = member
        self.field = field
        self.severity = severity
        self.suppression = suppression
    }
}

/// Image rules run once per image, over the whole `ImageModel` (config, files, packages, matches).
public struct ImageCheck: Sendable {
    public let run: @Sendable (ImageModel) -> [ImageViolation]

    public init(_ run: @escaping @Sendable (ImageModel) -> [ImageViolation]) {
        self.run = run
    }
}

public typealias ImageRule = Rule<ImageCheck>
