import BulwarkRuntime
import Foundation
import Testing

/// Events covering every kind, decision and optional field, shared by the encoder, sink and metrics suites.
enum EventSamples {
    static let containerID = String(repeating: "5a1e", count: 16)

    static let workload = RuntimeEvent.Workload(
        cgroupID: 4_242, cgroupPath: "/kubepods.slice/kubepods-pod1.slice/cri-containerd-\(containerID).scope",
        containerID: containerID, podUID: "6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f", podName: "model-server-7d9f",
        namespace: "ml", containerName: "server")

    /// 2026-12-07T14:00:00.123456789Z (as close as a `Date` gets).
    static let time = Date(timeIntervalSince1970: 1_796_652_000.123)

    static let execDenied = RuntimeEvent(
        timestamp: time, kind: .exec, decision: .denied, backend: .lsm,
        process: .init(pid: 4_711, parentPID: 4_700, executable: "/tmp/x", arguments: ["/tmp/x", "-c", "id; echo \"hi\""],
                       sha256: String(repeating: "ab", count: 32), name: "x"),
        workload: workload, policyName: "model-server", ruleID: "exec.default",
        message: "exec of /tmp/x denied: not in the allowlist of policy model-server")

    static let execKilled = RuntimeEvent(
        timestamp: time.addingTimeInterval(1), kind: .exec, decision: .killed, backend: .tracepointKill,
        process: .init(pid: 4_712, executable: "/bin/sh", arguments: ["sh"]),
        workload: .init(cgroupID: 77), policyName: "model-server", ruleID: "exec.deny[0]",
        message: "exec of /bin/sh killed: denied by rule exec.deny[0]")

    static let execAllowed = RuntimeEvent(
        timestamp: time.addingTimeInterval(2), kind: .exec, decision: .allowed, backend: .fanotify,
        process: .init(pid: 4_713, parentPID: 1, executable: "/usr/bin/python3", arguments: ["python3", "serve.py"]),
        workload: workload, policyName: "model-server", ruleID: "exec.allow[1]",
        message: "exec of /usr/bin/python3 allowed by rule exec.allow[1]")

    static let connectDenied = RuntimeEvent(
        timestamp: time.addingTimeInterval(3), kind: .connect, decision: .denied, backend: .cgroupSockAddr,
        process: .init(pid: 4_714, executable: "/usr/bin/curl", name: "curl"),
        destination: .init(ip: "203.0.113.7", port: 443, transport: .tcp),
        workload: workload, policyName: "model-server", ruleID: "egress.default",
        message: "connect to 203.0.113.7:443/tcp denied: no egress rule allows it")

    static let sendmsgAlerted = RuntimeEvent(
        timestamp: time.addingTimeInterval(4), kind: .sendmsg, decision: .alerted, backend: .cgroupSockAddr,
        process: .init(pid: 4_715),
        destination: .init(ip: "2001:db8::53", port: 53, transport: .udp),
        workload: .init(cgroupID: 9, namespace: "ml"), policyName: "model-server", ruleID: "egress.alert[0]",
        message: "sendmsg to [2001:db8::53]:53/udp reported by rule egress.alert[0]")

    static let all = [execDenied, execKilled, execAllowed, connectDenied, sendmsgAlerted]

    static func numbered(_ count: Int) -> [RuntimeEvent] {
        (0..<count).map { index in
            var event = execDenied
            event.process.pid = Int32(index)
            event.message = "event \(index)"
            return event
        }
    }
}

@Suite struct EventEncoderTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares with the committed golden file; `BULWARK_UPDATE_GOLDEN=1` rewrites it.
    func checkGolden(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["BULWARK_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        let expected = golden.split(separator: "\n", omittingEmptySubsequences: false)
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            #expect(a == e, "line \(index + 1) of \(name)", sourceLocation: sourceLocation)
        }
    }

    @Test func ecsMatchesGolden() throws {
        let encoder = ECSEncoder(hostName: "node-1")
        try checkGolden("ecs.jsonl", EventSamples.all.map { encoder.line($0) + "\n" }.joined())
    }

    @Test func tetragonMatchesGolden() throws {
        let encoder = TetragonEncoder(nodeName: "node-1")
        try checkGolden("tetragon.jsonl", EventSamples.all.map { encoder.line($0) + "\n" }.joined())
    }

    @Test func encodingIsDeterministic() {
        for format in EventFormat.allCases {
            let encoder = format.encoder(nodeName: "n")
            for event in EventSamples.all {
                #expect(encoder.line(event) == encoder.line(event))
            }
        }
    }

    /// The fields SIEM rules key on, checked through a JSON parser rather than the golden text.
    @Test func ecsDeniedExecFields() throws {
        let line = ECSEncoder(hostName: "node-1").line(EventSamples.execDenied)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let event = try #require(doc["event"] as? [String: Any])
        #expect(doc["@timestamp"] as? String == "2026-12-07T14:00:00.123Z")
        #expect((doc["ecs"] as? [String: Any])?["version"] as? String == "8.11.0")
        #expect(event["kind"] as? String == "alert")
        #expect(event["category"] as? [String] == ["process", "intrusion_detection"])
        #expect(event["type"] as? [String] == ["start", "denied"])
        #expect(event["action"] as? String == "exec-denied")
        #expect(event["outcome"] as? String == "failure")
        #expect(event["module"] as? String == "bulwark")
        #expect(event["dataset"] as? String == "bulwark.runtime")
        let process = try #require(doc["process"] as? [String: Any])
        #expect(process["pid"] as? Int == 4_711)
        #expect((process["parent"] as? [String: Any])?["pid"] as? Int == 4_700)
        #expect(process["args"] as? [String] == ["/tmp/x", "-c", "id; echo \"hi\""])
        #expect((process["hash"] as? [String: Any])?["sha256"] as? String == String(repeating: "ab", count: 32))
        let orchestrator = try #require(doc["orchestrator"] as? [String: Any])
        #expect(orchestrator["type"] as? String == "kubernetes")
        #expect(orchestrator["namespace"] as? String == "ml")
        #expect((orchestrator["resource"] as? [String: Any])?["name"] as? String == "model-server-7d9f")
        #expect((doc["container"] as? [String: Any])?["id"] as? String == EventSamples.containerID)
        #expect((doc["rule"] as? [String: Any])?["ruleset"] as? String == "model-server")
    }

    @Test(arguments: [
        (EventSamples.connectDenied, "connect-denied", "ipv4", "tcp", "failure", "alert"),
        (EventSamples.sendmsgAlerted, "sendmsg-alerted", "ipv6", "udp", "success", "alert"),
    ])
    func ecsNetworkFields(event: RuntimeEvent, action: String, type: String, transport: String, outcome: String,
                          kind: String) throws {
        let line = ECSEncoder(hostName: "n").line(event)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let fields = try #require(doc["event"] as? [String: Any])
        #expect(fields["action"] as? String == action)
        #expect(fields["outcome"] as? String == outcome)
        #expect(fields["kind"] as? String == kind)
        #expect((fields["category"] as? [String])?.first == "network")
        let network = try #require(doc["network"] as? [String: Any])
        #expect(network["type"] as? String == type)
        #expect(network["transport"] as? String == transport)
        #expect((doc["destination"] as? [String: Any])?["ip"] as? String == event.destination?.ip)
    }

    @Test(arguments: [
        (EventSamples.execDenied, "process_kprobe", "security_bprm_check", "KPROBE_ACTION_OVERRIDE"),
        (EventSamples.execKilled, "process_kprobe", "security_bprm_check", "KPROBE_ACTION_SIGKILL"),
        (EventSamples.connectDenied, "process_kprobe", "security_socket_connect", "KPROBE_ACTION_OVERRIDE"),
        (EventSamples.sendmsgAlerted, "process_kprobe", "security_socket_sendmsg", "KPROBE_ACTION_POST"),
        (EventSamples.execAllowed, "process_exec", "", ""),
    ])
    func tetragonShape(event: RuntimeEvent, type: String, function: String, action: String) throws {
        let line = TetragonEncoder(nodeName: "node-1").line(event)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(doc["node_name"] as? String == "node-1")
        #expect((doc["time"] as? String)?.count == "2026-12-07T14:00:00.123000000Z".count)
        let body = try #require(doc[type] as? [String: Any])
        if !function.isEmpty {
            #expect(body["function_name"] as? String == function)
            #expect(body["action"] as? String == action)
            #expect(body["policy_name"] as? String == "model-server")
        }
        let process = try #require(body["process"] as? [String: Any])
        #expect(process["pid"] as? Int == Int(event.process.pid))
        if let containerID = event.workload.containerID {
            let pod = try #require(process["pod"] as? [String: Any])
            #expect((pod["container"] as? [String: Any])?["id"] as? String == containerID)
        }
    }

    @Test func controlCharactersAreEscaped() {
        var event = EventSamples.execKilled
        event.process.executable = "/tmp/evil\nname\u{1}"
        let line = ECSEncoder(hostName: "n").line(event)
        #expect(!line.contains("\n"))
        #expect(line.contains(#""/tmp/evil\nname\u0001""#))
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        (-1.0, "1969-12-31T23:59:59.000Z"),
        (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func rfc3339Milliseconds(seconds: Double, expected: String) {
        var event = EventSamples.execKilled
        event.timestamp = Date(timeIntervalSince1970: seconds)
        #expect(ECSEncoder(hostName: "n").line(event).contains("\"@timestamp\":\"\(expected)\""))
    }
}
