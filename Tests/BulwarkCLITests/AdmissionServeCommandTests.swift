import BulwarkTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bulwark admission serve` as a user runs it: certificates from `bulwark admission certs`, the real
/// process on loopback, an AdmissionReview posted with curl trusting the CA, SIGTERM.
@Suite struct AdmissionServeCommandTests {
    static let service = "bulwark-admission"
    static let host = "\(service).bulwark-system.svc"

    func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-admission-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A loopback port free right now (bound to 0, read back, closed).
    func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketDescriptor >= 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, length) == 0 && getsockname(socketDescriptor, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func curl(_ port: Int, _ certs: String, _ arguments: [String]) throws -> CommandResult {
        try CommandRunner.runTool("/usr/bin/curl", ["-sS", "--max-time", "10", "--cacert", certs + "/ca.pem",
                                                     "--resolve", "\(Self.host):\(port):127.0.0.1"] + arguments)
    }

    @Test func servesReviewsOverTLSAndStopsOnSIGTERM() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            print("admission serve test skipped: no /usr/bin/curl" + (ProcessInfo.processInfo.environment["CI"] != nil ? " SKIPPED-IN-CI" : ""))
            return
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certs = directory + "/certs"
        let made = try CommandRunner.run(["admission", "certs", "--service", Self.service, "--namespace", "bulwark-system", "--out", certs])
        try #require(made.status == 0, "\(made.stderr)")
        let config = directory + "/admission.yaml"
        try "mode: enforce\nexempt:\n  namespaces: [kube-system]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let port = try freePort()

        let server = Process()
        server.executableURL = CommandRunner.executable
        server.arguments = ["admission", "serve", "--tls-cert", certs + "/tls.crt", "--tls-key", certs + "/tls.key",
                            "--host", "127.0.0.1", "--port", String(port), "--config", config]
        let logFile = directory + "/server.log"
        FileManager.default.createFile(atPath: logFile, contents: nil)
        server.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }

        var healthy = false
        for _ in 0..<100 where !healthy {
            healthy = (try? curl(port, certs, ["https://\(Self.host):\(port)/healthz"]))?.status == 0
            if !healthy { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(healthy, "the server did not answer /healthz: \((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")")

        let review = directory + "/review.json"
        let body = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"cli-uid-1","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"ml","name":"app","operation":"CREATE","userInfo":{"username":"alice"},"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},"spec":{"containers":[{"name":"vllm","image":"vllm/vllm-openai:v0.6.3","securityContext":{"privileged":true}}]}},"dryRun":false}}"#
        try body.write(toFile: review, atomically: true, encoding: .utf8)
        let answer = try curl(port, certs, ["-H", "Content-Type: application/json", "--data-binary", "@" + review,
                                            "https://\(Self.host):\(port)/validate"])
        try #require(answer.status == 0, "\(answer.stderr)")
        let response = try #require(try JSONSerialization.jsonObject(with: answer.stdoutData) as? [String: Any])["response"] as? [String: Any]
        #expect(response?["uid"] as? String == "cli-uid-1")
        #expect(response?["allowed"] as? Bool == false)
        #expect(((response?["status"] as? [String: Any])?["message"] as? String)?.contains("[pss/privileged] container vllm") == true)

        let metrics = try curl(port, certs, ["https://\(Self.host):\(port)/metrics"])
        #expect(metrics.stdout.contains("bulwark_admission_requests_total"))

        kill(server.processIdentifier, SIGTERM)
        for _ in 0..<150 where server.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.isRunning, "still running 15 s after SIGTERM")
        if !server.isRunning { #expect(server.terminationStatus == 0) }
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        // One JSON line per request, with the uid and the decision.
        let line = try #require(log.split(separator: "\n").first { $0.contains("cli-uid-1") })
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(fields["decision"] as? String == "deny")
    }

    @Test func listsRulesAndRefusesABadConfiguration() async throws {
        let list = try CommandRunner.run(["admission", "serve", "--tls-cert", "x", "--tls-key", "y", "--list-rules"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("  pss/privileged\n"))
        #expect(list.stdout.contains("  rbac/wildcard-rule: judges the whole inventory"))
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "mode: enforse\n".write(toFile: directory + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try CommandRunner.run(["admission", "serve", "--tls-cert", "x", "--tls-key", "y", "--config", directory + "/bad.yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.yaml:1:7: mode must be one of"), "\(bad.stderr)")
        let missing = try CommandRunner.run(["admission", "serve", "--tls-cert", directory + "/none.crt", "--tls-key", directory + "/none.key"])
        #expect(missing.status == 2, "\(missing.stderr)")
    }
}
