import CBulwarkBPF
import Foundation
import Glibc

/// Which set of kernel programs enforces: the BPF LSM (exec, connect and sendmsg refused with `EPERM`), or the
/// fallback of cgroup sock_addr programs (network `EPERM`) plus the exec tracepoint (SIGKILL right after a denied
/// exec). The choice comes from `KernelEnforcer.probe()` through `BackendPlan.choose`.
public enum KernelPlan: String, Sendable {
    case lsm
    case cgroupAndTracepoint

    /// Programs loaded once and attached globally (they judge every task, keyed by its cgroup).
    var globalPrograms: [String] {
        switch self {
        case .lsm: ["bw_lsm_bprm", "bw_lsm_connect", "bw_lsm_sendmsg", "bw_exec_tp_inline"]
        case .cgroupAndTracepoint: ["bw_exec_tp"]
        }
    }

    /// Programs attached to each enforced cgroup.
    var cgroupPrograms: [String] {
        switch self {
        case .lsm: []
        case .cgroupAndTracepoint: ["bw_connect4", "bw_connect6", "bw_sendmsg4", "bw_sendmsg6"]
        }
    }

    static let allPrograms = ["bw_connect4", "bw_connect6", "bw_sendmsg4", "bw_sendmsg6", "bw_exec_tp", "bw_exec_tp_inline",
                              "bw_lsm_bprm", "bw_lsm_connect", "bw_lsm_sendmsg"]
}

/// The kernel's decisions summed over CPUs (`bw_counters`).
public struct KernelCounters: Sendable, Hashable {
    public var eventsDropped, netAllowed, netDenied, netAlerted, execAllowed, execDenied, execAlerted: UInt64

    public init(eventsDropped: UInt64 = 0, netAllowed: UInt64 = 0, netDenied: UInt64 = 0, netAlerted: UInt64 = 0,
                execAllowed: UInt64 = 0, execDenied: UInt64 = 0, execAlerted: UInt64 = 0) {
        self.eventsDropped = eventsDropped
        self.netAllowed = netAllowed
        self.netDenied = netDenied
        self.netAlerted = netAlerted
        self.execAllowed = execAllowed
        self.execDenied = execDenied
        self.execAlerted = execAlerted
    }
}

/// A failure of the kernel side, with libbpf's log when it has one (the verifier's reasons).
public struct KernelError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func errno(_ what: String, _ code: Int32) -> KernelError {
        KernelError("\(what): \(String(cString: strerror(abs(code))))")
    }
}

/// Loads Bulwark's BPF object, keeps its maps filled from compiled policies and attaches its programs.
///
/// Lifetime: with a pin directory (bpffs), maps and links are pinned there, so enforcement stays in force when the
/// agent stops or dies (fail-closed), and the next `KernelEnforcer` on the same directory reuses the maps and finds
/// the links. Without one (tests), everything goes when `close` is called or the process ends. Several enforcers may
/// live in one process on different pin directories (or none): each has its own maps and programs, and a cgroup is
/// judged by the enforcer that attached to it (LSM and tracepoint programs of other enforcers find no policy for it
/// in their own maps).
public final class KernelEnforcer: @unchecked Sendable {
    public let plan: KernelPlan
    public let pinDirectory: String?

    private let lock = NSLock()
    private var object: OpaquePointer?
    private let policiesFD, netFD, execFD, eventsFD, countersFD: Int32
    /// Links this instance holds (closing them detaches unless they are pinned), by cgroup id.
    private var cgroupLinks: [UInt64: [OpaquePointer]] = [:]
    private var globalLinks: [OpaquePointer] = []
    private var events: EventReader?

    // MARK: probing

    /// What works on this machine, each by a real attempt: the LSM list and a load of the LSM program (this VM kind
    /// refuses it with EPERM and an empty verifier log), a load of the cgroup and tracepoint programs, the ring buffer
    /// and bpffs.
    public static func probe() -> [BackendProbe] {
        guard bw_libbpf_open() == 0 else {
            let why = String(cString: bw_libbpf_error())
            return [BackendProbe.Mechanism.bpfLSM, .cgroupSockAddr, .tracepointKill, .ringBuffer, .bpffsPinning].map {
                BackendProbe(mechanism: $0, works: false, detail: why)
            }
        }
        var probes: [BackendProbe] = []

        // BPF LSM: `bpf` in the active LSM list is necessary (else LSM programs load and never run) but not sufficient.
        switch KernelFilesystems.activeLSMs() {
        case .failure(let error):
            probes.append(BackendProbe(mechanism: .bpfLSM, works: false, detail: error.description))
        case .success(let list) where !list.split(separator: ",").contains("bpf"):
            probes.append(BackendProbe(mechanism: .bpfLSM, works: false,
                                       detail: "bpf is not in /sys/kernel/security/lsm (\(list)); boot with lsm=…,bpf"))
        case .success:
            let result = bw_probe_program("bw_lsm_bprm")
            probes.append(result == 0
                ? BackendProbe(mechanism: .bpfLSM, works: true, detail: "bpf in the LSM list; lsm.s/bprm_check_security loaded")
                : BackendProbe(mechanism: .bpfLSM, works: false,
                               detail: "bpf in the LSM list, but BPF_PROG_LOAD of lsm.s/bprm_check_security failed: "
                                   + String(cString: strerror(abs(result)))))
        }

        let cgroup = bw_probe_program("bw_connect4")
        let hasV2 = Cgroup.v2Mount() != nil
        probes.append(BackendProbe(mechanism: .cgroupSockAddr, works: cgroup == 0 && hasV2,
                                   detail: !hasV2 ? "no cgroup-v2 hierarchy is mounted"
                                       : cgroup == 0 ? "cgroup/connect4 loaded"
                                       : "BPF_PROG_LOAD of cgroup/connect4 failed: \(String(cString: strerror(abs(cgroup))))"))
        let tracepoint = bw_probe_program("bw_exec_tp")
        probes.append(BackendProbe(mechanism: .tracepointKill, works: tracepoint == 0,
                                   detail: tracepoint == 0 ? "tp_btf/sched_process_exec loaded"
                                       : "BPF_PROG_LOAD of tp_btf/sched_process_exec failed: \(String(cString: strerror(abs(tracepoint))))"))
        // Every probe load creates the object's maps, the ring buffer among them.
        let anyLoaded = cgroup == 0 || tracepoint == 0
        probes.append(BackendProbe(mechanism: .ringBuffer, works: anyLoaded,
                                   detail: anyLoaded ? "BPF_MAP_TYPE_RINGBUF (4 MiB) created" : "no program of the object loaded"))
        switch KernelFilesystems.ensureBPFFS() {
        case .success(let note):
            probes.append(BackendProbe(mechanism: .bpffsPinning, works: true, detail: note))
        case .failure(let error):
            probes.append(BackendProbe(mechanism: .bpffsPinning, works: false, detail: error.description))
        }
        bw_libbpf_log_reset()
        return probes
    }

    // MARK: lifecycle

    /// Opens and loads the embedded object for `plan`, reusing maps pinned under `pinDirectory` when present, and
    /// attaches the global programs (tracepoint / LSM) unless links are already pinned there.
    public init(plan: KernelPlan, pinDirectory: String? = "/sys/fs/bpf/bulwark") throws {
        self.plan = plan
        self.pinDirectory = pinDirectory
        guard bw_libbpf_open() == 0 else { throw KernelError(String(cString: bw_libbpf_error())) }
        if let pinDirectory {
            if case .failure(let error) = KernelFilesystems.ensureBPFFS(for: pinDirectory) { throw error }
            try KernelFilesystems.makeDirectories(pinDirectory)
        }

        bw_libbpf_log_reset()
        guard let object = bw_object_open() else { throw KernelError.errno("opening the embedded BPF object", errno) }
        var loaded = false
        defer { if !loaded { bw_object_close(object) } }
        let wanted = Set(plan.globalPrograms + plan.cgroupPrograms)
        for program in KernelPlan.allPrograms {
            let result = bw_program_set_autoload(object, program, wanted.contains(program) ? 1 : 0)
            guard result == 0 else { throw KernelError.errno("autoload of \(program)", result) }
        }
        if let pinDirectory {
            for map in Self.maps {
                let result = bw_map_set_pin_path(object, map, pinDirectory + "/" + map)
                guard result == 0 else { throw KernelError.errno("pin path of \(map)", result) }
            }
        }
        let result = bw_object_load(object)
        guard result == 0 else {
            throw KernelError("loading the BPF programs (\(plan.rawValue)) failed: \(String(cString: strerror(abs(result))))"
                + Self.takeLog())
        }
        func fd(_ name: String) throws -> Int32 {
            let fd = bw_map_fd(object, name)
            guard fd >= 0 else { throw KernelError.errno("map \(name)", fd) }
            return fd
        }
        policiesFD = try fd("bw_policies")
        netFD = try fd("bw_net")
        execFD = try fd("bw_exec")
        eventsFD = try fd("bw_events")
        countersFD = try fd("bw_counters")
        loaded = true
        self.object = object

        for program in plan.globalPrograms {
            let pin = pinDirectory.map { $0 + "/" + program }
            if let pin, let existing = bw_link_open(pin) {
                bw_link_destroy(existing)  // a previous agent's link is in force; keep it
                continue
            }
            guard let link = bw_program_attach(object, program) else {
                let code = errno
                close(unpin: false)
                throw KernelError("attaching \(program) failed: \(String(cString: strerror(code)))" + Self.takeLog())
            }
            if let pin {
                let pinned = bw_link_pin(link, pin)
                if pinned != 0 {
                    bw_link_destroy(link)
                    close(unpin: false)
                    throw KernelError.errno("pinning \(pin)", pinned)
                }
            }
            globalLinks.append(link)
        }
    }

    deinit {
        close(unpin: false)
    }

    static let maps = ["bw_policies", "bw_net", "bw_exec", "bw_events", "bw_counters"]

    /// libbpf's log since the last reset, as a suffix for an error message.
    private static func takeLog() -> String {
        guard let copy = bw_libbpf_log_copy() else { return "" }
        defer { free(copy) }
        let text = String(cString: copy).trimmingCharacters(in: .whitespacesAndNewlines)
        bw_libbpf_log_reset()
        guard !text.isEmpty else { return "" }
        // The verifier's reason is at the end of a long log.
        let lines = text.split(separator: "\n")
        return "\nlibbpf:\n" + lines.suffix(40).joined(separator: "\n")
    }

    // MARK: enforcement

    /// Puts `policy` in force for the processes of `cgroup` and its descendants: its exec and network entries under
    /// `policyID` (replacing earlier ones of that id), then the cgroup → policy entry that switches them on, then (fallback
    /// plan) the cgroup programs, attached once per cgroup and pinned under `<pinDirectory>/<cgroup id>/`.
    public func enforce(_ policy: CompiledPolicy, policyID: UInt32, on cgroup: Cgroup) throws {
        let net = try Self.netEntries(policy, policyID: policyID)
        let exec = Self.execEntries(policy, policyID: policyID)
        lock.lock()
        defer { lock.unlock() }
        guard let object else { throw KernelError("the kernel enforcer is closed") }

        // New entries first, stale ones after: a policy being replaced never passes through an empty allowlist.
        let stale = existingKeys(policyID: policyID)
        var writtenNet = Set<[UInt8]>(), writtenExec = Set<[UInt8]>()
        for (key, value) in net {
            var key = key, value = value
            let result = bw_map_update(netFD, &key, &value, 0)
            guard result == 0 else { throw KernelError.errno("bw_net update for policy \(policy.name)", result) }
            writtenNet.insert(Self.bytes(of: key))
        }
        for (key, value) in exec {
            var key = key, value = value
            let result = bw_map_update(execFD, &key, &value, 0)
            guard result == 0 else { throw KernelError.errno("bw_exec update for policy \(policy.name)", result) }
            writtenExec.insert(Self.bytes(of: key))
        }
        for var key in stale.net where !writtenNet.contains(Self.bytes(of: key)) { _ = bw_map_delete(netFD, &key) }
        for var key in stale.exec where !writtenExec.contains(Self.bytes(of: key)) { _ = bw_map_delete(execFD, &key) }
        var id = cgroup.id
        var entry = bw_policy(policy_id: policyID,
                              net_enforced: policy.network == nil ? 0 : 1,
                              net_default: KernelVerdict.raw(policy.network?.defaultAction ?? .allow),
                              exec_enforced: policy.exec == nil ? 0 : 1,
                              exec_default: KernelVerdict.raw(policy.exec?.defaultAction ?? .allow))
        let result = bw_map_update(policiesFD, &id, &entry, 0)
        guard result == 0 else { throw KernelError.errno("bw_policies update for \(cgroup.path)", result) }

        guard !plan.cgroupPrograms.isEmpty, cgroupLinks[cgroup.id] == nil else { return }
        let directory = pinDirectory.map { "\($0)/\(cgroup.id)" }
        if let directory, plan.cgroupPrograms.allSatisfy({ FileManager.default.fileExists(atPath: directory + "/" + $0) }) {
            return  // attached by an earlier agent; the pins keep the links in force
        }
        let descriptor = try cgroup.openDescriptor()
        defer { Glibc.close(descriptor) }
        if let directory { try KernelFilesystems.makeDirectories(directory) }
        var links: [OpaquePointer] = []
        for program in plan.cgroupPrograms {
            guard let link = bw_program_attach_cgroup(object, program, descriptor) else {
                let code = errno
                for link in links { _ = bw_link_detach(link); bw_link_destroy(link) }
                throw KernelError("attaching \(program) to \(cgroup.path) failed: \(String(cString: strerror(code)))"
                    + Self.takeLog())
            }
            links.append(link)
            if let directory {
                let path = directory + "/" + program
                unlink(path)  // a stale pin of a detached link
                let pinned = bw_link_pin(link, path)
                guard pinned == 0 else {
                    for link in links { _ = bw_link_detach(link); bw_link_destroy(link) }
                    throw KernelError.errno("pinning \(path)", pinned)
                }
            }
        }
        cgroupLinks[cgroup.id] = links
    }

    /// Stops enforcing on `cgroup`: its policy entry goes, its cgroup programs are detached and unpinned (including links
    /// pinned by an earlier agent), and the exec/network entries of `policyID` are deleted unless another cgroup still
    /// uses that policy id.
    public func release(_ cgroup: Cgroup, policyID: UInt32) throws {
        lock.lock()
        defer { lock.unlock() }
        guard object != nil else { throw KernelError("the kernel enforcer is closed") }
        var id = cgroup.id
        let deleted = bw_map_delete(policiesFD, &id)
        guard deleted == 0 || deleted == -ENOENT else { throw KernelError.errno("bw_policies delete for \(cgroup.path)", deleted) }

        var problems: [String] = []
        if let links = cgroupLinks.removeValue(forKey: cgroup.id) {
            for link in links {
                let result = bw_link_detach(link)
                if result != 0 && result != -ENOENT { problems.append("detach: \(String(cString: strerror(abs(result))))") }
                bw_link_destroy(link)
            }
        }
        if let pinDirectory {
            let directory = "\(pinDirectory)/\(cgroup.id)"
            problems += Self.detachPinnedLinks(in: directory, names: KernelPlan.cgroupAndTracepoint.cgroupPrograms)
            if rmdir(directory) != 0 && errno != ENOENT {
                problems.append("rmdir \(directory): \(String(cString: strerror(errno)))")
            }
        }
        if try !policyIDInUse(policyID) { try deleteEntries(policyID: policyID) }
        if !problems.isEmpty { throw KernelError("releasing \(cgroup.path): " + problems.joined(separator: "; ")) }
    }

    /// Detaches and unpins the links pinned as `directory/<name>`; returns what failed.
    private static func detachPinnedLinks(in directory: String, names: [String]) -> [String] {
        var problems: [String] = []
        for name in names {
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            if let link = bw_link_open(path) {
                let result = bw_link_detach(link)
                if result != 0 && result != -ENOENT { problems.append("detach \(path): \(String(cString: strerror(abs(result))))") }
                bw_link_destroy(link)
            } else {
                problems.append("open \(path): \(String(cString: strerror(errno)))")
            }
            if unlink(path) != 0 && errno != ENOENT { problems.append("unlink \(path): \(String(cString: strerror(errno)))") }
        }
        return problems
    }

    // MARK: events and counters

    /// Starts a dedicated thread that polls the ring buffer and calls `handler` for each decoded event (on that thread).
    /// Records that do not decode (an object from another bulwark_maps.h) are skipped.
    public func startEvents(_ handler: @escaping @Sendable (KernelEvent) -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        guard object != nil else { throw KernelError("the kernel enforcer is closed") }
        guard events == nil else { throw KernelError("events are already being read") }
        events = try EventReader(mapFD: eventsFD, handler: handler)
    }

    public func stopEvents() {
        lock.lock()
        let reader = events
        events = nil
        lock.unlock()
        reader?.stop()
    }

    /// The per-CPU counters summed; zeros when the enforcer is closed.
    public func counters() -> KernelCounters {
        lock.lock()
        defer { lock.unlock() }
        guard object != nil else { return KernelCounters() }
        let cpus = max(Int(bw_num_possible_cpus()), 1)
        var totals = [UInt64](repeating: 0, count: Int(BW_CNT_MAX.rawValue))
        for index in 0..<UInt32(BW_CNT_MAX.rawValue) {
            var key = index
            var values = [UInt64](repeating: 0, count: cpus)
            if bw_map_lookup(countersFD, &key, &values) == 0 { totals[Int(index)] = values.reduce(0, &+) }
        }
        return KernelCounters(eventsDropped: totals[Int(BW_CNT_EVENTS_DROPPED.rawValue)],
                              netAllowed: totals[Int(BW_CNT_NET_ALLOWED.rawValue)],
                              netDenied: totals[Int(BW_CNT_NET_DENIED.rawValue)],
                              netAlerted: totals[Int(BW_CNT_NET_ALERTED.rawValue)],
                              execAllowed: totals[Int(BW_CNT_EXEC_ALLOWED.rawValue)],
                              execDenied: totals[Int(BW_CNT_EXEC_DENIED.rawValue)],
                              execAlerted: totals[Int(BW_CNT_EXEC_ALERTED.rawValue)])
    }

    /// Stops events and lets go of the object. `unpin: false` leaves pinned maps and links in force (an agent restart,
    /// or death: fail-closed); `unpin: true` detaches every link pinned under the pin directory and removes the pins
    /// (the policies go with the maps). Without a pin directory everything is detached either way.
    public func close(unpin: Bool) {
        stopEvents()
        lock.lock()
        defer { lock.unlock() }
        guard let object else { return }
        for link in globalLinks + cgroupLinks.values.flatMap({ $0 }) {
            if unpin { _ = bw_link_detach(link) }
            bw_link_destroy(link)
        }
        globalLinks = []
        cgroupLinks = [:]
        if unpin, let pinDirectory {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: pinDirectory)) ?? []
            for entry in entries where UInt64(entry) != nil {
                _ = Self.detachPinnedLinks(in: "\(pinDirectory)/\(entry)", names: KernelPlan.cgroupAndTracepoint.cgroupPrograms)
                rmdir("\(pinDirectory)/\(entry)")
            }
            _ = Self.detachPinnedLinks(in: pinDirectory, names: KernelPlan.lsm.globalPrograms + KernelPlan.cgroupAndTracepoint.globalPrograms)
            for map in Self.maps { unlink(pinDirectory + "/" + map) }
            rmdir(pinDirectory)
        }
        bw_object_close(object)
        self.object = nil
    }

    // MARK: map contents

    static func execEntries(_ policy: CompiledPolicy, policyID: UInt32) -> [(bw_exec_key, bw_exec_value)] {
        guard let exec = policy.exec else { return [] }
        var seen = Set<FileIdentity>()
        return exec.entries.compactMap { entry in
            guard seen.insert(entry.identity).inserted else { return nil }  // first rule naming a file wins
            var flags: UInt8 = 0
            switch entry.inlineCode {
            case .deny?: flags = UInt8(BW_EXEC_DENY_INLINE)
            case .alert?: flags = UInt8(BW_EXEC_ALERT_INLINE)
            case .allow?, nil: flags = 0
            }
            let key = bw_exec_key(policy_id: policyID, _pad: 0, dev: entry.identity.device, ino: entry.identity.inode)
            let value = bw_exec_value(verdict: KernelVerdict.raw(entry.action), flags: flags, rule_index: entry.ruleIndex, _pad: 0)
            return (key, value)
        }
    }

    static func netEntries(_ policy: CompiledPolicy, policyID: UInt32) throws -> [(bw_net_key, bw_net_value)] {
        guard let network = policy.network else { return [] }
        return try network.prefixes.map { prefix in
            guard prefix.address.count == 16, (0...128).contains(prefix.prefixLength) else {
                throw KernelError("policy \(policy.name): a prefix must have 16 address bytes and a length of 0...128")
            }
            guard prefix.ports.count <= CompiledNetwork.maximumPortRules else {
                throw KernelError("policy \(policy.name): more than \(CompiledNetwork.maximumPortRules) port rules for one prefix")
            }
            var key = bw_net_key()
            key.prefixlen = UInt32(32 + prefix.prefixLength)
            key.policy_id = policyID.bigEndian
            withUnsafeMutableBytes(of: &key.addr) { $0.copyBytes(from: prefix.address) }
            var value = bw_net_value()
            value.count = UInt32(prefix.ports.count)
            withUnsafeMutableBytes(of: &value.rules) { raw in
                let rules = raw.bindMemory(to: bw_port_rule.self)
                for (index, port) in prefix.ports.enumerated() {
                    var protocols: UInt8 = 0
                    if port.protocols.contains(.tcp) { protocols |= UInt8(BW_PROTO_TCP) }
                    if port.protocols.contains(.udp) { protocols |= UInt8(BW_PROTO_UDP) }
                    rules[index] = bw_port_rule(port_lo: UInt16(clamping: port.ports.lowerBound),
                                                port_hi: UInt16(clamping: port.ports.upperBound),
                                                protocols: protocols, verdict: KernelVerdict.raw(port.action),
                                                rule_index: port.ruleIndex)
                }
            }
            return (key, value)
        }
    }

    /// The bw_exec and bw_net keys of `policyID` (collected before any delete: deleting while walking a hash map
    /// restarts the walk).
    private func existingKeys(policyID: UInt32) -> (exec: [bw_exec_key], net: [bw_net_key]) {
        var execKeys: [bw_exec_key] = []
        Self.walk(execFD, as: bw_exec_key.self) { if $0.policy_id == policyID { execKeys.append($0) } }
        var netKeys: [bw_net_key] = []
        Self.walk(netFD, as: bw_net_key.self) { if $0.policy_id == policyID.bigEndian { netKeys.append($0) } }
        return (execKeys, netKeys)
    }

    private func deleteEntries(policyID: UInt32) throws {
        let keys = existingKeys(policyID: policyID)
        for var key in keys.exec {
            let result = bw_map_delete(execFD, &key)
            guard result == 0 || result == -ENOENT else { throw KernelError.errno("bw_exec delete", result) }
        }
        for var key in keys.net {
            let result = bw_map_delete(netFD, &key)
            guard result == 0 || result == -ENOENT else { throw KernelError.errno("bw_net delete", result) }
        }
    }

    private static func bytes<T>(of value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    private func policyIDInUse(_ policyID: UInt32) throws -> Bool {
        var keys: [UInt64] = []
        Self.walk(policiesFD, as: UInt64.self) { keys.append($0) }
        for var key in keys {
            var value = bw_policy()
            if bw_map_lookup(policiesFD, &key, &value) == 0 && value.policy_id == policyID { return true }
        }
        return false
    }

    private static func walk<Key>(_ fd: Int32, as _: Key.Type, _ body: (Key) -> Void) {
        let size = MemoryLayout<Key>.size
        var current = [UInt8](repeating: 0, count: size)
        var next = [UInt8](repeating: 0, count: size)
        var first = true
        // A bounded walk: map sizes are bounded, so is this loop (the bound guards against a concurrent writer).
        for _ in 0..<(1 << 20) {
            let result = first ? bw_map_next_key(fd, nil, &next) : bw_map_next_key(fd, &current, &next)
            guard result == 0 else { return }
            first = false
            body(next.withUnsafeBytes { $0.loadUnaligned(as: Key.self) })
            current = next
        }
    }
}
