import BulwarkCore

/// A privilege-escalation path or risky grant found by one RBAC rule.
public struct RBACRisk: Sendable {
    public let ruleId: String
    public let severity: Severity
    public let message: String
    /// The binding subject that holds the permission; nil for findings about a role's rule.
    public let subject: RBACSubject?
    /// The binding or role the finding is reported on.
    public let object: KubeObject
    /// The node the finding points at: the subject's `name`, or the rule entry.
    public let node: YAMLNode?
    public let field: String?
    /// The workloads that run with the identity (or with any identity the role is bound to).
    public let workloads: [RBACWorkload]

    public var violation: Violation {
        Violation(message, at: node, field: field, object: object, severity: severity)
    }
}

/// How much is at stake when an identity holds a permission: who runs with it.
enum RBACExposure: Comparable {
    /// No workload of the input holds a token of the identity (a human user, an unused
    /// ServiceAccount, pods that do not mount the token).
    case none
    case workload
    /// A model server runs with it (and mounts the token): code execution through a malicious
    /// model becomes the identity's permissions.
    case inference

    init(_ workloads: [RBACWorkload]) {
        self = .none
        for workload in workloads where workload.mountsToken {
            if workload.isInference {
                self = .inference
                return
            }
            self = .workload
        }
    }

    /// The rule's severity for a workload identity, one step lower without one, one higher for
    /// a model server.
    func adjust(_ base: Severity) -> Severity {
        switch self {
        case .none: base.rbacLowered
        case .workload: base
        case .inference: base.rbacRaised
        }
    }

    /// How the workloads relate to what is described.
    enum Relation {
        /// They run as the subject.
        case identity
        /// They are members of the group.
        case group
        /// They run as a subject the role is bound to.
        case role
    }

    /// `workloads running as it: Deployment ml/a (inference), Job ml/b and 2 more`.
    static func describe(_ workloads: [RBACWorkload], _ relation: Relation) -> String {
        guard !workloads.isEmpty else {
            switch relation {
            case .identity: return "no workload of the input runs as it"
            case .group: return "no workload of the input is in the group"
            case .role: return "no workload of the input runs with it"
            }
        }
        let names = workloads.prefix(3).map { $0.displayName + ($0.mountsToken ? "" : " (token not mounted)") }
        let more = workloads.count > 3 ? " and \(workloads.count - 3) more" : ""
        let lead = switch relation {
        case .identity: "workloads running as it: "
        case .group: "workloads in the group: "
        case .role: "workloads running with it: "
        }
        return lead + names.joined(separator: ", ") + more
    }
}

extension Severity {
    var rbacLowered: Severity {
        switch self {
        case .critical: .high
        case .high: .medium
        case .medium: .low
        case .low, .info: .info
        }
    }

    var rbacRaised: Severity {
        switch self {
        case .info: .low
        case .low: .medium
        case .medium: .high
        case .high, .critical: .critical
        }
    }
}
