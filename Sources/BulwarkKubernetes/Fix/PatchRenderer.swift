import BulwarkCore

/// Indentation the file already uses, so that inserted blocks look like their neighbours.
struct IndentStyle: Equatable {
    /// Child mapping keys relative to their parent key.
    var mapping = 2
    /// A block sequence's `-` relative to the key that holds it (0 for "indentless" sequences).
    var sequence = 2
    /// An item's content relative to its `-`.
    var item = 2
}

/// Turns a `DocumentPatch` into text edits of the original file.
///
/// Block collections are patched line by line: new keys go after a mapping's last line at its
/// indentation, removed keys leave a comment line in their place, scalars are replaced where they
/// stand. A flow collection (`{…}`, `[…]`) that contains a change is written again as a whole, in
/// flow style (an empty one under a block key becomes a block); a document whose root is a flow
/// collection (JSON) is written again as indented JSON.
struct PatchRenderer {
    let source: SourceText
    let patch: DocumentPatch
    let style: IndentStyle
    private(set) var edits: [TextEdit] = []
    private(set) var problems: [(position: TextPosition, message: String)] = []
    /// Documents that cannot be rewritten at all (their other edits are dropped by the caller).
    private(set) var failures: [(position: TextPosition, message: String)] = []

    init(source: SourceText, patch: DocumentPatch, roots: [YAMLNode]) {
        self.source = source
        self.patch = patch
        style = Self.detectStyle(roots: roots, source: source, patch: patch)
    }

    static let commentRank = 2_000_000

    // MARK: - Node geometry

    /// Whether a collection is written in flow style. A block collection never sits inside a flow
    /// one, so only the implicit one-pair mappings of a flow sequence (`[a: b]`) need their parent.
    func isFlow(_ node: YAMLNode) -> Bool {
        guard node.scalar == nil else { return false }
        if Self.startsWithBracket(node, source) { return true }
        guard let parent = patch.parent(of: node) else { return false }
        return Self.startsWithBracket(parent, source)
    }

    static func startsWithBracket(_ node: YAMLNode, _ source: SourceText) -> Bool {
        guard !(node.scalar != nil) else { return false }
        var index = source.offset(node.position)
        // Skip an anchor (`&name`) and a tag (`!tag`) before the collection.
        while let scalar = source.character(at: index), scalar == "&" || scalar == "!" {
            while let next = source.character(at: index), !(next == " " || next == "\t" || next == "\n" || next == "\r") { index += 1 }
            while let next = source.character(at: index), next == " " || next == "\t" || next == "\n" || next == "\r" { index += 1 }
        }
        let scalar = source.character(at: index)
        guard scalar == "{" || scalar == "[" else { return false }
        // A block mapping whose first key is a flow collection (`[a, b]: c`) starts at that key.
        if let first = node.pairs?.first?.key, source.offset(first.position) == index { return false }
        return true
    }

    /// The outermost flow collection around a node, if it is in one.
    func flowRoot(of node: YAMLNode) -> YAMLNode? {
        guard isFlow(node) else { return nil }
        var root = node
        while let parent = patch.parent(of: root), isFlow(parent) { root = parent }
        return root
    }

    func depth(_ node: YAMLNode) -> Int {
        var depth = 0
        var current = node
        while let parent = patch.parent(of: current) {
            depth += 1
            current = parent
        }
        return depth
    }

    /// The 1-based column where a block mapping entry starts: its key's, or for an explicit
    /// (complex) key such as `? [a, b]` followed by `: value`, the column of the `?`.
    static func entryColumn(_ key: YAMLNode, _ source: SourceText) -> Int {
        var index = source.offset(key.position) - 1
        let lineStart = source.startOfLine(key.position.line)
        while index >= lineStart, let scalar = source.character(at: index), scalar == " " || scalar == "\t" { index -= 1 }
        if index >= lineStart, source.character(at: index) == "?" { return index - lineStart + 1 }
        return key.position.column
    }

    func entryColumn(_ key: YAMLNode) -> Int { Self.entryColumn(key, source) }

    /// Pairs written in the mapping itself (not merged in with `<<`).
    func ownPairs(_ mapping: YAMLNode) -> [YAMLNode.Pair] {
        (mapping.pairs ?? []).filter { !patch.isShared($0.key) || patch.isShared(mapping) }
    }

    /// The last line that holds a character of the node.
    func lastLine(_ node: YAMLNode) -> Int {
        switch node.content {
        case .scalar:
            return source.lastLine(endingAt: node.endPosition, startLine: node.position.line)
        case .mapping, .sequence:
            if isFlow(node) { return source.lastLine(endingAt: node.endPosition, startLine: node.position.line) }
            var last = node.position.line
            if node.isMapping {
                for pair in ownPairs(node) {
                    // A complex key (`? [a,\n b]`) may span lines.
                    last = max(last, lastLine(pair.key))
                    if !patch.isShared(pair.value) || patch.isShared(node) { last = max(last, lastLine(pair.value)) }
                }
                return last
            }
            for item in node.sequence ?? [] where !patch.isShared(item) || patch.isShared(node) {
                last = max(last, lastLine(item))
            }
            return last
        }
    }

    /// Where text inserted after a line goes, and whether it needs a line break first.
    func insertionPoint(afterLine line: Int) -> (index: Int, leadingBreak: Bool) {
        if line < source.lineCount { return (source.startOfLine(line + 1), false) }
        return (source.scalars.count, true)
    }

    mutating func insert(lines: [String], afterLine line: Int, rank: Int) {
        guard !lines.isEmpty else { return }
        let point = insertionPoint(afterLine: line)
        let eol = source.lineEnding
        var text = lines.joined(separator: eol)
        text = point.leadingBreak ? eol + text : text + eol
        edits.append(TextEdit(inserting: text, at: point.index, rank: rank))
    }

    mutating func comment(_ comment: String?, beforeLine line: Int) {
        guard let comment else { return }
        let indent = String(repeating: " ", count: source.indentation(ofLine: line))
        edits.append(TextEdit(inserting: indent + "# " + comment + source.lineEnding, at: source.startOfLine(line), rank: Self.commentRank))
    }

    /// Index just after the `:` that precedes a value on its line, if there is one.
    func afterColon(before value: YAMLNode) -> Int? {
        var index = source.offset(value.position) - 1
        let lineStart = source.startOfLine(value.position.line)
        while index >= lineStart, let scalar = source.character(at: index), scalar == " " || scalar == "\t" { index -= 1 }
        guard index >= lineStart, source.character(at: index) == ":" else { return nil }
        return index + 1
    }

    // MARK: - Rendering

    mutating func render() {
        var flowRoots: [ObjectIdentifier: YAMLNode] = [:]
        var blockMappings: [MappingEdit] = []
        var blockSequences: [SequenceEdit] = []
        for edit in patch.mappingEdits.values {
            if let root = flowRoot(of: edit.node) {
                flowRoots[ObjectIdentifier(root)] = root
            } else {
                blockMappings.append(edit)
            }
        }
        for edit in patch.sequenceEdits.values {
            if let root = flowRoot(of: edit.node) {
                flowRoots[ObjectIdentifier(root)] = root
            } else {
                blockSequences.append(edit)
            }
        }
        // Deterministic order (the dictionaries are not).
        for edit in blockMappings.sorted(by: { $0.node.position < $1.node.position }) { renderBlock(edit) }
        for edit in blockSequences.sorted(by: { $0.node.position < $1.node.position }) { renderBlock(edit) }
        for root in flowRoots.values.sorted(by: { $0.position < $1.position }) { renderFlow(root) }
        for replacement in patch.documentReplacements { renderDocumentReplacement(replacement) }
    }

    /// A document written again: the lines from the root's first to its last are replaced.
    mutating func renderDocumentReplacement(_ replacement: DocumentReplacement) {
        let root = replacement.root
        guard Self.isBlockDocument(root, source) else {
            problems.append((root.position, "cannot replace a document that does not start a line in block style; left unchanged"))
            return
        }
        let first = root.position.line
        let last = lastLine(root)
        var lines = replacement.lines
        if replacement.commentingOut {
            lines += (first...last).map { line in
                let text = source.line(line)
                return text.isEmpty ? "#" : "#   " + text
            }
        }
        edits.append(TextEdit(replacing: source.startOfLine(first)..<source.endOfLine(last), with: lines.joined(separator: source.lineEnding)))
    }

    /// Whether a document root is a block collection that starts its line (so that its lines can
    /// be replaced as a whole).
    static func isBlockDocument(_ root: YAMLNode, _ source: SourceText) -> Bool {
        root.position.column == 1 && root.scalar == nil && !startsWithBracket(root, source)
    }

    // MARK: Block mappings

    mutating func renderBlock(_ edit: MappingEdit) {
        let mapping = edit.node
        guard let firstKey = ownPairs(mapping).first?.key else {
            problems.append((mapping.position, "cannot find where the mapping's keys start; left unchanged"))
            return
        }
        let indent = entryColumn(firstKey) - 1
        for removal in edit.removals { renderRemoval(removal) }
        for replacement in edit.replacements { renderReplacement(replacement) }
        if !edit.inserts.isEmpty {
            let lines = entryLines(edit.inserts, indent: indent)
            insert(lines: lines, afterLine: lastLine(mapping), rank: 1_000_000 - depth(mapping))
        }
    }

    mutating func renderRemoval(_ removal: MappingEdit.Removal) {
        let key = removal.key
        let keyLine = key.position.line
        let prefix = source.startOfLine(keyLine)..<source.offset(key.position)
        if source.isBlank(prefix) {
            let last = max(keyLine, lastLine(removal.value))
            let end = last < source.lineCount ? source.startOfLine(last + 1) : source.scalars.count
            let kept = keptComments(in: [key, removal.value], lines: keyLine...last)
            let text = commentBlock([removal.comment].compactMap { $0.map { "# " + $0 } } + kept, indent: entryColumn(key) - 1, last: last)
            edits.append(TextEdit(replacing: source.startOfLine(keyLine)..<end, with: text))
        } else if let fallback = removal.fallback, removal.value.scalar != nil {
            edits.append(TextEdit(replacing: source.offset(removal.value.position)..<source.offset(removal.value.endPosition),
                                  with: (removal.value.position == removal.value.endPosition ? " " : "") + YAMLText.scalar(fallback)))
            comment(removal.comment.map { $0 + " (set to \(fallback) instead: the key starts a sequence item)" }, beforeLine: keyLine)
        } else {
            problems.append((key.position, "cannot remove \(key.scalar ?? "key") without breaking the layout; left unchanged"))
        }
    }

    mutating func renderReplacement(_ replacement: MappingEdit.Replacement) {
        let old = replacement.old
        let start = source.offset(old.position)
        let end = source.offset(old.endPosition)
        comment(replacement.comment, beforeLine: replacement.key.position.line)
        switch replacement.new {
        case .scalar(let value):
            edits.append(TextEdit(replacing: start..<end, with: (start == end ? " " : "") + YAMLText.scalar(value)))
        case .map(let map) where map.entries.isEmpty:
            edits.append(TextEdit(replacing: start..<end, with: (start == end ? " " : "") + "{}"))
        case .seq(let seq) where seq.items.isEmpty:
            edits.append(TextEdit(replacing: start..<end, with: (start == end ? " " : "") + "[]"))
        case .map, .seq:
            if start < end {
                edits.append(TextEdit(replacing: (afterColon(before: old) ?? start)..<end, with: ""))
            }
            let keyIndent = entryColumn(replacement.key) - 1
            let lines = childLines(replacement.new, keyIndent: keyIndent)
            insert(lines: lines, afterLine: max(replacement.key.position.line, lastLine(old)), rank: 1_000_000 - depth(old))
        }
    }

    /// The comments written in lines that are deleted: whole comment lines, and comments after
    /// the scalars and flow collections of the deleted nodes, verbatim (from their `#`).
    func keptComments(in nodes: [YAMLNode], lines: ClosedRange<Int>) -> [String] {
        var ends: [TextPosition] = []
        var stack = nodes
        while let node = stack.popLast() {
            switch node.content {
            case .scalar: ends.append(node.endPosition)
            case .sequence(let items):
                if isFlow(node) { ends.append(node.endPosition) } else { stack += items }
            case .mapping(let pairs):
                if isFlow(node) { ends.append(node.endPosition) } else { stack += pairs.flatMap { [$0.key, $0.value] } }
            }
        }
        var comments: [Int: String] = [:]
        for end in ends where lines.contains(end.line) {
            var index = source.offset(end)
            let lineEnd = source.endOfLine(end.line)
            while index < lineEnd, source.character(at: index) == " " || source.character(at: index) == "\t" { index += 1 }
            if index < lineEnd, source.character(at: index) == "#", index > source.offset(end) || index == source.startOfLine(end.line) {
                comments[end.line] = source.string(index..<lineEnd)
            }
        }
        for line in lines where comments[line] == nil {
            let text = source.line(line)
            if text.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") {
                comments[line] = String(text.drop(while: { $0 == " " || $0 == "\t" }))
            }
        }
        return comments.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Comment lines that replace deleted lines (without a final line break after the last line).
    func commentBlock(_ comments: [String], indent: Int, last: Int) -> String {
        guard !comments.isEmpty else { return "" }
        let pad = String(repeating: " ", count: indent)
        var text = comments.map { pad + $0 }.joined(separator: source.lineEnding)
        if last < source.lineCount { text += source.lineEnding }
        return text
    }

    // MARK: Block sequences

    /// Column (0-based) of the `-` before a block sequence item.
    func dashColumn(of item: YAMLNode) -> Int? {
        var index = source.offset(item.position) - 1
        let lineStart = source.startOfLine(item.position.line)
        while index >= lineStart, let scalar = source.character(at: index), scalar == " " || scalar == "\t" { index -= 1 }
        guard index >= lineStart, source.character(at: index) == "-" else { return nil }
        return index - lineStart
    }

    mutating func renderBlock(_ edit: SequenceEdit) {
        let sequence = edit.node
        let items = (sequence.sequence ?? []).filter { !patch.isShared($0) }
        guard let first = items.first, let dash = dashColumn(of: first) else {
            problems.append((sequence.position, "cannot find the sequence's item layout; left unchanged"))
            return
        }
        let itemOffset = max(2, (first.position.column - 1) - dash)
        for (item, comment) in edit.removals {
            guard let itemDash = dashColumn(of: item), source.isBlank(source.startOfLine(item.position.line)..<(source.startOfLine(item.position.line) + itemDash)) else {
                problems.append((item.position, "cannot remove the sequence item without breaking the layout; left unchanged"))
                continue
            }
            let last = lastLine(item)
            let end = last < source.lineCount ? source.startOfLine(last + 1) : source.scalars.count
            let kept = keptComments(in: [item], lines: item.position.line...last)
            let text = commentBlock([comment].compactMap { $0.map { "# " + $0 } } + kept, indent: itemDash, last: last)
            edits.append(TextEdit(replacing: source.startOfLine(item.position.line)..<end, with: text))
        }
        if !edit.appends.isEmpty {
            var lines: [String] = []
            for value in edit.appends { lines += itemLines(value, dash: dash, itemOffset: itemOffset) }
            insert(lines: lines, afterLine: lastLine(sequence), rank: 1_000_000 - depth(sequence))
        }
    }

    // MARK: Block text of new content

    func entryLines(_ entries: [PendingEntry], indent: Int) -> [String] {
        var lines: [String] = []
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            if let comment = entry.comment { lines.append(pad + "# " + comment) }
            lines += keyValueLines(entry.key, entry.value, indent: indent)
        }
        return lines
    }

    func keyValueLines(_ key: String, _ value: PendingValue, indent: Int) -> [String] {
        let head = String(repeating: " ", count: indent) + YAMLText.string(key) + ":"
        switch value {
        case .scalar(let scalar):
            return [head + " " + YAMLText.scalar(scalar)]
        case .map(let map) where map.entries.isEmpty:
            return [head + " {}"]
        case .seq(let seq) where seq.items.isEmpty:
            return [head + " []"]
        case .map, .seq:
            return [head] + childLines(value, keyIndent: indent)
        }
    }

    /// The lines of a collection value below its key.
    func childLines(_ value: PendingValue, keyIndent: Int) -> [String] {
        switch value {
        case .scalar: return []
        case .map(let map): return entryLines(map.entries, indent: keyIndent + style.mapping)
        case .seq(let seq):
            return seq.items.flatMap { itemLines($0, dash: keyIndent + style.sequence, itemOffset: style.item) }
        }
    }

    func itemLines(_ value: PendingValue, dash: Int, itemOffset: Int) -> [String] {
        let dashPad = String(repeating: " ", count: dash)
        let marker = dashPad + "-" + String(repeating: " ", count: itemOffset - 1)
        switch value {
        case .scalar(let scalar):
            return [marker + YAMLText.scalar(scalar)]
        case .map(let map) where !map.entries.isEmpty:
            var lines: [String] = []
            if let comment = map.entries[0].comment { lines.append(dashPad + "# " + comment) }
            let first = map.entries[0]
            var body = keyValueLines(first.key, first.value, indent: dash + itemOffset)
            body[0] = marker + body[0].dropFirst(dash + itemOffset)
            lines += body
            lines += entryLines(Array(map.entries.dropFirst()), indent: dash + itemOffset)
            return lines
        case .map, .seq:
            var emitter = FlowEmitter(source: source, patch: patch, json: false)
            return [marker + emitter.emit(value, indent: 0)]
        }
    }

    // MARK: Flow collections

    mutating func renderFlow(_ root: YAMLNode) {
        if let problem = firstSharedNode(in: root) {
            problems.append((problem.position, "the change falls inside a flow collection that uses YAML anchors or aliases; left unchanged"))
            return
        }
        let isDocumentRoot = patch.parent(of: root) == nil
        if !isDocumentRoot, tryBlockFromEmptyFlow(root) { return }
        var emitter = FlowEmitter(source: source, patch: patch, json: isDocumentRoot)
        let text = emitter.emit(root, indent: isDocumentRoot ? 0 : -1)
        if let key = emitter.unwritableKey {
            failures.append((key.position, "a flow-style document is written again as JSON, which has no complex keys"))
            return
        }
        edits.append(TextEdit(replacing: source.offset(root.position)..<source.offset(root.endPosition), with: text))
        if !isDocumentRoot {
            var written: Set<String> = []
            for comment in emitter.comments where written.insert(comment).inserted {
                self.comment(comment, beforeLine: root.position.line)
            }
        }
    }

    func firstSharedNode(in root: YAMLNode) -> YAMLNode? {
        var stack = [root]
        while let node = stack.popLast() {
            if patch.isShared(node) { return node }
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack += items
            case .mapping(let pairs): stack += pairs.flatMap { [$0.key, $0.value] }
            }
        }
        return nil
    }

    /// `securityContext: {}` with keys to add becomes a block mapping (and `[]` a block sequence)
    /// when it is the value of a block mapping key and nothing but a comment follows it.
    mutating func tryBlockFromEmptyFlow(_ root: YAMLNode) -> Bool {
        let empty = (root.pairs?.isEmpty ?? false) || (root.sequence?.isEmpty ?? false)
        guard empty, let parent = patch.parent(of: root), parent.isMapping, !isFlow(parent),
              let pair = parent.pairs?.first(where: { $0.value === root }),
              pair.key.position.line == root.position.line, root.endPosition.line == root.position.line,
              source.onlyCommentFollows(source.offset(root.endPosition), line: root.position.line),
              let colon = afterColon(before: root)
        else { return false }
        let value: PendingValue
        if let edit = patch.mappingEdit(root) {
            value = .map(PendingMap(edit.inserts.map { ($0.key, $0.value) }))
            if case .map(let map) = value {
                for (entry, original) in zip(map.entries, edit.inserts) { entry.comment = original.comment }
            }
        } else if let edit = patch.sequenceEdit(root) {
            value = .seq(PendingSeq(edit.appends))
        } else {
            return false
        }
        edits.append(TextEdit(replacing: colon..<source.offset(root.endPosition), with: ""))
        insert(lines: childLines(value, keyIndent: entryColumn(pair.key) - 1), afterLine: root.position.line,
               rank: 1_000_000 - depth(root))
        return true
    }

    // MARK: - Style detection

    static func detectStyle(roots: [YAMLNode], source: SourceText, patch: DocumentPatch) -> IndentStyle {
        var style = IndentStyle()
        var mappingFound = false
        var sequenceFound = false
        var stack = Array(roots.reversed())
        while let node = stack.popLast(), !(mappingFound && sequenceFound) {
            guard !patch.isShared(node) else { continue }
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack += items.reversed()
            case .mapping(let pairs):
                if !startsWithBracket(node, source) {
                    for pair in pairs where !patch.isShared(pair.value) && !startsWithBracket(pair.value, source)
                        && pair.value.position.line > pair.key.position.line {
                        let keyColumn = entryColumn(pair.key, source)
                        if !mappingFound, let child = pair.value.pairs?.first?.key, entryColumn(child, source) > keyColumn {
                            style.mapping = entryColumn(child, source) - keyColumn
                            mappingFound = true
                        }
                        if !sequenceFound, let item = pair.value.sequence?.first {
                            let lineStart = source.startOfLine(item.position.line)
                            var index = source.offset(item.position) - 1
                            while index >= lineStart, source.character(at: index) == " " { index -= 1 }
                            if index >= lineStart, source.character(at: index) == "-" {
                                let dash = index - lineStart + 1
                                if dash >= keyColumn {
                                    style.sequence = dash - keyColumn
                                    style.item = max(2, item.position.column - dash)
                                    sequenceFound = true
                                }
                            }
                        }
                    }
                }
                stack += pairs.map(\.value).reversed()
            }
        }
        return style
    }
}
