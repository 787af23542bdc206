import BulwarkCore

/// What a rule reports: the message and the node the finding points at. The engine adds the
/// rule's id, severity, title, remediation and controls.
public struct Violation: Sendable {
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

/// A Kubernetes rule: a descriptor plus a pure check over the normalised model.
public struct KubernetesRule: Sendable {
    public enum Check: Sendable {
        /// Runs once per pod spec (every workload kind and ML CRD, via `PodSpecView`).
        case pod(@Sendable (PodSpecView, InventoryIndex) -> [Violation])
        /// Runs once per object.
        case object(@Sendable (KubeObject, InventoryIndex) -> [Violation])
        /// Runs once per scan over the whole inventory (must itself stay linear).
        case inventory(@Sendable (InventoryIndex) -> [Violation])
    }

    public let descriptor: RuleDescriptor
    public let check: Check

    public init(_ descriptor: RuleDescriptor, check: Check) {
        self.descriptor = descriptor
        self.check = check
    }

    public var id: String { descriptor.id }
}
