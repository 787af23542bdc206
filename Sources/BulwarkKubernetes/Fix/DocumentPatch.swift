import BulwarkCore

/// What changes in one mapping of the document.
final class MappingEdit {
    struct Replacement {
        let key: YAMLNode
        let old: YAMLNode
        var new: PendingValue
        var comment: String?
    }

    struct Removal {
        let key: YAMLNode
        let value: YAMLNode
        let comment: String?
        /// Written instead when the key cannot be deleted without breaking the layout
        /// (the first key of a `- key: value` sequence item).
        let fallback: NewScalar?
    }

    let node: YAMLNode
    var inserts: [PendingEntry] = []
    var replacements: [Replacement] = []
    var removals: [Removal] = []

    init(node: YAMLNode) {
        self.node = node
    }

    func insert(_ key: String) -> PendingEntry? { inserts.first { $0.key == key } }
    func replacement(_ key: YAMLNode) -> Int? { replacements.firstIndex { $0.key === key } }
    func removal(_ key: YAMLNode) -> Removal? { removals.first { $0.key === key } }
}

/// What changes in one sequence of the document.
final class SequenceEdit {
    let node: YAMLNode
    var appends: [PendingValue] = []
    var removals: [(item: YAMLNode, comment: String?)] = []

    init(node: YAMLNode) {
        self.node = node
    }

    func isRemoved(_ item: YAMLNode) -> Bool { removals.contains { $0.item === item } }
}

/// A document written again as a whole.
struct DocumentReplacement {
    let root: YAMLNode
    let lines: [String]
    /// Whether the document's own lines follow `lines`, commented out.
    let commentingOut: Bool
}

/// All the edits planned for one file, keyed by the nodes they change. Planning reads the original
/// tree; rendering (`PatchRenderer`) turns the edits into text edits.
final class DocumentPatch {
    private(set) var mappingEdits: [ObjectIdentifier: MappingEdit] = [:]
    private(set) var sequenceEdits: [ObjectIdentifier: SequenceEdit] = [:]
    /// Documents written again as a whole (a Secret sealed, a binding commented out).
    private(set) var documentReplacements: [DocumentReplacement] = []
    /// Nodes reached more than once (YAML aliases and merge keys) and everything below them.
    let shared: Set<ObjectIdentifier>
    /// The parent of every node (first occurrence).
    let parents: [ObjectIdentifier: YAMLNode]

    init(roots: [YAMLNode]) {
        var shared: Set<ObjectIdentifier> = []
        var parents: [ObjectIdentifier: YAMLNode] = [:]
        var seen: Set<ObjectIdentifier> = []
        var stack: [(YAMLNode, YAMLNode?)] = roots.map { ($0, nil) }
        var sharedRoots: [YAMLNode] = []
        while let (node, parent) = stack.popLast() {
            let id = ObjectIdentifier(node)
            guard seen.insert(id).inserted else {
                sharedRoots.append(node)
                continue
            }
            if let parent { parents[id] = parent }
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack += items.map { ($0, node) }
            case .mapping(let pairs):
                for pair in pairs {
                    stack.append((pair.key, node))
                    stack.append((pair.value, node))
                }
            }
        }
        var marking = sharedRoots
        while let node = marking.popLast() {
            guard shared.insert(ObjectIdentifier(node)).inserted else { continue }
            switch node.content {
            case .scalar: break
            case .sequence(let items): marking += items
            case .mapping(let pairs): marking += pairs.flatMap { [$0.key, $0.value] }
            }
        }
        self.shared = shared
        self.parents = parents
    }

    var isEmpty: Bool { mappingEdits.isEmpty && sequenceEdits.isEmpty && documentReplacements.isEmpty }

    /// Replaces a whole document (from its root's first line to its last) with `lines`, or with
    /// `lines` followed by the document's own lines commented out. Only for a block-style root
    /// that starts a line; no other edit may touch the document.
    func replaceDocument(_ root: YAMLNode, with lines: [String], commentingOut: Bool = false) {
        documentReplacements.append(DocumentReplacement(root: root, lines: lines, commentingOut: commentingOut))
    }

    func isShared(_ node: YAMLNode) -> Bool { shared.contains(ObjectIdentifier(node)) }

    func parent(of node: YAMLNode) -> YAMLNode? { parents[ObjectIdentifier(node)] }

    func mappingEdit(_ node: YAMLNode) -> MappingEdit? { mappingEdits[ObjectIdentifier(node)] }

    func sequenceEdit(_ node: YAMLNode) -> SequenceEdit? { sequenceEdits[ObjectIdentifier(node)] }

    private func edit(_ node: YAMLNode) -> MappingEdit {
        if let edit = mappingEdits[ObjectIdentifier(node)] { return edit }
        let edit = MappingEdit(node: node)
        mappingEdits[ObjectIdentifier(node)] = edit
        return edit
    }

    private func edit(sequence node: YAMLNode) -> SequenceEdit {
        if let edit = sequenceEdits[ObjectIdentifier(node)] { return edit }
        let edit = SequenceEdit(node: node)
        sequenceEdits[ObjectIdentifier(node)] = edit
        return edit
    }

    // MARK: - Reading the planned state

    /// The key node and value of a key of a document mapping, if present.
    private func pair(_ mapping: YAMLNode, _ key: String) -> YAMLNode.Pair? {
        mapping.pairs?.first { $0.key.scalar == key }
    }

    // MARK: - Planning

    /// The mapping under `key`, created (or put in place of a null value) when missing. Nil when
    /// the value is something else, or the mapping is shared through an alias.
    func child(_ parent: MapRef, _ key: String, comment: String? = nil) -> MapRef? {
        switch parent {
        case .pending(let map):
            if let entry = map.entry(key) {
                if case .map(let child) = entry.value { return .pending(child) }
                return nil
            }
            let child = PendingMap()
            map.set(key, .map(child), comment: comment)
            return .pending(child)
        case .node(let mapping):
            guard !isShared(mapping) else { return nil }
            if let pair = pair(mapping, key) {
                if pair.value.isMapping { return isShared(pair.value) ? nil : .node(pair.value) }
                guard pair.value.isNull else { return nil }
                let edit = edit(mapping)
                if let index = edit.replacement(pair.key) {
                    if case .map(let child) = edit.replacements[index].new { return .pending(child) }
                    return nil
                }
                let child = PendingMap()
                edit.replacements.append(.init(key: pair.key, old: pair.value, new: .map(child), comment: comment))
                return .pending(child)
            }
            let edit = edit(mapping)
            if let entry = edit.insert(key) {
                if case .map(let child) = entry.value { return .pending(child) }
                return nil
            }
            let child = PendingMap()
            edit.inserts.append(PendingEntry(key: key, value: .map(child), comment: comment))
            return .pending(child)
        }
    }

    /// The sequence under `key`, created when missing or null.
    func childSequence(_ parent: MapRef, _ key: String, comment: String? = nil) -> SeqRef? {
        switch parent {
        case .pending(let map):
            if let entry = map.entry(key) {
                if case .seq(let child) = entry.value { return .pending(child) }
                return nil
            }
            let child = PendingSeq()
            map.set(key, .seq(child), comment: comment)
            return .pending(child)
        case .node(let mapping):
            guard !isShared(mapping) else { return nil }
            if let pair = pair(mapping, key) {
                if pair.value.isSequence { return isShared(pair.value) ? nil : .node(pair.value) }
                guard pair.value.isNull else { return nil }
                let edit = edit(mapping)
                if let index = edit.replacement(pair.key) {
                    if case .seq(let child) = edit.replacements[index].new { return .pending(child) }
                    return nil
                }
                let child = PendingSeq()
                edit.replacements.append(.init(key: pair.key, old: pair.value, new: .seq(child), comment: comment))
                return .pending(child)
            }
            let edit = edit(mapping)
            if let entry = edit.insert(key) {
                if case .seq(let child) = entry.value { return .pending(child) }
                return nil
            }
            let child = PendingSeq()
            edit.inserts.append(PendingEntry(key: key, value: .seq(child), comment: comment))
            return .pending(child)
        }
    }

    /// Sets `key` to a value: inserts it, or replaces a scalar (or null) value. False when the
    /// present value is a collection or shared.
    @discardableResult
    func set(_ parent: MapRef, _ key: String, _ value: PendingValue, comment: String? = nil) -> Bool {
        switch parent {
        case .pending(let map):
            map.set(key, value, comment: comment)
            return true
        case .node(let mapping):
            guard !isShared(mapping) else { return false }
            if let pair = pair(mapping, key) {
                guard pair.value.scalar != nil, !isShared(pair.value) else { return false }
                let edit = edit(mapping)
                if let index = edit.replacement(pair.key) {
                    edit.replacements[index].new = value
                    if let comment { edit.replacements[index].comment = comment }
                } else {
                    edit.replacements.append(.init(key: pair.key, old: pair.value, new: value, comment: comment))
                }
                return true
            }
            let edit = edit(mapping)
            if let entry = edit.insert(key) {
                entry.value = value
                if let comment { entry.comment = comment }
            } else {
                edit.inserts.append(PendingEntry(key: key, value: value, comment: comment))
            }
            return true
        }
    }

    @discardableResult
    func set(_ parent: MapRef, _ key: String, _ value: NewScalar, comment: String? = nil) -> Bool {
        set(parent, key, .scalar(value), comment: comment)
    }

    /// Deletes a key of a document mapping, leaving the comment in its place.
    @discardableResult
    func remove(_ mapping: YAMLNode, _ key: String, comment: String?, fallback: NewScalar? = nil) -> Bool {
        guard !isShared(mapping), let pair = pair(mapping, key), !isShared(pair.key), !isShared(pair.value) else { return false }
        let edit = edit(mapping)
        guard edit.removal(pair.key) == nil else { return true }
        edit.removals.append(.init(key: pair.key, value: pair.value, comment: comment, fallback: fallback))
        return true
    }

    /// Appends an item to a sequence.
    @discardableResult
    func append(_ sequence: SeqRef, _ value: PendingValue) -> Bool {
        switch sequence {
        case .pending(let seq):
            seq.items.append(value)
            return true
        case .node(let node):
            guard !isShared(node) else { return false }
            edit(sequence: node).appends.append(value)
            return true
        }
    }

    /// Deletes an item of a document sequence, leaving the comment in its place.
    @discardableResult
    func removeItem(_ sequence: YAMLNode, _ item: YAMLNode, comment: String?) -> Bool {
        guard !isShared(sequence) else { return false }
        let edit = edit(sequence: sequence)
        guard !edit.isRemoved(item) else { return true }
        edit.removals.append((item, comment))
        return true
    }
}
