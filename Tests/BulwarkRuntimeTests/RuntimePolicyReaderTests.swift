import BulwarkCore
import BulwarkKubernetes
import BulwarkRuntime
import Foundation
import Testing

/// `bulwark.dev/v1alpha1 RuntimePolicy` documents: what is read, what is refused (with line and field), and
/// that the writer's output reads back as the same policies.
@Suite struct RuntimePolicyReaderTests {
    static let example = """
        apiVersion: bulwark.dev/v1alpha1
        kind: RuntimePolicy
        metadata: {name: model-server}
        spec:
          selector: {cgroupPaths: [/sys/fs/cgroup/unified/ml], podSelector: {matchLabels: {app: model-server}}, namespaces: [ml]}
          exec:
            default: deny
            rules:
            - {id: python, path: python3, action: allow}
            - {path: /usr/local/bin/gunicorn, sha256: "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", action: allow}
            - {path: /bin/sh, action: deny}
            scripts:
            - {interpreter: python3, inlineCode: deny, allow: ["/app/**"]}
          egress:
            default: alert
            rules:
            - {id: dns, cidrs: [10.96.0.10/32], ports: [53], protocols: [UDP, TCP], action: allow}
            - {cidrs: ["10.0.0.0/8", "2001:db8::/32"], ports: ["8000-8100", 443], action: alert}
        """

    @Test func readsEveryFieldOfTheExample() throws {
        let result = RuntimePolicyReader.read(text: Self.example, file: "p.yaml")
        #expect(result.errors.isEmpty, "\(result.errors)")
        let policy = try #require(result.policies.first)
        #expect(policy.name == "model-server")
        #expect(policy.location?.line == 1)
        #expect(policy.scope.cgroupPaths == ["/sys/fs/cgroup/unified/ml"])
        #expect(policy.scope.podLabels == ["app": "model-server"])
        #expect(policy.scope.namespaces == ["ml"])
        let exec = try #require(policy.exec)
        #expect(exec.defaultAction == .deny)
        #expect(exec.rules.map(\.id) == ["python", "exec-allow-2", "exec-deny-3"])
        #expect(exec.rules[1].sha256 == "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")
        #expect(exec.rules[1].line == 10)
        #expect(exec.rules[2].action == .deny)
        #expect(exec.scripts.first?.allowedScripts == ["/app/**"])
        #expect(exec.scripts.first?.inlineCode == .deny)
        #expect(exec.scripts.first?.id == "script-1")
        let egress = try #require(policy.egress)
        #expect(egress.defaultAction == .alert)
        #expect(egress.rules[0].protocols == [.udp, .tcp])
        #expect(egress.rules[0].ports == [53...53])
        #expect(egress.rules[1].ports == [8000...8100, 443...443])
        #expect(egress.rules[1].protocols.isEmpty)
        #expect(egress.rules[1].cidrs.map(\.description) == ["10.0.0.0/8", "2001:db8::/32"])
        #expect(egress.rules[1].id == "egress-alert-2")
    }

    /// Each bad input: the document, the line and a phrase the message must contain.
    @Test(arguments: [
        ("spec:\n  exec:\n    default: deny\n    rulez: []\n", 4, "unknown field spec.exec.rulez"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: [10.0.0.300/8]}\n", 4, "is not an IPv4 or IPv6 CIDR"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: [10.0.0.0/8], ports: [70000]}\n", 4, "is not a port"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: [10.0.0.0/8], ports: [\"9-3\"]}\n", 4, "is not a port"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: [10.0.0.0/8], protocols: [SCTP]}\n", 4, "is not TCP or UDP"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: [10.0.0.0/8], action: block}\n", 4, "is not an action"),
        ("spec:\n  egress:\n    rules:\n    - {cidrs: []}\n", 4, "at least one CIDR"),
        ("spec:\n  exec:\n    default: allow\n", 3, "must be deny or alert"),
        ("spec:\n  exec:\n    rules:\n    - {path: bin/sh}\n", 4, "absolute or a bare program name"),
        ("spec:\n  exec:\n    rules:\n    - {path: /bin/sh, sha256: abc}\n", 4, "64 hex digits"),
        ("spec:\n  exec:\n    rules:\n    - {id: a, path: /bin/sh}\n    - {id: a, path: /bin/ls}\n", 5, "already used"),
        ("spec:\n  exec:\n    rules: {path: /bin/sh}\n", 3, "must be a list"),
        ("spec: {}\n", 1, "neither exec nor egress"),
    ])
    func refusesBadInputWithItsLine(_ body: String, _ line: Int, _ phrase: String) {
        let text = "apiVersion: bulwark.dev/v1alpha1\nkind: RuntimePolicy\n" + "metadata: {name: p}\n" + body
        // The header takes three lines; the bodies count from line 4.
        let result = RuntimePolicyReader.read(text: text, file: "bad.yaml")
        #expect(result.policies.isEmpty)
        let error = result.errors.first { $0.message.contains(phrase) }
        #expect(error != nil, "expected \"\(phrase)\" in \(result.errors)")
        #expect(error?.line == line + 3, "\(String(describing: error))")
        #expect(error?.file == "bad.yaml")
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "kind must be RuntimePolicy"),
        ("apiVersion: bulwark.dev/v2\nkind: RuntimePolicy\nmetadata: {name: x}\nspec: {exec: {}}\n", "apiVersion must be"),
        ("kind: RuntimePolicy\nspec: {exec: {}}\n", "metadata with a name"),
        ("- a\n- b\n", "must be a mapping"),
        ("kind: RuntimePolicy\nmetadata: {name: x}\nspec: {exec: {}}\nextra: 1\n", "unknown field extra"),
    ])
    func refusesWrongDocuments(_ text: String, _ phrase: String) {
        let result = RuntimePolicyReader.read(text: text, file: "x.yaml")
        #expect(result.policies.isEmpty)
        #expect(result.errors.contains { $0.message.contains(phrase) }, "\(result.errors)")
    }

    @Test func aBrokenDocumentDoesNotHideTheOthers() {
        let text = Self.example + "\n---\napiVersion: bulwark.dev/v1alpha1\nkind: RuntimePolicy\nmetadata: {name: broken}\nspec: {egress: {rules: [{cidrs: [x]}]}}\n---\n"
            + Self.example.replacingOccurrences(of: "name: model-server", with: "name: second")
        let result = RuntimePolicyReader.read(text: text, file: "multi.yaml")
        #expect(result.policies.map(\.name) == ["model-server", "second"])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.line == 23, "\(result.errors)")
    }

    @Test(arguments: ["", "\u{0}\u{1}", ":\n:\n- [", "kind: [", String(repeating: "[", count: 2000), "spec: &a [*a]"])
    func hostileInputNeverCrashes(_ text: String) {
        let result = RuntimePolicyReader.read(text: text, file: "h.yaml")
        #expect(result.policies.isEmpty)
    }

    /// Lines, locations and comments are not part of the document's meaning.
    static func meaning(_ policy: RuntimePolicy) -> RuntimePolicy {
        var copy = policy
        copy.location = nil
        copy.comment = nil
        copy.exec?.comment = nil
        copy.egress?.comment = nil
        for index in 0..<(copy.exec?.rules.count ?? 0) {
            copy.exec?.rules[index].line = nil
            copy.exec?.rules[index].comment = nil
        }
        for index in 0..<(copy.exec?.scripts.count ?? 0) {
            copy.exec?.scripts[index].line = nil
            copy.exec?.scripts[index].comment = nil
        }
        for index in 0..<(copy.egress?.rules.count ?? 0) {
            copy.egress?.rules[index].line = nil
            copy.egress?.rules[index].comment = nil
        }
        return copy
    }

    @Test func writtenPoliciesReadBackTheSame() throws {
        var policies = RuntimePolicyReader.read(text: Self.example, file: "p.yaml").policies
        var derived = RuntimePolicy(name: "yes", scope: .init(podLabels: ["true": "1.5", "b": "on"]),
                                    exec: ExecPolicy(defaultAction: .alert, rules: [ExecRule(id: "x", path: "/opt/a b/#c", action: .allow,
                                                                                             comment: "why\nit is here")]),
                                    egress: EgressPolicy(rules: [EgressRule(id: "any", cidrs: [CIDR("::/0"), CIDR("0.0.0.0/0")].compactMap { $0 },
                                                                            ports: [0...65535], protocols: [.tcp], action: .deny)]),
                                    comment: "derived")
        derived.exec?.scripts = [ScriptRule(id: "s", interpreter: "python3", inlineCode: .alert)]
        policies.append(derived)
        let text = RuntimePolicyWriter.yaml(policies)
        let back = RuntimePolicyReader.read(text: text, file: "w.yaml")
        #expect(back.errors.isEmpty, "\(back.errors)\n\(text)")
        #expect(back.policies.map(Self.meaning) == policies.map(Self.meaning), "\(text)")
        #expect(RuntimePolicyWriter.yaml(back.policies) == RuntimePolicyWriter.yaml(policies.map(Self.meaning)))
        #expect(text.contains("    # why\n    # it is here\n    - {id: x"))
        #expect(text.hasPrefix("apiVersion:") || text.hasPrefix("#"))
    }
}
