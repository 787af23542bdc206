import BulwarkRuntime
import Foundation
import Testing

/// `CgroupProcess`: children born inside a cgroup (clone3 + CLONE_INTO_CGROUP), exit statuses passed through.
@Suite struct CgroupProcessTests {
    @Test func childIsBornInsideTheCgroupAndItsStatusPassesThrough() async throws {
        guard RuntimeTestEnvironment.unavailable("CgroupProcess") == nil else { return }
        let cgroup = try RuntimeTestEnvironment.cgroup("process")
        defer { try? cgroup.remove() }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-cgroup-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        // The child reports the cgroup it runs in, then exits 7.
        let child = try CgroupProcess.spawn("/bin/sh", arguments: ["-c", "cat /proc/self/cgroup > \(output); exit 7"],
                                            environment: ["PATH": "/usr/bin:/bin"], in: cgroup)
        let termination = await child.wait()
        #expect(termination == .exited(7))
        #expect(termination.status == 7)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let relative = String(cgroup.path.dropFirst((Cgroup.v2Mount() ?? "").count))
        #expect(text.contains("0::\(relative)\n"), "\(text)")
    }

    @Test func signalledChildReports128PlusTheSignal() async throws {
        guard RuntimeTestEnvironment.unavailable("CgroupProcess") == nil else { return }
        let cgroup = try RuntimeTestEnvironment.cgroup("process")
        defer { try? cgroup.remove() }
        let child = try CgroupProcess.spawn("sleep", arguments: ["30"], environment: ["PATH": "/usr/bin:/bin"], in: cgroup)
        child.signal(SIGTERM)
        let termination = await child.wait()
        #expect(termination == .signalled(SIGTERM))
        #expect(termination.status == 128 + SIGTERM)
    }

    @Test func missingProgramIsAnErrorNotAStatus() throws {
        guard RuntimeTestEnvironment.unavailable("CgroupProcess") == nil else { return }
        let cgroup = try RuntimeTestEnvironment.cgroup("process")
        defer { try? cgroup.remove() }
        #expect(throws: CgroupProcess.Failure.self) {
            _ = try CgroupProcess.spawn("/nonexistent/program", arguments: [], environment: [:], in: cgroup)
        }
        #expect(throws: CgroupProcess.Failure.self) {
            _ = try CgroupProcess.spawn("no-such-command-bulwark", arguments: [], environment: ["PATH": "/usr/bin"], in: cgroup)
        }
    }

    @Test func removingACgroupKillsWhatIsLeft() async throws {
        guard RuntimeTestEnvironment.unavailable("CgroupProcess") == nil else { return }
        let cgroup = try RuntimeTestEnvironment.cgroup("process")
        let child = try CgroupProcess.spawn("sleep", arguments: ["30"], environment: ["PATH": "/usr/bin:/bin"], in: cgroup)
        #expect(cgroup.processes() == [child.pid])
        try cgroup.remove()
        #expect(await child.wait() == .signalled(SIGKILL))
        #expect(!FileManager.default.fileExists(atPath: cgroup.path))
    }
}
