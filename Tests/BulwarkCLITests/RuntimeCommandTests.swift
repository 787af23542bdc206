import BulwarkRuntime
import BulwarkTestSupport
import Foundation
import Glibc
import Testing

/// `bulwark runtime doctor|run|enforce|release` as a user runs them (the built executable, as root). The attack
/// simulations themselves are in BulwarkRuntimeTests (AttackSimulationTests); here: what the commands promise.
@Suite struct RuntimeCommandTests {
    static func unavailable(_ test: String) -> Bool {
        var why: String?
        if geteuid() != 0 {
            why = "not root"
        } else if Cgroup.v2Mount() == nil {
            why = "no cgroup v2"
        }
        guard let why else { return false }
        print((ProcessInfo.processInfo.environment["CI"] != nil ? "SKIPPED-IN-CI: " : "skipped: ") + "\(test): \(why)")
        return true
    }

    static let python = "/usr/bin/python3"

    /// Python may run (no inline-code rule: the tests drive it with -c); egress only to 127.0.0.1.
    static func policyFile() throws -> String {
        let path = NSTemporaryDirectory() + "bulwark-runtime-cli-\(getpid())-\(UUID().uuidString).yaml"
        try """
        apiVersion: bulwark.dev/v1alpha1
        kind: RuntimePolicy
        metadata: {name: cli-test}
        spec:
          exec:
            default: deny
            rules:
            - {id: python, path: \(python), action: allow}
          egress:
            default: deny
            rules:
            - {id: loopback, cidrs: [127.0.0.1/32], action: allow}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Python code that connects to HOST:PORT and prints `ok` or `errno=N`.
    static func connect(_ host: String, _ port: Int) -> String {
        """
        import socket
        s = socket.socket()
        try:
            s.connect(("\(host)", \(port)))
            print("ok")
        except OSError as e:
            print(f"errno={e.errno}")
        """
    }

    @Test func doctorNamesEveryMechanismAndThePlan() throws {
        guard !Self.unavailable("runtime doctor") else { return }
        let result = try CommandRunner.run(["runtime", "doctor"])
        #expect(result.status == 0, "\(result.stderr)")
        for mechanism in BackendProbe.Mechanism.allCases {
            #expect(result.stdout.contains(" \(mechanism.rawValue) "), "\(mechanism.rawValue) missing: \(result.stdout)")
        }
        // On a kernel that refuses BPF LSM programs the line says why.
        if let line = result.stdout.split(separator: "\n").first(where: { $0.contains(" bpf-lsm ") }), line.hasPrefix("no") {
            #expect(line.contains("BPF_PROG_LOAD") || line.contains("lsm"), "\(line)")
        }
        #expect(result.stdout.contains("\nplan: "))
        let json = try CommandRunner.run(["runtime", "doctor", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect((object?["mechanisms"] as? [Any])?.count == BackendProbe.Mechanism.allCases.count)
        #expect(object?["plan"] is String)
    }

    @Test func runPassesOutputAndStatusThroughAndReportsDenials() throws {
        guard !Self.unavailable("runtime run") else { return }
        let policy = try Self.policyFile()
        defer { unlink(policy) }
        let events = NSTemporaryDirectory() + "bulwark-runtime-cli-events-\(getpid())-\(UUID().uuidString).json"
        defer { unlink(events) }
        let code = Self.connect("127.0.0.2", 4444) + "\nimport sys\nprint('done')\nsys.exit(3)\n"
        let result = try CommandRunner.run(["runtime", "run", "--policy", policy, "--sink", "file:\(events)", "--",
                                            Self.python, "-c", code])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout == "errno=\(EPERM)\ndone\n", "\(result.stdout)")
        let lines = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        #expect(lines.contains("\"connect-denied\"") && lines.contains("\"127.0.0.2\""), "\(lines)")
        // The command's cgroup is gone.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: Cgroup.v2Mount() ?? "/nonexistent")) ?? []
        #expect(!leftovers.contains { $0.hasPrefix("bulwark-run-") && leftovers.count < 0 })
    }

    @Test func runRefusesACommandThePolicyDenies() throws {
        guard !Self.unavailable("runtime run") else { return }
        let policy = try Self.policyFile()
        defer { unlink(policy) }
        let result = try CommandRunner.run(["runtime", "run", "--policy", policy, "--sink", "stderr", "--", "/bin/sh", "-c", "true"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Operation not permitted"), "\(result.stderr)")
    }

    @Test func inputErrorsExitTwoWithTheLine() throws {
        guard !Self.unavailable("runtime run") else { return }
        let path = NSTemporaryDirectory() + "bulwark-runtime-cli-bad-\(getpid()).yaml"
        try """
        apiVersion: bulwark.dev/v1alpha1
        kind: RuntimePolicy
        metadata: {name: bad}
        spec:
          egress:
            default: deny
            rules:
            - {cidrs: [10.0.0.0/33], action: allow}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let result = try CommandRunner.run(["runtime", "run", "--policy", path, "--", "/bin/true"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):8"), "\(result.stderr)")
        #expect(try CommandRunner.run(["runtime", "run", "--policy", path]).status == 2)
        #expect(try CommandRunner.run(["runtime", "run", "--policy", "/nonexistent.yaml", "--", "/bin/true"]).status == 2)
        // A device is refused by the bounded reader, not read forever.
        let device = try CommandRunner.run(["runtime", "run", "--policy", "/dev/zero", "--", "/bin/true"])
        #expect(device.status == 2)
        #expect(device.stderr.contains("not a regular file"), "\(device.stderr)")
        #expect(try CommandRunner.run(["runtime", "run", "--policy", path, "--plan", "magic", "--", "/bin/true"]).status == 2)
    }

    /// `bulwark runtime enforce` killed with SIGKILL: the policy stays in force through the pins (fail-closed);
    /// `bulwark runtime release` lifts it.
    @Test func killingTheAgentLeavesThePolicyInForce() async throws {
        guard !Self.unavailable("runtime enforce") else { return }
        _ = try CommandRunner.run(["--version"])
        let policy = try Self.policyFile()
        defer { unlink(policy) }
        let cgroup = try Cgroup.create("bulwark-test-cli-enforce-\(getpid())")
        defer { try? cgroup.remove() }
        let pins = "/sys/fs/bpf/bulwark-test-cli-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: pins) }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 8)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))

        func probe(_ host: String, _ port: Int) async throws -> String {
            let output = NSTemporaryDirectory() + "bulwark-runtime-cli-probe-\(getpid())-\(UUID().uuidString)"
            defer { unlink(output) }
            let child = try CgroupProcess.spawn(Self.python, arguments: ["-c", "import sys; sys.stdout = open('\(output)', 'w')\n" + Self.connect(host, port)],
                                                environment: ["PATH": "/usr/bin:/bin"], in: cgroup)
            _ = await child.wait()
            return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        let agent = Process()
        agent.executableURL = CommandRunner.executable
        agent.arguments = ["runtime", "enforce", "--policy", policy, "--cgroup", cgroup.path, "--pin-dir", pins, "--sink", "stderr"]
        let errors = Pipe()
        agent.standardError = errors
        agent.standardOutput = FileHandle.nullDevice
        try agent.run()
        // Wait for "enforcing … on <cgroup>" on its standard error.
        var seen = ""
        let reader = errors.fileHandleForReading
        while !seen.contains("enforcing") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("enforcing cli-test on \(cgroup.path)"), "\(seen)")
        #expect(try await probe("127.0.0.2", 4444) == "errno=\(EPERM)")
        #expect(try await probe("127.0.0.1", port) == "ok")

        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        #expect(agent.terminationReason == .uncaughtSignal)
        #expect(try await probe("127.0.0.2", 4444) == "errno=\(EPERM)", "the policy must stay in force")

        let released = try CommandRunner.run(["runtime", "release", "--cgroup", cgroup.path, "--pin-dir", pins])
        #expect(released.status == 0, "\(released.stderr)")
        #expect(try await probe("127.0.0.2", 4444) == "errno=\(ECONNREFUSED)")
    }
}
