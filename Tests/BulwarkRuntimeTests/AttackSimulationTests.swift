import BulwarkRuntime
import CBulwarkBPF
import Foundation
import Glibc
import Testing

/// The attack simulations through the whole runtime (`RuntimeAgent`: probes, plan, every backend of the
/// plan, events): each asserts the syscall's result *and* the event. On this machine kind the plan is
/// `cgroup+fanotify` (exec refused with EPERM by fanotify, network by the cgroup programs); `scripts/vm-test`
/// runs the same suite with `BULWARK_RUNTIME_PLAN=lsm` in a VM whose kernel runs BPF LSM programs.
@Suite(.serialized) struct AttackSimulationTests {
    typealias Listener = KernelEnforcerTests.Listener
    typealias TestCgroup = KernelEnforcerTests.TestCgroup

    static func skipReason() -> String? {
        if let why = RuntimeTestEnvironment.kernelUnavailable("AttackSimulationTests") { return why }
        guard RuntimeAgent.environmentPlan == nil, BackendPlan.choose(RuntimeAgent.probe()) == nil else { return nil }
        return RuntimeTestEnvironment.report("AttackSimulationTests", "no enforcement plan works here: "
            + RuntimeAgent.probe().filter { !$0.works }.map { "\($0.mechanism.rawValue): \($0.detail)" }.joined(separator: "; "))
    }

    typealias Events = Collected<RuntimeEvent>

    /// The "model server": netprobe (and the dynamic loader the kernel execs with it) may run; it may reach
    /// 127.0.0.1:<listener> over TCP and UDP and nothing else.
    static func policy(allowPort port: UInt16) throws -> CompiledPolicy {
        let probe = try NetProbe.binary.get()
        var entries: [CompiledExec.ExecEntry] = []
        for (index, path) in [probe, "/lib64/ld-linux-x86-64.so.2", "/usr/bin/true"].enumerated() {
            guard let identity = FileIdentity(path: path) else { continue }
            entries.append(.init(identity: identity, path: path, action: .allow, ruleIndex: UInt16(index)))
        }
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]
        let prefix = CompiledNetwork.Prefix(address: mapped, prefixLength: 128, ports: [
            .init(ports: Int(port)...Int(port), protocols: [.tcp, .udp], action: .allow, ruleIndex: 3),
        ])
        return CompiledPolicy(name: "attack-simulation", ruleIDs: ["server", "loader", "true", "own-port"],
                              exec: CompiledExec(defaultAction: .deny, entries: entries),
                              network: CompiledNetwork(defaultAction: .deny, prefixes: [prefix]))
    }

    static let eperm = "errno=\(EPERM)"

    /// A denied exec: `EPERM` where the plan refuses it before it happens, a kill right after it otherwise.
    static func refused(_ outcome: NetProbe.Outcome, plan: BackendPlan) -> Bool {
        plan == .cgroupAndTracepoint ? outcome.signal == SIGKILL : outcome.line == eperm
    }

    @Test func attacksFromInsideTheCgroupAreRefusedAndReported() throws {
        guard Self.skipReason() == nil else { return }
        let listener = try Listener()
        let target = try TestCgroup()
        defer { target.remove() }
        let outside = try TestCgroup()
        defer { outside.remove() }
        let events = Events()
        let agent = try RuntimeAgent { events.append($0) }
        defer { agent.shutdown(keepEnforcing: false) }
        try agent.enforce(try Self.policy(allowPort: listener.port), on: target.cgroup)
        let plan = agent.plan
        let execDecision: RuntimeEvent.Decision = plan == .cgroupAndTracepoint ? .killed : .denied

        // The app spawns /bin/sh.
        let shell = try NetProbe.probe(["exec", "/bin/sh", "-c", "true"], inCgroup: target.fd)
        #expect(Self.refused(shell, plan: plan), "\(plan): \(shell)")
        let shellEvent = events.wait { $0.kind == .exec && ($0.process.executable ?? "").hasSuffix("sh") }
        #expect(shellEvent?.decision == execDecision)
        #expect(shellEvent?.workload.cgroupID == target.cgroup.id)
        #expect(shellEvent?.policyName == "attack-simulation")
        #expect(shellEvent?.ruleID == "default")
        // The mechanism the plan says decided, not a fallback.
        let execBackend: RuntimeEvent.Backend = switch plan {
        case .lsm: .lsm
        case .cgroupAndFanotify: .fanotify
        case .cgroupAndTracepoint: .tracepointKill
        }
        #expect(shellEvent?.backend == execBackend, "\(plan)")

        // A copy of /bin/sh under another name is another file, not on the allowlist.
        let directory = NSTemporaryDirectory() + "bulwark-attack-\(getpid())-\(RuntimeTestEnvironment.counter.next())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try? FileManager.default.removeItem(atPath: directory + "/x")
        try FileManager.default.copyItem(atPath: "/bin/dash", toPath: directory + "/x")
        let copy = try NetProbe.probe(["exec", directory + "/x", "-c", "true"], inCgroup: target.fd)
        #expect(Self.refused(copy, plan: plan), "\(plan): \(copy)")
        #expect(events.wait { $0.kind == .exec && ($0.process.executable ?? "").hasSuffix("/x") }?.decision == execDecision)

        // The reverse-shell stand-in, UDP to a denied port, IPv6 loopback, IPv4-mapped IPv6, io_uring.
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.eperm)
        let connect = events.wait { $0.kind == .connect && $0.destination?.port == 4444 }
        #expect(connect?.destination == RuntimeEvent.Destination(ip: "127.0.0.2", port: 4444, transport: .tcp))
        #expect(connect?.decision == .denied)
        #expect(connect?.backend == (plan == .lsm ? .lsm : .cgroupSockAddr), "\(plan)")
        #expect(try NetProbe.probe(["udp", "127.0.0.1", "9"], inCgroup: target.fd).line == Self.eperm)
        #expect(events.wait { $0.kind == .sendmsg && $0.destination?.port == 9 }?.destination?.transport == .udp)
        #expect(try NetProbe.probe(["tcp", "::1", String(listener.port)], inCgroup: target.fd).line == Self.eperm)
        #expect(try NetProbe.probe(["tcp", "::ffff:127.0.0.2", "4445"], inCgroup: target.fd).line == Self.eperm)
        #expect(events.wait { $0.destination?.port == 4445 }?.destination?.ip == "127.0.0.2")
        #expect(try NetProbe.probe(["uring", "127.0.0.2", "4446"], inCgroup: target.fd).line == Self.eperm)
        #expect(events.wait { $0.destination?.port == 4446 }?.decision == .denied)

        // What the policy allows still works.
        #expect(try NetProbe.probe(["tcp", "127.0.0.1", String(listener.port)], inCgroup: target.fd).line == "ok")
        #expect(try NetProbe.probe(["exec", "/usr/bin/true"], inCgroup: target.fd).exitStatus == 0)

        // Processes outside the cgroup are unaffected.
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: outside.fd).line == "errno=\(ECONNREFUSED)")
        #expect(try NetProbe.probe(["exec", "/bin/sh", "-c", "true"], inCgroup: outside.fd).exitStatus == 0)
        #expect(try NetProbe.probe(["exec", directory + "/x", "-c", "true"], inCgroup: outside.fd).exitStatus == 0)
    }

    /// The agent going away (its process killed: nothing of it holds the programs any more) leaves the policy in
    /// force through the pins: the network stays refused, and exec stays fail-closed (fanotify's answers end with
    /// the process, the pinned exec program does not). A new agent on the same pins releases it.
    @Test func policyStaysInForceWhenTheAgentGoesAway() throws {
        guard Self.skipReason() == nil else { return }
        let target = try TestCgroup()
        defer { target.remove() }
        let pins = "/sys/fs/bpf/bulwark-test-attack-\(getpid())"
        let first = try RuntimeAgent(configuration: .init(pinDirectory: pins)) { _ in }
        try first.enforce(try Self.policy(allowPort: 1), on: target.cgroup)
        let plan = first.plan
        first.shutdown(keepEnforcing: true)

        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == Self.eperm)
        let shell = try NetProbe.probe(["exec", "/bin/sh", "-c", "true"], inCgroup: target.fd)
        // Without fanotify the backstop kills; with LSM the pinned LSM program still refuses.
        #expect(plan == .lsm ? shell.line == Self.eperm : shell.signal == SIGKILL, "\(plan): \(shell)")

        let second = try RuntimeAgent(configuration: .init(plan: plan, pinDirectory: pins)) { _ in }
        try second.release(target.cgroup)
        second.shutdown(keepEnforcing: false)
        #expect(try NetProbe.probe(["tcp", "127.0.0.2", "4444"], inCgroup: target.fd).line == "errno=\(ECONNREFUSED)")
        #expect(try NetProbe.probe(["exec", "/bin/sh", "-c", "true"], inCgroup: target.fd).exitStatus == 0)
        try? FileManager.default.removeItem(atPath: pins)
    }
}
