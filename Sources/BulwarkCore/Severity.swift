/// How serious a finding is. Ordered from `info` (lowest) to `critical` (highest).
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info
    case low
    case medium
    case high
    case critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// The CVSS-like score GitHub code scanning reads from SARIF `properties.security-severity`.
    public var securityScore: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }

    /// Severities from the highest to the lowest, the order reports list them in.
    public static let descending: [Severity] = [.critical, .high, .medium, .low, .info]
}

/// The `--fail-on` threshold: a severity, or `none` to never fail on findings.
public enum FailThreshold: Sendable, Equatable {
    case severity(Severity)
    case none

    public init?(argument: String) {
        if argument == "none" {
            self = .none
        } else if let severity = Severity(rawValue: argument) {
            self = .severity(severity)
        } else {
            return nil
        }
    }

    public func isTripped(by severity: Severity) -> Bool {
        switch self {
        case .none: false
        case .severity(let threshold): severity >= threshold
        }
    }
}
