import BulwarkCore

/// Writes a collection (with its planned edits) in flow style on one line, or as indented JSON.
struct FlowEmitter {
    let source: SourceText
    let patch: DocumentPatch
    /// JSON output: quoted keys, typed scalars, two-space indentation.
    let json: Bool
    private(set) var comments: [String] = []
    /// A complex (non-scalar) mapping key met in JSON output, which has no way to write it: the
    /// caller must leave the collection as it was.
    private(set) var unwritableKey: YAMLNode?

    init(source: SourceText, patch: DocumentPatch, json: Bool) {
        self.source = source
        self.patch = patch
        self.json = json
    }

    /// `indent` is the current JSON indentation (ignored for one-line flow).
    mutating func emit(_ node: YAMLNode, indent: Int) -> String {
        switch node.content {
        case .scalar:
            return json ? jsonScalar(node) : flowScalar(node)
        case .mapping(let pairs):
            let edit = patch.mappingEdit(node)
            var entries: [(String, String)] = []
            for pair in pairs {
                if let removal = edit?.removal(pair.key) {
                    if let comment = removal.comment { comments.append(comment) }
                    continue
                }
                let key: String
                if pair.key.scalar != nil {
                    key = json ? YAMLText.quoted(pair.key.scalar ?? "") : flowScalar(pair.key)
                } else if json {
                    unwritableKey = unwritableKey ?? pair.key
                    key = "\"\""
                } else {
                    // A complex key (`{[a, b]: value}`) is itself written in flow style.
                    key = emit(pair.key, indent: indent + 2)
                }
                if let index = edit?.replacement(pair.key), let replacement = edit?.replacements[index] {
                    if let comment = replacement.comment { comments.append(comment) }
                    entries.append((key, emit(replacement.new, indent: indent + 2)))
                } else {
                    entries.append((key, emit(pair.value, indent: indent + 2)))
                }
            }
            for entry in edit?.inserts ?? [] {
                if let comment = entry.comment { comments.append(comment) }
                entries.append((json ? YAMLText.quoted(entry.key) : YAMLText.string(entry.key), emit(entry.value, indent: indent + 2)))
            }
            return mapping(entries, indent: indent)
        case .sequence(let items):
            let edit = patch.sequenceEdit(node)
            var values: [String] = []
            for item in items {
                if let removal = edit?.removals.first(where: { $0.item === item }) {
                    if let comment = removal.comment { comments.append(comment) }
                    continue
                }
                values.append(emit(item, indent: indent + 2))
            }
            for value in edit?.appends ?? [] { values.append(emit(value, indent: indent + 2)) }
            return sequence(values, indent: indent)
        }
    }

    mutating func emit(_ value: PendingValue, indent: Int) -> String {
        switch value {
        case .scalar(let scalar):
            return json ? YAMLText.jsonScalar(scalar) : YAMLText.scalar(scalar)
        case .map(let map):
            var entries: [(String, String)] = []
            for entry in map.entries {
                if let comment = entry.comment { comments.append(comment) }
                entries.append((json ? YAMLText.quoted(entry.key) : YAMLText.string(entry.key), emit(entry.value, indent: indent + 2)))
            }
            return mapping(entries, indent: indent)
        case .seq(let seq):
            var values: [String] = []
            for item in seq.items { values.append(emit(item, indent: indent + 2)) }
            return sequence(values, indent: indent)
        }
    }

    func mapping(_ entries: [(String, String)], indent: Int) -> String {
        guard !entries.isEmpty else { return "{}" }
        guard json else { return "{" + entries.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}" }
        let pad = String(repeating: " ", count: indent + 2)
        return "{\n" + entries.map { "\(pad)\($0.0): \($0.1)" }.joined(separator: ",\n") + "\n" + String(repeating: " ", count: indent) + "}"
    }

    func sequence(_ values: [String], indent: Int) -> String {
        guard !values.isEmpty else { return "[]" }
        guard json else { return "[" + values.joined(separator: ", ") + "]" }
        let pad = String(repeating: " ", count: indent + 2)
        return "[\n" + values.map { pad + $0 }.joined(separator: ",\n") + "\n" + String(repeating: " ", count: indent) + "]"
    }

    /// A scalar as written in the source, unless it spans lines (then double-quoted).
    func flowScalar(_ node: YAMLNode) -> String {
        let text = source.string(source.offset(node.position)..<source.offset(node.endPosition))
        if text.isEmpty { return node.isNull ? "null" : YAMLText.quoted(node.scalar ?? "") }
        if node.position.line != node.endPosition.line { return YAMLText.quoted(node.scalar ?? "") }
        return text
    }

    func jsonScalar(_ node: YAMLNode) -> String {
        guard case .scalar(let value, let style) = node.content else { return "null" }
        if style == .plain && node.tag == nil {
            if node.isNull { return "null" }
            if let bool = node.bool { return bool ? "true" : "false" }
            if YAMLText.isJSONNumber(value) { return value }
            if let int = node.int { return String(int) }
        }
        return YAMLText.quoted(value)
    }
}
