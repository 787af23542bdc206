import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import Foundation

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
        (and the paths known images write), and resource defaults marked "# bulwark: review these defaults". \
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

    @Option(name: .customLong("seal-cert"), help: ArgumentHelp("Replace plaintext Secrets with SealedSecrets sealed for this sealed-secrets controller certificate (PEM or DER).", valueName: "cert.pem"))
    var sealCert: String?

    @Option(name: .customLong("seal-scope"), help: "With --seal-cert: strict, namespace-wide or cluster-wide. Default: each Secret's scope annotation, else strict.")
    var sealScope: ScopeArgument?

    func validate() throws {
        if input.paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
        if write && diff { throw ValidationError("--write and --diff exclude each other") }
        if write && input.paths.contains("-") { throw ValidationError("--write cannot rewrite standard input") }
        if uid <= 0 { throw ValidationError("--uid must be a positive number (got \(uid))") }
        if sealScope != nil && sealCert == nil { throw ValidationError("--seal-scope needs --seal-cert") }
        if sealCert != nil && workloadsOnly { throw ValidationError("--seal-cert and --workloads-only exclude each other") }
    }

    /// The sealer for --seal-cert, or nil.
    private func secretSealer(limit: Int) throws -> ManifestSecretSealer? {
        guard let sealCert else { return nil }
        let sealer = try Seal.loadSealer(certificate: sealCert, limit: limit)
        return ManifestSecretSealer(sealer: sealer, options: SealingOptions(scope: sealScope?.scope), certificateName: (sealCert as NSString).lastPathComponent)
    }

    func run() async throws {
        let discovery = InputDiscovery.files(under: input.paths)
        let files = discovery.files.filter(KubernetesLoader.accepts)
        let limit = input.maxFileSize << 20
        let fixer = ManifestFixer(options: ManifestFixOptions(
            runAsUser: uid, runAsGroup: uid, fsGroup: uid, addResources: !noResources,
            fixObjects: !workloadsOnly, secretSealer: try secretSealer(limit: limit)))
        let reads = files.parallelMap { InputDiscovery.read($0, limit: limit) }
        var inputs: [ManifestFixInput] = []
        for (file, read) in zip(files, reads) {
            if case .success(let bytes) = read { inputs.append(ManifestFixInput(file: file.path, bytes: bytes)) }
        }
        var fixed = fixer.fix(files: inputs).makeIterator()
        let results: [ManifestFixResult] = zip(files, reads).compactMap { file, read in
            switch read {
            case .failure(let error): ManifestFixResult.failed(file: file.path, error: error)
            case .success: fixed.next()
            }
        }
        var failed = !discovery.errors.isEmpty
        for error in discovery.errors { Terminal.error("\(error)") }
        for result in results {
            for warning in result.warnings { Terminal.error("warning: \(warning)") }
            for error in result.errors { Terminal.error("\(error)") }
            if !result.errors.isEmpty { failed = true }
        }
        let readable = results.filter { $0.errors.isEmpty }
        if write {
            for result in readable where result.isChanged {
                do {
                    try Data(result.fixed.utf8).write(to: URL(fileURLWithPath: result.file))
                    Terminal.error("fixed \(result.file) (\(result.changes.count) \(result.changes.count == 1 ? "change" : "changes"))")
                } catch {
                    Terminal.error("cannot write \(result.file): \(error.localizedDescription)")
                    failed = true
                }
            }
        } else if diff {
            var text = ""
            for result in readable {
                text += LineDiff.unified(old: result.original, new: result.fixed, oldLabel: result.file, newLabel: result.file)
            }
            Terminal.write(text)
        } else if results.count == 1 && files.count == 1 {
            Terminal.write(readable.first?.fixed ?? "")
        } else {
            var text = ""
            for result in readable {
                // A byte-order mark is only allowed at the start of a stream.
                let body = result.fixed.hasPrefix("\u{FEFF}") ? String(result.fixed.unicodeScalars.dropFirst()) : result.fixed
                text += "--- # file: \(result.file)\n" + body
                if !body.isEmpty && body.utf8.last != UInt8(ascii: "\n") { text += "\n" }
            }
            Terminal.write(text)
        }
        if failed { throw ExitCode(2) }
    }
}

extension ManifestFixResult {
    static func failed(file: String, error: InputError) -> ManifestFixResult {
        ManifestFixResult(file: file, original: "", fixed: "", changes: [], warnings: [], errors: [error])
    }
}
