import BulwarkRuntime
import CBulwarkBPF
import Foundation
import Glibc
import Testing

/// Attack simulations for the fanotify exec backend: a child started inside a fresh cgroup (clone3
/// CLONE_INTO_CGROUP) runs Python, which calls `execv` and reports the errno; the test asserts the syscall's result
/// and the event. Needs root, cgroup v2 and a kernel that gives FAN_OPEN_EXEC_PERM.
@Suite(.serialized) struct FanotifyExecGuardTests {
    /// A real ELF (the pyenv shim on PATH is a bash script, which would need /bin/bash allowed too).
    static let python = "/usr/bin/python3"
    /// Exec argv[1] with argv[1:]; on failure print the errno and exit with 100 + errno.
    static let execProgram = """
        import os, sys
        try:
            os.execv(sys.argv[1], sys.argv[1:])
        except OSError as error:
            print("errno=%d" % error.errno, flush=True)
            sys.exit(100 + error.errno)
        """

    /// Why the environment cannot run these tests, or nil. Prints the reason (and SKIPPED-IN-CI on CI).
    static func unavailable() -> String? {
        var reason: String?
        if geteuid() != 0 {
            reason = "not root"
        } else if Cgroup.v2Mount() == nil {
            reason = "no cgroup v2"
        } else if access(python, X_OK) != 0 {
            reason = "\(python) is missing"
        } else {
            let probe = FanotifyExecGuard.probe()
            if !probe.works { reason = "fanotify exec permission unavailable: \(probe.detail)" }
        }
        if let reason {
            print("FanotifyExecGuardTests skipped: \(reason)")
            if ProcessInfo.processInfo.environment["CI"] != nil { print("SKIPPED-IN-CI") }
        }
        return reason
    }

    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [RuntimeEvent] = []
        func add(_ event: RuntimeEvent) { lock.withLock { list.append(event) } }
        var all: [RuntimeEvent] { lock.withLock { list } }
        /// Events are reported after the answer, so the child may finish first: wait (up to 10 s) for a match.
        func first(where predicate: (RuntimeEvent) -> Bool) -> RuntimeEvent? {
            for _ in 0..<1000 {
                if let found = all.first(where: predicate) { return found }
                usleep(10_000)
            }
            return nil
        }
    }

    /// A test's cgroup, guard and scratch directory, torn down by `close()`.
    final class Fixture {
        static let counter = Counter()
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var value = 0
            func next() -> Int { lock.withLock { value += 1; return value } }
        }

        let cgroup: Cgroup
        let outside: Cgroup
        let events = Events()
        let guardian: FanotifyExecGuard
        let scratch: String

        init() throws {
            let n = Self.counter.next()
            let pid = getpid()
            cgroup = try Cgroup.create("bulwark-test-fanotify-\(pid)-\(n)")
            outside = try Cgroup.create("bulwark-test-fanotify-\(pid)-\(n)-outside")
            var template = Array("/var/tmp/bulwark-test-fanotify-XXXXXX".utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
                throw FanotifyExecGuard.Failure("mkdtemp failed")
            }
            scratch = String(cString: made)
            let events = self.events
            guardian = try FanotifyExecGuard(onEvent: { events.add($0) })
        }

        func close() {
            guardian.stop()
            try? cgroup.remove()
            try? outside.remove()
            try? FileManager.default.removeItem(atPath: scratch)
        }

        /// Runs `python -c execProgram target args…` inside `cgroup` (or `in`); returns the exit status (0, or
        /// 100 + errno of the exec) and the child's pid.
        func exec(_ target: String, _ arguments: [String] = [], in group: Cgroup? = nil) throws -> (status: Int32, pid: Int32) {
            let descriptor = try (group ?? cgroup).openDescriptor()
            defer { Glibc.close(descriptor) }
            let argv = [FanotifyExecGuardTests.python, "-c", FanotifyExecGuardTests.execProgram, target] + arguments
            let env = ["PATH=/usr/bin:/bin"]
            var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
            defer {
                cArgv.forEach { free($0) }
                cEnv.forEach { free($0) }
            }
            let pid = bw_spawn_in_cgroup(descriptor, FanotifyExecGuardTests.python, &cArgv, &cEnv, nil)
            guard pid > 0 else {
                throw FanotifyExecGuard.Failure("spawn: \(String(cString: strerror(-pid)))")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            guard status & 0x7f == 0 else { return (-Int32(status & 0x7f), pid) }
            return ((status >> 8) & 0xff, pid)
        }

        /// A copy of the file `source` resolves to (FileManager would copy a symlink as a symlink).
        func copy(_ source: String, to name: String) throws -> String {
            let target = scratch + "/" + name
            guard let resolved = realpath(source, nil) else { throw FanotifyExecGuard.Failure("realpath \(source)") }
            defer { free(resolved) }
            try FileManager.default.copyItem(atPath: String(cString: resolved), toPath: target)
            chmod(target, 0o755)
            return target
        }
    }

    static func entry(_ path: String, _ action: RuntimeAction = .allow, sha256: String? = nil, index: UInt16,
                      inline: RuntimeAction? = nil, scripts: [String] = []) throws -> CompiledExec.ExecEntry {
        let identity = try #require(FileIdentity(path: path), "\(path) does not resolve")
        return CompiledExec.ExecEntry(identity: identity, path: path, sha256: sha256, action: action, inlineCode: inline,
                                      allowedScripts: scripts, ruleIndex: index)
    }

    /// Python and the dynamic loader allowed (what policy compilation adds for an allowed ELF), plus `extra`.
    static func policy(default action: RuntimeAction = .deny, _ extra: [CompiledExec.ExecEntry] = []) throws -> CompiledPolicy {
        let base = [try entry(python, index: 0), try entry("/lib64/ld-linux-x86-64.so.2", index: 1)]
        let entries = base + extra
        return CompiledPolicy(name: "fanotify-test", ruleIDs: ["python", "loader"] + extra.map { "rule-\($0.ruleIndex)" },
                              exec: CompiledExec(defaultAction: action, entries: entries))
    }

    static let errnoEPERM = 100 + EPERM

    @Test func shellIsDeniedWithEPERMAndReported() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        let (status, pid) = try fixture.exec("/bin/sh", ["-c", "true"])
        #expect(status == Self.errnoEPERM)
        let event = try #require(fixture.events.first { $0.decision == .denied })
        #expect(fixture.events.all.filter { $0.decision == .denied }.count == 1)
        #expect(event.kind == .exec && event.backend == .fanotify)
        #expect(event.process.pid == pid)
        #expect(event.process.executable == "/usr/bin/dash")
        #expect(event.workload.cgroupID == fixture.cgroup.id)
        #expect(event.workload.cgroupPath == fixture.cgroup.path)
        #expect(event.policyName == "fanotify-test" && event.ruleID == "default")
        #expect(fixture.guardian.statistics.denied == 1)
    }

    @Test func copyOfTheShellIsDenied() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let copy = try fixture.copy("/bin/sh", to: "x")
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        #expect(try fixture.exec(copy, ["-c", "true"]).status == Self.errnoEPERM)
        #expect(fixture.events.first { $0.decision == .denied && $0.process.executable == copy } != nil)
    }

    @Test func hardLinkOfAnAllowedBinaryIsAllowed() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let link = fixture.scratch + "/py"
        guard Glibc.link("/usr/bin/python3.11", link) == 0 else {
            print("hard link in \(fixture.scratch) failed (\(String(cString: strerror(errno)))); not checked")
            return
        }
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        #expect(try fixture.exec(link, ["-c", "pass"]).status == 0)
        #expect(fixture.events.all.isEmpty)
    }

    @Test func denyEntryCoversItsHardLinks() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let denied = try fixture.copy("/bin/true", to: "tool")
        let link = fixture.scratch + "/innocent-name"
        try #require(Glibc.link(denied, link) == 0)
        try fixture.guardian.enforce(Self.policy(default: .allow, [Self.entry(denied, .deny, index: 2)]), on: fixture.cgroup)
        #expect(try fixture.exec(link).status == Self.errnoEPERM)
        #expect(try fixture.exec(denied).status == Self.errnoEPERM)
        #expect(try fixture.exec("/bin/true").status == 0)
        #expect(fixture.events.first { $0.decision == .denied }?.ruleID == "rule-2")
    }

    @Test func alertDefaultLetsItRunAndReports() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        try fixture.guardian.enforce(Self.policy(default: .alert), on: fixture.cgroup)
        let (status, pid) = try fixture.exec("/bin/sh", ["-c", "true"])
        #expect(status == 0)
        #expect(fixture.events.first { $0.decision == .alerted && $0.process.pid == pid
            && $0.process.executable == "/usr/bin/dash" } != nil)
        #expect(fixture.guardian.statistics.alerted >= 1)
    }

    @Test func replacedBinaryFailsItsPinnedDigest() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let shell = try fixture.copy("/bin/sh", to: "sh")
        let right = try #require(FileDigest.sha256(path: shell))
        try fixture.guardian.enforce(Self.policy([Self.entry(shell, sha256: right, index: 2)]), on: fixture.cgroup)
        #expect(try fixture.exec(shell, ["-c", "true"]).status == 0)
        try fixture.guardian.enforce(Self.policy([Self.entry(shell, sha256: String(repeating: "0", count: 64), index: 2)]),
                                     on: fixture.cgroup)
        #expect(try fixture.exec(shell, ["-c", "true"]).status == Self.errnoEPERM)
        let event = try #require(fixture.events.first { $0.decision == .denied })
        #expect(event.process.sha256 == right)
        #expect(event.ruleID == "rule-2")
    }

    @Test func scriptRunsOnlyWhenItsInterpretersGlobsAllowIt() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let good = fixture.scratch + "/ok-1.sh"
        let bad = fixture.scratch + "/other.sh"
        for path in [good, bad] {
            try "#!/bin/sh\nexit 0\n".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o755)
        }
        let shell = try Self.entry("/bin/sh", index: 2, inline: .deny, scripts: [fixture.scratch + "/ok-*.sh"])
        try fixture.guardian.enforce(Self.policy([shell]), on: fixture.cgroup)
        #expect(try fixture.exec(good).status == 0)
        #expect(try fixture.exec(bad).status == Self.errnoEPERM)
    }

    @Test func processesOutsideTheCgroupAreUnaffected() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"], in: fixture.outside).status == 0)
        #expect(fixture.events.all.isEmpty)
        #expect(fixture.guardian.statistics.outside > 0)
    }

    @Test func childCgroupsAreEnforcedAndReleaseEndsIt() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let child = try Cgroup.create("child", under: fixture.cgroup.path)
        defer { try? child.remove() }
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"], in: child).status == Self.errnoEPERM)
        #expect(fixture.events.first { $0.decision == .denied }?.workload.cgroupID == child.id)
        fixture.guardian.release(fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == 0)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"], in: child).status == 0)
    }

    @Test func elfInterpreterNeedsItsOwnEntry() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let pythonOnly = CompiledPolicy(name: "no-loader", exec: CompiledExec(defaultAction: .deny,
                                                                           entries: [try Self.entry(Self.python, index: 0)]))
        try fixture.guardian.enforce(pythonOnly, on: fixture.cgroup)
        // The kernel opens ld.so with exec intent too: denying it fails the exec of the allowed program.
        #expect(throws: FanotifyExecGuard.Failure.self) { try fixture.exec("/bin/true") }
        let event = try #require(fixture.events.first { $0.decision == .denied })
        #expect(event.process.executable == "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        print("marks: \(fixture.guardian.marks)")
    }

    @Test func ignoreMarksFollowPolicyChanges() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        let withShell = try Self.policy([Self.entry("/bin/sh", index: 2)])
        try fixture.guardian.enforce(withShell, on: fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == 0)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == 0)
        #expect(fixture.guardian.statistics.ignoreMarks > 0)
        // Another cgroup without the shell: the shell is no longer allowed everywhere, so it is asked about again.
        try fixture.guardian.enforce(Self.policy(), on: fixture.outside)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == 0)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"], in: fixture.outside).status == Self.errnoEPERM)
        // The same cgroup's policy narrowed.
        fixture.guardian.release(fixture.outside)
        try fixture.guardian.enforce(withShell, on: fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == 0)
        try fixture.guardian.enforce(Self.policy(), on: fixture.cgroup)
        #expect(try fixture.exec("/bin/sh", ["-c", "true"]).status == Self.errnoEPERM)
    }

    @Test func probeAndMarksNameWhatTheyCover() throws {
        guard Self.unavailable() == nil else { return }
        let fixture = try Fixture()
        defer { fixture.close() }
        #expect(FanotifyExecGuard.probe().works)
        let marks = fixture.guardian.marks
        #expect(marks.marked.contains { $0.hasPrefix("filesystem / ") })
        #expect(!marks.marked.contains { $0.contains("(proc)") || $0.contains("(cgroup") })
    }

    /// Not a test: with BULWARK_BENCH_FANOTIFY=1 it times 5,000 fork+exec of /bin/true by dash inside an enforced
    /// cgroup, without a guard, with the guard enforcing an allowlist there, and with the guard enforcing another
    /// cgroup (the loop outside it), over interleaved rounds, and prints microseconds per exec and the ratios of the
    /// medians. Asserts nothing.
    @Test func benchmarkForkExec() throws {
        guard ProcessInfo.processInfo.environment["BULWARK_BENCH_FANOTIFY"] == "1", Self.unavailable() == nil else { return }
        let iterations = 5000
        let rounds = Int(ProcessInfo.processInfo.environment["BULWARK_BENCH_ROUNDS"] ?? "") ?? 5
        let n = Fixture.counter.next()
        let cgroup = try Cgroup.create("bulwark-test-fanotify-\(getpid())-bench-\(n)")
        let other = try Cgroup.create("bulwark-test-fanotify-\(getpid())-bench-\(n)-other")
        defer {
            try? cgroup.remove()
            try? other.remove()
        }
        let policy = try Self.policy([Self.entry("/bin/sh", index: 2), Self.entry("/bin/true", index: 3)])
        let loop = "i=0; while [ $i -lt \(iterations) ]; do /bin/true; i=$((i+1)); done"

        func run() throws -> (wall: Double, cpu: Double) {
            let descriptor = try cgroup.openDescriptor()
            defer { Glibc.close(descriptor) }
            let words: [String] = ["/bin/sh", "-c", loop]
            var cArgv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            var cEnv: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
            defer {
                cArgv.forEach { free($0) }
                cEnv.forEach { free($0) }
            }
            var before = rusage()
            getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &before)
            var start = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            let pid = bw_spawn_in_cgroup(descriptor, "/bin/sh", &cArgv, &cEnv, nil)
            guard pid > 0 else { throw FanotifyExecGuard.Failure("spawn: \(String(cString: strerror(-pid)))") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            var after = rusage()
            getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &after)
            guard status == 0 else { throw FanotifyExecGuard.Failure("loop exited with status \(status)") }
            func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
            let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
            let wall = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
            return (wall / Double(iterations) * 1e6, cpu / Double(iterations) * 1e6)
        }

        var samples: [String: [(wall: Double, cpu: Double)]] = [:]
        _ = try run()  // warm the page cache
        for _ in 0..<rounds {
            samples["none", default: []].append(try run())
            do {
                let guardian = try FanotifyExecGuard(onEvent: { _ in })
                defer { guardian.stop() }
                try guardian.enforce(policy, on: cgroup)
                samples["enforced", default: []].append(try run())
                #expect(guardian.statistics.denied == 0)
            }
            do {
                let guardian = try FanotifyExecGuard(onEvent: { _ in })
                defer { guardian.stop() }
                try guardian.enforce(policy, on: other)
                samples["outside", default: []].append(try run())
            }
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let baseWall = median(samples["none", default: []].map(\.wall))
        let baseCPU = median(samples["none", default: []].map(\.cpu))
        for name in ["none", "enforced", "outside"] {
            let wall = median(samples[name, default: []].map(\.wall))
            let cpu = median(samples[name, default: []].map(\.cpu))
            let rounds = samples[name, default: []].map { String(format: "%.1f", $0.wall) }.joined(separator: " ")
            print("fork+exec \(name): " + String(format: "wall %.1f µs/exec (x%.3f), child CPU %.1f µs/exec (x%.3f)", wall,
                                                  wall / baseWall, cpu, cpu / baseCPU) + "; rounds \(rounds)")
        }
    }
}
