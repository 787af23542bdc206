import BulwarkCore
import Foundation

/// RFC 6902 JSON patch over `YAMLNode` trees (`patchesJson6902`, and `patches` whose content is a
/// list of operations): `add`, `remove`, `replace`, `move`, `copy`, `test`, with RFC 6901 pointers
/// (`~1` is `/`, `~0` is `~`; `-` appends to a list). Values keep the nodes (and so the file and line)
/// of the patch; maps and lists rebuilt on the way keep the position of the object's own.
struct JSONPatch {
    /// Why an operation could not be applied, at the operation.
    struct Failure: Error {
        let message: String
        let node: YAMLNode
    }

    let operations: [YAMLNode]

    /// Applies the operations in order; the first that fails stops the patch (as kustomize does).
    func apply(to root: YAMLNode, origins: inout NodeOriginsBuilder) -> Result<YAMLNode, Failure> {
        var current = root
        for (number, operation) in operations.enumerated() {
            do {
                current = try apply(operation, to: current, origins: &origins)
            } catch let failure as Failure {
                return .failure(Failure(message: "JSON patch operation \(number + 1): \(failure.message)", node: failure.node))
            } catch {
                return .failure(Failure(message: "JSON patch operation \(number + 1) failed", node: operation))
            }
        }
        return .success(current)
    }

    private func apply(_ operation: YAMLNode, to root: YAMLNode, origins: inout NodeOriginsBuilder) throws -> YAMLNode {
        guard operation.isMapping, let op = operation["op"]?.string, let pathText = operation["path"]?.string else {
            throw Failure(message: "needs op and path", node: operation)
        }
        let path = try Self.pointer(pathText, at: operation)
        func value() throws -> YAMLNode {
            guard let value = operation["value"] else { throw Failure(message: "\(op) needs a value", node: operation) }
            return value
        }
        func from() throws -> [String] {
            guard let text = operation["from"]?.string else { throw Failure(message: "\(op) needs from", node: operation) }
            return try Self.pointer(text, at: operation)
        }
        switch op {
        case "add":
            return try add(try value(), at: path, in: root, operation: operation, origins: &origins)
        case "replace":
            guard !path.isEmpty else { return try value() }
            let replacement = try value()
            // kustomize (kubectl kustomize v5.5) replaces a missing member of an object by adding
            // it, unlike RFC 6902 (seen on an operator's overlay that replaces an unset
            // imagePullPolicy); Bulwark renders what kustomize renders.
            if let parent = try? Self.node(at: Array(path.dropLast()), in: root, operation: operation),
               case .mapping(let pairs) = parent.content, let last = path.last, !pairs.contains(where: { $0.key.scalar == last }) {
                return try add(replacement, at: path, in: root, operation: operation, origins: &origins)
            }
            return try update(root, path[...], operation: operation, origins: &origins) { container, token, origins in
                try Self.replacing(container, token, with: replacement, operation: operation, origins: &origins)
            }
        case "remove":
            return try remove(at: path, in: root, operation: operation, origins: &origins)
        case "move":
            let source = try from()
            let moved = try Self.node(at: source, in: root, operation: operation)
            let removed = try remove(at: source, in: root, operation: operation, origins: &origins)
            return try add(moved, at: path, in: removed, operation: operation, origins: &origins)
        case "copy":
            let copied = try Self.node(at: try from(), in: root, operation: operation)
            return try add(copied, at: path, in: root, operation: operation, origins: &origins)
        case "test":
            let expected = try value()
            let actual = try Self.node(at: path, in: root, operation: operation)
            guard actual.jsonValue == expected.jsonValue else {
                throw Failure(message: "test failed: \(pathText) does not hold the value given", node: operation)
            }
            return root
        default:
            throw Failure(message: "unknown op \(op)", node: operation["op"] ?? operation)
        }
    }

    /// RFC 6901 pointer tokens (`""` is the root, an empty list).
    static func pointer(_ text: String, at node: YAMLNode) throws -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(message: "path \(text) does not start with /", node: node) }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func node(at path: [String], in root: YAMLNode, operation: YAMLNode) throws -> YAMLNode {
        var node = root
        for token in path {
            switch node.content {
            case .mapping:
                guard let child = node[token] else { throw Failure(message: "no \(token) in \(display(path))", node: operation) }
                node = child
            case .sequence(let items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw Failure(message: "no item \(token) in \(display(path))", node: operation)
                }
                node = items[index]
            case .scalar:
                throw Failure(message: "\(display(path)) goes through a scalar", node: operation)
            }
        }
        return node
    }

    static func display(_ path: [String]) -> String { "/" + path.joined(separator: "/") }

    private func add(_ value: YAMLNode, at path: [String], in root: YAMLNode, operation: YAMLNode,
                     origins: inout NodeOriginsBuilder) throws -> YAMLNode {
        guard !path.isEmpty else { return value }
        return try update(root, path[...], operation: operation, origins: &origins) { container, token, origins in
            switch container.content {
            case .mapping(var pairs):
                if let index = pairs.firstIndex(where: { $0.key.scalar == token }) {
                    pairs[index] = YAMLNode.Pair(key: pairs[index].key, value: value)
                } else {
                    let key = origins.derive(.scalar(token, .plain), from: value)
                    pairs.append(YAMLNode.Pair(key: key, value: value))
                }
                return origins.derive(.mapping(pairs), from: container)
            case .sequence(var items):
                if token == "-" {
                    items.append(value)
                } else if let index = Int(token), index >= 0, index <= items.count {
                    items.insert(value, at: index)
                } else {
                    throw Failure(message: "cannot add at list index \(token)", node: operation)
                }
                return origins.derive(.sequence(items), from: container)
            case .scalar:
                throw Failure(message: "cannot add under a scalar", node: operation)
            }
        }
    }

    private func remove(at path: [String], in root: YAMLNode, operation: YAMLNode, origins: inout NodeOriginsBuilder) throws -> YAMLNode {
        guard !path.isEmpty else { throw Failure(message: "cannot remove the whole object", node: operation) }
        return try update(root, path[...], operation: operation, origins: &origins) { container, token, origins in
            switch container.content {
            case .mapping(var pairs):
                guard let index = pairs.firstIndex(where: { $0.key.scalar == token }) else {
                    throw Failure(message: "no \(token) to remove", node: operation)
                }
                pairs.remove(at: index)
                return origins.derive(.mapping(pairs), from: container)
            case .sequence(var items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw Failure(message: "no item \(token) to remove", node: operation)
                }
                items.remove(at: index)
                return origins.derive(.sequence(items), from: container)
            case .scalar:
                throw Failure(message: "cannot remove under a scalar", node: operation)
            }
        }
    }

    private static func replacing(_ container: YAMLNode, _ token: String, with value: YAMLNode, operation: YAMLNode,
                                  origins: inout NodeOriginsBuilder) throws -> YAMLNode {
        switch container.content {
        case .mapping(var pairs):
            guard let index = pairs.firstIndex(where: { $0.key.scalar == token }) else {
                throw Failure(message: "no \(token) to replace", node: operation)
            }
            pairs[index] = YAMLNode.Pair(key: pairs[index].key, value: value)
            return origins.derive(.mapping(pairs), from: container)
        case .sequence(var items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw Failure(message: "no item \(token) to replace", node: operation)
            }
            items[index] = value
            return origins.derive(.sequence(items), from: container)
        case .scalar:
            throw Failure(message: "cannot replace under a scalar", node: operation)
        }
    }

    /// Rebuilds the nodes from `node` down to the parent of the last token, where `body` edits.
    private func update(_ node: YAMLNode, _ path: ArraySlice<String>, operation: YAMLNode, origins: inout NodeOriginsBuilder,
                        _ body: (YAMLNode, String, inout NodeOriginsBuilder) throws -> YAMLNode) throws -> YAMLNode {
        guard let token = path.first else { return node }
        if path.count == 1 { return try body(node, token, &origins) }
        switch node.content {
        case .mapping(var pairs):
            guard let index = pairs.firstIndex(where: { $0.key.scalar == token }) else {
                throw Failure(message: "no \(token) on the path", node: operation)
            }
            let child = try update(pairs[index].value, path.dropFirst(), operation: operation, origins: &origins, body)
            pairs[index] = YAMLNode.Pair(key: pairs[index].key, value: child)
            return origins.derive(.mapping(pairs), from: node)
        case .sequence(var items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw Failure(message: "no item \(token) on the path", node: operation)
            }
            items[index] = try update(items[index], path.dropFirst(), operation: operation, origins: &origins, body)
            return origins.derive(.sequence(items), from: node)
        case .scalar:
            throw Failure(message: "the path goes through a scalar", node: operation)
        }
    }
}
