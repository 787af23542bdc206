/// A control of a compliance framework, written `framework:control` (e.g. `cis-k8s:5.2.6`).
public struct ControlID: Sendable, Hashable, Comparable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let framework: String
    public let control: String

    public init(framework: String, control: String) {
        self.framework = framework
        self.control = control
    }

    /// Parses `framework:control`; a string without a colon is taken as a control of framework `other`.
    public init(_ text: String) {
        if let colon = text.firstIndex(of: ":") {
            framework = String(text[..<colon])
            control = String(text[text.index(after: colon)...])
        } else {
            framework = "other"
            control = text
        }
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { "\(framework):\(control)" }

    public static func < (lhs: ControlID, rhs: ControlID) -> Bool { lhs.description < rhs.description }

    /// The frameworks CONTRACT.md names, with their display titles.
    public static let frameworks: [String: String] = [
        "pss-baseline": "Pod Security Standards (baseline)",
        "pss-restricted": "Pod Security Standards (restricted)",
        "cis-k8s": "CIS Kubernetes Benchmark",
        "cis-docker": "CIS Docker Benchmark",
        "nist-800-190": "NIST SP 800-190",
        "nsa-k8s": "NSA/CISA Kubernetes Hardening Guide",
        "owasp-k8s": "OWASP Kubernetes Top 10",
    ]
}
