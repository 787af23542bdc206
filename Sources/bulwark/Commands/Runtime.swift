import ArgumentParser
import BulwarkCore
import BulwarkRuntime
import CBulwarkBPF
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Runtime: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enforce exec and network policies on processes in the kernel, report what was denied to a SIEM.",
        discussion: """
        A RuntimePolicy (bulwark.dev/v1alpha1) says which programs a cgroup's processes may execute, judged by \
        device and inode (a copy of a binary under another path is another file), and where they may connect \
        (IPv4/IPv6 CIDRs, ports, TCP/UDP). Enforcement runs in the kernel: BPF LSM programs where the kernel \
        allows them; otherwise cgroup connect/sendmsg programs for the network (EPERM) and fanotify exec \
        permission for exec (EPERM), with an exec tracepoint that kills denied programs as the backstop. \
        bulwark runtime doctor says which work here and why the others do not.
        """,
        subcommands: [RuntimeDoctor.self, RuntimeRun.self, RuntimeEnforce.self, RuntimeRelease.self, RuntimePolicyCommand.self]
    )
}

/// `--plan`, shared by the commands that enforce.
struct RuntimePlanOption: ParsableArguments {
    @Option(name: .customLong("plan"), help: ArgumentHelp(
        "The backends: auto (the best the machine allows), lsm, cgroup+fanotify, cgroup+tracepoint.", valueName: "plan"))
    var plan: String = "auto"

    func validate() throws {
        if plan != "auto", BackendPlan(rawValue: plan) == nil {
            throw ValidationError("--plan must be auto, lsm, cgroup+fanotify or cgroup+tracepoint (got \(plan))")
        }
    }

    var value: BackendPlan? { BackendPlan(rawValue: plan) }
}

struct RuntimeDoctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Probe which enforcement mechanisms work on this machine, why the others do not, and which plan would be used."
    )

    @Option(name: .customLong("format"), help: ArgumentHelp("text or json.", valueName: "format"))
    var format: String = "text"

    func validate() throws {
        if format != "text" && format != "json" { throw ValidationError("--format must be text or json (got \(format))") }
    }

    func run() async throws {
        let probes = RuntimeAgent.probe()
        let plan = RuntimeAgent.environmentPlan ?? BackendPlan.choose(probes)
        let console = Console.current
        if format == "json" {
            var object: [String: Any] = [:]
            object["plan"] = plan?.rawValue ?? NSNull()
            object["mechanisms"] = probes.map { ["mechanism": $0.mechanism.rawValue, "works": $0.works, "detail": $0.detail] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try console.emit(Array(data) + [0x0a])
        } else {
            var text = ""
            for probe in probes {
                text += "\(probe.works ? "yes" : "no ")  \(probe.mechanism.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0))"
                    + "\(TerminalText.sanitized(probe.detail))\n"
            }
            text += "plan: " + (plan.map { "\($0.rawValue) — \(Self.explain($0))" } ?? "none: nothing can enforce here") + "\n"
            try console.emit(text)
        }
        if plan == nil { throw ExitCode(1) }
    }

    static func explain(_ plan: BackendPlan) -> String {
        switch plan {
        case .lsm: "BPF LSM decides exec, connect and sendmsg (EPERM before the operation)"
        case .cgroupAndFanotify:
            "cgroup connect/sendmsg programs for the network (EPERM), fanotify for exec (EPERM), the exec tracepoint as the fail-closed backstop"
        case .cgroupAndTracepoint: "cgroup connect/sendmsg programs for the network (EPERM), exec killed right after it happened"
        }
    }
}

/// What the enforcing commands share: the policy file, sinks, formats.
struct RuntimePolicyOptions: ParsableArguments {
    @Option(name: .customLong("policy"), help: ArgumentHelp("A RuntimePolicy YAML file (or a TracingPolicy to import).", valueName: "file"))
    var policy: String

    @Option(name: .customLong("name"), help: ArgumentHelp(
        "The policy to use when the file holds several (metadata.name).", valueName: "name"))
    var name: String?

    @Flag(name: .customLong("alert-only"), help: "Report what the policy would deny, deny nothing (every deny becomes an alert).")
    var alertOnly = false
}

struct RuntimeEventOptions: ParsableArguments {
    @Option(name: .customLong("events"), help: ArgumentHelp("Event format: ecs or tetragon.", valueName: "format"))
    var format: String = "ecs"

    @Option(name: .customLong("sink"), help: ArgumentHelp(
        "Where events go; repeatable: stderr, stdout, file:PATH[?max-bytes=N&keep=K], syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT, splunk-hec+https://HOST:PORT?token-env=VAR, elasticsearch+http(s)://HOST:PORT/INDEX (default: stderr).",
        valueName: "sink"))
    var sinks: [String] = []

    @Option(name: .customLong("metrics-address"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://ADDRESS/metrics (e.g. 127.0.0.1:9464).", valueName: "host:port"))
    var metricsAddress: String?
}
