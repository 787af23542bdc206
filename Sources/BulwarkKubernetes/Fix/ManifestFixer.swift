import BulwarkCore

/// Rewrites the workloads of a manifest file so that they pass the Pod Security Standards
/// "restricted" level and Bulwark's hardening rules without changing what they run.
///
/// Every pod spec that `PodSpecExtractor` finds (Deployments, StatefulSets, DaemonSets, Jobs,
/// CronJobs, Pods, ReplicaSets, PodTemplates, KServe, Ray, Knative, LeaderWorkerSet, JobSet …)
/// gets: pod `runAsNonRoot: true`, `runAsUser`/`runAsGroup`/`fsGroup` (10001 where unset or 0),
/// `seccompProfile: RuntimeDefault`, `automountServiceAccountToken: false`; per container
/// `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` (only NET_BIND_SERVICE may stay
/// added), `readOnlyRootFilesystem: true` with `emptyDir` mounts for `/tmp` and the paths known
/// images write (with a `sizeLimit`), `readOnly: true` on a model server's mount of a model volume
/// that outlives the pod or that another container fills (when the server is told to load its model
/// from there), and resource defaults marked for review. `privileged`, host
/// namespaces, `hostProcess`, unsafe `procMount`, SELinux and AppArmor settings are removed with a
/// comment. hostPath and other restricted volumes, host ports and unsafe sysctls are kept with a
/// warning.
///
/// A verifier (`FixVerifier.swift`) refuses the changes it cannot prove harmless, with a warning:
/// a ServiceAccount bound to a role keeps its token (`APIAccessIndex`), a node agent keeps its pod
/// spec (`NodeAccess`), and memory-backed scratch volumes are added only inside the memory limit.
///
/// Then, over the files given together (`fix(files:)`), `ObjectFixer` fixes the objects around the
/// workloads that the scan reports: Services that publish a model server, cluster-admin bindings
/// of workload identities, Namespace Pod Security labels and (with a sealer) plaintext Secrets.
///
/// The file is patched as text: comments, key order, quoting and the other documents stay as they
/// were; a flow collection with a change is written again in flow style, a JSON document as
/// indented JSON. Fixing a fixed file changes nothing.
public struct ManifestFixer: Sendable {
    public let options: ManifestFixOptions

    public init(options: ManifestFixOptions = ManifestFixOptions()) {
        self.options = options
    }

    /// Fixes one file on its own (objects in other files are not seen).
    public func fix(bytes: [UInt8], file: String) -> ManifestFixResult {
        fix(files: [ManifestFixInput(file: file, bytes: bytes)])[0]
    }

    /// Fixes one file on its own (objects in other files are not seen).
    public func fix(text: String, file: String) -> ManifestFixResult {
        fix(files: [ManifestFixInput(file: file, bytes: Array(text.utf8))])[0]
    }

    /// Fixes a set of files that belong together (a directory of manifests): the workloads of each
    /// file, then, with `options.fixObjects`, the objects whose fix depends on the others (a Service
    /// and the pods it selects, a binding and the workloads that run as its subjects). One result
    /// per input, in order.
    ///
    /// `rbac` are files read only for their RoleBindings and ClusterRoleBindings (`--rbac`): a pod
    /// whose ServiceAccount one of them (or one of `files`) binds to a role keeps its API token
    /// (see `APIAccessIndex`). They are not fixed and get no result.
    public func fix(files: [ManifestFixInput], rbac: [ManifestFixInput] = []) -> [ManifestFixResult] {
        // Invalid options (an ID the API server rejects) fix nothing: every file comes back
        // unchanged with the problem as its error.
        let problems = options.problems
        guard problems.isEmpty else {
            return files.map { input in
                let text = String(decoding: input.bytes, as: UTF8.self)
                return ManifestFixResult(file: input.file, original: text, fixed: text, changes: [], warnings: [],
                                         errors: problems.map { InputError(file: input.file, message: "invalid option: \($0)") })
            }
        }
        let access = APIAccessIndex(inputs: files, context: rbac, objectsFixed: options.fixObjects)
        let results = files.parallelMap { fixWorkloads(bytes: $0.bytes, file: $0.file, access: access) }
        return options.fixObjects ? fixObjects(results) : results
    }

    func fixWorkloads(bytes: [UInt8], file: String, access: APIAccessIndex) -> ManifestFixResult {
        let utf8: [UInt8]
        switch TextEncoding.utf8(bytes, fileKind: "Kubernetes manifest") {
        case .failure(let error):
            return ManifestFixResult(file: file, original: "", fixed: "", changes: [], warnings: [],
                                     errors: [error.located(in: file)])
        case .success(let decoded):
            utf8 = decoded
        }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            let bad = TextEncoding.firstInvalidUTF8(utf8) ?? (offset: 0, line: 1, column: 1)
            let original = String(decoding: utf8, as: UTF8.self)
            return ManifestFixResult(file: file, original: original, fixed: original, changes: [], warnings: [], errors: [InputError(
                file: file, line: bad.line, column: bad.column, message: "not valid UTF-8 (at byte offset \(bad.offset)); left unchanged")])
        }
        let result = fixWorkloads(text: text, file: file, access: access)
        guard case .utf16 = TextEncoding.detect(bytes), result.isChanged else { return result }
        // The fixed text is written as UTF-8 (which kubectl reads as well).
        let note = ManifestFixNote(kind: .warning, file: file, line: 1,
                                   message: "the file is \(TextEncoding.detect(bytes)) text; the fixed file is written as UTF-8")
        var noted = ManifestFixResult(file: file, original: result.original, fixed: result.fixed, changes: result.changes,
                                      warnings: [note] + result.warnings, errors: result.errors)
        noted.isPartial = result.isPartial
        return noted
    }

    func fixWorkloads(text: String, file: String, access: APIAccessIndex) -> ManifestFixResult {
        let read = YAMLReader.read(text)
        if !read.errors.isEmpty {
            return ManifestFixResult(
                file: file, original: text, fixed: text, changes: [], warnings: [],
                errors: read.errors.map { InputError(file: file, line: $0.line, column: $0.column, message: $0.message) })
        }
        let roots = read.documents.compactMap(\.root)
        let patch = DocumentPatch(roots: roots)
        let log = FixLog(file: file)
        var seen: Set<ObjectIdentifier> = []
        for document in read.documents {
            guard let root = document.root, !root.isNull else { continue }
            for object in Self.objects(in: root, file: file, helmSource: document.helmSource) {
                for pod in PodSpecExtractor.podSpecs(in: object) where seen.insert(ObjectIdentifier(pod.spec)).inserted {
                    PodHardener(pod: pod, options: options, patch: patch, log: log, access: access).run()
                }
            }
        }
        guard !patch.isEmpty else {
            return ManifestFixResult(file: file, original: text, fixed: text, changes: [],
                                     warnings: log.warnings + remainingViolations(in: read.documents, file: file), errors: [])
        }
        let rendered = Self.render(patch, documents: read.documents, source: SourceText(text), file: file, counting: \.count)
        let kept = { (note: ManifestFixNote) in !rendered.failedLines.contains { $0.contains(note.line) } }
        let warnings = log.warnings.filter(kept) + rendered.problems + remainingViolations(in: rendered.documents, file: file)
        var result = ManifestFixResult(file: file, original: text, fixed: rendered.text, changes: log.changes.filter(kept), warnings: warnings,
                                       errors: rendered.failures)
        result.isPartial = !rendered.failures.isEmpty
        return result
    }

    /// Pods that still fail the restricted level after the fix (hostPath volumes, host ports …).
    private func remainingViolations(in documents: [YAMLDocument], file: String) -> [ManifestFixNote] {
        var notes: [ManifestFixNote] = []
        for document in documents {
            guard let root = document.root, !root.isNull else { continue }
            for object in Self.objects(in: root, file: file, helmSource: document.helmSource) {
                for pod in PodSpecExtractor.podSpecs(in: object) {
                    let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: options.pssVersion)
                    guard !decision.allowed else { continue }
                    notes.append(ManifestFixNote(
                        kind: .warning, file: file, line: pod.spec.position.line,
                        message: "\(pod.displayName) still fails Pod Security Standards restricted (\(options.pssVersion)) after the fix: \(decision.message)"))
                }
            }
        }
        return notes
    }

    /// The Kubernetes objects of a document (the items of a `List`), as the loader reads them.
    static func objects(in root: YAMLNode, file: String, helmSource: String?) -> [KubeObject] {
        guard let object = KubeObject(root: root, file: file, helmSource: helmSource) else { return [] }
        if object.kind == "List" || (object.kind.hasSuffix("List") && root["items"]?.isSequence == true && object.metadata?["name"] == nil) {
            return (root["items"]?.items ?? []).flatMap { objects(in: $0, file: file, helmSource: helmSource) }
        }
        return [object]
    }
}

/// Changes and warnings collected while planning one file.
final class FixLog {
    let file: String
    private(set) var changes: [ManifestFixNote] = []
    private(set) var warnings: [ManifestFixNote] = []
    private var warned: Set<String> = []

    init(file: String) {
        self.file = file
    }

    func change(_ node: YAMLNode?, _ message: String) {
        changes.append(ManifestFixNote(kind: .change, file: file, line: node?.position.line ?? 1, message: message))
    }

    func warn(_ node: YAMLNode?, _ message: String) {
        guard warned.insert(message).inserted else { return }
        warnings.append(ManifestFixNote(kind: .warning, file: file, line: node?.position.line ?? 1, message: message))
    }
}
