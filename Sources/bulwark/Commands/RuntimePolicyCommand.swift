import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkRuntime

/// `bulwark runtime policy --from DIR`: one RuntimePolicy per workload, derived from the manifests.
struct RuntimePolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Derive a RuntimePolicy per workload (exec allowlist, egress allowlist) from Kubernetes manifests.",
        usage: """
        bulwark runtime policy --from DIR [--workload NAME] [--cluster-dns IP] [--pod-cidr CIDR …] [--output FILE]
        """,
        discussion: """
        Reads the manifests under DIR (and a Dockerfile in DIR or its parent, for the image's entrypoint) and writes one
        bulwark.dev/v1alpha1 RuntimePolicy per workload, named NAMESPACE-WORKLOAD and scoped to its pod labels.

        Exec: the containers' command (else the image's ENTRYPOINT/CMD), exec probes and lifecycle hooks, the curated
        programs of the detected model server (gunicorn/uvicorn apps, TorchServe, Triton, vLLM, Ray Serve …); shells,
        package managers and network tools denied by name; inline code (python -c) refused. Names are bare, so the
        policy resolves on the search path where it is enforced (an image, or a host running the app from a venv).

        Egress: what the NetworkPolicies selecting the pods allow (ipBlocks, ports, protocols; pod and namespace peers
        become the --pod-cidr ranges), the cluster DNS on 53, loopback always; default deny when a policy isolates the
        pods for egress, alert otherwise. Every rule carries a comment saying why it is there.

        Exit status: 0 policies written; 2 input errors (each with file:line) or a failed write.
        """
    )

    @Option(name: .customLong("from"), help: "Directory (or file) with the Kubernetes manifests.")
    var from: String

    @Option(help: "Only this workload: NAME, NAMESPACE/NAME or NAMESPACE-NAME.")
    var workload: String?

    @Option(name: .customLong("cluster-dns"), help: "The cluster DNS service address (default 10.96.0.10).")
    var clusterDNS: String = "10.96.0.10"

    @Option(name: .customLong("pod-cidr"), help: "The pod network, for NetworkPolicy peers that are pods or namespaces; repeatable.")
    var podCIDRs: [String] = []

    @Option(name: .shortAndLong, help: "Write the policies to this file instead of standard output (replaced atomically).")
    var output: String?

    func validate() throws {
        if IPAddress(clusterDNS) == nil { throw ValidationError("--cluster-dns must be an IP address (got \"\(clusterDNS)\")") }
        for cidr in podCIDRs where CIDR(cidr) == nil {
            throw ValidationError("--pod-cidr must be a CIDR such as 10.244.0.0/16 (got \"\(cidr)\")")
        }
    }

    func run() throws {
        let console = Console.current
        let options = RuntimeProfiles.Options(
            workload: workload, clusterDNS: IPAddress(clusterDNS) ?? RuntimeProfiles.Options().clusterDNS,
            podCIDRs: podCIDRs.compactMap { CIDR($0) })
        let result = RuntimeProfiles.derive(from: from, options: options)
        for warning in result.warnings { console.error("\(warning)") }
        for error in result.errors.sorted(by: InputError.inputOrder) { console.error("\(error)") }
        guard result.errors.isEmpty else { throw ExitCode(2) }
        guard !result.policies.isEmpty else {
            console.error("\(from): no workload with pods in the manifests; nothing to derive a policy for")
            throw ExitCode(2)
        }
        try console.emit(RuntimePolicyWriter.yaml(result.policies), to: output)
    }
}
