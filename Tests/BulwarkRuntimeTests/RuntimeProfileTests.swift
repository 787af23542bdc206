import BulwarkCore
import BulwarkKubernetes
import BulwarkRuntime
import BulwarkTestSupport
import Foundation
import Testing

/// Profiles derived from manifests: the hardened example's model server (gunicorn from the Dockerfile's CMD,
/// egress to DNS and the registry CIDR) and smaller inventories for each source of rules.
@Suite struct RuntimeProfileTests {
    static let example = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/hardened/k8s").path

    static func derive(_ yaml: String, dockerfiles: [String] = [], options: RuntimeProfiles.Options = .init()) -> RuntimeProfiles.Result {
        let inventory = KubernetesLoader.parse(text: yaml, file: "m.yaml")
        return RuntimeProfiles.derive(inventory: inventory, dockerfiles: [], options: options)
    }

    @Test func theHardenedExampleGetsOnePolicyForTheModelServer() throws {
        let result = RuntimeProfiles.derive(from: Self.example)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.policies.map(\.name) == ["ml-inference-model-server"])
        let policy = try #require(result.policies.first)
        #expect(policy.scope.namespaces == ["ml-inference"])
        #expect(policy.scope.podLabels["app.kubernetes.io/name"] == "model-server")
        let exec = try #require(policy.exec)
        #expect(exec.defaultAction == .deny)
        let allowed = exec.rules.filter { $0.action == .allow }.map(\.path)
        #expect(allowed.first == "gunicorn", "the Dockerfile's CMD comes first: \(allowed)")
        #expect(exec.rules.first?.comment?.contains("Dockerfile") == true)
        for name in ["python3", "python", "gunicorn"] { #expect(allowed.contains(name), "\(name) in \(allowed)") }
        let denied = Set(exec.rules.filter { $0.action == .deny }.map(\.path))
        for name in ["sh", "bash", "curl", "wget", "nc", "pip", "apt-get", "busybox"] { #expect(denied.contains(name), "\(name)") }
        #expect(exec.rules.allSatisfy { $0.comment?.isEmpty == false })
        #expect(exec.scripts.contains { $0.interpreter == "python3" && $0.inlineCode == .deny })
        let egress = try #require(policy.egress)
        #expect(egress.defaultAction == .deny)
        let byCIDR = Dictionary(egress.rules.map { ($0.cidrs.map(\.description).joined(separator: ","), $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byCIDR["127.0.0.1/32,::1/128"]?.action == .allow)
        let dns = try #require(byCIDR["10.96.0.10/32"])
        #expect(dns.ports == [53...53])
        #expect(dns.protocols == [.tcp, .udp])
        let registry = try #require(byCIDR["10.20.30.0/24"])
        #expect(registry.ports == [443...443])
        #expect(registry.protocols == [.tcp])
        #expect(registry.comment?.contains("model-server-egress") == true)
        #expect(egress.rules.count == 3, "\(egress.rules)")
    }

    /// The acceptance path in miniature: the derived policy compiles on this host, allows python3, and
    /// decides the connections the attack simulations make.
    @Test func theExampleProfileDecidesTheAttackSimulations() throws {
        let policy = try #require(RuntimeProfiles.derive(from: Self.example).policies.first)
        let compiled = try policy.compile(resolver: ExecPathResolver(searchPath: ["/usr/local/bin", "/usr/bin", "/bin"]))
        let network = try #require(compiled.network)
        func decide(_ text: String, _ port: UInt16, _ proto: TransportProtocol = .tcp) throws -> RuntimeAction {
            network.decide(address: CompiledNetwork.bytes(try #require(IPAddress(text))), port: port, protocol: proto).0
        }
        #expect(try decide("127.0.0.2", 4444) == .deny)
        #expect(try decide("::ffff:127.0.0.2", 4444) == .deny)
        #expect(try decide("127.0.0.1", 8080) == .allow)
        #expect(try decide("::1", 8080) == .allow)
        #expect(try decide("10.96.0.10", 53, .udp) == .allow)
        #expect(try decide("10.20.30.7", 443) == .allow)
        #expect(try decide("10.20.30.7", 80) == .deny)
        #expect(try decide("203.0.113.5", 443) == .deny)
        let exec = try #require(compiled.exec)
        #expect(exec.decide(try #require(FileIdentity(path: "/bin/sh"))).0 == .deny)
        #expect(exec.decide(try #require(FileIdentity(path: "/usr/bin/python3"))).0 == .allow)
    }

    /// What `strace -f -e trace=execve` saw the example app exec under gunicorn from a venv (docs/facts.md):
    /// gunicorn (a script), its python3 and that interpreter's loader, and lscpu (joblib). All must be
    /// allowed by the derived profile on a host where the venv comes first on the search path.
    @Test func theExampleProfileAllowsWhatTheAppExecsFromAVenv() throws {
        let directory = NSTemporaryDirectory() + "/bulwark-test-profile-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let venv = directory + "/venv/bin"
        try FileManager.default.createDirectory(atPath: venv, withIntermediateDirectories: true)
        symlink("/usr/bin/python3", venv + "/python3")
        symlink("python3", venv + "/python")
        try "#!\(venv)/python3\nfrom gunicorn.app.wsgiapp import run\n".write(toFile: venv + "/gunicorn", atomically: true, encoding: .utf8)
        chmod(venv + "/gunicorn", 0o755)
        let policy = try #require(RuntimeProfiles.derive(from: Self.example).policies.first)
        let compiled = try policy.compile(resolver: ExecPathResolver(searchPath: [venv, "/usr/local/bin", "/usr/bin", "/bin"]))
        let exec = try #require(compiled.exec)
        var executed = [venv + "/gunicorn", "/usr/bin/python3"]
        executed += ExecPathResolver(searchPath: []).companions(ofHostPath: "/usr/bin/python3").compactMap {
            if case .loader(let path) = $0 { return path }
            return nil
        }
        if FileIdentity(path: "/usr/bin/lscpu") != nil { executed.append("/usr/bin/lscpu") }
        for path in executed {
            let identity = try #require(FileIdentity(path: path), "\(path)")
            #expect(exec.decide(identity).0 == .allow, "\(path): \(compiled.ruleID(at: exec.decide(identity).1))")
        }
        for path in ["/bin/sh", "/bin/bash", "/usr/bin/dash"] {
            guard let identity = FileIdentity(path: path) else { continue }
            #expect(exec.decide(identity).0 == .deny, "\(path)")
        }
        let python = try #require(exec.entries.first { $0.identity == FileIdentity(path: "/usr/bin/python3") })
        #expect(python.inlineCode == .deny)
    }

    @Test func withoutEgressIsolationTheDefaultIsAlert() throws {
        let result = Self.derive("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: apps, labels: {app: web}}
            spec:
              containers:
              - name: app
                image: python:3.12
                command: [uvicorn, main:app]
                livenessProbe: {exec: {command: [python3, -c, "import sys"]}}
            """)
        let policy = try #require(result.policies.first)
        #expect(policy.name == "apps-web")
        #expect(policy.egress?.defaultAction == .alert)
        #expect(policy.egress?.comment?.contains("do not restrict egress") == true)
        #expect(policy.egress?.rules.map(\.id) == ["loopback"])
        let exec = try #require(policy.exec)
        #expect(exec.rules.first?.path == "uvicorn")
        #expect(exec.rules.contains { $0.path == "python3" && $0.comment?.contains("livenessProbe") == true })
        // The probe runs inline code, so inline code stays allowed for that interpreter, with the reason.
        #expect(exec.scripts.first { $0.interpreter == "python3" }?.inlineCode == .allow)
    }

    @Test func peersAndIPBlocksBecomeRulesWithPortsAndExceptions() throws {
        let result = Self.derive("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: ml}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers: [{name: api, image: vllm/vllm-openai:v0.6.3, command: [sh, -c, "vllm serve"]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api-egress, namespace: ml}
            spec:
              podSelector: {matchLabels: {app: api}}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
                ports: [{protocol: TCP, port: 8000, endPort: 8100}, {protocol: UDP, port: 8000, endPort: 8100}]
              - to: [{podSelector: {matchLabels: {app: db}}}]
                ports: [{port: 5432}]
            """, options: .init(clusterDNS: IPAddress("10.0.0.10") ?? IPAddress(family: .v4, high: 0, low: 1),
                                podCIDRs: [CIDR("10.244.0.0/16")].compactMap { $0 }))
        let policy = try #require(result.policies.first)
        let egress = try #require(policy.egress)
        #expect(egress.defaultAction == .deny)
        // No DNS rule: the policies do not allow port 53.
        #expect(!egress.rules.contains { $0.id == "cluster-dns" })
        let blocks = try #require(egress.rules.first { $0.comment?.contains("ipBlock 10.0.0.0/8 except 10.1.0.0/16") == true })
        #expect(blocks.ports == [8000...8100])
        #expect(blocks.protocols.isEmpty)
        #expect(!blocks.cidrs.contains { $0.contains(IPAddress("10.1.2.3") ?? IPAddress(family: .v4, high: 0, low: 0)) })
        #expect(blocks.cidrs.contains { $0.contains(IPAddress("10.2.0.1") ?? IPAddress(family: .v4, high: 0, low: 0)) })
        #expect(blocks.cidrs.count == 8, "10/8 minus 10.1/16 is 8 prefixes: \(blocks.cidrs)")
        let pods = try #require(egress.rules.first { $0.cidrs.map(\.description) == ["10.244.0.0/16"] })
        #expect(pods.ports == [5432...5432])
        #expect(pods.protocols == [.tcp])
        #expect(pods.comment?.contains("not known statically") == true)
        // The command runs a shell, so the shell is allowed (and not denied), with a warning.
        let exec = try #require(policy.exec)
        #expect(exec.rules.contains { $0.path == "sh" && $0.action == .allow })
        #expect(!exec.rules.contains { $0.path == "sh" && $0.action == .deny })
        #expect(exec.rules.contains { $0.path == "vllm" && $0.action == .allow })
        #expect(result.warnings.contains { $0.message.contains("shell sh") })
        #expect(exec.scripts.first { $0.interpreter == "sh" }?.inlineCode == .allow)
    }

    @Test(arguments: [
        ("10.0.0.0/8", ["10.1.0.0/16"], 8),
        ("10.0.0.0/8", ["10.0.0.0/8"], 0),
        ("10.0.0.0/8", ["192.168.0.0/16"], 1),
        ("10.0.0.0/24", ["10.0.0.0/25", "10.0.0.128/25"], 0),
        ("2001:db8::/32", ["2001:db8::/48"], 16),
    ])
    func cidrSubtractionIsExact(_ cidr: String, _ except: [String], _ count: Int) throws {
        let whole = try #require(CIDR(cidr))
        let removed = except.compactMap(CIDR.init)
        let parts = RuntimeProfiles.subtract(whole, removed)
        #expect(parts.count == count)
        for part in parts {
            #expect(whole.contains(part))
            #expect(!removed.contains { $0.overlaps(part) })
        }
    }

    @Test func aWorkloadFilterThatMatchesNothingIsAnError() {
        let result = RuntimeProfiles.derive(from: Self.example, options: .init(workload: "nope"))
        #expect(result.policies.isEmpty)
        #expect(result.errors.contains { $0.message.contains("no workload named nope") && $0.message.contains("ml-inference/model-server") })
        #expect(RuntimeProfiles.derive(from: Self.example, options: .init(workload: "ml-inference/model-server")).policies.count == 1)
    }
}
