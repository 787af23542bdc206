import CBulwarkBPF
import Foundation
import Glibc

/// A child process born inside a cgroup (`clone3` with `CLONE_INTO_CGROUP`): it never runs a single
/// instruction outside the enforced cgroup, unlike fork-then-write-cgroup.procs. Used by `bulwark runtime run`
/// and the attack-simulation tests.
public struct CgroupProcess: Sendable {
    public let pid: pid_t

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// How the child ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        /// What a shell reports: the exit code, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exited with \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Starts `executable` (an absolute path, or a name looked up on `environment["PATH"]`) with `arguments`
    /// (argv[1…]) in `cgroup`. An executable that cannot be started (missing, refused by the policy) is an error
    /// carrying errno's text.
    public static func spawn(_ executable: String, arguments: [String], environment: [String: String],
                             in cgroup: Cgroup) throws -> CgroupProcess {
        guard let path = resolve(executable, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw Failure(description: "\(executable): command not found")
        }
        let descriptor = try cgroup.openDescriptor()
        defer { close(descriptor) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let pid = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                bw_spawn_in_cgroup(descriptor, path, argvBuffer.baseAddress, envpBuffer.baseAddress, nil)
            }
        }
        guard pid > 0 else {
            throw Failure(description: "\(path): \(String(cString: strerror(-pid)))")
        }
        return CgroupProcess(pid: pid)
    }

    /// The first executable file named `name` on `path` (a name with a slash is taken as it is).
    public static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var status = stat()
            if stat(candidate, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    public func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Waits for the child on a thread of its own (waitpid blocks), so the caller's executor stays free.
    public func wait() async -> Termination {
        let pid = pid
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    if errno != EINTR {
                        continuation.resume(returning: .exited(-1))
                        return
                    }
                }
                let low = status & 0x7f
                continuation.resume(returning: low == 0 ? .exited((status >> 8) & 0xff) : .signalled(low))
            }
            thread.start()
        }
    }
}
