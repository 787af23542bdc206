import BulwarkCore
import BulwarkKubernetes
import Synchronization
import Testing

/// The machinery around the rules: shared memos under parallel rules, per-rule timings, and the
/// same findings whatever the order the whole-inventory rules run in.
@Suite struct ScannerEngineTests {
    @Test func memoComputesEachValueOnceUnderContention() {
        let memo = Memo()
        let computed = Atomic<Int>(0)
        let values: [Int] = Array(0..<64).parallelMap { _ in
            memo.value(.custom("engine")) { () -> Int in
                computed.add(1, ordering: .relaxed)
                var sum = 0
                for value in 0..<200_000 { sum &+= value }
                return sum
            }
        }
        #expect(computed.load(ordering: .relaxed) == 1)
        #expect(Set(values).count == 1)
        // A stored nil is a value too.
        let calls = Atomic<Int>(0)
        for _ in 0..<3 {
            let value: Int? = memo.value(.custom("nothing")) { () -> Int? in
                calls.add(1, ordering: .relaxed)
                return nil
            }
            #expect(value == nil)
        }
        #expect(calls.load(ordering: .relaxed) == 1)
    }

    static let stack = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: vllm, namespace: llm}
    spec:
      template:
        metadata: {labels: {app: vllm, tier: model}}
        spec:
          containers: [{name: vllm, image: vllm/vllm-openai:v0.6.3, ports: [{name: http, containerPort: 8000}]}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: open, namespace: llm}
    spec:
      podSelector: {matchLabels: {tier: model, app: vllm}}
      policyTypes: [Ingress, Egress]
      ingress: [{from: [{namespaceSelector: {}}], ports: [{port: http}]}]
      egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: other-pods, namespace: llm}
    spec:
      podSelector: {matchLabels: {tier: model, app: other}}
      policyTypes: [Egress]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: everyone, namespace: llm}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    subjects: [{kind: Group, name: "system:serviceaccounts:llm", apiGroup: rbac.authorization.k8s.io}]
    """

    @Test func timingsNameTheRulesThatRanAndChangeNoFinding() {
        let inventory = KubernetesLoader.parse(text: Self.stack, file: "stack.yaml")
        let timings = RuleTimings()
        let timed = KubernetesScanner(timings: timings).scan(inventory)
        let plain = KubernetesScanner().scan(inventory)
        #expect(timed.sorted(by: Finding.reportOrder) == plain.sorted(by: Finding.reportOrder))
        let ids = Set(timings.sorted.map(\.id))
        #expect(ids.contains("netpol/metadata-reachable"))
        #expect(ids.contains("k8s/run-as-non-root") || ids.contains("pss/run-as-non-root"))
        #expect(ids.isSubset(of: Set(KubernetesRules.all.map(\.id))))
    }

    /// The policy selection index (policies filed under one of their matchLabels) selects exactly
    /// what matching every policy against the pod does.
    @Test func selectionByAnchorLabelIsExact() throws {
        let index = InventoryIndex(KubernetesLoader.parse(text: Self.stack, file: "stack.yaml").objects)
        let network = NetworkReachability(index)
        let server = try network.endpoint(named: "llm/vllm")
        #expect(network.selectingPolicies(of: server).map(\.name) == ["llm/open"])
        for policy in network.policies {
            #expect(network.selects(policy, server) == network.selectingPolicies(of: server).contains { $0.name == policy.name })
        }
        let findings = KubernetesScanner().scan(index)
        #expect(findings.contains { $0.ruleId == "netpol/model-server-open-to-all-namespaces" })
        #expect(findings.contains { $0.ruleId == "netpol/metadata-reachable" && $0.severity == .high })
    }
}

/// Analyses cached in an index's memo hold the index (the reachability engine does): the scan
/// clears the memo, so a long-running caller (the admission webhook) does not leak one per scan.
@Suite struct ScannerMemoryTests {
    @Test func aScanLeavesNoReferenceCycleBehind() {
        weak var memo: Memo?
        do {
            let inventory = KubernetesLoader.parse(text: """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: ml}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml, labels: {app: x}}
            spec: {containers: [{name: c, image: x}]}
            """, file: "n.yaml")
            let index = InventoryIndex(inventory.objects)
            memo = index.memo
            _ = NetworkReachability.shared(index)
            _ = KubernetesScanner(rules: NetworkPolicyRules.all + RBACRules.all).scan(index)
        }
        #expect(memo == nil, "the index's memo (and the reachability engine in it) outlived the scan")
    }
}
