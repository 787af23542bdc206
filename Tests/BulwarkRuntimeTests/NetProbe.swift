import BulwarkRuntime
import CBulwarkBPF
import Foundation
import Glibc

/// `Programs/netprobe.c`, compiled with `cc` once per test process into a private temporary directory, and a way to
/// run it (or any program) as a child born inside a cgroup (`bw_spawn_in_cgroup`). Shared with the attack-simulation
/// tests.
enum NetProbe {
    /// The compiled binary, or why it could not be built.
    static let binary: Result<String, Failure> = build()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How a child ended, and the line netprobe wrote (`ok`, `errno=N`; empty when it wrote none).
    struct Outcome: Sendable, Hashable, CustomStringConvertible {
        var exitStatus: Int32?
        var signal: Int32?
        var line: String

        var description: String {
            "\(line.isEmpty ? "(no output)" : line) " + (signal.map { "killed by signal \($0)" } ?? "exit \(exitStatus ?? -1)")
        }
    }

    private static func build() -> Result<String, Failure> {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Programs/netprobe.c").path
        let directory = NSTemporaryDirectory() + "bulwark-netprobe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = directory + "/netprobe"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-o", output, source]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(Failure(description: "cc: \(error)"))
        }
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "cc \(source) exited \(process.terminationStatus)"))
        }
        return .success(output)
    }

    /// Runs `path arguments…` inside the cgroup open at `cgroupFD` and waits for it. netprobe's `-o FILE` is added by
    /// `probe(…)`; plain programs report only how they ended.
    static func spawn(_ path: String, _ arguments: [String], inCgroup cgroupFD: Int32) throws -> Outcome {
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let pid = bw_spawn_in_cgroup(cgroupFD, path, &argv, &envp, nil)
        guard pid > 0 else { throw Failure(description: "spawn \(path): \(String(cString: strerror(-pid)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? Outcome(exitStatus: (status >> 8) & 0xff, signal: nil, line: "")
            : Outcome(exitStatus: nil, signal: signal, line: "")
    }

    /// Runs `netprobe arguments…` inside the cgroup and returns its line.
    static func probe(_ arguments: [String], inCgroup cgroupFD: Int32) throws -> Outcome {
        let binary = try binary.get()
        let output = NSTemporaryDirectory() + "bulwark-netprobe-\(getpid())/out-\(UUID().uuidString)"
        defer { unlink(output) }
        var outcome = try spawn(binary, ["-o", output] + arguments, inCgroup: cgroupFD)
        outcome.line = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return outcome
    }
}
