import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
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
        abstract: "Harden the workloads of Kubernetes manifests to pass Pod Security Standards restricted.",
        discussion: """
        Every pod spec (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet, PodTemplate, KServe, Ray, \
        Knative …) gets runAsNonRoot, a non-root runAsUser/runAsGroup/fsGroup (10001 where unset or 0), \
        seccompProfile RuntimeDefault, automountServiceAccountToken: false, and per container \
        allowPrivilegeEscalation: false, capabilities.drop [ALL], readOnlyRootFilesystem with emptyDir volumes for /tmp \
        (and the paths known images write), and resource defaults marked "# bulwark: review these defaults". \
        privileged, host namespaces and unsafe procMount/SELinux/AppArmor settings are removed with a comment; \
        hostPath volumes, host ports and unsafe sysctls are kept with a warning, because removing them would change \
        what the workload does.

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

    func validate() throws {
        if input.paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
        if write && diff { throw ValidationError("--write and --diff exclude each other") }
        if write && input.paths.contains("-") { throw ValidationError("--write cannot rewrite standard input") }
        if uid <= 0 { throw ValidationError("--uid must be a positive number (got \(uid))") }
    }

    func run() async throws {
        let discovery = InputDiscovery.files(under: input.paths)
        let files = discovery.files.filter(KubernetesLoader.accepts)
        let fixer = ManifestFixer(options: ManifestFixOptions(runAsUser: uid, runAsGroup: uid, fsGroup: uid, addResources: !noResources))
        let limit = input.maxFileSize << 20
        let results: [ManifestFixResult] = files.parallelMap { file in
            switch InputDiscovery.read(file, limit: limit) {
            case .failure(let error):
                return ManifestFixResult.failed(file: file.path, error: error)
            case .success(let bytes):
                return fixer.fix(bytes: bytes, file: file.path)
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
