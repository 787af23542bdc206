import BulwarkCore
import BulwarkKubernetes
import BulwarkRuntime
import Foundation
import Testing

/// `RuntimePolicy.compile`: exec paths to file identities (with loaders and interpreters), egress rules to
/// longest-prefix entries that decide exactly as the rule list does.
@Suite struct RuntimePolicyCompileTests {
    /// A fresh directory under the temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/bulwark-test-policy-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String, executable: Bool = true) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { chmod(path, 0o755) }
    }

    /// The host's python3 (an ELF with a PT_INTERP), as every Debian image has it.
    static let python = "/usr/bin/python3"

    @Test func bareNamesResolveToEveryDistinctFileAndDeriveLoadersAndInterpreters() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #require(FileIdentity(path: Self.python) != nil, "needs \(Self.python)")
        // A venv-like bin: python3 is a symlink to the system interpreter; gunicorn a script run by it.
        let venv = directory + "/venv/bin"
        try FileManager.default.createDirectory(atPath: venv, withIntermediateDirectories: true)
        symlink(Self.python, venv + "/python3")
        try Self.write("#!\(venv)/python3\nimport sys\n", to: venv + "/gunicorn")
        try Self.write("#!/usr/bin/env python3\nprint(1)\n", to: venv + "/tool")
        let policy = RuntimePolicy(name: "p", exec: ExecPolicy(rules: [
            ExecRule(id: "gunicorn", path: "gunicorn", action: .allow),
            ExecRule(id: "tool", path: "tool", action: .allow),
            ExecRule(id: "sh", path: "/bin/sh", action: .deny),
            ExecRule(id: "gone", path: "no-such-program-here", action: .allow, line: 7),
        ], scripts: [ScriptRule(id: "inline", interpreter: "python3", inlineCode: .deny, allowedScripts: ["/app/**"])]))
        let resolver = ExecPathResolver(searchPath: [venv, "/usr/bin", "/bin"])
        let compiled = try policy.compile(resolver: resolver)
        let exec = try #require(compiled.exec)
        let identities = exec.entries.map(\.identity)
        #expect(Set(identities).count == identities.count, "one entry per file")
        let pythonIdentity = try #require(FileIdentity(path: Self.python))
        let interpreter = try #require(exec.entries.first { $0.identity == pythonIdentity })
        #expect(compiled.ruleID(at: interpreter.ruleIndex) == "gunicorn/interpreter")
        #expect(interpreter.inlineCode == .deny)
        #expect(interpreter.allowedScripts == ["/app/**"])
        // python3's PT_INTERP, the dynamic loader the kernel runs with it.
        let loaderPath = try #require(ExecPathResolver(searchPath: []).companions(ofHostPath: Self.python).compactMap { companion -> String? in
            if case .loader(let path) = companion { return path }
            return nil
        }.first)
        let loader = try #require(FileIdentity(path: loaderPath))
        let loaderEntry = try #require(exec.entries.first { $0.identity == loader })
        #expect(compiled.ruleID(at: loaderEntry.ruleIndex).hasSuffix("/loader"))
        #expect(loaderEntry.action == .allow)
        // `#!/usr/bin/env python3`: env and the python3 it finds.
        let env = try #require(FileIdentity(path: "/usr/bin/env"))
        #expect(exec.entries.contains { $0.identity == env && compiled.ruleID(at: $0.ruleIndex) == "tool/interpreter" })
        #expect(exec.decide(try #require(FileIdentity(path: "/bin/sh"))).0 == .deny)
        #expect(exec.decide(try #require(FileIdentity(path: venv + "/gunicorn"))) .0 == .allow)
        #expect(Self.same(exec.decide(FileIdentity(device: 1, inode: 1)), (.deny, CompiledPolicy.defaultRuleIndex)))
        #expect(compiled.warnings.contains { $0.contains("gone") && $0.contains("no-such-program-here") && $0.contains("line 7") })
        // ruleIDs and ruleIndex agree.
        for entry in exec.entries { #expect(Int(entry.ruleIndex) < compiled.ruleIDs.count) }
        #expect(Set(compiled.ruleIDs).count == compiled.ruleIDs.count)
    }

    @Test func aDeniedInterpreterIsReportedNotOverridden() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.write("#!/bin/sh\necho hi\n", to: directory + "/script")
        let policy = RuntimePolicy(name: "p", exec: ExecPolicy(rules: [
            ExecRule(id: "deny-sh", path: "/bin/sh", action: .deny),
            ExecRule(id: "script", path: directory + "/script", action: .allow),
        ]))
        let compiled = try policy.compile(resolver: ExecPathResolver(searchPath: []))
        #expect(compiled.exec?.decide(try #require(FileIdentity(path: "/bin/sh"))).0 == .deny)
        #expect(compiled.warnings.contains { $0.contains("deny-sh") && $0.contains("cannot start") }, "\(compiled.warnings)")
    }

    @Test func aSHA256MismatchNamesTheRuleAndTheFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.write("#!/bin/true\n", to: directory + "/x")
        let good = "a0b1a4a1cc1b57c3a3b04171c6b8d52e0b9f1a6b24bb5fdb6e8ef5c3aa0c2f22"
        let actual = try #require(ExecPathResolver.sha256(ofHostPath: directory + "/x"))
        #expect(actual.count == 64)
        let matching = RuntimePolicy(name: "p", exec: ExecPolicy(rules: [ExecRule(id: "x", path: directory + "/x", sha256: actual, action: .allow)]))
        #expect(try matching.compile(resolver: ExecPathResolver(searchPath: [])).exec?.entries.first?.sha256 == actual)
        let wrong = RuntimePolicy(name: "p", exec: ExecPolicy(rules: [ExecRule(id: "pinned", path: directory + "/x", sha256: good, action: .allow, line: 3)]))
        #expect {
            try wrong.compile(resolver: ExecPathResolver(searchPath: []))
        } throws: { error in
            let text = "\(error)"
            return text.contains("pinned") && text.contains(directory + "/x") && text.contains("line 3") && text.contains(actual)
        }
    }

    @Test func absolutePathsStayInsideTheRoot() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/usr/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/etc/alternatives", withIntermediateDirectories: true)
        try Self.write("inside\n", to: root + "/usr/bin/python3.11")
        symlink("/usr/bin/python3.11", root + "/etc/alternatives/python")  // absolute: means ROOT/usr/bin/python3.11
        symlink("/etc/alternatives/python", root + "/usr/bin/python")
        symlink("../../../../../../usr/bin/python3.11", root + "/usr/bin/escape")  // `..` stops at the root
        symlink("/loop", root + "/loop")
        let resolver = ExecPathResolver(root: root, searchPath: ["/usr/bin"])
        let inside = try #require(FileIdentity(path: root + "/usr/bin/python3.11"))
        #expect(resolver.resolve("/usr/bin/python").map(\.identity) == [inside])
        #expect(resolver.resolve("python").first?.canonicalPath == "/usr/bin/python3.11")
        #expect(resolver.resolve("/usr/bin/escape").map(\.identity) == [inside])
        #expect(resolver.resolve("/loop").isEmpty)
        #expect(resolver.resolve("/usr/bin/missing").isEmpty)
    }

    @Test func readsTheLoaderOfAnELFAndTheLineOfAScript() throws {
        let resolver = ExecPathResolver(searchPath: [])
        let loaders = resolver.companions(ofHostPath: Self.python)
        #expect(loaders.contains { if case .loader(let path) = $0 { path.hasPrefix("/lib") } else { false } }, "\(loaders)")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.write("#!  /usr/bin/env -S python3 -u\n", to: directory + "/s")
        #expect(resolver.companions(ofHostPath: directory + "/s") == [.interpreter("/usr/bin/env"), .envProgram("python3")])
        try Self.write("\u{7F}ELF garbage", to: directory + "/bad")
        #expect(resolver.companions(ofHostPath: directory + "/bad").isEmpty)
    }

    // MARK: - Egress

    static func same(_ a: (RuntimeAction, UInt16), _ b: (RuntimeAction, UInt16)) -> Bool {
        a.0 == b.0 && a.1 == b.1
    }

    static func cidr(_ text: String) -> CIDR {
        CIDR(text) ?? CIDR(network: IPAddress(family: .v4, high: 0, low: 0), prefixLength: 0)
    }

    @Test func prefixesAreSixteenBytesAndCarryTheRulesOfWiderPrefixes() throws {
        let policy = RuntimePolicy(name: "p", egress: EgressPolicy(rules: [
            EgressRule(id: "wide", cidrs: [Self.cidr("10.0.0.0/8")], ports: [443...443], protocols: [.tcp], action: .allow),
            EgressRule(id: "narrow", cidrs: [Self.cidr("10.1.0.0/16")], ports: [53...53], action: .alert),
            EgressRule(id: "v6", cidrs: [Self.cidr("2001:db8::/32")], action: .deny),
        ]))
        let compiled = try policy.compile(resolver: ExecPathResolver(searchPath: []))
        #expect(compiled.ruleIDs == ["wide", "narrow", "v6"])
        let network = try #require(compiled.network)
        #expect(network.prefixes.count == 3)
        #expect(network.prefixes[0].address == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0])
        #expect(network.prefixes[0].prefixLength == 104)
        #expect(network.prefixes[1].prefixLength == 112)
        #expect(network.prefixes[1].ports.map(\.ruleIndex) == [1, 0])
        #expect(network.prefixes[2].address.prefix(4) == [0x20, 0x01, 0x0d, 0xb8])
        #expect(network.prefixes[2].ports == [CompiledNetwork.PortRule(ports: 0...65535, protocols: [.tcp, .udp], action: .deny, ruleIndex: 2)])
        let inNarrow = CompiledNetwork.bytes(try #require(IPAddress("10.1.2.3")))
        #expect(Self.same(network.decide(address: inNarrow, port: 443, protocol: .tcp), (.allow, 0)))
        #expect(Self.same(network.decide(address: inNarrow, port: 53, protocol: .udp), (.alert, 1)))
        #expect(Self.same(network.decide(address: inNarrow, port: 80, protocol: .tcp), (.deny, CompiledPolicy.defaultRuleIndex)))
    }

    @Test func tooManyPortRulesOnOnePrefixIsAnErrorNamingIt() {
        let rules = (0..<17).map { EgressRule(id: "r\($0)", cidrs: [Self.cidr("192.168.0.0/16")], ports: [($0 + 1)...($0 + 1)]) }
        let policy = RuntimePolicy(name: "p", egress: EgressPolicy(rules: rules))
        #expect {
            try policy.compile(resolver: ExecPathResolver(searchPath: []))
        } throws: { "\($0)".contains("192.168.0.0/16") && "\($0)".contains("17 port rules") }
    }

    /// A deterministic generator (SplitMix64), so a failure is reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The rule list read literally: among the rules with a CIDR containing the address and a port and
    /// protocol covering the connection, the one with the longest CIDR, then the first in document order.
    static func naive(_ rules: [EgressRule], default action: RuntimeAction, address: [UInt8], port: Int,
                      protocol proto: TransportProtocol) -> (RuntimeAction, UInt16) {
        var best: (length: Int, index: Int)?
        for (index, rule) in rules.enumerated() {
            guard rule.ports.isEmpty || rule.ports.contains(where: { $0.contains(port) }),
                  rule.protocols.isEmpty || rule.protocols.contains(proto) else { continue }
            for cidr in rule.cidrs {
                let (prefix, length) = CompiledNetwork.key(cidr)
                guard CompiledNetwork.contains(prefix: prefix, length: length, address) else { continue }
                if best.map({ length > $0.length }) ?? true { best = (length, index) }
            }
        }
        guard let best else { return (action, CompiledPolicy.defaultRuleIndex) }
        return (rules[best.index].action, UInt16(best.index))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func decideAgreesWithTheRuleListOnRandomTraffic(_ seed: UInt64) throws {
        var random = Generator(state: seed)
        // Few distinct networks so that prefixes nest and collide.
        let bases = ["10.0.0.0", "10.1.0.0", "10.1.2.0", "192.168.1.0", "127.0.0.0", "2001:db8::", "2001:db8:1::", "::"]
        var rules: [EgressRule] = []
        for index in 0..<Int.random(in: 1...8, using: &random) {
            let cidrs = (0..<Int.random(in: 1...2, using: &random)).compactMap { _ -> CIDR? in
                let base = bases[Int.random(in: 0..<bases.count, using: &random)]
                let width = base.contains(":") ? [0, 16, 32, 48, 128].randomElement(using: &random) ?? 32
                    : [0, 8, 16, 24, 32].randomElement(using: &random) ?? 8
                return CIDR("\(base)/\(width)")
            }
            let ports: [ClosedRange<Int>] = Bool.random(using: &random) ? [] : [Int.random(in: 1...20, using: &random)...Int.random(in: 20...40, using: &random)]
            let protocols: Set<TransportProtocol> = [[], [.tcp], [.udp]].randomElement(using: &random) ?? []
            rules.append(EgressRule(id: "r\(index)", cidrs: cidrs, ports: ports, protocols: protocols,
                                    action: RuntimeAction.allCases.randomElement(using: &random) ?? .allow))
        }
        let policy = RuntimePolicy(name: "random", egress: EgressPolicy(defaultAction: .deny, rules: rules))
        let network: CompiledNetwork
        do {
            network = try #require(try policy.compile(resolver: ExecPathResolver(searchPath: [])).network)
        } catch let error as RuntimePolicyCompileError {
            // Only the 16-rule limit may refuse a random policy.
            #expect(error.message.contains("port rules"))
            return
        }
        let addresses = ["10.1.2.3", "10.1.9.9", "10.200.0.1", "192.168.1.7", "127.0.0.2", "8.8.8.8", "2001:db8::5", "2001:db8:1::1", "fe80::1",
                         "::ffff:10.1.2.3"]
        for _ in 0..<300 {
            let text = addresses[Int.random(in: 0..<addresses.count, using: &random)]
            let address = CompiledNetwork.bytes(try #require(IPAddress(text)))
            let port = Int.random(in: 0...45, using: &random)
            let proto: TransportProtocol = Bool.random(using: &random) ? .tcp : .udp
            let compiled = network.decide(address: address, port: UInt16(port), protocol: proto)
            let expected = Self.naive(rules, default: .deny, address: address, port: port, protocol: proto)
            #expect(Self.same(compiled, expected), "seed \(seed): \(text):\(port)/\(proto) with \(rules)")
        }
    }
}
