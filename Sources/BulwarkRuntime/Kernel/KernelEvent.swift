import CBulwarkBPF
import Foundation
import Glibc

/// Which kernel program decided (`enum bw_hook` in bulwark_maps.h).
public enum KernelHook: UInt8, Sendable, Hashable {
    case lsmBprm = 1
    case lsmConnect = 2
    case lsmSendmsg = 3
    case cgroupConnect = 4
    case cgroupSendmsg = 5
    case tracepointExec = 6

    /// The backend name events carry.
    public var backend: RuntimeEvent.Backend {
        switch self {
        case .lsmBprm, .lsmConnect, .lsmSendmsg: .lsm
        case .cgroupConnect, .cgroupSendmsg: .cgroupSockAddr
        case .tracepointExec: .tracepointKill
        }
    }
}

/// One ring-buffer record (`struct bw_event`), every field decoded. Only deny and alert decisions are recorded
/// (allowlist hits never are).
public struct KernelEvent: Sendable, Hashable {
    public var kind: RuntimeEvent.Kind
    /// The verdict the kernel applied.
    public var verdict: RuntimeAction
    public var hook: KernelHook
    /// Thread-group id (what user space calls the pid).
    public var pid: Int32
    public var tid: Int32
    /// The parent's pid (exec events; 0 when the hook cannot see the parent).
    public var ppid: Int32
    /// The task's own cgroup-v2 id (the policy may belong to an ancestor).
    public var cgroupID: UInt64
    public var policyID: UInt32
    /// The rule that decided; `CompiledPolicy.defaultRuleIndex` for the default action.
    public var ruleIndex: UInt16
    /// Network events: where the call was going (IPv4-mapped IPv6 reported as IPv4).
    public var destination: RuntimeEvent.Destination?
    /// Exec events: the executed file.
    public var file: FileIdentity?
    /// The task's command name (comm, at most 15 characters).
    public var command: String
    /// Exec events: the path given to execve (`bprm->filename`).
    public var filename: String
    /// Exec events: argv as read by the tracepoint, truncated to 128 bytes (empty from the LSM hook, which runs
    /// before the new image's argv is readable).
    public var arguments: [String]
    public var timestamp: Date

    public init(kind: RuntimeEvent.Kind, verdict: RuntimeAction, hook: KernelHook, pid: Int32, tid: Int32, ppid: Int32,
                cgroupID: UInt64, policyID: UInt32, ruleIndex: UInt16, destination: RuntimeEvent.Destination? = nil,
                file: FileIdentity? = nil, command: String = "", filename: String = "", arguments: [String] = [],
                timestamp: Date) {
        self.kind = kind
        self.verdict = verdict
        self.hook = hook
        self.pid = pid
        self.tid = tid
        self.ppid = ppid
        self.cgroupID = cgroupID
        self.policyID = policyID
        self.ruleIndex = ruleIndex
        self.destination = destination
        self.file = file
        self.command = command
        self.filename = filename
        self.arguments = arguments
        self.timestamp = timestamp
    }

    /// Decodes a ring-buffer record; nil when it is short or names an unknown kind, verdict or hook (an object
    /// built from a different bulwark_maps.h).
    public init?(record: UnsafeRawBufferPointer) {
        guard record.count >= MemoryLayout<bw_event>.size, let base = record.baseAddress else { return nil }
        // Ring-buffer records are 8-byte aligned; copy anyway so any buffer (tests) decodes.
        var raw = bw_event()
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: $0.count)) }
        self.init(raw)
    }

    init?(_ raw: bw_event) {
        let kind: RuntimeEvent.Kind
        switch UInt32(raw.kind) {
        case BW_EVENT_EXEC.rawValue: kind = .exec
        case BW_EVENT_CONNECT.rawValue: kind = .connect
        case BW_EVENT_SENDMSG.rawValue: kind = .sendmsg
        default: return nil
        }
        guard let verdict = KernelVerdict.action(raw.verdict), let hook = KernelHook(rawValue: raw.hook) else { return nil }
        self.kind = kind
        self.verdict = verdict
        self.hook = hook
        pid = Int32(bitPattern: raw.pid)
        tid = Int32(bitPattern: raw.tid)
        ppid = Int32(bitPattern: raw.ppid)
        cgroupID = raw.cgroup_id
        policyID = raw.policy_id
        ruleIndex = raw.rule_index
        command = Self.string(raw.comm)
        timestamp = Self.wallClock(bootNanoseconds: raw.timestamp_ns)
        if kind == .exec {
            file = FileIdentity(device: raw.dev, inode: raw.ino)
            filename = Self.string(raw.filename)
            arguments = Self.strings(raw.args)
            destination = nil
        } else {
            file = nil
            filename = ""
            arguments = []
            let address = withUnsafeBytes(of: raw.addr) { Array($0) }
            let transport: TransportProtocol = raw.`protocol` == UInt8(BW_PROTO_UDP) ? .udp : .tcp
            destination = RuntimeEvent.Destination(ip: Self.addressText(address, family: raw.family), port: raw.port,
                                                   transport: transport)
        }
    }

    /// The event for sinks: the decision as the process saw it, the policy's names, a one-sentence message.
    public func runtimeEvent(policy: CompiledPolicy, cgroupPath: String?) -> RuntimeEvent {
        let decision: RuntimeEvent.Decision = switch verdict {
        case .deny: kind == .exec && hook == .tracepointExec ? .killed : .denied
        case .alert: .alerted
        case .allow: .allowed
        }
        let ruleID = policy.ruleID(at: ruleIndex)
        let executable = kind == .exec ? (filename.isEmpty ? nil : filename) : nil
        let process = RuntimeEvent.Process(pid: pid, parentPID: ppid == 0 ? nil : ppid, executable: executable,
                                           arguments: arguments, name: command.isEmpty ? nil : command)
        let kubepods = cgroupPath.map { KubepodsPath(path: $0) }
        let workload = RuntimeEvent.Workload(cgroupID: cgroupID, cgroupPath: cgroupPath, containerID: kubepods?.containerID,
                                             podUID: kubepods?.podUID)
        let why = ruleID == "default" ? "the default action of policy \(policy.name)" : "rule \(ruleID) of policy \(policy.name)"
        let who = "\(command.isEmpty ? "process" : command) (pid \(pid))"
        let message: String
        switch kind {
        case .exec:
            let target = filename.isEmpty ? file?.description ?? "a file" : filename
            let verb = switch decision {
            case .killed: "Killed \(who) right after it executed \(target)"
            case .denied: "Refused the exec of \(target) by \(who)"
            case .alerted: "Reported the exec of \(target) by \(who)"
            case .allowed: "Allowed the exec of \(target) by \(who)"
            }
            message = "\(verb), as \(why) says."
        case .connect, .sendmsg:
            let operation = kind == .connect ? "connect" : "send"
            let target = destination.map { "\($0.transport.rawValue.uppercased()) \(Self.endpoint($0))" } ?? "an address"
            let verb = switch decision {
            case .denied, .killed: "Refused the \(operation) to \(target) by \(who)"
            case .alerted: "Reported the \(operation) to \(target) by \(who)"
            case .allowed: "Allowed the \(operation) to \(target) by \(who)"
            }
            message = "\(verb), as \(why) says."
        }
        return RuntimeEvent(timestamp: timestamp, kind: kind, decision: decision, backend: hook.backend, process: process,
                            destination: destination, workload: workload, policyName: policy.name, ruleID: ruleID,
                            message: message)
    }

    static func endpoint(_ destination: RuntimeEvent.Destination) -> String {
        destination.ip.contains(":") ? "[\(destination.ip)]:\(destination.port)" : "\(destination.ip):\(destination.port)"
    }

    /// 16 address bytes → text; family 4 reads the last four (the mapped form).
    static func addressText(_ bytes: [UInt8], family: UInt8) -> String {
        guard bytes.count == 16 else { return "" }
        if family == 4 { return bytes[12...].map(String.init).joined(separator: ".") }
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &storage, &text, socklen_t(text.count)) != nil else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A fixed C char array (imported as a tuple) up to its first NUL.
    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// NUL-separated strings; a trailing empty piece (padding) is dropped.
    static func strings<T>(_ tuple: T) -> [String] {
        withUnsafeBytes(of: tuple) { bytes in
            var pieces = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            while pieces.last == "" { pieces.removeLast() }
            return pieces
        }
    }

    /// CLOCK_BOOTTIME nanoseconds → wall clock, through the current offset between the two clocks.
    static func wallClock(bootNanoseconds: UInt64) -> Date {
        var boot = timespec()
        var real = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        clock_gettime(CLOCK_REALTIME, &real)
        let bootNow = Double(boot.tv_sec) + Double(boot.tv_nsec) / 1e9
        let realNow = Double(real.tv_sec) + Double(real.tv_nsec) / 1e9
        return Date(timeIntervalSince1970: realNow - bootNow + Double(bootNanoseconds) / 1e9)
    }
}

/// `enum bw_verdict` ↔ `RuntimeAction`.
enum KernelVerdict {
    static func action(_ raw: UInt8) -> RuntimeAction? {
        switch UInt32(raw) {
        case BW_ALLOW.rawValue: .allow
        case BW_DENY.rawValue: .deny
        case BW_ALERT.rawValue: .alert
        default: nil
        }
    }

    static func raw(_ action: RuntimeAction) -> UInt8 {
        switch action {
        case .allow: UInt8(BW_ALLOW.rawValue)
        case .deny: UInt8(BW_DENY.rawValue)
        case .alert: UInt8(BW_ALERT.rawValue)
        }
    }
}
