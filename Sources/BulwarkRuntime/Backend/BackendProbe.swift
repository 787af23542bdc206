/// What `bulwark runtime doctor` prints for one mechanism: whether it works on this machine and why not.
public struct BackendProbe: Sendable, Hashable {
    public enum Mechanism: String, Sendable, Hashable, CaseIterable {
        /// BPF LSM: exec (`bprm_check_security`), connect and sendmsg with a real `EPERM`.
        case bpfLSM = "bpf-lsm"
        /// cgroup/connect4|6 and sendmsg4|6: network `EPERM` per cgroup-v2 directory.
        case cgroupSockAddr = "cgroup-sock-addr"
        /// fanotify `FAN_OPEN_EXEC_PERM`: exec `EPERM` decided in user space.
        case fanotifyExec = "fanotify-exec"
        /// tp_btf/sched_process_exec + bpf_send_signal: kill right after a denied exec.
        case tracepointKill = "tracepoint-kill"
        /// Pinning in bpffs, so enforcement outlives the agent.
        case bpffsPinning = "bpffs-pinning"
        /// A ring buffer for events.
        case ringBuffer = "ring-buffer"
        /// cgroup v2 mounted and writable.
        case cgroupV2 = "cgroup-v2"
    }

    public var mechanism: Mechanism
    public var works: Bool
    /// Why not, or what was checked (`bpf not in /sys/kernel/security/lsm`, `BPF_PROG_LOAD: EPERM`).
    public var detail: String

    public init(mechanism: Mechanism, works: Bool, detail: String) {
        self.mechanism = mechanism
        self.works = works
        self.detail = detail
    }
}

/// The enforcement plan the probes lead to, in the order the issue sets: BPF LSM for everything; else cgroup
/// sock_addr for the network plus fanotify for exec (with the exec tracepoint as the fail-closed backstop);
/// else cgroup sock_addr plus the tracepoint kill.
public enum BackendPlan: String, Sendable, Hashable, CaseIterable {
    case lsm
    case cgroupAndFanotify = "cgroup+fanotify"
    case cgroupAndTracepoint = "cgroup+tracepoint"

    public static func choose(_ probes: [BackendProbe]) -> BackendPlan? {
        func works(_ mechanism: BackendProbe.Mechanism) -> Bool {
            probes.contains { $0.mechanism == mechanism && $0.works }
        }
        if works(.bpfLSM) { return .lsm }
        guard works(.cgroupSockAddr) else { return nil }
        if works(.fanotifyExec) { return .cgroupAndFanotify }
        if works(.tracepointKill) { return .cgroupAndTracepoint }
        return nil
    }
}
