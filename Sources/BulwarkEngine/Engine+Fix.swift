import BulwarkCore
import BulwarkDockerfile
import BulwarkKubernetes
import BulwarkSecrets

extension Engine {
    /// `bulwark fix manifests`: reads the manifests of the request (as a scan would) and fixes
    /// them together. One result per manifest file, in path order; a file that could not be read
    /// is a result with its error and no text. `rbac` names files and directories read only for
    /// their RoleBindings and ClusterRoleBindings (`--rbac`): they are not fixed, and a pod whose
    /// ServiceAccount they bind keeps its API token.
    public func fixManifests(_ request: ScanRequest, rbac: [String] = [], options: ManifestFixOptions) -> ManifestFixOutcome {
        var request = request
        request.domains = ["kubernetes"]
        let collected = collect(request)
        let sources = collected.sources.flatMap { $0 }
        let limit = request.maxFileSize
        let reads = sources.parallelMap { $0.read(limit: limit) }
        var inputs: [ManifestFixInput] = []
        for (source, read) in zip(sources, reads) {
            if case .success(let bytes) = read { inputs.append(ManifestFixInput(file: source.name, bytes: bytes)) }
        }
        var rbacInputs: [ManifestFixInput] = []
        var rbacErrors: [InputError] = []
        var rbacWarnings: [InputWarning] = []
        if !rbac.isEmpty {
            var rbacRequest = request
            rbacRequest.paths = rbac
            rbacRequest.sources = []
            rbacRequest.documents = []
            let context = collect(rbacRequest)
            rbacErrors = context.errors
            rbacWarnings = context.warnings
            let contextSources = context.sources.flatMap { $0 }
            for (source, read) in zip(contextSources, contextSources.parallelMap { $0.read(limit: limit) }) {
                switch read {
                case .success(let bytes): rbacInputs.append(ManifestFixInput(file: source.name, bytes: bytes))
                case .failure(let error): rbacErrors.append(error)
                }
            }
        }
        var fixed = ManifestFixer(options: options).fix(files: inputs, rbac: rbacInputs).makeIterator()
        let results: [ManifestFixResult] = zip(sources, reads).compactMap { source, read in
            switch read {
            case .failure(let error): ManifestFixResult(file: source.name, original: "", fixed: "", changes: [], warnings: [], errors: [error])
            case .success: fixed.next()
            }
        }
        return ManifestFixOutcome(results: results, errors: collected.errors + rbacErrors, warnings: collected.warnings + rbacWarnings,
                                  skipped: collected.inputs.skipped)
    }

    /// `bulwark fix dockerfile`: reads one Dockerfile (`-` is standard input) and its build context
    /// (`contextDirectory`, by default the Dockerfile's directory) and hardens it.
    public func hardenDockerfile(at path: String, contextDirectory: String?, options: HardenOptions,
                                 limit: ByteLimit) -> Result<DockerfileFixOutcome, InputError> {
        let bytes: [UInt8]
        switch InputFile.read(path, limit: limit) {
        case .failure(let error): return .failure(error)
        case .success(let read): bytes = read
        }
        // BuildKit reads Dockerfiles as UTF-8 only: another encoding is an error, not text to rewrite.
        switch TextEncoding.detect(bytes) {
        case .utf8: break
        case .binary(let offset):
            return .failure(InputError(file: path, line: 1, column: 1, message: "binary file (NUL byte at offset \(offset)); not a Dockerfile"))
        case let other:
            return .failure(InputError(file: path, line: 1, column: 1,
                                       message: "\(other) text: BuildKit reads Dockerfiles as UTF-8 only; save the file as UTF-8"))
        }
        let directory = contextDirectory ?? (path == "-" ? nil : Self.directory(of: path))
        let context = directory.map { DockerBuildContext.load(directory: $0) } ?? DockerBuildContext()
        var options = context.options(options)
        if options.sourceName == nil { options.sourceName = path == "-" ? "Dockerfile" : DiscoveredFile(path: path, explicit: true).fileName }
        let result = DockerfileHardener.harden(text: String(decoding: bytes, as: UTF8.self), file: path, options: options)
        return .success(DockerfileFixOutcome(result: result, contextDirectory: directory))
    }

    /// `dir/Dockerfile` → `dir`; `Dockerfile` → `.`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// `bulwark seal`: reads the Secret manifests of the request (named files must hold Secrets;
    /// files found in directories may hold other objects, which are skipped) and seals them.
    public func sealManifests(_ request: ScanRequest, sealer: SealedSecretSealer, options: SealingOptions) -> SealingOutcome {
        var request = request
        request.domains = ["kubernetes"]
        let collected = collect(request)
        var outcome = SealingOutcome(errors: collected.errors, skipped: collected.inputs.skipped)
        for source in collected.sources.flatMap({ $0 }) {
            switch source.read(limit: request.maxFileSize) {
            case .failure(let error):
                outcome.files.append(SealingResult(errors: [error]))
            case .success(let bytes):
                var fileOptions = options
                fileOptions.skipOtherKinds = !source.explicit
                outcome.files.append(sealer.seal(manifest: bytes, file: source.name, options: fileOptions))
            }
        }
        return outcome
    }
}

/// `bulwark fix manifests`: one result per file, and what went wrong finding them.
public struct ManifestFixOutcome: Sendable {
    public var results: [ManifestFixResult]
    public var errors: [InputError]
    public var warnings: [InputWarning]
    public var skipped: [SkippedInput]

    /// Every error: discovery and reading, and the files' own.
    public var allErrors: [InputError] { errors + results.flatMap(\.errors) }
}

/// `bulwark fix dockerfile`: the rewrite and the build context it was made for.
public struct DockerfileFixOutcome: Sendable {
    public var result: HardenResult
    /// Where a missing `.dockerignore` the rewrite recommends would go.
    public var contextDirectory: String?
}

/// `bulwark seal`: the sealed documents of each file, and what went wrong finding the files.
public struct SealingOutcome: Sendable {
    public var files: [SealingResult] = []
    public var errors: [InputError]
    public var skipped: [SkippedInput]

    public var sealedCount: Int { files.reduce(0) { $0 + $1.sealedSecrets.count } }
    public var allErrors: [InputError] { errors + files.flatMap(\.errors) }
}
