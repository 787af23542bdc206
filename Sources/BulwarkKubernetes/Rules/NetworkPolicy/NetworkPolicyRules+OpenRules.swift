import BulwarkCore

/// Allow rules wider than they look: every source or destination, any address.
extension NetworkPolicyRules {
    // MARK: - netpol/allow-all-rule

    static let allowAllRule = KubernetesRule(
        RuleDescriptor(
            id: "netpol/allow-all-rule",
            severity: .medium,
            title: "NetworkPolicy rule allows all traffic",
            summary: """
            An ingress or egress rule without peers and without ports (`- {}`), or a Cilium rule allowing the `all` \
            entity on every port, allows every connection in that direction, so the pods it selects are not isolated \
            for it whatever the other policies say: NetworkPolicies only ever add allowed connections.
            """,
            remediation: """
            Replace the rule with the peers (`podSelector`, `namespaceSelector`, `ipBlock`) and ports that are needed; \
            to isolate pods, a policy lists the policy type and no rules for it.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-everything, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - ↓{}
                  egress:
                    - ↓ports: []
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: ml-inference}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress: []
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: cilium-default-deny, namespace: ml-inference}
                spec:
                  endpointSelector: {}
                  ingress: [{}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            var violations: [Violation] = []
            for policy in NetworkPolicy.all(in: index) {
                for rule in policy.ingress + policy.egress where !rule.isDeny && rule.ports == nil {
                    let everyPeer = rule.peers?.contains { peer in
                        if case .entity(.all) = peer.match { return true }
                        return false
                    } ?? true
                    guard everyPeer else { continue }
                    let side = rule.direction == .ingress ? "every source" : "every destination"
                    violations.append(Violation(
                        "\(rule.direction) rule \(rule.path) of \(policyKind(policy)) allows \(side) on every port, so the pods it selects "
                            + "(\(policy.selector.labelSelector)) are open for \(rule.direction)",
                        at: rule.node, field: rule.path, object: policy.object))
                }
            }
            return violations
        }
    )

    // MARK: - netpol/egress-to-any-address

    static let egressToAnyAddress = KubernetesRule(
        RuleDescriptor(
            id: "netpol/egress-to-any-address",
            severity: .medium,
            title: "NetworkPolicy allows egress to any address",
            summary: """
            An egress `ipBlock` of `0.0.0.0/0` or `::/0` without `except` (or a Cilium `toCIDR` of the same, or the \
            `world` entity) lets the selected pods reach every address outside the cluster, including the cloud \
            metadata service at 169.254.169.254 and any host an attacker uses for exfiltration or to fetch a second \
            stage from a poisoned model.
            """,
            remediation: """
            Allow only the CIDRs and ports the workload needs (the model registry, an egress proxy); if a wide block is \
            unavoidable, add `except` entries for 169.254.169.254/32 and the private ranges of the cluster and cloud.
            """,
            controls: controls,
            failing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: ↓0.0.0.0/0
                        - ipBlock: {cidr: ↓"::/0"}
                      ports: [{port: 443}]
                """),
                RuleExample("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  endpointSelector:
                    matchLabels: {app: model-server}
                  egress:
                    - toCIDR: [↓0.0.0.0/0]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 0.0.0.0/0
                            except: [169.254.169.254/32, 10.0.0.0/8]
                        - ipBlock: {cidr: 10.20.30.0/24}
                      ports: [{port: 443}]
                  ingress:
                    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
                """),
            ],
            tags: ["network"]
        ),
        check: .inventory { index in
            var violations: [Violation] = []
            for policy in NetworkPolicy.all(in: index) where policy.isolatesEgress {
                for rule in policy.egress where !rule.isDeny {
                    for peer in rule.peers ?? [] {
                        let node: YAMLNode
                        let what: String
                        switch peer.match {
                        case .ipBlock(let cidr, let except) where cidr.isEverything && except.isEmpty:
                            node = peer.node["ipBlock"]?["cidr"] ?? peer.node["cidr"] ?? peer.node
                            what = "ipBlock \(cidr) without except"
                        case .entity(let entity) where entity == .world || entity == .worldIPv4 || entity == .worldIPv6:
                            node = peer.node
                            what = "the \(entity.rawValue) entity"
                        default:
                            continue
                        }
                        let ports = rule.ports.map { " on " + $0.map(\.summary).joined(separator: ", ") } ?? " on every port"
                        violations.append(Violation(
                            "egress peer \(peer.path) of \(policyKind(policy)) allows \(what)\(ports), so the pods it selects "
                                + "(\(policy.selector.labelSelector)) can reach any address outside the cluster, including 169.254.169.254",
                            at: node, field: peer.path, object: policy.object))
                    }
                }
            }
            return violations
        }
    )
}
