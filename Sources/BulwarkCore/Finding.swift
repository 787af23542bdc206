/// The Kubernetes object (and container) a finding is about.
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String
    public var container: String?

    public init(apiVersion: String, kind: String, namespace: String?, name: String, container: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.container = container
    }

    /// `Deployment ml/model-server`, or `ClusterRole admin` for cluster-scoped objects.
    public var displayName: String {
        if let namespace, !namespace.isEmpty { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }
}

/// Where a suppression is kept (the SARIF `suppression.kind` values).
public enum SuppressionKind: String, Codable, Sendable, Hashable {
    /// In the scanned file: a `bulwark.dev/ignore` annotation or a `# bulwark:ignore` comment.
    case inSource
    /// Outside it: the `ignore:` list of `.bulwark.yaml`.
    case external
}

/// One problem found by one rule at one place.
public struct Finding: Codable, Sendable, Hashable {
    public var ruleId: String
    public var severity: Severity
    public var title: String
    public var message: String
    public var remediation: String
    public var location: SourceLocation
    public var object: ObjectReference?
    public var controls: [ControlID]
    public var suppressed: Bool
    public var suppressionReason: String?
    /// The Helm template (`# Source:` comment) the object was rendered from, if any.
    public var templateSource: String?
    /// The JSON path of the offending field, e.g. `spec.template.spec.containers[0].securityContext`.
    public var field: String?
    /// Where the suppression is kept, when `suppressed`: `nil` is read as in the source (an annotation or a
    /// comment); `Policy` marks suppressions from the configuration file `external`.
    public var suppressionKind: SuppressionKind?

    public init(
        ruleId: String, severity: Severity, title: String, message: String, remediation: String,
        location: SourceLocation, object: ObjectReference? = nil, controls: [ControlID] = [],
        suppressed: Bool = false, suppressionReason: String? = nil, templateSource: String? = nil,
        field: String? = nil, suppressionKind: SuppressionKind? = nil
    ) {
        self.ruleId = ruleId
        self.severity = severity
        self.title = title
        self.message = message
        self.remediation = remediation
        self.location = location
        self.object = object
        self.controls = controls
        self.suppressed = suppressed
        self.suppressionReason = suppressionReason
        self.templateSource = templateSource
        self.field = field
        self.suppressionKind = suppressionKind
    }

    /// Report order (docs/cli.md): file, line, rule id (then column and message for full determinism).
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.location.file != rhs.location.file { return lhs.location.file < rhs.location.file }
        if lhs.location.line != rhs.location.line { return lhs.location.line < rhs.location.line }
        if lhs.ruleId != rhs.ruleId { return lhs.ruleId < rhs.ruleId }
        if lhs.location.column != rhs.location.column { return lhs.location.column < rhs.location.column }
        return lhs.message < rhs.message
    }
}

/// How serious an `InputProblem` is: an error (the input, or part of it, could not be read) or a
/// warning (probably a mistake, but nothing was lost).
public protocol InputProblemLevel: Sendable {
    /// Written between the place and the message (`warning: `), or nothing.
    static var label: String { get }
}

public enum ErrorLevel: InputProblemLevel {
    public static let label = ""
}

public enum WarningLevel: InputProblemLevel {
    public static let label = "warning: "
}

/// A problem with an input, at a place: `file:line:column: message`. One shape for errors and
/// warnings, two types, so neither can be passed where the other is meant.
public struct InputProblem<Level: InputProblemLevel>: Codable, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return "\(text): \(Level.label)\(message)"
    }

    /// File, line, column, then message: the order reports list problems in.
    public static func inputOrder(_ lhs: Self, _ rhs: Self) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.column ?? 0, lhs.message) < (rhs.file, rhs.line ?? 0, rhs.column ?? 0, rhs.message)
    }
}

extension InputProblem: Error where Level == ErrorLevel {}

/// An input that could not be read or parsed. Scanning goes on with the other inputs.
public typealias InputError = InputProblem<ErrorLevel>

/// A mistake in an input that does not stop the run: a rule id that names no rule, a setting that
/// has no effect, an end-of-life table older than the evaluation date. Described like a compiler's
/// warning, `.bulwark.yaml:4:13: warning: unknown rule id "k8s/latest-tags"; did you mean k8s/latest-tag?`.
public typealias InputWarning = InputProblem<WarningLevel>
