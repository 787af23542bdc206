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
}
