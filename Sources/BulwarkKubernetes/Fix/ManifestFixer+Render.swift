import BulwarkCore

extension ManifestFixer {
    /// A patch written into its file's text, with the documents the text reads back as.
    struct RenderedPatch {
        let text: String
        let documents: [YAMLDocument]
        /// What the renderer could not do, as warnings.
        let problems: [ManifestFixNote]
        /// Documents left as they were because they cannot be rewritten, each an input error at
        /// its position.
        let failures: [InputError]
        /// The lines of those documents (the notes planned for them do not apply).
        let failedLines: [Range<Int>]
    }

    /// Renders a patch and checks the result: edits must not overlap, and the text must read back
    /// without errors as the documents it should be (as `counting` counts them; a document
    /// commented out as a whole no longer counts). Never hand back something that does not.
    ///
    /// When the whole file does not check out, each document with edits is checked on its own:
    /// those that do not read back are left as they were, each with an error at its position
    /// (its first complex mapping key when it has one, the usual reason), and the others are
    /// still fixed.
    static func render(_ patch: DocumentPatch, documents: [YAMLDocument], source: SourceText, file: String,
                       counting: ([YAMLDocument]) -> Int) -> RenderedPatch {
        var renderer = PatchRenderer(source: source, patch: patch, roots: documents.compactMap(\.root))
        renderer.render()
        let problems = renderer.problems.map {
            ManifestFixNote(kind: .warning, file: file, line: $0.position.line, message: $0.message)
        }
        let chunks = DocumentChunks(documents: documents, source: source)
        // Documents the renderer gave up on keep none of their edits.
        var failed: [Int: (position: TextPosition, message: String)] = [:]
        for failure in renderer.failures {
            let index = chunks.document(atLine: failure.position.line)
            failed[index] = failed[index] ?? failure
        }
        let owners = renderer.edits.map { chunks.document(of: $0) }
        if failed.isEmpty, case .success(let text, let read) = check(renderer.edits, in: source, documents: documents, patch: patch,
                                                                        counting: counting) {
            return RenderedPatch(text: text, documents: read, problems: problems, failures: [], failedLines: [])
        }

        // Document by document.
        for index in Set(owners) where failed[index] == nil {
            let range = chunks.range(of: index)
            let chunk = SourceText(source.string(range))
            let edits = zip(renderer.edits, owners).filter { $0.1 == index }.map { edit, _ in
                var shifted = edit
                shifted.start -= range.lowerBound
                shifted.end -= range.lowerBound
                return shifted
            }
            let original = [documents[index]]
            if case .failure(let reason, let offset) = check(edits, in: chunk, documents: original, patch: patch, counting: nonNullCount) {
                failed[index] = (offset.map { source.position(ofOffset: $0 + range.lowerBound) } ?? rootPosition(documents[index]),
                                 reason)
            }
        }
        let good = zip(renderer.edits, owners).filter { failed[$0.1] == nil }.map(\.0)
        var text = source.applying([]).text
        var read = documents
        let ignoring = Set(failed.keys.compactMap { documents[$0].root.map(ObjectIdentifier.init) })
        switch check(good, in: source, documents: documents, patch: patch, counting: counting, ignoring: ignoring) {
        case .success(let fixed, let documents):
            text = fixed
            read = documents
        case .failure(let reason, _):
            // Not expected once each document checks out alone; leave the whole file as it was.
            for index in Set(owners) where failed[index] == nil { failed[index] = (rootPosition(documents[index]), reason) }
        }
        var failures: [InputError] = []
        var failedLines: [Range<Int>] = []
        for (index, failure) in failed.sorted(by: { $0.key < $1.key }) {
            failedLines.append(chunks.lines(of: index))
            let error: InputError
            if let key = firstComplexKey(in: documents[index]) {
                let at = key.position
                error = InputError(file: file, line: at.line, column: at.column,
                                   message: "complex mapping key at \(at.line):\(at.column); bulwark fix cannot rewrite this document (\(failure.message)); left unchanged")
            } else {
                let at = rootPosition(documents[index])
                error = InputError(file: file, line: failure.position.line, column: failure.position.column,
                                   message: "bulwark fix cannot rewrite the document at line \(at.line) (\(failure.message)); left unchanged — please report this file")
            }
            failures.append(error)
        }
        return RenderedPatch(text: text, documents: read, problems: problems, failures: failures, failedLines: failedLines)
    }

    private enum Check {
        case success(String, [YAMLDocument])
        /// Why, and where in the text (a scalar offset) when known.
        case failure(String, Int?)
    }

    /// Applies edits and reads the text back: no overlaps, no syntax errors, and the documents
    /// `counting` counts, less those commented out (and not among `ignoring`, whose edits are left out).
    private static func check(_ edits: [TextEdit], in source: SourceText, documents: [YAMLDocument], patch: DocumentPatch,
                              counting: ([YAMLDocument]) -> Int, ignoring: Set<ObjectIdentifier> = []) -> Check {
        let (fixed, conflicts) = source.applying(edits)
        if let conflict = conflicts.first { return .failure("overlapping edits", conflict.start) }
        let read = YAMLReader.read(fixed)
        if let error = read.errors.first { return .failure("the rewritten text does not parse: \(error.message)", nil) }
        let roots = Set(documents.compactMap { $0.root.map(ObjectIdentifier.init) })
        let removed = patch.documentReplacements.count {
            $0.commentingOut && roots.contains(ObjectIdentifier($0.root)) && !ignoring.contains(ObjectIdentifier($0.root))
        }
        let expected = counting(documents) - removed
        let count = counting(read.documents)
        guard count == expected else { return .failure("the rewritten text reads back as \(count) documents instead of \(expected)", nil) }
        return .success(fixed, read.documents)
    }

    static func nonNullCount(_ documents: [YAMLDocument]) -> Int {
        documents.count { $0.root.map { !$0.isNull } ?? false }
    }

    private static func rootPosition(_ document: YAMLDocument) -> TextPosition {
        document.root?.position ?? TextPosition(line: document.startLine, column: 1)
    }

    /// The first mapping key (in document order) that is not a scalar: `? [a, b]`, `[a, b]: x`.
    static func firstComplexKey(in document: YAMLDocument) -> YAMLNode? {
        guard let root = document.root else { return nil }
        var first: YAMLNode?
        var seen: Set<ObjectIdentifier> = []
        var stack = [root]
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack += items
            case .mapping(let pairs):
                for pair in pairs {
                    if pair.key.scalar == nil, first.map({ pair.key.position < $0.position }) ?? true { first = pair.key }
                    stack.append(pair.key)
                    stack.append(pair.value)
                }
            }
        }
        return first
    }
}

/// The documents of a file as ranges of its text: each from its start (`---` line) to the next
/// one's, the first from the start of the file.
struct DocumentChunks {
    let starts: [Int]
    let startLines: [Int]
    let end: Int

    init(documents: [YAMLDocument], source: SourceText) {
        startLines = documents.indices.map { $0 == 0 ? 1 : documents[$0].startLine }
        starts = startLines.map { $0 == 1 ? 0 : source.startOfLine($0) }
        end = source.scalars.count
    }

    func range(of index: Int) -> Range<Int> {
        starts[index]..<(index + 1 < starts.count ? starts[index + 1] : end)
    }

    func lines(of index: Int) -> Range<Int> {
        startLines[index]..<(index + 1 < startLines.count ? startLines[index + 1] : Int.max)
    }

    /// The document an edit belongs to. An insertion right at a document's start goes with the
    /// document before it (it follows that document's last line).
    func document(of edit: TextEdit) -> Int {
        var low = 0
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= edit.start { low = middle + 1 } else { high = middle }
        }
        var index = max(low - 1, 0)
        if index > 0, edit.start == starts[index], edit.start == edit.end { index -= 1 }
        return index
    }

    func document(atLine line: Int) -> Int {
        max((startLines.lastIndex { $0 <= line }) ?? 0, 0)
    }
}
