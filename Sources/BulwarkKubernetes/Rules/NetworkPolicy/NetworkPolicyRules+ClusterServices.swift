import BulwarkCore

/// What pods must and must not reach: the cloud metadata service, the cluster DNS.
extension NetworkPolicyRules {
    // MARK: - netpol/metadata-reachable

    static let metadataReachable = KubernetesRule(
        RuleDescriptor(
            id: "netpol/metadata-reachable",
            severity: .high,
            title: "Workload can reach the cloud metadata service",
            summary: """
            A pod that can connect to 169.254.169.254 can read the node's cloud credentials and instance identity \
            (unless IMDSv2 hop limits or metadata concealment are configured on every node), so a server-side request \
            forgery or code execution in a model server becomes cloud account access. High when the pod is isolated \
            for egress and its policies still allow the address (usually a wide `ipBlock`); medium when no policy \
            isolates the pod for egress.
            """,
            remediation: """
            Isolate the pods for egress and allow only the destinations they need; if a wide `ipBlock` is needed, add \
            `except: [169.254.169.254/32]`. Also block the metadata service at the node (IMDSv2 with hop limit 1, GKE \
            metadata concealment or Workload Identity).
            """,
            controls: ["cis-k8s:5.3.2", "nsa-k8s:network-separation", "owasp-k8s:K07", "nist-800-190:4.3.3", "nsa-k8s:cloud-infrastructure"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      ↓labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                ↓metadata: {name: notebook, namespace: research}
                spec:
                  containers: [{name: jupyter, image: quay.io/jupyter/scipy-notebook:2024-10-07}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32, 10.0.0.0/8]}
                """),
            ],
            tags: ["network", "cloud"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            let metadata = NetworkEndpoint.metadataService
            let workloads = network.workloads.filter { $0.endpoint.kind == .workload }
            return workloads.parallelMap { workload -> Violation? in
                guard network.isAllowed(from: workload.endpoint, to: metadata, port: 80, protocol: .tcp) else { return nil }
                let pod = workload.pod
                let message: String
                let severity: Severity
                if network.isIsolated(workload.endpoint, .egress) {
                    let allowing = network.egressAllowingPolicies(from: workload.endpoint, to: metadata, port: 80, protocol: .tcp)
                    severity = .high
                    message = "the pods of \(pod.displayName) are isolated for egress, but \(ReachabilityVerdict.list(allowing)) "
                        + "allow\(allowing.count == 1 ? "s" : "") them to connect to the cloud metadata service 169.254.169.254:80"
                } else {
                    severity = .medium
                    message = "no NetworkPolicy isolates the pods of \(pod.displayName) for egress, so they can connect to the cloud metadata "
                        + "service 169.254.169.254:80 and read the node's cloud credentials"
                }
                return Violation(message, at: labelsNode(of: pod), field: ClusterRules.labelsPath(of: pod), object: pod.object,
                                 severity: severity)
            }.compactMap { $0 }
        }
    )

    // MARK: - netpol/dns-egress-missing

    static let dnsEgressMissing = KubernetesRule(
        RuleDescriptor(
            id: "netpol/dns-egress-missing",
            severity: .medium,
            title: "Egress-isolated workload cannot reach DNS",
            summary: """
            A pod that is isolated for egress but may not send UDP port 53 to the cluster DNS (kube-system pods \
            labelled `k8s-app: kube-dns`, or NodeLocal DNSCache at 169.254.20.10) cannot resolve any name, so it \
            fails to reach its model registry, databases and even in-cluster Services by name; the usual reaction is \
            to delete the policy. Pods with `hostNetwork` or `dnsPolicy: Default` are skipped; with `dnsPolicy: None` \
            the configured nameservers are checked.
            """,
            remediation: """
            Add an egress rule to the policy that isolates the pods: `to: [{namespaceSelector: {matchLabels: \
            {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]` with \
            ports 53/UDP and 53/TCP.
            """,
            controls: ["nsa-k8s:network-separation", "cis-k8s:5.3.2"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      ↓labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to: [{ipBlock: {cidr: 10.20.30.0/24}}]
                      ports: [{port: 443}]
                    - to:
                        - podSelector:
                            matchLabels: {k8s-app: kube-dns}
                      ports: [{port: 53, protocol: UDP}]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: model-server, namespace: ml-inference}
                spec:
                  template:
                    metadata:
                      labels: {app: model-server}
                    spec:
                      containers: [{name: server, image: registry.example.com/ml/model-server:1.4.2}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: model-server-egress, namespace: ml-inference}
                spec:
                  podSelector:
                    matchLabels: {app: model-server}
                  policyTypes: [Egress]
                  egress:
                    - to: [{ipBlock: {cidr: 10.20.30.0/24}}]
                      ports: [{port: 443}]
                    - to:
                        - namespaceSelector: {}
                          podSelector:
                            matchLabels: {k8s-app: kube-dns}
                      ports: [{port: dns, protocol: UDP}, {port: dns-tcp, protocol: TCP}]
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: offline-eval, namespace: ml-inference}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      hostNetwork: true
                      containers: [{name: eval, image: registry.example.com/ml/eval:1.0}]
                """),
            ],
            tags: ["network", "reliability"]
        ),
        check: .inventory { index in
            let network = NetworkReachability.shared(index)
            guard !network.policies.isEmpty else { return [] }
            let workloads = network.workloads.filter { $0.endpoint.kind == .workload }
            return workloads.parallelMap { workload -> Violation? in
                let pod = workload.pod
                if pod.spec["hostNetwork"]?.bool == true { return nil }
                let dnsPolicy = pod.spec["dnsPolicy"]?.string ?? "ClusterFirst"
                if dnsPolicy == "Default" { return nil }
                let source = workload.endpoint
                guard network.isIsolated(source, .egress) else { return nil }
                var servers: [NetworkEndpoint] = []
                if dnsPolicy == "None" {
                    servers = (pod.spec["dnsConfig"]?["nameservers"]?.strings ?? []).compactMap(IPAddress.init).map { .external($0) }
                    if servers.isEmpty { return nil }
                } else {
                    servers = [network.dns ?? .clusterDNS, .external(nodeLocalDNS, name: "NodeLocal DNSCache")]
                }
                guard !servers.contains(where: { network.isAllowed(from: source, to: $0, port: 53, protocol: .udp) }) else { return nil }
                let verdicts = servers.map { network.check(from: source, to: $0, port: 53, protocol: .udp) }
                let isolating = verdicts.first?.egress.isolatingPolicies ?? []
                let target = dnsPolicy == "None" ? "the nameservers of its dnsConfig (\(servers.map(\.id).joined(separator: ", ")))"
                    : "the cluster DNS (kube-system pods labelled k8s-app=kube-dns)"
                return Violation(
                    "the pods of \(pod.displayName) are isolated for egress by \(ReachabilityVerdict.list(isolating)) but may not send UDP 53 to "
                        + "\(target), so name lookups fail",
                    at: labelsNode(of: pod), field: ClusterRules.labelsPath(of: pod), object: pod.object)
            }.compactMap { $0 }
        }
    )
}
