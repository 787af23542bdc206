import ArgumentParser
import BulwarkCore
import BulwarkRuntime
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What `run` and `enforce` share: root check, loading and compiling the policy, the event pipeline.
enum RuntimeCommandSupport {
    static func requireRoot() throws {
        guard geteuid() == 0 else {
            Console.current.error("runtime enforcement needs root (BPF programs, cgroups and fanotify need CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN)")
            throw ExitCode(2)
        }
    }

    /// Picks one policy of the file and compiles it against `searchPath` (bare program names in exec rules are
    /// resolved there). Errors are reported and exit 2.
    static func compile(_ policies: [RuntimePolicy], _ options: RuntimePolicyOptions, searchPath: [String]) throws
        -> CompiledPolicy {
        let console = Console.current
        let candidates = options.name.map { name in policies.filter { $0.name == name } } ?? policies
        guard let policy = candidates.first else {
            console.error("\(options.policy): " + (options.name.map { "no policy named \($0)" } ?? "no RuntimePolicy in the file"))
            throw ExitCode(2)
        }
        if candidates.count > 1 {
            console.error("\(options.policy) holds \(candidates.count) policies (\(candidates.map(\.name).joined(separator: ", "))): choose one with --name")
            throw ExitCode(2)
        }
        do {
            let compiled = try policy.compile(resolver: ExecPathResolver(searchPath: searchPath))
            for warning in compiled.warnings { console.warning(warning) }
            return options.alertOnly ? compiled.alertOnly : compiled
        } catch {
            console.error("\(options.policy): \(error)")
            throw ExitCode(2)
        }
    }

    /// The RuntimePolicies of `--policy` (`RuntimePolicyReader.readPolicyFile`); input errors with their line
    /// are exit 2, import warnings are printed.
    static func read(_ path: String) throws -> [RuntimePolicy] {
        let console = Console.current
        let (result, warnings) = RuntimePolicyReader.readPolicyFile(path: path)
        for warning in warnings { console.warning("\(warning)") }
        for error in result.errors.sorted(by: InputError.inputOrder) { console.error("\(error)") }
        if !result.errors.isEmpty { throw ExitCode(2) }
        return result.policies
    }

    /// The sinks, metrics and metrics server of `--events`, `--sink`, `--metrics-address`.
    final class Events: Sendable {
        let pipeline: EventPipeline
        let metrics: RuntimeMetrics
        let server: MetricsServer?
        let metricsFile: MetricsTextfileWriter?
        private let reporter = Mutex<Task<Void, Never>?>(nil)

        init(pipeline: EventPipeline, metrics: RuntimeMetrics, server: MetricsServer?, metricsFile: MetricsTextfileWriter?) {
            self.pipeline = pipeline
            self.metrics = metrics
            self.server = server
            self.metricsFile = metricsFile
        }

        func submit(_ event: RuntimeEvent) {
            pipeline.submit(event)
        }

        /// Every 10 s: the kernel's drop counter and the number of enforced cgroups into the metrics, and the
        /// metrics file rewritten.
        func startReporting(_ agent: RuntimeAgent) {
            let task = Task { [self] in
                var reportedDrops: UInt64 = 0
                while !Task.isCancelled {
                    reportedDrops = self.report(agent, reportedDrops: reportedDrops)
                    try? await Task.sleep(for: .seconds(10))
                }
            }
            reporter.withLock { $0 = task }
        }

        private func report(_ agent: RuntimeAgent, reportedDrops: UInt64) -> UInt64 {
            let drops = agent.kernelCounters.eventsDropped
            if drops > reportedDrops { metrics.recordKernelDropped(Int(drops - reportedDrops)) }
            metrics.setEnforcedCgroups(agent.enforcements.count)
            writeMetricsFile()
            return max(drops, reportedDrops)
        }

        private func writeMetricsFile() {
            guard let metricsFile else { return }
            do {
                try metricsFile.write(metrics)
            } catch {
                Console.current.error("--metrics-file \(metricsFile.path): \(error)")
            }
        }

        func close() async {
            reporter.withLock { $0?.cancel() }
            await pipeline.close()
            writeMetricsFile()
            await server?.shutdown()
        }
    }

    static func events(_ options: RuntimeEventOptions) async throws -> Events {
        let console = Console.current
        let format: EventFormat
        do {
            format = try EventFormat.parse(options.format)
        } catch {
            console.error("--events: \(error)")
            throw ExitCode(2)
        }
        let metrics = RuntimeMetrics()
        var name = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&name, name.count) == 0 ? String(cString: name) : "localhost"
        var sinks: [any RuntimeEventSink] = []
        for text in options.sinks.isEmpty ? ["stderr"] : options.sinks {
            do {
                sinks.append(try EventSinkConfiguration.parse(text).makeSink(format: format, hostName: hostName, metrics: metrics))
            } catch {
                console.error("--sink \(text): \(error)")
                throw ExitCode(2)
            }
        }
        var server: MetricsServer?
        if let address = options.metricsAddress {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                  (0...65535).contains(port) else {
                console.error("--metrics-address must be HOST:PORT (got \(address))")
                throw ExitCode(2)
            }
            let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let started = MetricsServer(metrics: metrics, host: host.isEmpty ? "0.0.0.0" : host, port: port)
            do {
                _ = try await started.start()
            } catch {
                console.error("--metrics-address \(address): \(error)")
                throw ExitCode(2)
            }
            server = started
        }
        return Events(pipeline: EventPipeline(sinks: sinks, metrics: metrics), metrics: metrics, server: server,
                      metricsFile: options.metricsFile.map(MetricsTextfileWriter.init(path:)))
    }

    /// Forwards the usual termination signals to `forward` instead of dying of them.
    static func forwardSignals(_ forward: @escaping @Sendable (Int32) -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { forward(number) }
            source.resume()
            return source
        }
    }
}

struct RuntimeRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in a new cgroup under a RuntimePolicy; its output and exit status pass through.",
        discussion: """
        Creates a cgroup-v2 directory (bulwark-run-PID under the v2 mount, or under --cgroup-parent), installs the \
        policy on it, starts the command inside it (clone3 into the cgroup: it never runs outside it), enforces \
        until the command exits, then removes everything. Signals sent to bulwark (INT, TERM, HUP, QUIT) go to \
        the command. Bare program names in the policy's exec rules are resolved on this PATH. Events go to \
        standard error unless --sink says otherwise. The exit status is the command's (128 + N when signal N \
        killed it); 2 when the policy or the command could not be loaded or started.
        """
    )

    @OptionGroup var policy: RuntimePolicyOptions
    @OptionGroup var events: RuntimeEventOptions
    @OptionGroup var plan: RuntimePlanOption

    @Option(name: .customLong("cgroup-parent"), help: ArgumentHelp(
        "Create the command's cgroup under this cgroup-v2 directory.", valueName: "dir"))
    var cgroupParent: String?

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --: bulwark runtime run --policy P -- CMD ARGS…") }
    }

    func run() async throws {
        let console = Console.current
        try RuntimeCommandSupport.requireRoot()
        let environment = ProcessInfo.processInfo.environment
        let searchPath = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        let compiled = try RuntimeCommandSupport.compile(try RuntimeCommandSupport.read(policy.policy), policy,
                                                         searchPath: searchPath)
        let events = try await RuntimeCommandSupport.events(self.events)
        let agent: RuntimeAgent
        let cgroup: Cgroup
        do {
            agent = try RuntimeAgent(configuration: .init(plan: plan.value, pinDirectory: nil)) { events.submit($0) }
            cgroup = try Cgroup.create("bulwark-run-\(getpid())", under: cgroupParent)
            events.startReporting(agent)
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
        var termination: CgroupProcess.Termination?
        var failure: (any Error)?
        do {
            try agent.enforce(compiled, on: cgroup)
            let child = try CgroupProcess.spawn(command[0], arguments: Array(command.dropFirst()), environment: environment,
                                                in: cgroup)
            let sources = RuntimeCommandSupport.forwardSignals { child.signal($0) }
            termination = await child.wait()
            sources.forEach { $0.cancel() }
        } catch {
            failure = error
        }
        agent.shutdown(keepEnforcing: false)
        do { try cgroup.remove() } catch { console.warning("\(error)") }
        await events.close()
        if let failure {
            console.error("\(failure)")
            throw ExitCode(2)
        }
        if let termination, termination.status != 0 { throw ExitCode(termination.status) }
    }
}

struct RuntimeEnforce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce",
        abstract: "Enforce a RuntimePolicy on existing cgroups (containers, pods) until stopped; enforcement outlives this process.",
        discussion: """
        Installs the policy on each --cgroup (a cgroup-v2 directory: a pod's or a container's, absolute or relative \
        to the v2 mount; its descendants are covered) and reports events until SIGINT or SIGTERM. Programs and maps \
        are pinned under --pin-dir, so stopping or killing this process leaves the policy in force (fail-closed) and \
        a restarted agent takes over the same pins; bulwark runtime release removes it. Pod and container ids are \
        read from kubepods cgroup paths and reported in events. Bare program names in exec rules are resolved on \
        --search-path (default: this process's PATH); for a container, resolve inside it with --root /proc/PID/root.
        """
    )

    @OptionGroup var policy: RuntimePolicyOptions
    @OptionGroup var events: RuntimeEventOptions
    @OptionGroup var plan: RuntimePlanOption

    @Option(name: .customLong("cgroup"), help: ArgumentHelp(
        "A cgroup-v2 directory to enforce on; repeatable (default: the policy's spec.selector.cgroupPaths).", valueName: "dir"))
    var cgroups: [String] = []

    @Option(name: .customLong("pin-dir"), help: ArgumentHelp("Where programs and maps are pinned (bpffs).", valueName: "dir"))
    var pinDirectory: String = "/sys/fs/bpf/bulwark"

    @Option(name: .customLong("search-path"), help: ArgumentHelp("Directories for bare program names (colon-separated).", valueName: "path"))
    var searchPath: String?

    @Flag(name: .customLong("release-on-exit"), help: "Remove the enforcement when stopped instead of leaving it in force.")
    var releaseOnExit = false

    func run() async throws {
        let console = Console.current
        try RuntimeCommandSupport.requireRoot()
        let policies = try RuntimeCommandSupport.read(policy.policy)
        var cgroups = self.cgroups
        if cgroups.isEmpty {
            cgroups = (policy.name.map { name in policies.filter { $0.name == name } } ?? policies)
                .flatMap(\.scope.cgroupPaths)
            guard !cgroups.isEmpty else {
                console.error("give --cgroup DIR: the policy names no spec.selector.cgroupPaths")
                throw ExitCode(2)
            }
        }
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let compiled = try RuntimeCommandSupport.compile(policies, policy, searchPath: path.split(separator: ":").map(String.init))
        let events = try await RuntimeCommandSupport.events(self.events)
        let agent: RuntimeAgent
        do {
            agent = try RuntimeAgent(configuration: .init(plan: plan.value, pinDirectory: pinDirectory)) { events.submit($0) }
            for directory in cgroups {
                let cgroup = try Cgroup.open(directory)
                try agent.enforce(compiled, on: cgroup)
                let ids = KubepodsPath(path: cgroup.path)
                console.error("enforcing \(compiled.name) on \(cgroup.path) (cgroup id \(cgroup.id)"
                    + (ids.podUID.map { ", pod \($0)" } ?? "") + (ids.containerID.map { ", container \($0.prefix(12))" } ?? "")
                    + ") with \(agent.plan.rawValue)")
            }
            events.startReporting(agent)
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
        let stop = AsyncStream<Int32>.makeStream()
        let sources = RuntimeCommandSupport.forwardSignals { stop.continuation.yield($0) }
        for await _ in stop.stream { break }
        sources.forEach { $0.cancel() }
        agent.shutdown(keepEnforcing: !releaseOnExit)
        await events.close()
        console.error(releaseOnExit ? "released" : "stopped; the policy stays in force (bulwark runtime release removes it)")
    }
}

struct RuntimeRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Remove what bulwark runtime enforce left in force on cgroups."
    )

    @Option(name: .customLong("cgroup"), help: ArgumentHelp("A cgroup-v2 directory to release; repeatable.", valueName: "dir"))
    var cgroups: [String] = []

    @Option(name: .customLong("pin-dir"), help: ArgumentHelp("Where programs and maps are pinned (bpffs).", valueName: "dir"))
    var pinDirectory: String = "/sys/fs/bpf/bulwark"

    @OptionGroup var plan: RuntimePlanOption

    func validate() throws {
        if cgroups.isEmpty { throw ValidationError("give at least one --cgroup DIR") }
    }

    func run() async throws {
        let console = Console.current
        try RuntimeCommandSupport.requireRoot()
        do {
            let agent = try RuntimeAgent(configuration: .init(plan: plan.value, pinDirectory: pinDirectory)) { _ in }
            for directory in cgroups { try agent.release(try Cgroup.open(directory)) }
            agent.shutdown(keepEnforcing: true)
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
    }
}
