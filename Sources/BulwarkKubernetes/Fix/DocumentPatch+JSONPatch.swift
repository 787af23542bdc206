import BulwarkCore

extension DocumentPatch {
    /// The planned additions under `root` as RFC 6902 `add` operations, for an object the API server
    /// holds as JSON (the mutating webhook, `HardeningPatch`).
    ///
    /// Only additions are rendered: a key inserted into a mapping (with everything planned below it,
    /// so a missing parent comes with its children in one operation: `add` fails when the parent
    /// does not exist), an item appended to a list (`/-`), and a null value replaced (a null is an
    /// unset field to the API server). Replacements of present values and removals are never
    /// rendered. Operations come in document order, a mapping's before those of its children, so
    /// the same object always gives the same patch. Nodes shared through YAML aliases carry no
    /// edits (the fixer refuses them) and are not walked, so an alias-heavy document stays linear.
    /// Only the nodes on the way to an edit are walked (a list of 1,000 `env` entries is not).
    func additions(under root: YAMLNode) -> [JSONPatchOperation] {
        var onPath: Set<ObjectIdentifier> = []
        for edited in mappingEdits.values.map(\.node) + sequenceEdits.values.map(\.node) {
            var current: YAMLNode? = edited
            while let node = current, onPath.insert(ObjectIdentifier(node)).inserted {
                current = parent(of: node)
            }
        }
        var operations: [JSONPatchOperation] = []
        func add(_ pointer: String, _ value: PendingValue) {
            guard let json = Self.json(value) else { return }
            operations.append(JSONPatchOperation(path: pointer, value: json))
        }
        // An explicit stack instead of recursion: a deeply nested object cannot exhaust the stack.
        var stack: [(node: YAMLNode, pointer: String)] = [(root, "")]
        while let (node, pointer) = stack.popLast() {
            guard onPath.contains(ObjectIdentifier(node)), !isShared(node) else { continue }
            switch node.content {
            case .scalar:
                continue
            case .mapping(let pairs):
                if let edit = mappingEdit(node) {
                    for replacement in edit.replacements where replacement.old.isNull {
                        guard let key = replacement.key.scalar else { continue }
                        add(pointer + "/" + Self.pointerToken(key), replacement.new)
                    }
                    for insert in edit.inserts {
                        add(pointer + "/" + Self.pointerToken(insert.key), insert.value)
                    }
                }
                for pair in pairs.reversed() {
                    guard let key = pair.key.scalar else { continue }
                    stack.append((pair.value, pointer + "/" + Self.pointerToken(key)))
                }
            case .sequence(let items):
                if let edit = sequenceEdit(node) {
                    for value in edit.appends { add(pointer + "/-", value) }
                }
                for (index, item) in items.enumerated().reversed() {
                    stack.append((item, "\(pointer)/\(index)"))
                }
            }
        }
        return operations
    }

    /// A key as an RFC 6901 reference token: `~` is written `~0` and `/` is written `~1`, in that
    /// order (so `~1` in a key becomes `~01`, not `/`).
    static func pointerToken(_ key: String) -> String {
        guard key.contains(where: { $0 == "~" || $0 == "/" }) else { return key }
        var token = ""
        for character in key {
            switch character {
            case "~": token += "~0"
            case "/": token += "~1"
            default: token.append(character)
            }
        }
        return token
    }

    /// New content as JSON, without comments. An empty mapping or list (a parent the fixer created
    /// for something it then did not add) is nothing: nil.
    static func json(_ value: PendingValue) -> JSONValue? {
        switch value {
        case .scalar(.bool(let flag)): return .bool(flag)
        case .scalar(.int(let number)): return .number(Double(number))
        case .scalar(.string(let text)): return .string(text)
        case .map(let map):
            let members = map.entries.compactMap { entry in json(entry.value).map { (entry.key, $0) } }
            return members.isEmpty ? nil : .object(members)
        case .seq(let sequence):
            let items = sequence.items.compactMap(json)
            return items.isEmpty ? nil : .array(items)
        }
    }
}
