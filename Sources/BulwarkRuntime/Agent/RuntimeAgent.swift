import Foundation
import Synchronization

/// The runtime's one entry point for commands and tests: probes the machine, chooses the backends
/// (`BackendPlan`), installs compiled policies on cgroups through them, and turns what they report into
/// `RuntimeEvent`s for the sinks.
///
/// The plans:
/// - `lsm`: the BPF LSM programs decide exec, connect and sendmsg (`EPERM` before anything happens).
/// - `cgroup+fanotify`: cgroup sock_addr programs decide the network (`EPERM`); fanotify's exec-permission
///   events decide exec in this process (`EPERM`); the exec tracepoint is loaded too, with the same denials,
///   as the backstop that keeps exec fail-closed when this process dies (fanotify then lets everything through)
///   and that sees what no fanotify mark reaches (memfd executables). Alerts come from fanotify only, so an
///   exec is not reported twice.
/// - `cgroup+tracepoint`: cgroup sock_addr for the network; exec is killed right after it happened.
public final class RuntimeAgent: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// nil: the best plan the probes allow (or `BULWARK_RUNTIME_PLAN` from the environment).
        public var plan: BackendPlan?
        /// Where programs, links and maps are pinned so enforcement outlives this process; nil: not pinned
        /// (enforcement ends with the process — `bulwark runtime run`).
        public var pinDirectory: String?

        public init(plan: BackendPlan? = nil, pinDirectory: String? = nil) {
            self.plan = plan
            self.pinDirectory = pinDirectory
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// What is enforced where.
    public struct Enforcement: Sendable, Hashable {
        public var cgroup: Cgroup
        public var policy: CompiledPolicy
        public var policyID: UInt32
    }

    public let plan: BackendPlan
    public let probes: [BackendProbe]
    private let kernel: KernelEnforcer
    private let fanotify: FanotifyExecGuard?
    private let onEvent: @Sendable (RuntimeEvent) -> Void
    private let state = Mutex<[UInt32: Enforcement]>([:])
    private let unattributed = Atomic<Int>(0)

    /// Kernel events about cgroups this agent does not enforce on (left pinned by an earlier agent).
    public var unattributedEvents: Int { unattributed.load(ordering: .relaxed) }

    /// Every mechanism's probe: the kernel programs', fanotify's and cgroup v2's.
    public static func probe() -> [BackendProbe] {
        var probes = [cgroupProbe()]
        probes += KernelEnforcer.probe()
        probes.append(FanotifyExecGuard.probe())
        return probes
    }

    /// The plan named by `BULWARK_RUNTIME_PLAN` (`lsm`, `cgroup+fanotify`, `cgroup+tracepoint`), if any.
    public static var environmentPlan: BackendPlan? {
        ProcessInfo.processInfo.environment["BULWARK_RUNTIME_PLAN"].flatMap(BackendPlan.init(rawValue:))
    }

    public init(configuration: Configuration = Configuration(), probes given: [BackendProbe]? = nil,
                onEvent: @escaping @Sendable (RuntimeEvent) -> Void) throws {
        let probes = given ?? Self.probe()
        self.probes = probes
        guard let plan = configuration.plan ?? Self.environmentPlan ?? BackendPlan.choose(probes) else {
            let reasons = probes.filter { !$0.works }.map { "\($0.mechanism.rawValue): \($0.detail)" }
            throw Failure("no enforcement backend works on this machine (\(reasons.joined(separator: "; ")))")
        }
        self.plan = plan
        self.onEvent = onEvent
        kernel = try KernelEnforcer(plan: plan == .lsm ? .lsm : .cgroupAndTracepoint, pinDirectory: configuration.pinDirectory)
        fanotify = plan == .cgroupAndFanotify ? try FanotifyExecGuard(onEvent: onEvent) : nil
        try kernel.startEvents { [weak self] event in
            guard let self else { return }
            guard let known = self.state.withLock({ $0[event.policyID] }) else {
                // A decision for a cgroup this agent does not enforce on: pinned by an earlier agent and not taken
                // over (yet). Counted, not reported: the policy's rule names are not known here.
                self.unattributed.add(1, ordering: .relaxed)
                return
            }
            self.onEvent(event.runtimeEvent(policy: known.policy, cgroupPath: known.cgroup.path))
        }
    }

    /// The policy id of a cgroup: the low 32 bits of its id, so a restarted agent finds the entries a previous
    /// one pinned for the same cgroup.
    public static func policyID(of cgroup: Cgroup) -> UInt32 { UInt32(truncatingIfNeeded: cgroup.id) }

    /// Installs `policy` on `cgroup` (and its descendants) in every backend of the plan.
    @discardableResult
    public func enforce(_ policy: CompiledPolicy, on cgroup: Cgroup) throws -> Enforcement {
        let id = Self.policyID(of: cgroup)
        let enforcement = Enforcement(cgroup: cgroup, policy: policy, policyID: id)
        state.withLock { $0[id] = enforcement }
        do {
            if let fanotify, policy.exec != nil {
                try kernel.enforce(Self.backstop(policy), policyID: id, on: cgroup)
                try fanotify.enforce(policy, on: cgroup)
            } else {
                try kernel.enforce(policy, policyID: id, on: cgroup)
            }
        } catch {
            state.withLock { _ = $0.removeValue(forKey: id) }
            try? kernel.release(cgroup, policyID: id)
            fanotify?.release(cgroup)
            throw error
        }
        return enforcement
    }

    /// The policy the exec tracepoint gets under `cgroup+fanotify`: the same denials (the backstop), but alerts
    /// turned into allows, since fanotify reports those.
    static func backstop(_ policy: CompiledPolicy) -> CompiledPolicy {
        guard var exec = policy.exec else { return policy }
        var copy = policy
        if exec.defaultAction == .alert { exec.defaultAction = .allow }
        exec.entries = exec.entries.map { entry in
            var entry = entry
            if entry.action == .alert { entry.action = .allow }
            if entry.inlineCode == .alert { entry.inlineCode = .allow }
            return entry
        }
        copy.exec = exec
        return copy
    }

    /// Removes the policy from `cgroup` in every backend (and unpins it).
    public func release(_ cgroup: Cgroup) throws {
        let id = Self.policyID(of: cgroup)
        fanotify?.release(cgroup)
        try kernel.release(cgroup, policyID: id)
        state.withLock { _ = $0.removeValue(forKey: id) }
    }

    public var enforcements: [Enforcement] {
        state.withLock { Array($0.values) }.sorted { $0.cgroup.path < $1.cgroup.path }
    }

    public var kernelCounters: KernelCounters { kernel.counters() }
    public var fanotifyStatistics: FanotifyStatistics? { fanotify?.statistics }

    /// Stops reading events. With `keepEnforcing` the pinned programs and maps stay in force (an agent restart,
    /// or its death: fail-closed for the enforced cgroups); without, every enforcement is released first.
    public func shutdown(keepEnforcing: Bool) {
        if !keepEnforcing {
            for enforcement in enforcements { try? release(enforcement.cgroup) }
        }
        fanotify?.stop()
        kernel.stopEvents()
        kernel.close(unpin: !keepEnforcing)
    }

    static func cgroupProbe() -> BackendProbe {
        guard let mount = Cgroup.v2Mount() else {
            return BackendProbe(mechanism: .cgroupV2, works: false, detail: "no cgroup2 filesystem in /proc/self/mountinfo")
        }
        guard access(mount, W_OK) == 0 else {
            return BackendProbe(mechanism: .cgroupV2, works: false, detail: "\(mount) is not writable (not root?)")
        }
        return BackendProbe(mechanism: .cgroupV2, works: true, detail: "mounted at \(mount)")
    }
}
