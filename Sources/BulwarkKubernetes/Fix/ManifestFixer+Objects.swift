import BulwarkCore

/// One file to fix.
public struct ManifestFixInput: Sendable {
    public let file: String
    public let bytes: [UInt8]

    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
    }
}

extension ManifestFixer {
    /// One file as the workload pass left it: its documents and objects.
    private struct ParsedFile {
        let result: ManifestFixResult
        let documents: [YAMLDocument]
        let objects: [KubeObject]
        /// The roots of its documents (an object inside a `List` is not one).
        let documentRoots: Set<ObjectIdentifier>
    }

    /// The second pass: scans the workload-fixed files with the rules `ObjectFixer` answers and
    /// fixes the objects they report, file by file.
    func fixObjects(_ results: [ManifestFixResult]) -> [ManifestFixResult] {
        let parsed: [ParsedFile?] = results.parallelMap { result in
            // Files with errors are left alone, except those where only some documents could not be rewritten.
            guard result.errors.isEmpty || result.isPartial else { return nil }
            let read = YAMLReader.read(result.fixed)
            guard read.errors.isEmpty else { return nil }
            var objects: [KubeObject] = []
            var roots: Set<ObjectIdentifier> = []
            for document in read.documents {
                guard let root = document.root, !root.isNull else { continue }
                roots.insert(ObjectIdentifier(root))
                objects += Self.objects(in: root, file: result.file, helmSource: document.helmSource)
            }
            return ParsedFile(result: result, documents: read.documents, objects: objects, documentRoots: roots)
        }
        let all = parsed.flatMap { $0?.objects ?? [] }
        guard !all.isEmpty else { return results }

        // Independent parts of the input (see `InventoryPartition`) are judged apart, as `scan` does.
        let scanner = KubernetesScanner(rules: ObjectFixer.rules)
        var indexOf: [ObjectIdentifier: InventoryIndex] = [:]
        var findings: [Finding] = []
        for group in InventoryPartition.groups(of: all) {
            let index = InventoryIndex(group.map { all[$0] })
            for object in index.objects { indexOf[ObjectIdentifier(object.root)] = index }
            findings += scanner.scan(index).filter { !$0.suppressed }
        }
        guard !findings.isEmpty else { return results }
        let byFile = Dictionary(grouping: findings, by: \.location.file)

        return results.indices.map { position in
            guard let file = parsed[position], let found = byFile[file.result.file] else { return results[position] }
            return fixObjects(in: file, findings: found, indexOf: indexOf)
        }
    }

    private func fixObjects(in file: ParsedFile, findings: [Finding], indexOf: [ObjectIdentifier: InventoryIndex]) -> ManifestFixResult {
        let result = file.result
        // Each finding belongs to the object of its kind and name that starts last before its line.
        var byObject: [ObjectIdentifier: (object: KubeObject, findings: [Finding])] = [:]
        for finding in findings {
            guard let reference = finding.object else { continue }
            let owner = file.objects
                .filter { $0.kind == reference.kind && $0.name == reference.name && $0.namespace == reference.namespace && $0.root.position.line <= finding.location.line }
                .max { $0.root.position < $1.root.position }
            guard let owner else { continue }
            byObject[ObjectIdentifier(owner.root), default: (owner, [])].findings.append(finding)
        }
        guard !byObject.isEmpty else { return result }

        let roots = file.documents.compactMap(\.root)
        let source = SourceText(result.fixed)
        let patch = DocumentPatch(roots: roots)
        let log = FixLog(file: result.file)
        for (object, found) in byObject.values.sorted(by: { $0.object.root.position < $1.object.root.position }) {
            guard let index = indexOf[ObjectIdentifier(object.root)] else { continue }
            ObjectFixer(options: options, index: index, source: source, patch: patch, log: log, documentRoots: file.documentRoots)
                .fix(object, findings: found)
        }
        guard !patch.isEmpty else {
            var unchanged = ManifestFixResult(file: result.file, original: result.original, fixed: result.fixed, changes: result.changes,
                                              warnings: result.warnings + log.warnings, errors: result.errors)
            unchanged.isPartial = result.isPartial
            return unchanged
        }
        // A document commented out as a whole no longer counts (the first of a file is gone entirely),
        // so documents are counted without the null ones. Positions here are those of the text
        // the workload pass wrote.
        let rendered = Self.render(patch, documents: file.documents, source: source, file: result.file, counting: Self.nonNullCount)
        let kept = { (note: ManifestFixNote) in !rendered.failedLines.contains { $0.contains(note.line) } }
        var fixed = ManifestFixResult(file: result.file, original: result.original, fixed: rendered.text,
                                      changes: result.changes + log.changes.filter(kept),
                                      warnings: result.warnings + log.warnings.filter(kept) + rendered.problems,
                                      errors: result.errors + rendered.failures)
        fixed.isPartial = !fixed.errors.isEmpty
        return fixed
    }
}
