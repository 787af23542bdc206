import BulwarkCore
import BulwarkKubernetes
import BulwarkRuntime
import Foundation
import Testing

/// Tetragon TracingPolicies (the example policies of REFERENCES.md §8.6) imported as RuntimePolicies, with a
/// warning for everything that does not carry over.
@Suite struct TetragonImportTests {
    /// §8.6 (1): block TCP connect to any non-allowed CIDR from pods.
    static let egressAllowlist = """
        apiVersion: cilium.io/v1alpha1
        kind: TracingPolicy
        metadata: {name: egress-allowlist-inference}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/component: inference}}
          kprobes:
          - call: security_socket_connect        # LSM helper: overridable on kernels >= 5.7
            syscall: false
            args:
            - {index: 0, type: socket}
            - {index: 1, type: sockaddr}
            selectors:
            - matchArgs:
              - {index: 1, operator: Family,   values: [AF_INET, AF_INET6]}
              - {index: 1, operator: NotDAddr, values: ["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16","127.0.0.0/8"]}
              matchActions:
              - {action: Override, argError: -1}   # connect() fails with EPERM; never reaches the network
              - {action: Post, rateLimit: "1m"}
        """

    /// §8.6 (2): alert (or deny) when a shell is exec'd in any container.
    static let shellInContainer = """
        apiVersion: cilium.io/v1alpha1
        kind: TracingPolicy
        metadata: {name: shell-in-container}
        spec:
          kprobes:
          - call: security_bprm_check
            syscall: false
            message: "shell executed inside a container"
            tags: ["mitre:T1059"]
            args: [{index: 0, type: linux_binprm}]
            selectors:
            - matchArgs:
              - {index: 0, operator: Postfix, values: ["/sh","/bash","/dash","/zsh","/ash","/ksh"]}
              matchNamespaces:
              - {namespace: Pid, operator: NotIn, values: ["host_ns"]}   # only non-host pid namespaces
              matchActions:
              - {action: Post}                 # to block instead: {action: Override, argError: -1}
        """

    /// §8.6 (3): deny kernel module loads from pods (hooks Bulwark does not judge).
    static let modules = """
        apiVersion: cilium.io/v1alpha1
        kind: TracingPolicy
        metadata: {name: modules-nohost}
        spec:
          kprobes:
          - call: security_kernel_module_request
            syscall: false
            selectors:
            - matchNamespaces: [{namespace: Pid, operator: NotIn, values: [host_ns]}]
              matchActions: [{action: Override, argError: -1}, {action: Sigkill}]
          - call: security_kernel_read_file
            syscall: false
        """

    @Test func theEgressAllowlistBecomesADefaultDenyWithThePrivateRangesAllowed() throws {
        let (policies, warnings) = TracingPolicyImporter.import(yaml: Self.egressAllowlist, file: "egress.yaml")
        let policy = try #require(policies.first)
        #expect(policy.name == "egress-allowlist-inference")
        #expect(policy.scope.podLabels == ["app.kubernetes.io/component": "inference"])
        #expect(policy.exec == nil)
        let egress = try #require(policy.egress)
        #expect(egress.defaultAction == .deny)
        #expect(egress.rules.count == 1)
        #expect(egress.rules.first?.cidrs.map(\.description) == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8"])
        #expect(egress.rules.first?.action == .allow)
        // The rate limit is not imported, and says so at its line.
        #expect(warnings.contains { $0.line == 18 && $0.field.hasSuffix("matchActions[1].rateLimit") }, "\(warnings)")
        // It compiles and decides like Tetragon would: private addresses pass, the internet is refused.
        let network = try #require(try policy.compile(resolver: ExecPathResolver(searchPath: [])).network)
        let private10 = CompiledNetwork.bytes(try #require(IPAddress("10.3.4.5")))
        let internet = CompiledNetwork.bytes(try #require(IPAddress("203.0.113.9")))
        #expect(network.decide(address: private10, port: 443, protocol: .tcp).0 == .allow)
        #expect(network.decide(address: internet, port: 443, protocol: .tcp).0 == .deny)
    }

    @Test func theShellPolicyBecomesAlertRulesByBareNameWithWarnings() throws {
        let (policies, warnings) = TracingPolicyImporter.import(yaml: Self.shellInContainer, file: "shell.yaml")
        let policy = try #require(policies.first)
        let exec = try #require(policy.exec)
        #expect(exec.rules.map(\.path) == ["sh", "bash", "dash", "zsh", "ash", "ksh"])
        #expect(exec.rules.allSatisfy { $0.action == .alert && $0.line == 13 })
        #expect(exec.rules.first?.comment == "Tetragon: shell executed inside a container")
        #expect(exec.defaultAction == .alert)
        #expect(warnings.contains { $0.reason.contains("dodges a deny list") && $0.line == 13 })
        #expect(warnings.contains { $0.field.hasSuffix("selectors[0].matchNamespaces") && $0.line == 14 }, "\(warnings)")
        // Override instead of Post: deny rules.
        let blocking = Self.shellInContainer.replacingOccurrences(of: "{action: Post}", with: "{action: Override, argError: -1}")
        #expect(TracingPolicyImporter.import(yaml: blocking, file: "b.yaml").policies.first?.exec?.rules.allSatisfy { $0.action == .deny } == true)
    }

    @Test func otherHooksAreWarningsNotPolicies() {
        let (policies, warnings) = TracingPolicyImporter.import(yaml: Self.modules, file: "m.yaml")
        #expect(policies.isEmpty)
        #expect(warnings.contains { $0.line == 6 && $0.field == "spec.kprobes[0].call" && $0.reason.contains("security_kernel_module_request") })
        #expect(warnings.contains { $0.line == 11 && $0.field == "spec.kprobes[1].call" })
        #expect(warnings.contains { $0.reason.contains("no RuntimePolicy") })
    }

    @Test func sigkillDAddrDPortAndNotInMapToRulesWithTheirCaveats() throws {
        let yaml = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicyNamespaced
            metadata: {name: mixed, namespace: ml}
            spec:
              lsmhooks:
              - hook: bprm_check_security
                args: [{index: 0, type: linux_binprm}]
                selectors:
                - matchBinaries: [{operator: NotIn, values: [/usr/bin/python3, /usr/local/bin/gunicorn]}]
                  matchActions: [{action: Override}]
              kprobes:
              - call: tcp_connect
                args: [{index: 0, type: sock}]
                selectors:
                - matchArgs:
                  - {index: 0, operator: DAddr, values: [203.0.113.0/24]}
                  - {index: 0, operator: DPort, values: ["4444", "8000:8100"]}
                  - {index: 0, operator: Protocol, values: [IPPROTO_TCP]}
                  - {index: 0, operator: SPort, values: ["1"]}
                  matchActions: [{action: Sigkill}]
              tracepoints: [{subsystem: raw_syscalls, event: sys_enter}]
            """
        let (policies, warnings) = TracingPolicyImporter.import(yaml: yaml, file: "x.yaml")
        let policy = try #require(policies.first)
        #expect(policy.scope.namespaces == ["ml"])
        let exec = try #require(policy.exec)
        #expect(exec.defaultAction == .deny)
        #expect(exec.rules.map(\.path) == ["/usr/bin/python3", "/usr/local/bin/gunicorn"])
        #expect(exec.rules.allSatisfy { $0.action == .allow })
        let rule = try #require(policy.egress?.rules.first)
        #expect(rule.action == .deny)
        #expect(rule.ports == [4444...4444, 8000...8100])
        #expect(rule.protocols == [.tcp])
        #expect(warnings.contains { $0.reason.contains("semantics differ") })
        #expect(warnings.contains { $0.reason.contains("operator SPort") && $0.line == 19 })
        #expect(warnings.contains { $0.field == "spec.tracepoints" && $0.line == 21 })
        #expect(warnings.contains { $0.reason.contains("calling process") })
        // The imported policy writes and reads back.
        let back = RuntimePolicyReader.read(text: RuntimePolicyWriter.yaml(policies), file: "w.yaml")
        #expect(back.errors.isEmpty, "\(back.errors)")
        #expect(back.policies.count == 1)
    }

    @Test(arguments: ["", "kind: [", "- 1\n- 2", "apiVersion: v1\nkind: Pod\n", "kind: TracingPolicy\nspec: 3\n",
                      "kind: TracingPolicy\nspec: {kprobes: [{call: security_socket_connect, selectors: [{matchArgs: [{operator: DAddr, values: [nope]}]}]}]}\n"])
    func hostileInputGivesWarningsNeverACrash(_ yaml: String) {
        let (policies, warnings) = TracingPolicyImporter.import(yaml: yaml, file: "h.yaml")
        #expect(policies.count <= 1)
        if !yaml.isEmpty { #expect(!warnings.isEmpty) }
    }

    /// Found by FuzzRuntimePolicy: a relative path (`usr/bin/python3`) was imported "as a bare name", giving
    /// a policy that RuntimePolicyReader refuses (and `runtime run` would have used unchecked). It is now a
    /// warning and left out; the imported policy writes and reads back without errors.
    @Test func pathsNeitherAbsoluteNorBareAreNotImported() throws {
        let text = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata: {name: t}
            spec:
              kprobes:
              - call: security_bprm_check
                syscall: false
                selectors:
                - matchArgs: [{index: 0, operator: NotEqual, values: ["usr/bin/python3", "", /usr/bin/ok, python3]}]
                  matchActions: [{action: Sigkill}]
            """
        let imported = TracingPolicyImporter.import(yaml: text, file: "t.yaml")
        let policy = try #require(imported.policies.first)
        #expect(policy.exec?.rules.map(\.path) == ["/usr/bin/ok", "python3"])
        #expect(imported.warnings.contains { $0.reason.contains("\"usr/bin/python3\" is neither an absolute path nor a program name") })
        let reread = RuntimePolicyReader.read(text: RuntimePolicyWriter.yaml(imported.policies), file: "written.yaml")
        #expect(reread.errors.isEmpty)
    }
}
