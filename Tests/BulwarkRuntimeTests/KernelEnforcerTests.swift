import BulwarkRuntime
import CBulwarkBPF
import Foundation
import Glibc
import Testing

/// The kernel enforcer end to end on this machine: real programs, a fresh cgroup per test, children born inside it
/// (netprobe), the syscall results and the ring-buffer events asserted. Needs root, cgroup v2 and libbpf.so.1; on this
/// VM kind the fallback plan (cgroup sock_addr + exec tracepoint) is what runs (the LSM plan is refused with EPERM).
@Suite struct KernelEnforcerTests {
    // MARK: environment

    /// Why these tests cannot run here, or nil (printed, with SKIPPED-IN-CI under CI).
    static func skipReason() -> String? { RuntimeTestEnvironment.kernelUnavailable("KernelEnforcerTests") }

    private static let counter = RuntimeTestEnvironment.counter

    /// A fresh cgroup under the v2 mount and an open descriptor for spawning into it; the caller removes both.
    struct TestCgroup {
        var cgroup: Cgroup
        var fd: Int32

        init() throws {
            cgroup = try Cgroup.create("bulwark-test-kernel-\(getpid())-\(KernelEnforcerTests.counter.next())")
            fd = try cgroup.openDescriptor()
        }

        func remove() {
            Glibc.close(fd)
            try? cgroup.remove()
        }
    }

    typealias EventLog = Collected<KernelEvent>

    /// A TCP listener on 127.0.0.1 (ephemeral port), the one destination the test policy allows.
    final class Listener {
        let fd: Int32
        let port: UInt16

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw NetProbe.Failure(description: "socket: \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard bound == 0, listen(descriptor, 64) == 0 else {
                Glibc.close(descriptor)
                throw NetProbe.Failure(description: "listener: \(errno)")
            }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            fd = descriptor
            port = UInt16(bigEndian: address.sin_port)
        }

        deinit { Glibc.close(fd) }
    }

    static func mapped(_ ipv4: [UInt8]) -> [UInt8] { [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + ipv4 }

    /// Exec allowlist: netprobe and /usr/bin/true (and /bin/sh, allowed but with inline code denied); egress allows
    /// 127.0.0.1:<port> over TCP and UDP. Rule ids by index: 0 netprobe, 1 true, 2 sh, 3 listener.
    static func policy(allowPort port: UInt16, netDefault: RuntimeAction = .deny, execDefault: RuntimeAction = .deny) throws
        -> CompiledPolicy {
        let probe = try NetProbe.binary.get()
        var entries: [CompiledExec.ExecEntry] = []
        for (index, path) in [probe, "/usr/bin/true", "/bin/sh"].enumerated() {
            guard let identity = FileIdentity(path: path) else { continue }
            entries.append(CompiledExec.ExecEntry(identity: identity, path: path, action: .allow,
                                                  inlineCode: path == "/bin/sh" ? .deny : nil, ruleIndex: UInt16(index)))
        }
        let prefix = CompiledNetwork.Prefix(address: mapped([127, 0, 0, 1]), prefixLength: 128, ports: [
            CompiledNetwork.PortRule(ports: Int(port)...Int(port), protocols: [.tcp, .udp], action: .allow, ruleIndex: 3),
        ])
        return CompiledPolicy(name: "kernel-test", ruleIDs: ["netprobe", "true", "sh", "listener"],
                              exec: CompiledExec(defaultAction: execDefault, entries: entries),
                              network: CompiledNetwork(defaultAction: netDefault, prefixes: [prefix]))
    }

    static let eperm = "errno=\(EPERM)"
    static let refused = "errno=\(ECONNREFUSED)"

    // MARK: tests

    @Test func decodesAnEventRecordAndDescribesIt() throws {
        var raw = bw_event()
        raw.kind = UInt8(BW_EVENT_CONNECT.rawValue)
        raw.verdict = UInt8(BW_DENY.rawValue)
        raw.hook = UInt8(BW_HOOK_CGROUP_CONNECT.rawValue)
        raw.`protocol` = UInt8(BW_PROTO_TCP)
        raw.pid = 42
        raw.cgroup_id = 7
        raw.rule_index = 3
        raw.port = 4444
        raw.family = 4
        withUnsafeMutableBytes(of: &raw.addr) { $0.copyBytes(from: Self.mapped([127, 0, 0, 2])) }
        withUnsafeMutableBytes(of: &raw.comm) { $0.copyBytes(from: Array("curl".utf8)) }
        let event = try #require(withUnsafeBytes(of: raw) { KernelEvent(record: $0) })
        #expect(event.destination == RuntimeEvent.Destination(ip: "127.0.0.2", port: 4444, transport: .tcp))
        #expect(event.command == "curl")
        let runtime = event.runtimeEvent(policy: CompiledPolicy(name: "p", ruleIDs: ["a", "b", "c", "egress"]), cgroupPath: nil)
        #expect(runtime.decision == .denied)
        #expect(runtime.backend == .cgroupSockAddr)
        #expect(runtime.ruleID == "egress")
        #expect(runtime.message == "Refused the connect to TCP 127.0.0.2:4444 by curl (pid 42), as rule egress of policy p says.")

        raw.kind = UInt8(BW_EVENT_EXEC.rawValue)
        raw.hook = UInt8(BW_HOOK_TP_EXEC.rawValue)
        raw.rule_index = 0xffff
        withUnsafeMutableBytes(of: &raw.filename) { $0.copyBytes(from: Array("/usr/bin/id".utf8)) }
        withUnsafeMutableBytes(of: &raw.args) { $0.copyBytes(from: Array("id\0-u\0".utf8)) }
        let exec = try #require(withUnsafeBytes(of: raw) { KernelEvent(record: $0) })
        #expect(exec.arguments == ["id", "-u"])
        let killed = exec.runtimeEvent(policy: CompiledPolicy(name: "p"), cgroupPath: "/kubepods/x")
        #expect(killed.decision == .killed)
        #expect(killed.process.executable == "/usr/bin/id")
        #expect(killed.ruleID == "default")

        raw.kind = 99
        #expect(withUnsafeBytes(of: raw) { KernelEvent(record: $0) } == nil)
        #expect(MemoryLayout<bw_event>.size == 352)
    }

    @Test func probeReportsEveryKernelMechanism() {
        guard Self.skipReason() == nil else { return }
        let probes = KernelEnforcer.probe()
        for probe in probes { print("probe \(probe.mechanism.rawValue): \(probe.works) — \(probe.detail)") }
        #expect(Set(probes.map(\.mechanism)) == [.bpfLSM, .cgroupSockAddr, .tracepointKill, .ringBuffer, .bpffsPinning])
        #expect(probes.contains { $0.mechanism == .cgroupSockAddr && $0.works })
    }

    @Test func enforcesEgressAndExecInsideTheCgroupOnly() throws {
        guard Self.skipReason() == nil else { return }
        let listener = try Listener()
        let target = try TestCgroup()
        defer { target.remove() }
        let outside = try TestCgroup()
        defer { outside.remove() }
        let enforcer = try KernelEnforcer(plan: .cgroupAndTracepoint, pinDirectory: nil)
        defer { enforcer.close(unpin: true) }
        let log = EventLog()
        try enforcer.startEvents { log.append($0) }
        try enforcer.enforce(try Self.policy(allowPort: listener.port), policyID: 101, on: target.cgroup)
        let port = String(listener.port)

        // Denied destinations: TCP, UDP sendto, IPv6 loopback, IPv4-mapped IPv6, io_uring.
        let denied = try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd)
        #expect(denied.line == Self.eperm)
        let event = log.wait { $0.kind == .connect && $0.destination?.ip == "127.0.0.2" }
        #expect(event?.destination == RuntimeEvent.Destination(ip: "127.0.0.2", port: 4444, transport: .tcp))
        #expect(event?.verdict == .deny)
        #expect(event?.hook == .cgroupConnect)
        #expect(event?.policyID == 101)
        #expect(event?.cgroupID == target.cgroup.id)
        #expect(event?.ruleIndex == CompiledPolicy.defaultRuleIndex)
        #expect(try NetProbe.probe(["udp", "127.0.0.1", "9"], inCgroup: target.fd).line == Self.eperm)
        #expect(log.wait { $0.kind == .sendmsg && $0.destination?.port == 9 && $0.destination?.transport == .udp } != nil)
        #expect(try NetProbe.probe(["tcp", "::1", port], inCgroup: target.fd).line == Self.eperm)
        #expect(try NetProbe.probe(["tcp", "::ffff:127.0.0.2", "4445"], inCgroup: target.fd).line == Self.eperm)
        #expect(log.wait { $0.destination?.port == 4445 }?.destination?.ip == "127.0.0.2")
        #expect(try NetProbe.probe(["uring", "127.0.0.2", "4446"], inCgroup: target.fd).line == Self.eperm)

        // The allowed address:port works, over IPv4 and IPv4-mapped IPv6.
        #expect(try NetProbe.probe(["tcp", "127.0.0.1", port], inCgroup: target.fd).line == "ok")
        #expect(try NetProbe.probe(["tcp", "::ffff:127.0.0.1", port], inCgroup: target.fd).line == "ok")
        #expect(try NetProbe.probe(["udp", "127.0.0.1", port], inCgroup: target.fd).line == "ok")

        // Another cgroup is not judged.
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: outside.fd).line == Self.refused)
        #expect(try NetProbe.probe(["exec", "/usr/bin/id", "-u"], inCgroup: outside.fd).exitStatus == 0)

        // Exec: the allowlist runs, anything else is killed right after the exec, so is a copy of an allowed binary.
        #expect(try NetProbe.probe(["exec", "/usr/bin/true"], inCgroup: target.fd).exitStatus == 0)
        let killed = try NetProbe.probe(["exec", "/usr/bin/id", "-u"], inCgroup: target.fd)
        #expect(killed.signal == SIGKILL)
        let execEvent = log.wait { $0.kind == .exec && $0.filename == "/usr/bin/id" }
        #expect(execEvent?.verdict == .deny)
        #expect(execEvent?.hook == .tracepointExec)
        #expect(execEvent?.arguments == ["/usr/bin/id", "-u"])
        #expect(execEvent?.file == FileIdentity(path: "/usr/bin/id"))
        let directory = NSTemporaryDirectory() + "bulwark-kernel-copy-\(getpid())-\(Self.counter.next())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: "/usr/bin/true", toPath: directory + "/true")
        #expect(try NetProbe.probe(["exec", directory + "/true"], inCgroup: target.fd).signal == SIGKILL)

        // Inline code of an interpreter whose rule denies it.
        #expect(try NetProbe.probe(["exec", "/bin/sh", "-c", "exit 3"], inCgroup: target.fd).signal == SIGKILL)
        #expect(log.wait { $0.kind == .exec && $0.arguments.starts(with: ["/bin/sh", "-c"]) }?.ruleIndex == 2)

        let counters = enforcer.counters()
        #expect(counters.netDenied >= 5)
        #expect(counters.netAllowed >= 3)
        #expect(counters.execDenied >= 3)
        #expect(counters.execAllowed >= 2)
    }

    @Test func alertDefaultsLetTheOperationHappenAndReportIt() throws {
        guard Self.skipReason() == nil else { return }
        let listener = try Listener()
        let target = try TestCgroup()
        defer { target.remove() }
        let enforcer = try KernelEnforcer(plan: .cgroupAndTracepoint, pinDirectory: nil)
        defer { enforcer.close(unpin: true) }
        let log = EventLog()
        try enforcer.startEvents { log.append($0) }
        try enforcer.enforce(try Self.policy(allowPort: listener.port, netDefault: .alert, execDefault: .alert),
                             policyID: 202, on: target.cgroup)

        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.refused)
        #expect(log.wait { $0.kind == .connect && $0.destination?.port == 4444 }?.verdict == .alert)
        #expect(try NetProbe.probe(["exec", "/usr/bin/id", "-u"], inCgroup: target.fd).exitStatus == 0)
        let event = try #require(log.wait { $0.kind == .exec && $0.filename == "/usr/bin/id" })
        #expect(event.verdict == .alert)
        #expect(event.runtimeEvent(policy: try Self.policy(allowPort: listener.port), cgroupPath: target.cgroup.path).decision
            == .alerted)
        // Allowlist hits are not reported.
        #expect(try NetProbe.probe(["tcp", "127.0.0.1", String(listener.port)], inCgroup: target.fd).line == "ok")
        let counters = enforcer.counters()
        #expect(counters.netAlerted >= 1)
        #expect(counters.execAlerted >= 1)
        enforcer.stopEvents()
        #expect(log.wait(attempts: 10) { $0.kind == .connect && $0.destination?.port == listener.port } == nil)
    }

    @Test func pinnedEnforcementOutlivesTheEnforcerAndIsReleasedByTheNextOne() throws {
        guard Self.skipReason() == nil else { return }
        let target = try TestCgroup()
        defer { target.remove() }
        let pins = "/sys/fs/bpf/bulwark-test-kernel-\(getpid())-\(Self.counter.next())"
        let first = try KernelEnforcer(plan: .cgroupAndTracepoint, pinDirectory: pins)
        try first.enforce(try Self.policy(allowPort: 1), policyID: 303, on: target.cgroup)
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.eperm)
        first.close(unpin: false)

        // Fail-closed: nothing of this process holds the programs now, the pins do.
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.eperm)
        #expect(try NetProbe.probe(["exec", "/usr/bin/id"], inCgroup: target.fd).signal == SIGKILL)

        let second = try KernelEnforcer(plan: .cgroupAndTracepoint, pinDirectory: pins)
        defer { second.close(unpin: true) }
        #expect(second.counters().netDenied >= 2)  // the pinned counters map was reused
        try second.release(target.cgroup, policyID: 303)
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.refused)
        #expect(try NetProbe.probe(["exec", "/usr/bin/id"], inCgroup: target.fd).exitStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(pins)/\(target.cgroup.id)"))
    }
}
