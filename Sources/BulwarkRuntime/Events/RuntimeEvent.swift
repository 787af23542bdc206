import Foundation

/// One decision the runtime took (or reported): the seam between the backends (kernel ring buffer, fanotify
/// handler) and the event encoders and sinks. Encoders turn it into Elastic Common Schema or a Tetragon-shaped
/// line; nothing downstream reads kernel structs.
public struct RuntimeEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case exec, connect, sendmsg
    }

    /// What happened to the operation.
    public enum Decision: String, Sendable, Hashable, Codable {
        /// Allowed by a rule that asks to report (rare; allowlist hits are not reported).
        case allowed
        /// Refused before it happened (`EPERM`).
        case denied
        /// Allowed and reported (alert rule or alert default).
        case alerted
        /// Killed right after the exec (the tracepoint backend; the program ran no instruction of its own).
        case killed
    }

    /// Which mechanism decided: `lsm`, `cgroup-sock-addr`, `fanotify`, `tracepoint-kill`.
    public enum Backend: String, Sendable, Hashable, Codable {
        case lsm
        case cgroupSockAddr = "cgroup-sock-addr"
        case fanotify
        case tracepointKill = "tracepoint-kill"
    }

    public struct Process: Sendable, Hashable {
        public var pid: Int32
        public var parentPID: Int32?
        /// The file executed (exec events) or the task's executable when known.
        public var executable: String?
        public var arguments: [String]
        public var sha256: String?
        /// The kernel's command name (15 characters).
        public var name: String?

        public init(pid: Int32, parentPID: Int32? = nil, executable: String? = nil, arguments: [String] = [],
                    sha256: String? = nil, name: String? = nil) {
            self.pid = pid
            self.parentPID = parentPID
            self.executable = executable
            self.arguments = arguments
            self.sha256 = sha256
            self.name = name
        }
    }

    /// Where a network operation was going.
    public struct Destination: Sendable, Hashable {
        /// Text form; an IPv4-mapped IPv6 destination is reported as the IPv4 address.
        public var ip: String
        public var port: UInt16
        public var transport: TransportProtocol

        public init(ip: String, port: UInt16, transport: TransportProtocol) {
            self.ip = ip
            self.port = port
            self.transport = transport
        }
    }

    /// The workload the process belongs to, as far as the agent knows it.
    public struct Workload: Sendable, Hashable {
        public var cgroupID: UInt64
        public var cgroupPath: String?
        /// Parsed from a kubepods cgroup path (`cri-containerd-<id>.scope`, `crio-<id>`, `docker-<id>`).
        public var containerID: String?
        public var podUID: String?
        public var podName: String?
        public var namespace: String?
        public var containerName: String?

        public init(cgroupID: UInt64, cgroupPath: String? = nil, containerID: String? = nil, podUID: String? = nil,
                    podName: String? = nil, namespace: String? = nil, containerName: String? = nil) {
            self.cgroupID = cgroupID
            self.cgroupPath = cgroupPath
            self.containerID = containerID
            self.podUID = podUID
            self.podName = podName
            self.namespace = namespace
            self.containerName = containerName
        }
    }

    public var timestamp: Date
    public var kind: Kind
    public var decision: Decision
    public var backend: Backend
    public var process: Process
    public var destination: Destination?
    public var workload: Workload
    public var policyName: String
    /// The rule that decided; "default" for the policy's default action.
    public var ruleID: String
    /// One human sentence: what was attempted, what the policy said, why.
    public var message: String

    public init(timestamp: Date, kind: Kind, decision: Decision, backend: Backend, process: Process,
                destination: Destination? = nil, workload: Workload, policyName: String, ruleID: String, message: String) {
        self.timestamp = timestamp
        self.kind = kind
        self.decision = decision
        self.backend = backend
        self.process = process
        self.destination = destination
        self.workload = workload
        self.policyName = policyName
        self.ruleID = ruleID
        self.message = message
    }
}

/// Where events go (stdout, a rotated file, syslog, Splunk HEC, Elasticsearch). `submit` never blocks the
/// caller (the kernel ring-buffer reader or the fanotify handler): a sink queues, batches and retries on its
/// own, and counts what it had to drop.
public protocol RuntimeEventSink: Sendable {
    /// A short name for logs and metrics (`stdout`, `file`, `syslog`, `splunk-hec`, `elasticsearch`).
    var name: String { get }
    func submit(_ event: RuntimeEvent)
    /// Sends what is queued; returns when it is sent or given up (counted as dropped).
    func flush() async
    var statistics: SinkStatistics { get }
    /// Flushes, then stops the sink's worker and closes its connections; later events are counted as dropped.
    func close() async
}

extension RuntimeEventSink {
    /// Sinks without connections of their own have nothing to close beyond flushing.
    public func close() async { await flush() }
}

public struct SinkStatistics: Sendable, Hashable {
    public var sent: Int
    public var dropped: Int
    public var retries: Int

    public init(sent: Int = 0, dropped: Int = 0, retries: Int = 0) {
        self.sent = sent
        self.dropped = dropped
        self.retries = retries
    }
}
