import BulwarkCore

/// Whole-inventory NetworkPolicy rules, decided by the reachability engine (`NetworkReachability`),
/// which each rule builds once per scan. Each check costs the workloads and the policies (and the
/// policies that select each workload), never workloads × policies: policies are looked up by
/// namespace and selectors through label indexes. The matrix is only computed by `bulwark netpol`.
public enum NetworkPolicyRules {
    public static let all: [KubernetesRule] = [
        missingDefaultDenyIngress,
        missingDefaultDenyEgress,
        policySelectsNothing,
        peerMatchesNothing,
        allowAllRule,
        egressToAnyAddress,
        metadataReachable,
        dnsEgressMissing,
        modelServerOpenToAllNamespaces,
    ]
}
