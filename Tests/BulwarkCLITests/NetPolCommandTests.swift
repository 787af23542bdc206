import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark netpol` end to end, on the hardened example (`examples/inference-stack/hardened/k8s`):
/// the API gateway (namespace `gateway`, pods labelled `app.kubernetes.io/name: api-gateway`, not
/// in the example, so given by labels) reaches the model server on 8080/TCP; nothing else does;
/// the model server reaches only DNS and the registry CIDR 10.20.30.0/24 on 443.
@Suite struct NetPolCommandTests {
    static let example = "examples/inference-stack/hardened/k8s"
    static let gateway = "gateway:app.kubernetes.io/name=api-gateway"
    static let server = "ml-inference/model-server"

    func json(_ result: CommandResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: result.stdoutData)
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(result.stdout.prefix(400)) \(result.stderr)")
    }

    func query(_ from: String, _ to: String, _ port: String?) async throws -> CommandResult {
        var arguments = ["netpol", Self.example, "--from", from, "--to", to, "--format", "json"]
        if let port { arguments += ["--port", port] }
        return await CLI.run(arguments)
    }

    @Test func gatewayReachesTheModelServerOn8080() async throws {
        let result = try await query(Self.gateway, Self.server, "8080/TCP")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let answer = try json(result)
        #expect(answer["allowed"] as? Bool == true)
        #expect((answer["reason"] as? String)?.hasPrefix("allowed:") == true)
        #expect(answer["egress"] as? [String] == [])
        #expect(answer["ingress"] as? [String] == ["ml-inference/model-server-ingress"])
    }

    @Test func aNamedPortResolvesAgainstTheDestination() async throws {
        let result = try await query(Self.gateway, Self.server, "http")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(try json(result)["port"] as? Int == 8080)
    }

    @Test(arguments: [
        ("gateway:app.kubernetes.io/name=web", "8080/TCP"),           // another pod of the gateway namespace
        ("ml-inference:app=debug", "8080/TCP"),                       // a pod next to the model server
        ("ml-inference:app.kubernetes.io/name=api-gateway", "8080"),  // the gateway's labels, wrong namespace
        ("default:app.kubernetes.io/name=api-gateway", "8080"),
        ("kube-system:k8s-app=kube-dns", "8080"),
        ("203.0.113.5", "8080"),                                      // the internet
        ("10.20.30.7", "8080"),                                       // even the registry's network
        ("ml-inference/model-server", "8080"),                        // the replicas among themselves
        (gateway, "8081/TCP"),                                        // the gateway on another port
        (gateway, "8080/UDP"),
    ])
    func everyOtherCallerIsDenied(_ from: String, _ port: String) async throws {
        let result = try await query(from, Self.server, port)
        #expect(result.status == 1, "\(from) → model server \(port): \(result.stdout)\n\(result.stderr)")
        let answer = try json(result)
        #expect(answer["allowed"] as? Bool == false)
        #expect((answer["reason"] as? String)?.hasPrefix("denied:") == true)
        #expect((answer["ingress"] as? [String])?.contains("ml-inference/default-deny") == true)
    }

    @Test(arguments: [
        ("dns", "53/UDP", true),
        ("kube-system/kube-dns", "53/TCP", true),
        ("10.20.30.7", "443/TCP", true),
        ("10.20.30.254", "443", true),
        ("10.20.30.7", "80", false),
        ("10.20.31.7", "443", false),
        ("203.0.113.5", "443", false),
        ("8.8.8.8", "53/UDP", false),
        ("metadata", "80", false),
        ("169.254.169.254", "443", false),
        ("2001:db8::1", "443", false),
        ("kube-system:k8s-app=coredns-other", "53/UDP", false),
        ("dns", "9153", false),
        (gateway, "443", false),
        ("ml-inference:app=cache", "6379", false),
        ("default:app=anything", "80", false),
    ])
    func theModelServerReachesOnlyDNSAndTheRegistry(_ to: String, _ port: String, _ allowed: Bool) async throws {
        let result = try await query(Self.server, to, port)
        #expect(result.status == (allowed ? 0 : 1), "model server → \(to) \(port): \(result.stdout)\n\(result.stderr)")
        let answer = try json(result)
        #expect(answer["allowed"] as? Bool == allowed)
        let egress = answer["egress"] as? [String] ?? []
        #expect(egress == (allowed ? ["ml-inference/model-server-egress"] : ["ml-inference/default-deny", "ml-inference/model-server-egress"]))
    }

    @Test func tableAnswer() async throws {
        let result = await CLI.run(["netpol", Self.example, "--from", Self.gateway, "--to", Self.server, "--port", "8080"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ALLOWED  \(Self.gateway) → \(Self.server)  TCP 8080"))
    }

    @Test func matrixAndFindingsInTheReportShape() async throws {
        let result = await CLI.run(["netpol", Self.example, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result)
        #expect(report["schemaVersion"] as? Int == 1)
        #expect(report["summary"] != nil && report["errors"] != nil)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["ruleId"] as? String }.allSatisfy { $0.hasPrefix("netpol/") })
        let matrix = try #require(report["matrix"] as? [String: Any])
        let entries = try #require(matrix["entries"] as? [[String: Any]])
        let fromServer = entries.filter { $0["from"] as? String == Self.server && $0["allowed"] as? Bool == true }
        let reached = Dictionary(uniqueKeysWithValues: fromServer.map { ($0["to"] as? String ?? "", $0["ports"] as? [String] ?? []) })
        #expect(reached == ["kube-system/kube-dns": ["TCP/53", "UDP/53"], "10.20.30.1": ["TCP/443"]])
        let endpoints = try #require(matrix["endpoints"] as? [[String: Any]])
        #expect(endpoints.contains { $0["id"] as? String == "169.254.169.254" && $0["kind"] as? String == "metadata" })
    }

    @Test func tableMatrix() async throws {
        let result = await CLI.run(["netpol", Self.example])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Reachability"))
        #expect(result.stdout.contains("→ 10.20.30.1"))
    }

    @Test func insecureExampleFailsOnMissingIsolation() async throws {
        let result = await CLI.run(["netpol", "examples/inference-stack/k8s", "--format", "json", "--fail-on", "medium"])
        #expect(result.status == 1)
        let ids = Set(try #require(try json(result)["findings"] as? [[String: Any]]).compactMap { $0["ruleId"] as? String })
        #expect(ids.isSuperset(of: ["netpol/missing-default-deny-ingress", "netpol/missing-default-deny-egress", "netpol/metadata-reachable"]))
    }

    @Test(arguments: [
        ["netpol", example, "--port", "8080"],
        ["netpol", example, "--from", "nowhere/nothing", "--to", server],
        ["netpol", example, "--from", gateway, "--to", server, "--port", "70000"],
        ["netpol", example, "--from", gateway, "--to", server, "--port", "grpc"],
        ["netpol", example, "--from", gateway, "--to", server, "--format", "sarif"],
        ["netpol"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) async throws {
        let result = await CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout)\n\(result.stderr)")
    }

    // MARK: - generate

    static let intent = """
    apiVersion: bulwark.dev/v1alpha1
    kind: NetworkIntent
    metadata: {name: model-server}
    spec:
      namespace: ml-inference
      modelServer:
        selector: {app.kubernetes.io/name: model-server}
        ports: [{name: http, port: 8080, protocol: TCP}]
      gateway:
        namespace: gateway
        selector: {app.kubernetes.io/name: api-gateway}
      registry:
        cidr: 10.20.30.0/24
        ports: [443]
    """

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-netpol-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func generateWritesVerifiedPoliciesThatBehaveLikeTheHardenedExample() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let intentFile = directory.appendingPathComponent("intent.yaml")
        try Self.intent.write(to: intentFile, atomically: true, encoding: .utf8)
        let generated = await CLI.run(["netpol", "generate", "--intent", intentFile.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("kind: NetworkPolicy"))
        #expect(!generated.stdout.contains("FAILED"))

        // The generated policies next to the example's Deployment answer like the example's own.
        let cluster = directory.appendingPathComponent("cluster")
        try FileManager.default.createDirectory(at: cluster, withIntermediateDirectories: true)
        try generated.stdout.write(to: cluster.appendingPathComponent("policies.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: CommandRunner.packageRoot.appendingPathComponent("\(Self.example)/deployment.yaml"),
                                         to: cluster.appendingPathComponent("deployment.yaml"))
        for (from, to, port, status) in [(Self.gateway, Self.server, "8080", Int32(0)), ("gateway:app=web", Self.server, "8080", 1),
                                         (Self.server, "10.20.30.9", "443", 0), (Self.server, "dns", "53/UDP", 0),
                                         (Self.server, "203.0.113.5", "443", 1), (Self.server, "metadata", "80", 1)] {
            let result = await CLI.run(["netpol", cluster.path, "--from", from, "--to", to, "--port", port])
            #expect(result.status == status, "\(from) → \(to) \(port): \(result.stdout)")
        }
        let scan = await CLI.run(["netpol", cluster.path, "--format", "json", "--fail-on", "low"])
        #expect(scan.status == 0, "\(scan.stdout)")
    }

    @Test func generateRefusesPoliciesThatFailVerification() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let intentFile = directory.appendingPathComponent("intent.yaml")
        try Self.intent.replacingOccurrences(of: "10.20.30.0/24", with: "0.0.0.0/0").write(to: intentFile, atomically: true, encoding: .utf8)
        let result = await CLI.run(["netpol", "generate", "--intent", intentFile.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("FAILED: model server → cloud metadata service"))
    }

    @Test func generateReportsABrokenIntent() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let intentFile = directory.appendingPathComponent("intent.yaml")
        try "namespace: ml\nmodelServer: {selector: {}}\n".write(to: intentFile, atomically: true, encoding: .utf8)
        let result = await CLI.run(["netpol", "generate", "--intent", intentFile.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("gateway is required") || result.stderr.contains("modelServer.selector"))
    }
}
