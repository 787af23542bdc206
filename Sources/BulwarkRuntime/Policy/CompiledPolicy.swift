import BulwarkKubernetes

/// A `RuntimePolicy` resolved for enforcement: exec rules turned into file identities, egress rules into
/// longest-prefix entries whose port rules already include those of every less specific prefix (so the
/// kernel's one LPM lookup decides exactly as the rule list does). Produced by `RuntimePolicy.compile`;
/// consumed by the kernel and fanotify backends, which never see paths or rule lists.
public struct CompiledPolicy: Sendable, Hashable {
    public var name: String
    /// Rule ids by `ruleIndex` (events carry the index; `0xffff` is the default action).
    public var ruleIDs: [String]
    public var exec: CompiledExec?
    public var network: CompiledNetwork?
    /// Problems found while resolving that did not stop the load (a rule's path missing on this host): each
    /// names the rule and why. A missing *allowed* file only narrows the allowlist; a missing denied one is
    /// moot; both are reported.
    public var warnings: [String]

    public init(name: String, ruleIDs: [String] = [], exec: CompiledExec? = nil, network: CompiledNetwork? = nil,
                warnings: [String] = []) {
        self.name = name
        self.ruleIDs = ruleIDs
        self.exec = exec
        self.network = network
        self.warnings = warnings
    }

    /// The rule id an event's index names; "default" for the default action.
    public func ruleID(at index: UInt16) -> String {
        index == Self.defaultRuleIndex || Int(index) >= ruleIDs.count ? "default" : ruleIDs[Int(index)]
    }

    public static let defaultRuleIndex: UInt16 = 0xffff
}

public struct CompiledExec: Sendable, Hashable {
    public var defaultAction: RuntimeAction
    /// One entry per distinct file; when several rules name the same file the first wins.
    public var entries: [ExecEntry]

    public init(defaultAction: RuntimeAction, entries: [ExecEntry]) {
        self.defaultAction = defaultAction
        self.entries = entries
    }

    public struct ExecEntry: Sendable, Hashable {
        public var identity: FileIdentity
        /// The path the rule named (for events and messages).
        public var path: String
        /// Lower-case hex SHA-256, when the rule asked for one (checked in user space by the fanotify backend).
        public var sha256: String?
        public var action: RuntimeAction
        /// For interpreters: what inline code (`-c`) gets; nil = not an interpreter rule.
        public var inlineCode: RuntimeAction?
        /// Script globs an interpreter may run (empty = any).
        public var allowedScripts: [String]
        public var ruleIndex: UInt16

        public init(identity: FileIdentity, path: String, sha256: String? = nil, action: RuntimeAction,
                    inlineCode: RuntimeAction? = nil, allowedScripts: [String] = [], ruleIndex: UInt16) {
            self.identity = identity
            self.path = path
            self.sha256 = sha256
            self.action = action
            self.inlineCode = inlineCode
            self.allowedScripts = allowedScripts
            self.ruleIndex = ruleIndex
        }
    }
}

public struct CompiledNetwork: Sendable, Hashable {
    public var defaultAction: RuntimeAction
    public var prefixes: [Prefix]

    public init(defaultAction: RuntimeAction, prefixes: [Prefix]) {
        self.defaultAction = defaultAction
        self.prefixes = prefixes
    }

    /// One LPM entry: 16 address bytes (IPv4 as `::ffff:a.b.c.d`) and a prefix length over those 128 bits
    /// (an IPv4 `/8` is 104).
    public struct Prefix: Sendable, Hashable {
        public var address: [UInt8]
        public var prefixLength: Int
        /// First match wins; at most `maximumPortRules` (more is a compile error naming the CIDR).
        public var ports: [PortRule]

        public init(address: [UInt8], prefixLength: Int, ports: [PortRule]) {
            self.address = address
            self.prefixLength = prefixLength
            self.ports = ports
        }
    }

    public struct PortRule: Sendable, Hashable {
        public var ports: ClosedRange<Int>
        public var protocols: Set<TransportProtocol>
        public var action: RuntimeAction
        public var ruleIndex: UInt16

        public init(ports: ClosedRange<Int>, protocols: Set<TransportProtocol>, action: RuntimeAction, ruleIndex: UInt16) {
            self.ports = ports
            self.protocols = protocols
            self.action = action
            self.ruleIndex = ruleIndex
        }
    }

    /// `BW_MAX_PORT_RULES` in bulwark_maps.h.
    public static let maximumPortRules = 16
}
