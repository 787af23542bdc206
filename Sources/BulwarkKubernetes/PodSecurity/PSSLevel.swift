/// A Pod Security Standards level (`pod-security.kubernetes.io/enforce` values).
///
/// Ordered by strictness: `privileged < baseline < restricted`.
public enum PSSLevel: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// No checks at all.
    case privileged
    /// The baseline checks.
    case baseline
    /// The restricted checks plus the baseline checks they do not override.
    case restricted

    /// The valid values in the reference's order, as its error message lists them.
    public static let validValues = "privileged, baseline, restricted"

    /// Parses a level exactly: nil for anything but `privileged`, `baseline`, `restricted`.
    public init?(parsing text: String) {
        self.init(rawValue: text)
    }

    /// Parses a namespace label value the way the reference's `ParseLevel` does: an invalid level
    /// is `restricted` (fail closed) with an error.
    public static func parseLabel(_ text: String) -> (level: PSSLevel, error: String?) {
        if let level = PSSLevel(parsing: text) { return (level, nil) }
        return (.restricted, "must be one of \(validValues)")
    }

    public var description: String { rawValue }

    private var rank: Int {
        switch self {
        case .privileged: 0
        case .baseline: 1
        case .restricted: 2
        }
    }

    public static func < (lhs: PSSLevel, rhs: PSSLevel) -> Bool { lhs.rank < rhs.rank }
}
