import Foundation

/// Lines in the shape of Tetragon's JSON export (`{"<event_type>": {...}, "node_name": …, "time": …}`, from
/// `api/v1/tetragon/tetragon.proto`), so pipelines built for Tetragon can read Bulwark's decisions.
///
/// A refused, killed or reported operation becomes a `process_kprobe` on the LSM hook that Tetragon users would
/// have written a policy for (`security_bprm_check` for exec, `security_socket_connect` / `security_socket_sendmsg`
/// for the network), with the action Tetragon would have reported: `KPROBE_ACTION_OVERRIDE` (refused with an
/// error), `KPROBE_ACTION_SIGKILL` (killed) or `KPROBE_ACTION_POST` (reported). A plain allowed exec is a
/// `process_exec`. Fields Bulwark does not know (`exec_id`, `start_time`, uid) are left out rather than made up.
public struct TetragonEncoder: RuntimeEventEncoder {
    public var nodeName: String

    public init(nodeName: String) {
        self.nodeName = nodeName
    }

    public func encode(_ event: RuntimeEvent) -> JSONValue {
        var members: [String: JSONValue] = [
            "node_name": .string(nodeName),
            "time": .string(RFC3339.string(event.timestamp, fractionDigits: 9)),
        ]
        if event.kind == .exec && event.decision == .allowed {
            var exec = JSONObjectBuilder()
            exec.set("process", process(event))
            exec.set("parent", parent(event))
            members["process_exec"] = exec.value
        } else {
            members["process_kprobe"] = kprobe(event)
        }
        return .object(members)
    }

    /// `KprobeAction` names from tetragon.proto.
    static func action(_ decision: RuntimeEvent.Decision) -> String {
        switch decision {
        case .denied: "KPROBE_ACTION_OVERRIDE"
        case .killed: "KPROBE_ACTION_SIGKILL"
        case .alerted, .allowed: "KPROBE_ACTION_POST"
        }
    }

    static func functionName(_ kind: RuntimeEvent.Kind) -> String {
        switch kind {
        case .exec: "security_bprm_check"
        case .connect: "security_socket_connect"
        case .sendmsg: "security_socket_sendmsg"
        }
    }

    private func kprobe(_ event: RuntimeEvent) -> JSONValue {
        var probe = JSONObjectBuilder()
        probe.set("process", process(event))
        probe.set("parent", parent(event))
        probe.set("function_name", TetragonEncoder.functionName(event.kind))
        probe.set("args", .array(arguments(event)))
        probe.set("action", TetragonEncoder.action(event.decision))
        probe.set("return_action", TetragonEncoder.action(event.decision))
        if event.decision == .denied {
            // What the hook returned to the kernel: -EPERM.
            probe.set("return", .object(["int_arg": .integer(-1)]))
        }
        probe.set("policy_name", event.policyName)
        probe.set("message", event.message)
        probe.set("tags", .array([.string("bulwark"), .string("backend:" + event.backend.rawValue),
                                  .string("rule:" + event.ruleID)]))
        return probe.value
    }

    private func arguments(_ event: RuntimeEvent) -> [JSONValue] {
        switch event.kind {
        case .exec:
            var binprm = JSONObjectBuilder()
            binprm.set("path", event.process.executable)
            return [.object(["linux_binprm_arg": binprm.value])]
        case .connect, .sendmsg:
            guard let destination = event.destination else { return [] }
            let family = event.destinationIPVersion == 6 ? "AF_INET6" : "AF_INET"
            let sock: JSONValue = .object([
                "family": .string(family),
                "type": .string(destination.transport == .tcp ? "SOCK_STREAM" : "SOCK_DGRAM"),
                "protocol": .string(destination.transport == .tcp ? "IPPROTO_TCP" : "IPPROTO_UDP"),
                "daddr": .string(destination.ip),
                "dport": .unsigned(UInt64(destination.port)),
            ])
            let sockaddr: JSONValue = .object([
                "family": .string(family),
                "addr": .string(destination.ip),
                "port": .unsigned(UInt64(destination.port)),
            ])
            return [.object(["sock_arg": sock]), .object(["sockaddr_arg": sockaddr])]
        }
    }

    private func process(_ event: RuntimeEvent) -> JSONValue {
        var process = JSONObjectBuilder()
        process.set("pid", .unsigned(UInt64(UInt32(bitPattern: event.process.pid))))
        process.set("binary", event.process.executable)
        // Tetragon's `arguments` is argv[1...] joined by spaces.
        if event.process.arguments.count > 1 {
            process.set("arguments", event.process.arguments.dropFirst().joined(separator: " "))
        }
        let workload = event.workload
        if let containerID = workload.containerID {
            // Tetragon's `docker` field carries the first 31 characters of the container id.
            process.set("docker", String(containerID.prefix(31)))
        }
        if workload.namespace != nil || workload.podName != nil || workload.containerID != nil {
            process.set("pod.namespace", workload.namespace)
            process.set("pod.name", workload.podName)
            process.set("pod.container.id", workload.containerID)
            process.set("pod.container.name", workload.containerName)
        }
        return process.value
    }

    private func parent(_ event: RuntimeEvent) -> JSONValue? {
        guard let parentPID = event.process.parentPID else { return nil }
        return .object(["pid": .unsigned(UInt64(UInt32(bitPattern: parentPID)))])
    }
}
