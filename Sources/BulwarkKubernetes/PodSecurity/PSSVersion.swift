/// A Pod Security Standards policy version: `v1.N` or `latest`.
///
/// How versions resolve (documented decision, see also `PSSChecks`):
/// - Explicit versions follow the reference's registry exactly: for `v1.N` every check uses its
///   newest entry with a minimum version ≤ N; versions newer than the newest policy change known
///   to the reference (`newestKnownMinor`, v1.37: the alpha sysctls added on the reference's
///   master branch) are clamped to it.
/// - `latest` resolves to `latestMinor` (v1.35), the newest policy version in a *released*
///   Kubernetes (1.36 made no policy change). The reference's master would resolve `latest` to
///   v1.37 and thereby allow `net.ipv4.tcp_slow_start_after_idle` and
///   `net.ipv4.tcp_notsent_lowat`; those are alpha and unreleased at the snapshot, so Bulwark
///   applies them only when `v1.37` (or newer) is asked for explicitly.
public struct PSSVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The policy version `latest` evaluates as.
    public static let latestMinor = 35
    /// The newest policy version with a change in the reference's check registry.
    public static let newestKnownMinor = 37

    /// The minor version, or nil for `latest`.
    public let minor: Int?

    public static let latest = PSSVersion(minor: nil)

    public static func v1(_ minor: Int) -> PSSVersion { PSSVersion(minor: max(0, minor)) }

    private init(minor: Int?) {
        self.minor = minor
    }

    /// Parses `latest` or `v1.N` with the reference's regex `^v1\.(0|[1-9][0-9]*)$`; nil otherwise.
    public init?(parsing text: String) {
        if text == "latest" {
            self.init(minor: nil)
            return
        }
        guard text.hasPrefix("v1."), text.utf8.count > 3 else { return nil }
        let digits = text.dropFirst(3)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits == "0" || !digits.hasPrefix("0"),
              let value = Int(digits)
        else { return nil }
        self.init(minor: value)
    }

    /// Parses a namespace label value the way the reference's `ParseVersion` does: an invalid
    /// version is `latest` with an error.
    public static func parseLabel(_ text: String) -> (version: PSSVersion, error: String?) {
        if let version = PSSVersion(parsing: text) { return (version, nil) }
        return (.latest, "must be \"latest\" or \"v1.x\"")
    }

    public var isLatest: Bool { minor == nil }

    /// The minor version the checks are evaluated at (after resolving `latest` and clamping).
    public var effectiveMinor: Int {
        guard let minor else { return Self.latestMinor }
        return min(minor, Self.newestKnownMinor)
    }

    /// `latest` or `v1.N`, as written in labels.
    public var description: String {
        guard let minor else { return "latest" }
        return "v1.\(minor)"
    }

    /// The version reports show: `latest` resolved to the version it stands for (`v1.35`), an
    /// explicit version as given.
    public var resolvedDescription: String { "v1.\(minor ?? Self.latestMinor)" }

    /// `latest` is newer than every explicit version (as in the reference's `Older`).
    public static func < (lhs: PSSVersion, rhs: PSSVersion) -> Bool {
        switch (lhs.minor, rhs.minor) {
        case (nil, _): false
        case (_, nil): true
        case (let a?, let b?): a < b
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = PSSVersion(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be \"latest\" or \"v1.x\"")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
