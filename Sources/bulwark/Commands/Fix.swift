import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import BulwarkEngine
import BulwarkReport

/// `bulwark fix …`: hardened rewrites. Each kind of input is a subcommand.
struct Fix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Rewrite manifests (and Dockerfiles) so that they pass the hardening rules.",
        subcommands: [FixManifests.self, FixDockerfile.self]
    )
}

struct FixManifests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Harden Kubernetes manifests: workloads to pass Pod Security Standards restricted, and the objects around them.",
        discussion: """
        Every pod spec (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet, PodTemplate, KServe, Ray, \
        Knative …) gets runAsNonRoot, a non-root runAsUser/runAsGroup/fsGroup (10001 where unset or 0), \
        seccompProfile RuntimeDefault, automountServiceAccountToken: false, and per container \
        allowPrivilegeEscalation: false, capabilities.drop [ALL], readOnlyRootFilesystem with emptyDir volumes for /tmp \
        (and the paths known images write), readOnly: true on a model server's mount of a model volume that outlives \
        the pod or that another container fills when the server is told to load its model from there, and resource defaults marked "# bulwark: review these defaults". \
        privileged, host namespaces and unsafe procMount/SELinux/AppArmor settings are removed with a comment; \
        hostPath volumes, host ports and unsafe sysctls are kept with a warning, because removing them would change \
        what the workload does.

        The files given together are then read as one input, and the objects around the workloads are fixed where \
        the scan reports them (unless --workloads-only): a LoadBalancer/NodePort Service (or externalIPs) that \
        publishes a model server becomes ClusterIP; a ServiceAccount that a workload of the input runs as is removed \
        from cluster-admin bindings (a binding left without subjects is commented out); a Namespace with workloads \
        gets the pod-security.kubernetes.io labels (enforce pinned to the checked version) when all of its workloads \
        pass; with --seal-cert, plaintext Secrets are replaced by SealedSecrets (kubeseal-compatible). Each such \
        change leaves a "# bulwark:" comment and a warning saying what to check.

        A verifier keeps what a workload needs. A pod whose ServiceAccount a RoleBinding or ClusterRoleBinding \
        binds to a role (in the input or in the files given with --rbac), or whose containers name \
        /var/run/secrets/kubernetes.io/serviceaccount, keeps its API token (automountServiceAccountToken is left \
        as it is, with a warning saying why; with --projected-token it gets automountServiceAccountToken: false and a \
        projected token volume expiring after --token-expiration seconds at the same path instead). A node agent (hostNetwork, hostPID or hostIPC; a hostPath volume of \
        /proc, /sys, /dev, /var/lib/kubelet, a container runtime socket, CNI paths, /var/log …; in a DaemonSet \
        privileged containers or capabilities such as SYS_TIME, SYS_ADMIN, NET_ADMIN) is left as it is apart from \
        the token, with a warning proposing pod-security.kubernetes.io/enforce=privileged for its namespace, whose \
        labels are then never raised. Writable paths are emptyDir volumes with a sizeLimit (--scratch-size, \
        disk-backed); with --tmpfs they are memory-backed and sized inside the container's memory limit.

        Comments, key order and the other documents of a file are kept. The result goes to standard output (one \
        file as it is; several files each after a "--- # file: PATH" line), or back into the files with --write, or \
        as a unified diff with --diff. Warnings go to standard error. Exit 2 when an input cannot be read or parsed.
        """
    )

    @OptionGroup var input: InputOptions

    @Flag(help: "Rewrite the files in place.")
    var write = false

    @Flag(help: "Print a unified diff instead of the rewritten files.")
    var diff = false

    @Option(help: "UID, GID and fsGroup written where a pod sets none (or 0).")
    var uid = 10001

    @Flag(name: .customLong("no-resources"), help: "Do not add default resource requests and limits.")
    var noResources = false

    @Flag(name: .customLong("workloads-only"), help: "Change pod specs only: leave Services, bindings, Namespaces and Secrets.")
    var workloadsOnly = false

    @Option(name: .customLong("rbac"), help: ArgumentHelp("Also read the RoleBindings and ClusterRoleBindings of this file or directory (not fixed): workloads whose ServiceAccount they bind keep their API token. Repeatable.", valueName: "file|dir"))
    var rbac: [String] = []

    @Flag(name: .customLong("projected-token"), help: "For workloads that keep their API token: automountServiceAccountToken: false and a projected token volume that expires after --token-expiration seconds instead.")
    var projectedToken = false

    @Option(name: .customLong("token-expiration"), help: ArgumentHelp("expirationSeconds of the projected token (600 or more).", valueName: "seconds"))
    var tokenExpiration = 3600

    @Flag(name: .customLong("tmpfs"), help: "Add the writable paths as memory-backed emptyDirs (medium: Memory), sized inside each container's memory limit.")
    var tmpfs = false

    @Option(name: .customLong("scratch-size"), help: ArgumentHelp("sizeLimit of the disk-backed emptyDirs added for writable paths (and the most a memory-backed one gets).", valueName: "quantity"))
    var scratchSize = "1Gi"

    @Option(name: .customLong("seal-cert"), help: ArgumentHelp("Replace plaintext Secrets with SealedSecrets sealed for this sealed-secrets controller certificate (PEM or DER).", valueName: "cert.pem"))
    var sealCert: String?

    @Option(name: .customLong("seal-scope"), help: "With --seal-cert: strict, namespace-wide or cluster-wide. Default: each Secret's scope annotation, else strict.")
    var sealScope: ScopeArgument?

    func validate() throws {
        if input.paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
        if write && diff { throw ValidationError("--write and --diff exclude each other") }
        if write && input.paths.contains("-") { throw ValidationError("--write cannot rewrite standard input") }
        do {
            try ManifestFixOptions(runAsUser: uid, runAsGroup: uid, fsGroup: uid).validate()
        } catch {
            throw ValidationError("--uid: \(error.message)")
        }
        if !ManifestFixOptions(scratchSizeLimit: scratchSize).problems.isEmpty {
            throw ValidationError("--scratch-size: \"\(scratchSize)\" is not a quantity of at least 1Mi (e.g. 256Mi, 1Gi)")
        }
        if tokenExpiration != 3600 && !projectedToken { throw ValidationError("--token-expiration needs --projected-token") }
        if !ManifestFixOptions(tokenExpirationSeconds: tokenExpiration).problems.isEmpty {
            throw ValidationError("--token-expiration: \(tokenExpiration) is outside 600…4294967295 seconds")
        }
        if rbac.contains("-") { throw ValidationError("--rbac cannot read standard input; name a file or directory") }
        if sealScope != nil && sealCert == nil { throw ValidationError("--seal-scope needs --seal-cert") }
        if sealCert != nil && workloadsOnly { throw ValidationError("--seal-cert and --workloads-only exclude each other") }
    }

    /// The sealer for --seal-cert, or nil.
    private func secretSealer(limit: ByteLimit) throws -> ManifestSecretSealer? {
        guard let sealCert else { return nil }
        let sealer = try Seal.loadSealer(certificate: sealCert, limit: limit)
        return ManifestSecretSealer(sealer: sealer, options: SealingOptions(scope: sealScope?.scope),
                                    certificateName: DiscoveredFile(path: sealCert, explicit: true).fileName)
    }

    func run() async throws {
        let console = Console.current
        let options = ManifestFixOptions(
            runAsUser: uid, runAsGroup: uid, fsGroup: uid, addResources: !noResources,
            fixObjects: !workloadsOnly, secretSealer: try secretSealer(limit: input.limits.limit),
            scratchSizeLimit: scratchSize, memoryBackedScratch: tmpfs,
            projectedServiceAccountToken: projectedToken, tokenExpirationSeconds: tokenExpiration)
        let outcome = Engine.standard.fixManifests(ScanRequest(paths: input.paths, maxFileSize: input.limits.limit), rbac: rbac, options: options)
        var failed = !outcome.allErrors.isEmpty
        for error in outcome.errors { console.error("\(error)") }
        for result in outcome.results {
            for warning in result.warnings { console.error(FixReporter.line(warning)) }
            for error in result.errors { console.error("\(error)") }
        }
        if write {
            // A file some of whose documents could not be fixed is still written with the others fixed.
            for result in outcome.results where result.isUsable && result.isChanged {
                do {
                    try OutputFile.replace(result.file, with: Array(result.fixed.utf8))
                    console.error("fixed \(result.file) (\(result.changes.count) \(result.changes.count == 1 ? "change" : "changes"))")
                } catch {
                    console.error("\(error); the file is unchanged")
                    failed = true
                }
            }
        } else if diff {
            try console.emit(FixReporter.diff(outcome.results))
        } else {
            try console.emit(FixReporter.stream(outcome.results))
        }
        if failed { throw ExitCode(2) }
    }
}
