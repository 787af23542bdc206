import BulwarkCore

/// What of the node a pod reaches: its namespaces, its ports, other hosts through probes and
/// lifecycle hooks, and Windows HostProcess containers (baseline).
extension PodSecurityRules {
    static let hostNamespaces = rule(
        PSSChecks.hostNamespaces, id: "pss/host-namespaces", severity: .high,
        title: "Pod shares the host's network, PID or IPC namespace",
        summary: "Sharing the node's network, process or IPC namespace lets the pod sniff node traffic, reach services bound to localhost, see and signal every process on the node, and read shared memory of other workloads.",
        remediation: "Remove hostNetwork, hostPID and hostIPC (or set them to false); expose the server through a Service instead.",
        controls: ["cis-k8s:5.2.3", "cis-k8s:5.2.4", "cis-k8s:5.2.5", "nist-800-190:4.4.3", "nist-800-190:4.4.2", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: ↓true
              hostPID: ↓true
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
            RuleExample("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: ml}
            spec:
              template:
                spec:
                  hostIPC: ↓true
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: false
              containers:
                - name: server
                  image: registry.example.com/server:1.0
            """),
        ]
    )

    static let hostPorts = rule(
        PSSChecks.hostPorts, id: "pss/host-ports", severity: .medium,
        title: "Container binds a host port",
        summary: "A hostPort binds the port on the node's own address, bypassing Services and NetworkPolicies and limiting scheduling.",
        remediation: "Remove ports[].hostPort (and hostNetwork, which makes every containerPort of a Pod a hostPort) and expose the container through a Service.",
        controls: ["cis-k8s:5.2.13", "nist-800-190:4.4.2", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: ml}
            spec:
              template:
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server:1.0
                      ports:
                        - containerPort: 8080
                          hostPort: ↓8080
            """),
            // A Pod on the host network: the API server sets hostPort to the containerPort.
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              hostNetwork: true
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  ports:
                    - containerPort: ↓8080
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  ports:
                    - containerPort: 8080
                      hostPort: 0
            """),
        ]
    )

    static let windowsHostProcess = rule(
        PSSChecks.windowsHostProcess, id: "pss/windows-host-process", severity: .critical,
        title: "Windows HostProcess container",
        summary: "A Windows HostProcess container runs directly on the node with host networking and filesystem access, the Windows equivalent of a privileged container.",
        remediation: "Remove windowsOptions.hostProcess (or set it to false) from the pod and its containers.",
        controls: ["cis-k8s:5.2.11", "nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              os: {name: windows}
              hostNetwork: true
              securityContext:
                windowsOptions: {hostProcess: ↓true}
              containers:
                - name: agent
                  image: registry.example.com/agent:1.0
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              os: {name: windows}
              containers:
                - name: agent
                  image: registry.example.com/agent:1.0
                  securityContext:
                    windowsOptions: {hostProcess: false}
            """),
        ]
    )

    static let hostProbesAndHostLifecycle = rule(
        PSSChecks.hostProbesAndHostLifecycle, id: "pss/host-probes-and-host-lifecycle", severity: .medium,
        title: "Probe or lifecycle hook targets another host",
        summary: "A host in an httpGet or tcpSocket probe or lifecycle hook makes the kubelet connect to an arbitrary address from the node, a server-side request forgery towards node-local and cloud metadata endpoints.",
        remediation: "Remove the host field so that probes and hooks target the pod's own IP.",
        controls: ["nist-800-190:4.4.3", "nsa-k8s:pod-security"],
        failing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  livenessProbe:
                    httpGet: {host: ↓169.254.169.254, path: /latest/meta-data/, port: 80}
                  lifecycle:
                    preStop:
                      tcpSocket: {host: ↓"127.0.0.1", port: 9000}
            """),
        ],
        passing: [
            RuleExample("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ml}
            spec:
              containers:
                - name: server
                  image: registry.example.com/server:1.0
                  readinessProbe:
                    httpGet: {path: /healthz, port: 8080}
            """),
        ]
    )
}
