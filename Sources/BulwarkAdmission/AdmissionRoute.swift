/// What the webhook is asked to do: validate or mutate.
public enum AdmissionOperation: String, Sendable, CaseIterable {
    case validate, mutate
}

/// How a namespace is judged: `enforce` denies, `warn` admits with warnings, `audit` admits with audit
/// annotations. From the route (the webhook entry whose namespaceSelector matched the namespace's
/// `bulwark.dev/mode` label), else the configuration.
public enum AdmissionMode: String, Sendable, CaseIterable, Comparable {
    case audit, warn, enforce

    /// The namespace label that selects a mode.
    public static let label = "bulwark.dev/mode"

    public static func < (lhs: AdmissionMode, rhs: AdmissionMode) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int {
        switch self {
        case .audit: 0
        case .warn: 1
        case .enforce: 2
        }
    }
}

/// Which Pod Security Standards profile a namespace is held to (`bulwark.dev/enforce`): `restricted`
/// runs every enabled rule; `baseline` skips the rules only the restricted profile asks for.
public enum AdmissionLevel: String, Sendable, CaseIterable {
    case baseline, restricted

    /// The namespace label that selects a level.
    public static let label = "bulwark.dev/enforce"
}

/// A request path of the webhook. The API server cannot send a namespace's labels, so the mode and
/// level travel in the path instead: the generated webhook configuration has one entry per
/// (mode, level) whose `namespaceSelector` matches the labels, each calling its own path.
///
/// `/validate`, `/validate/{mode}`, `/validate/{mode}/{level}`, `/mutate`.
public struct AdmissionRoute: Sendable, Hashable, CustomStringConvertible {
    public var operation: AdmissionOperation
    /// nil: the configuration's mode for the namespace.
    public var mode: AdmissionMode?
    /// nil: the configuration's level for the namespace.
    public var level: AdmissionLevel?

    public init(operation: AdmissionOperation, mode: AdmissionMode? = nil, level: AdmissionLevel? = nil) {
        self.operation = operation
        self.mode = mode
        self.level = level
    }

    /// The route of a request path (query ignored), or nil for a path the webhook does not serve.
    public init?(path: String) {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = withoutQuery.split(separator: "/").map(String.init)
        guard let first = parts.first, let operation = AdmissionOperation(rawValue: first), parts.count <= 3 else { return nil }
        if operation == .mutate && parts.count > 1 { return nil }
        var mode: AdmissionMode?
        var level: AdmissionLevel?
        if parts.count >= 2 {
            guard let parsed = AdmissionMode(rawValue: parts[1]) else { return nil }
            mode = parsed
        }
        if parts.count == 3 {
            guard let parsed = AdmissionLevel(rawValue: parts[2]) else { return nil }
            level = parsed
        }
        self.init(operation: operation, mode: mode, level: level)
    }

    /// The path that selects this route.
    public var path: String {
        var path = "/" + operation.rawValue
        if let mode { path += "/" + mode.rawValue }
        if let level {
            if mode == nil { return path }
            path += "/" + level.rawValue
        }
        return path
    }

    public var description: String { path }
}
