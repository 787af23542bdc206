import BulwarkCore

/// What a Kubernetes rule reports: the message and the node the finding points at. The scanner
/// adds the rule's id, severity, title, remediation and controls.
public struct Violation: RuleViolation {
    public var message: String
    /// The offending node (value, or the parent key when the field is missing); nil = the object.
    public var node: YAMLNode?
    /// JSON path of the offending (or missing) field.
    public var field: String?
    public var container: String?
    /// The object the violation is about, when a whole-inventory rule reports on another object.
    public var object: KubeObject?
    /// A per-finding severity (e.g. info for a weaker variant); nil = the rule's severity.
    public var severity: Severity?

    public init(_ message: String, at node: YAMLNode?, field: String? = nil, container: String? = nil,
                object: KubeObject? = nil, severity: Severity? = nil) {
        self.message = message
        self.node = node
        self.field = field
        self.container = container
        self.object = object
        self.severity = severity
    }
}

/// How a Kubernetes rule checks: once per pod spec, once per object, or once per scan.
public enum KubernetesCheck: Sendable {
    /// Runs once per pod spec (every workload kind and ML CRD, via `PodSpecView`).
    case pod(@Sendable (PodSpecView, InventoryIndex) -> [Violation])
    /// Runs once per object.
    case object(@Sendable (KubeObject, InventoryIndex) -> [Violation])
    /// Runs once per scan over the whole inventory (must itself stay linear). Each violation names
    /// the object it is about (`Violation.object`), so that object's annotation can suppress it.
    case inventory(@Sendable (InventoryIndex) -> [Violation])
}

/// A Kubernetes rule: a descriptor plus a pure check over the normalised model.
public typealias KubernetesRule = Rule<KubernetesCheck>
