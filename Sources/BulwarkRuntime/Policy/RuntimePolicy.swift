import BulwarkCore
import BulwarkKubernetes

/// What a runtime rule does when it matches.
public enum RuntimeAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Let it happen, report nothing (allowlist entries).
    case allow
    /// Refuse it (`EPERM`, or a kill on the tracepoint backend) and report it.
    case deny
    /// Let it happen and report it.
    case alert
}

/// A transport protocol an egress rule covers.
public enum TransportProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    case tcp, udp
}

/// `bulwark.dev/v1alpha1 RuntimePolicy`: which programs the processes of a scope may execute and where they
/// may connect. One value per policy document; `RuntimePolicyReader` reads it from YAML (with each rule's
/// line), `RuntimePolicy.compile` resolves it for the kernel, `RuntimeProfiles` derives it from manifests.
public struct RuntimePolicy: Sendable, Hashable {
    /// `metadata.name`.
    public var name: String
    /// Where the document was read from (nil for a derived policy).
    public var location: SourceLocation?
    public var scope: Scope
    /// nil: exec is not judged.
    public var exec: ExecPolicy?
    /// nil: network is not judged.
    public var egress: EgressPolicy?
    /// Where a derived policy came from (written as YAML comment lines above the document; not read back).
    public var comment: String?

    public init(name: String, location: SourceLocation? = nil, scope: Scope = Scope(), exec: ExecPolicy? = nil,
                egress: EgressPolicy? = nil, comment: String? = nil) {
        self.name = name
        self.location = location
        self.scope = scope
        self.exec = exec
        self.egress = egress
        self.comment = comment
    }

    /// Which processes a policy applies to: the cgroup-v2 directories given (and their descendants), or the
    /// pods whose labels match (resolved by the agent from kubepods cgroup paths and the pod's labels).
    public struct Scope: Sendable, Hashable {
        /// Cgroup-v2 paths, absolute (`/sys/fs/cgroup/unified/…`) or relative to the v2 mount.
        public var cgroupPaths: [String]
        /// `podSelector.matchLabels`; empty with no cgroup paths = wherever the agent is told to enforce.
        public var podLabels: [String: String]
        public var namespaces: [String]

        public init(cgroupPaths: [String] = [], podLabels: [String: String] = [:], namespaces: [String] = []) {
            self.cgroupPaths = cgroupPaths
            self.podLabels = podLabels
            self.namespaces = namespaces
        }
    }
}

/// The exec half of a policy. An allowlist: a file not named by any rule gets `defaultAction`.
public struct ExecPolicy: Sendable, Hashable {
    /// For a file no rule names: `.deny` (enforce the allowlist) or `.alert` (learn/audit mode).
    public var defaultAction: RuntimeAction
    /// Rules by path (resolved to device and inode at load), first match wins; `action` allow/deny/alert.
    public var rules: [ExecRule]
    /// What interpreters may run: inline code (`python -c`, `sh -c`) and which script paths.
    public var scripts: [ScriptRule]
    /// Why the default is what it is (written as a YAML comment by `RuntimePolicyWriter`; not read back).
    public var comment: String?

    public init(defaultAction: RuntimeAction = .deny, rules: [ExecRule] = [], scripts: [ScriptRule] = [], comment: String? = nil) {
        self.defaultAction = defaultAction
        self.rules = rules
        self.scripts = scripts
        self.comment = comment
    }
}

/// One exec rule: a file, judged by what it is (device + inode, optionally its SHA-256), not by the path it
/// is run under: a copy elsewhere is a different file, a hard link the same one.
public struct ExecRule: Sendable, Hashable {
    /// A stable id reported in events (`exec-allow-3` when the document gives none).
    public var id: String
    /// An absolute path, resolved at load (symlinks followed).
    public var path: String
    /// Hex SHA-256 the file must have; a mismatch at load is an error naming the rule.
    public var sha256: String?
    public var action: RuntimeAction
    public var line: Int?
    /// Why a derived rule is there (written as a YAML comment above it; not read back).
    public var comment: String?

    public init(id: String, path: String, sha256: String? = nil, action: RuntimeAction, line: Int? = nil, comment: String? = nil) {
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.action = action
        self.line = line
        self.comment = comment
    }
}

/// How an interpreter may be used. The interpreter itself must be allowed by an `ExecRule`; this narrows it.
public struct ScriptRule: Sendable, Hashable {
    public var id: String
    /// The interpreter's path (`/usr/bin/python3`), resolved like an exec rule.
    public var interpreter: String
    /// What happens to inline code (`-c`, `-e`, `--command`): usually `.deny`.
    public var inlineCode: RuntimeAction
    /// Script paths (globs, `*` within a segment, `**` across) it may run; empty = any.
    public var allowedScripts: [String]
    public var line: Int?
    /// Why a derived rule is there (written as a YAML comment above it; not read back).
    public var comment: String?

    public init(id: String, interpreter: String, inlineCode: RuntimeAction = .deny, allowedScripts: [String] = [],
                line: Int? = nil, comment: String? = nil) {
        self.id = id
        self.interpreter = interpreter
        self.inlineCode = inlineCode
        self.allowedScripts = allowedScripts
        self.line = line
        self.comment = comment
    }
}

/// The network half: an egress allowlist over IPv4 and IPv6 (IPv4-mapped IPv6 destinations are judged as the
/// IPv4 address they carry).
public struct EgressPolicy: Sendable, Hashable {
    /// For a destination no rule covers: `.deny` or `.alert`.
    public var defaultAction: RuntimeAction
    /// First matching rule (longest prefix first, then in document order) decides.
    public var rules: [EgressRule]
    /// Why the default is what it is (written as a YAML comment by `RuntimePolicyWriter`; not read back).
    public var comment: String?

    public init(defaultAction: RuntimeAction = .deny, rules: [EgressRule] = [], comment: String? = nil) {
        self.defaultAction = defaultAction
        self.rules = rules
        self.comment = comment
    }
}

public struct EgressRule: Sendable, Hashable {
    public var id: String
    /// Destinations; `0.0.0.0/0` and `::/0` for any.
    public var cidrs: [CIDR]
    /// Inclusive port ranges; empty = every port.
    public var ports: [ClosedRange<Int>]
    /// Empty = TCP and UDP.
    public var protocols: Set<TransportProtocol>
    public var action: RuntimeAction
    public var line: Int?
    /// Why a derived rule is there (written as a YAML comment above it; not read back).
    public var comment: String?

    public init(id: String, cidrs: [CIDR], ports: [ClosedRange<Int>] = [], protocols: Set<TransportProtocol> = [],
                action: RuntimeAction = .allow, line: Int? = nil, comment: String? = nil) {
        self.id = id
        self.cidrs = cidrs
        self.ports = ports
        self.protocols = protocols
        self.action = action
        self.line = line
        self.comment = comment
    }
}
