import Foundation

/// One Elastic Common Schema 8.x document per event (field names from the ECS field reference: `event.*`,
/// `process.*`, `destination.*`, `network.*`, `container.*`, `orchestrator.*`, `rule.*`, `observer.*`,
/// `host.*`). What ECS has no field for (backend, cgroup) goes under the custom `bulwark.*` namespace.
public struct ECSEncoder: RuntimeEventEncoder {
    /// The ECS version the documents follow.
    public static let ecsVersion = "8.11.0"

    /// `host.name`: the node the agent runs on.
    public var hostName: String

    public init(hostName: String) {
        self.hostName = hostName
    }

    public func encode(_ event: RuntimeEvent) -> JSONValue {
        var doc = JSONObjectBuilder()
        doc.set("@timestamp", RFC3339.string(event.timestamp, fractionDigits: 3))
        doc.set("ecs.version", ECSEncoder.ecsVersion)
        doc.set("message", event.message)

        // event.*: kind/category/type are ECS "allowed values" lists; a refusal is both a process (or network)
        // event and an intrusion-detection one, so SIEM rules keyed on either category see it.
        doc.set("event.kind", event.decision.isAlert ? "alert" : "event")
        let primaryCategory = event.kind == .exec ? "process" : "network"
        doc.set("event.category", .array([.string(primaryCategory), .string("intrusion_detection")]))
        let primaryType = event.kind == .exec ? "start" : "connection"
        doc.set("event.type", .array([.string(primaryType), .string(event.decision.isBlocked ? "denied" : "allowed")]))
        doc.set("event.action", ECSEncoder.action(event))
        doc.set("event.outcome", event.decision.isBlocked ? "failure" : "success")
        doc.set("event.module", "bulwark")
        doc.set("event.dataset", "bulwark.runtime")
        doc.set("event.provider", event.backend.rawValue)

        doc.set("process.pid", .integer(Int64(event.process.pid)))
        doc.set("process.parent.pid", event.process.parentPID.map { JSONValue.integer(Int64($0)) })
        doc.set("process.executable", event.process.executable)
        doc.set("process.name", ECSEncoder.processName(event.process))
        if !event.process.arguments.isEmpty {
            doc.set("process.args", .array(event.process.arguments.map(JSONValue.string)))
            doc.set("process.args_count", .integer(Int64(event.process.arguments.count)))
        }
        doc.set("process.hash.sha256", event.process.sha256)

        if let destination = event.destination {
            doc.set("destination.ip", destination.ip)
            doc.set("destination.port", .integer(Int64(destination.port)))
            doc.set("network.transport", destination.transport.rawValue)
            doc.set("network.type", event.destinationIPVersion == 6 ? "ipv6" : "ipv4")
            doc.set("network.direction", "egress")
        }

        let workload = event.workload
        doc.set("container.id", workload.containerID)
        doc.set("container.name", workload.containerName)
        if workload.podName != nil || workload.namespace != nil || workload.podUID != nil {
            doc.set("orchestrator.type", "kubernetes")
            doc.set("orchestrator.namespace", workload.namespace)
            doc.set("orchestrator.resource.name", workload.podName)
            doc.set("orchestrator.resource.type", "pod")
            doc.set("orchestrator.resource.id", workload.podUID)
        }

        doc.set("rule.id", event.ruleID)
        doc.set("rule.name", event.policyName + "/" + event.ruleID)
        doc.set("rule.ruleset", event.policyName)

        doc.set("observer.type", "agent")
        doc.set("observer.vendor", "Bulwark")
        doc.set("observer.product", "bulwark runtime")
        doc.set("host.name", hostName)

        doc.set("bulwark.backend", event.backend.rawValue)
        doc.set("bulwark.decision", event.decision.rawValue)
        doc.set("bulwark.cgroup.id", .unsigned(workload.cgroupID))
        doc.set("bulwark.cgroup.path", workload.cgroupPath)
        return doc.value
    }

    /// `exec-denied`, `connect-killed`, `sendmsg-alerted`, …: the operation and the decision.
    static func action(_ event: RuntimeEvent) -> String {
        event.kind.rawValue + "-" + event.decision.rawValue
    }

    /// The kernel's command name when known, else the executable's last path component.
    static func processName(_ process: RuntimeEvent.Process) -> String? {
        if let name = process.name, !name.isEmpty { return name }
        guard let executable = process.executable, let last = executable.split(separator: "/").last else { return nil }
        return String(last)
    }
}
