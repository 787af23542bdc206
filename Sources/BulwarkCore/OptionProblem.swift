/// Why options a caller passed cannot be used, in a sentence a command line can show after the
/// flag's name (`--uid: runAsUser 4294967296 is above 2147483647 …`).
public struct OptionProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// User and group IDs as Kubernetes validates them (`runAsUser`, `runAsGroup`, `fsGroup`: 0 to
/// 2147483647, `math.MaxInt32`). Both fixers write IDs: a manifest with a larger one is rejected
/// by the API server, and an image USER above it can never be matched by a pod's securityContext.
public enum KubernetesID {
    public static let maximum = 2_147_483_647

    /// A problem with a non-root ID `value` named `name`, or nil when it is 1…`maximum`.
    /// `consequence` says what a too large value would break.
    public static func problem(_ name: String, _ value: Int, consequence: String) -> OptionProblem? {
        if value <= 0 { return OptionProblem("\(name) \(value) is not a non-root ID: use 1 to \(maximum)") }
        if value > maximum { return OptionProblem("\(name) \(value) is above \(maximum), the largest ID Kubernetes accepts: \(consequence)") }
        return nil
    }
}

/// Options that can be checked before use.
public protocol ValidatedOptions {
    /// Everything wrong with the options; empty when they are usable.
    var problems: [OptionProblem] { get }
}

extension ValidatedOptions {
    /// Throws the first of `problems`.
    public func validate() throws(OptionProblem) {
        if let problem = problems.first { throw problem }
    }
}
