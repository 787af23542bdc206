import CBulwarkBPF
import Foundation
import Glibc

/// Counters of the fanotify exec backend.
public struct FanotifyStatistics: Sendable, Hashable {
    /// Permission events answered in all.
    public var events: Int = 0
    /// Allowed because the process is in no enforced cgroup.
    public var outside: Int = 0
    /// Inside an enforced cgroup: allowed by a rule (or an allow default), denied (`EPERM`), alerted (allowed and
    /// reported).
    public var allowed: Int = 0
    public var denied: Int = 0
    public var alerted: Int = 0
    /// The exec's pid had no readable /proc/<pid>/cgroup (it died meanwhile, or lives in another pid namespace):
    /// denied while any cgroup is enforced (fail closed), allowed otherwise.
    public var unresolvedProcesses: Int = 0
    /// An entry pinned a SHA-256 and the file could not be read (denied).
    public var hashFailures: Int = 0
    /// Answered more than 100 ms after the event was read (a slow decision holds the exec that long).
    public var answeredLate: Int = 0
    /// Writing the answer failed (the kernel then keeps the exec waiting until the group closes).
    public var responseFailures: Int = 0
    /// Events the kernel could not open a descriptor for, or queue overflows (neither can happen with the
    /// unlimited queue and a working kernel; counted so they are visible if they do).
    public var eventsWithoutDescriptor: Int = 0
    /// fstat or other failures on an event of an enforced cgroup (denied).
    public var errors: Int = 0
    /// Reads of the group that failed (EMFILE, ENFILE: no descriptor for the event's file).
    public var readFailures: Int = 0
    /// Ignore marks added: files every enforced policy allows unconditionally, which the kernel then stops asking
    /// about (until the file is modified or the enforced policies change).
    public var ignoreMarks: Int = 0

    public init() {}
}

/// The filesystems the guard watches, and those it could not.
public struct FanotifyMarks: Sendable, Hashable {
    /// `filesystem /usr (ext4)` or `mount /data (fuse)`.
    public var marked: [String] = []
    /// `mount point (type): why`.
    public var failed: [String] = []

    public init() {}
}

/// Exec enforcement through fanotify `FAN_OPEN_EXEC_PERM`: the kernel holds every exec-intent open (the program, its
/// ELF interpreter, a script's interpreter) of the marked filesystems until this handler answers; `FAN_DENY` makes
/// `execve` fail with `EPERM` before the new image exists. Decisions come from `ExecJudge` with the compiled policy
/// of the cgroup the process belongs to.
///
/// Fail-open: when the agent dies (or `stop()` runs) the group descriptor closes and the kernel allows every pending
/// and future exec. The pinned exec tracepoint kill of the kernel backend is what keeps exec fail-closed then. A
/// handler that is alive but stuck stalls every exec on the marked filesystems, machine-wide; the handler therefore
/// answers before it reports, and never blocks on anything but the kernel.
///
/// Not covered: an anonymous file (`memfd_create` + `execveat`/`fexecve`) lives on an internal mount no mark
/// reaches (the tracepoint backstop sees it); filesystems mounted after the last `enforce` (each `enforce` marks new
/// ones); inline code (`python -c`), which is an argument, not a file.
public final class FanotifyExecGuard: @unchecked Sendable {
    /// What `bulwark runtime doctor` prints: can this process create a content-class group and mark the root
    /// filesystem for exec permission events?
    public static func probe() -> BackendProbe {
        let group = bw_fanotify_init()
        guard group >= 0 else {
            let why = group == -EPERM ? " (needs CAP_SYS_ADMIN)"
                : group == -ENOSYS || group == -EINVAL ? " (kernel without CONFIG_FANOTIFY)" : ""
            return BackendProbe(mechanism: .fanotifyExec, works: false, detail: "fanotify_init: \(errorName(-group))\(why)")
        }
        defer { close(group) }
        let marked = bw_fanotify_mark_exec(group, Int32(BW_FANOTIFY_MARK_FILESYSTEM.rawValue), 1, "/")
        if marked == 0 {
            return BackendProbe(mechanism: .fanotifyExec, works: true,
                                detail: "fanotify_init(FAN_CLASS_CONTENT) and a FAN_OPEN_EXEC_PERM filesystem mark on / succeeded")
        }
        let mount = bw_fanotify_mark_exec(group, Int32(BW_FANOTIFY_MARK_MOUNT.rawValue), 1, "/")
        if mount == 0 {
            return BackendProbe(mechanism: .fanotifyExec, works: true,
                                detail: "filesystem mark refused (\(errorName(-marked))); a FAN_OPEN_EXEC_PERM mount mark on / works")
        }
        let why = mount == -EINVAL ? " (kernel without CONFIG_FANOTIFY_ACCESS_PERMISSIONS?)" : ""
        return BackendProbe(mechanism: .fanotifyExec, works: false,
                            detail: "fanotify_mark(FAN_OPEN_EXEC_PERM) on /: filesystem \(errorName(-marked)), mount \(errorName(-mount))\(why)")
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    private struct Enforcement {
        var cgroup: Cgroup
        var policy: CompiledPolicy
        var judge: ExecJudge
    }

    private let group: Int32
    private let wake: Int32
    private let onEvent: @Sendable (RuntimeEvent) -> Void
    private let v2Mount: String
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private var enforced: [String: Enforcement] = [:]   // key: the cgroup's path relative to the v2 mount
    /// Files every enforced policy allows unconditionally (empty when nothing is enforced: then every exec is
    /// allowed anyway, and ignore marks would outlive the next `enforce`).
    private var ignorable: Set<FileIdentity> = []
    private var counters = FanotifyStatistics()
    private var markState = FanotifyMarks()
    private var markedDevices: Set<String> = []
    private var markedMountPoints: Set<String> = []
    private var failedMountPoints: Set<String> = []
    private var stopped = false
    // Only the handler thread touches these.
    private var digests: [DigestCacheKey: String] = [:]
    private static let digestCacheLimit = 4096

    /// Creates the fanotify group, marks every filesystem that can hold executables and starts the handler thread.
    /// Until `enforce` is called every exec is allowed (one round trip to the handler per exec). The thread keeps the
    /// guard alive: call `stop()` to end it (dropping the last reference does not).
    public init(onEvent: @escaping @Sendable (RuntimeEvent) -> Void) throws {
        guard let mount = Cgroup.v2Mount() else { throw Failure("no cgroup-v2 hierarchy is mounted") }
        let group = bw_fanotify_init()
        guard group >= 0 else { throw Failure("fanotify_init: \(Self.errorName(-group))") }
        let wake = bw_fanotify_wake_fd()
        guard wake >= 0 else {
            close(group)
            throw Failure("eventfd: \(Self.errorName(-wake))")
        }
        self.group = group
        self.wake = wake
        self.onEvent = onEvent
        self.v2Mount = mount
        refreshMarks()
        if lock.withLock({ markState.marked.isEmpty }) {
            let failures = lock.withLock { markState.failed }
            close(group)
            close(wake)
            throw Failure("no filesystem could be marked for FAN_OPEN_EXEC_PERM: \(failures.joined(separator: "; "))")
        }
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "bulwark-fanotify"
        thread.start()
    }

    deinit {
        stop()
    }

    /// Judges the execs of processes in `cgroup` and its descendants by `policy.exec` (replacing what was enforced
    /// there). A policy without an exec part releases the cgroup. Marks filesystems mounted since the last call.
    public func enforce(_ policy: CompiledPolicy, on cgroup: Cgroup) throws {
        let key = try relativePath(cgroup)
        refreshMarks()
        lock.withLock {
            if let exec = policy.exec {
                enforced[key] = Enforcement(cgroup: cgroup, policy: policy, judge: ExecJudge(exec))
            } else {
                enforced[key] = nil
            }
            policiesChanged()
        }
    }

    /// Stops judging `cgroup` (its descendants enforced on their own stay enforced).
    public func release(_ cgroup: Cgroup) {
        guard let key = try? relativePath(cgroup) else { return }
        lock.withLock {
            enforced.removeValue(forKey: key)
            policiesChanged()
        }
    }

    /// Called with `lock` held. Ignore marks were placed for the old set of unconditionally allowed files; drop them
    /// all (they come back, one event each, for files still allowed everywhere). Holding the lock while the handler
    /// adds a mark (`ignoreIfStillAllowed`) keeps a decision taken under the old policies from adding one after this.
    private func policiesChanged() {
        var common: Set<FileIdentity>?
        for enforcement in enforced.values {
            let allowed = enforcement.judge.unconditionallyAllowed
            common = common.map { $0.intersection(allowed) } ?? allowed
        }
        ignorable = common ?? []
        _ = bw_fanotify_flush_inode_marks(group)
    }

    private func ignoreIfStillAllowed(_ identity: FileIdentity, descriptor: Int32) {
        lock.withLock {
            guard ignorable.contains(identity), bw_fanotify_ignore(group, descriptor) == 0 else { return }
            counters.ignoreMarks += 1
        }
    }

    /// Stops the handler and closes the group: from then on the kernel allows every exec (pending ones included).
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = bw_fanotify_wake(wake)
        finished.wait()
        close(group)
        close(wake)
    }

    public var statistics: FanotifyStatistics { lock.withLock { counters } }

    public var marks: FanotifyMarks { lock.withLock { markState } }

    /// Marks every markable filesystem of /proc/self/mountinfo not marked yet: a filesystem mark where the kernel
    /// allows one (it covers every mount of that superblock, bind mounts included), else a mount mark.
    public func refreshMarks() {
        guard let bytes = ProcessFiles.read("/proc/self/mountinfo", limit: 1 << 22) else {
            lock.withLock { markState.failed.append("/proc/self/mountinfo: unreadable") }
            return
        }
        let table = MountTable(mountinfo: String(decoding: bytes, as: UTF8.self))
        lock.withLock {
            for mount in table.markable {
                if markedDevices.contains(mount.device) || markedMountPoints.contains(mount.mountPoint)
                    || failedMountPoints.contains(mount.mountPoint) { continue }
                let filesystem = bw_fanotify_mark_exec(group, Int32(BW_FANOTIFY_MARK_FILESYSTEM.rawValue), 1, mount.mountPoint)
                if filesystem == 0 {
                    markedDevices.insert(mount.device)
                    markState.marked.append("filesystem \(mount.mountPoint) (\(mount.fileSystemType))")
                    continue
                }
                let mountMark = bw_fanotify_mark_exec(group, Int32(BW_FANOTIFY_MARK_MOUNT.rawValue), 1, mount.mountPoint)
                if mountMark == 0 {
                    markedMountPoints.insert(mount.mountPoint)
                    markState.marked.append("mount \(mount.mountPoint) (\(mount.fileSystemType))")
                    continue
                }
                failedMountPoints.insert(mount.mountPoint)
                markState.failed.append("\(mount.mountPoint) (\(mount.fileSystemType)): filesystem mark "
                    + "\(Self.errorName(-filesystem)), mount mark \(Self.errorName(-mountMark))")
            }
        }
    }

    // MARK: - The handler thread

    private func run() {
        let bufferSize = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        let capacity = bufferSize / 24  // FAN_EVENT_METADATA_LEN: the smallest record
        let events = UnsafeMutablePointer<bw_fanotify_event>.allocate(capacity: capacity)
        defer {
            buffer.deallocate()
            events.deallocate()
        }
        while true {
            let ready = bw_fanotify_wait(group, wake, -1)
            if ready < 0 || ready & 2 != 0 { return }
            while true {
                let count = bw_fanotify_read(group, buffer, bufferSize, events, Int32(capacity))
                if count < 0 {
                    // E.g. EMFILE: the kernel could not open the file for us. How it then answers that event (it must, as
                    // we hold no descriptor to answer with) was not verified here.
                    lock.withLock { counters.readFailures += 1 }
                    break
                }
                if count == 0 { break }
                for index in 0..<Int(count) {
                    handle(events[index])
                }
            }
        }
    }

    private func handle(_ event: bw_fanotify_event) {
        let descriptor = event.fd
        defer { if descriptor >= 0 { close(descriptor) } }
        guard event.overflow == 0, descriptor >= 0 else {
            lock.withLock { counters.eventsWithoutDescriptor += 1 }
            return
        }
        guard event.permission != 0 else { return }
        let start = Self.monotonicNanoseconds()
        let (allow, report) = decide(pid: event.pid, descriptor: descriptor)
        let answered = bw_fanotify_respond(group, descriptor, allow ? 1 : 0)
        let late = Self.monotonicNanoseconds() - start > 100_000_000
        lock.withLock {
            counters.events += 1
            if answered != 0 { counters.responseFailures += 1 }
            if late { counters.answeredLate += 1 }
        }
        // Reported after the answer: a slow sink never holds an exec.
        if let report { onEvent(report) }
    }

    /// The answer for one event, and the event to report (deny and alert decisions). Errors deny inside enforced
    /// cgroups and allow outside them.
    private func decide(pid: Int32, descriptor: Int32) -> (Bool, RuntimeEvent?) {
        let (snapshot, ignorable) = lock.withLock { (enforced, self.ignorable) }
        if snapshot.isEmpty {
            lock.withLock { counters.outside += 1 }
            return (true, nil)
        }
        // A file every enforced policy allows unconditionally is allowed whoever runs it: answer, and ask the
        // kernel not to send it again.
        var early = stat()
        if !ignorable.isEmpty, fstat(descriptor, &early) == 0, ignorable.contains(FileIdentity(early)) {
            ignoreIfStillAllowed(FileIdentity(early), descriptor: descriptor)
            lock.withLock { counters.allowed += 1 }
            return (true, nil)
        }
        guard let cgroupPath = ProcessFiles.cgroupV2Path(of: pid) else {
            lock.withLock { counters.unresolvedProcesses += 1 }
            return (false, nil)
        }
        guard let enforcement = Self.enforcement(for: cgroupPath, in: snapshot) else {
            lock.withLock { counters.outside += 1 }
            return (true, nil)
        }
        let executable = ProcessFiles.readLink("/proc/self/fd/\(descriptor)")
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let why = String(cString: strerror(errno))
            lock.withLock { counters.errors += 1 }
            let verdict = ExecJudge.Verdict(action: .deny, ruleIndex: CompiledPolicy.defaultRuleIndex,
                                            reason: "fstat of the file failed (\(why)); denied inside an enforced cgroup")
            return (false, report(verdict, pid: pid, executable: executable, cgroupPath: cgroupPath, enforcement: enforcement))
        }
        let verdict = enforcement.judge.judge(
            identity: FileIdentity(status), path: executable,
            digest: { digest(descriptor: descriptor, status: status) },
            interpreter: {
                guard let interpreter = Shebang.interpreter(descriptor: descriptor), interpreter.hasPrefix("/") else { return nil }
                // Resolved in the process's own root (a container's filesystem), not the agent's.
                return FileIdentity(path: "/proc/\(pid)/root\(interpreter)")
            })
        lock.withLock {
            switch verdict.action {
            case .allow: counters.allowed += 1
            case .deny: counters.denied += 1
            case .alert: counters.alerted += 1
            }
            if verdict.hashFailed { counters.hashFailures += 1 }
        }
        switch verdict.action {
        case .allow: return (true, nil)
        case .deny:
            return (false, report(verdict, pid: pid, executable: executable, cgroupPath: cgroupPath, enforcement: enforcement))
        case .alert:
            return (true, report(verdict, pid: pid, executable: executable, cgroupPath: cgroupPath, enforcement: enforcement))
        }
    }

    /// The enforced cgroup that is `path` or its nearest enforced ancestor.
    private static func enforcement(for path: String, in snapshot: [String: Enforcement]) -> Enforcement? {
        var candidate = Substring(path)
        while true {
            if let found = snapshot[String(candidate)] { return found }
            guard let slash = candidate.lastIndex(of: "/"), !candidate.isEmpty, candidate != "/" else { return nil }
            candidate = slash == candidate.startIndex ? "/" : candidate[..<slash]
        }
    }

    private func digest(descriptor: Int32, status: stat) -> String? {
        let key = DigestCacheKey(status)
        if let cached = digests[key] { return cached }
        guard let value = FileDigest.sha256(descriptor: descriptor) else { return nil }
        if digests.count >= Self.digestCacheLimit { digests.removeAll(keepingCapacity: true) }
        digests[key] = value
        return value
    }

    private func report(_ verdict: ExecJudge.Verdict, pid: Int32, executable: String?, cgroupPath: String,
                        enforcement: Enforcement) -> RuntimeEvent {
        let absolute = cgroupPath == "/" ? v2Mount : v2Mount + cgroupPath
        var status = stat()
        let cgroupID = stat(absolute, &status) == 0 ? UInt64(status.st_ino) : enforcement.cgroup.id
        let kubepods = KubepodsPath(path: absolute)
        let decision: RuntimeEvent.Decision = verdict.action == .deny ? .denied : verdict.action == .alert ? .alerted : .allowed
        let verb = verdict.action == .deny ? "denied" : verdict.action == .alert ? "alerted" : "allowed"
        return RuntimeEvent(
            timestamp: Date(), kind: .exec, decision: decision, backend: .fanotify,
            process: RuntimeEvent.Process(pid: pid, parentPID: ProcessFiles.parentPID(of: pid), executable: executable,
                                          sha256: verdict.sha256, name: ProcessFiles.commandName(of: pid)),
            workload: RuntimeEvent.Workload(cgroupID: cgroupID, cgroupPath: absolute, containerID: kubepods.containerID,
                                            podUID: kubepods.podUID),
            policyName: enforcement.policy.name, ruleID: enforcement.policy.ruleID(at: verdict.ruleIndex),
            message: "exec of \(executable ?? "an unnamed file") by pid \(pid) \(verb): \(verdict.reason)")
    }

    private func relativePath(_ cgroup: Cgroup) throws -> String {
        var path = cgroup.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        if path == v2Mount { return "/" }
        guard path.hasPrefix(v2Mount + "/") else {
            throw Failure("\(cgroup.path) is not under the cgroup-v2 mount \(v2Mount)")
        }
        return String(path.dropFirst(v2Mount.count))
    }

    private static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    static func errorName(_ code: Int32) -> String {
        let names: [Int32: String] = [EPERM: "EPERM", EINVAL: "EINVAL", ENOSYS: "ENOSYS", EXDEV: "EXDEV", ENODEV: "ENODEV",
                                      EACCES: "EACCES", ENOENT: "ENOENT", EOPNOTSUPP: "EOPNOTSUPP", ENOTDIR: "ENOTDIR"]
        return "\(names[code] ?? "errno \(code)") (\(String(cString: strerror(code))))"
    }
}
