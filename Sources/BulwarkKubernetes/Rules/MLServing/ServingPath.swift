import BulwarkCore
import Foundation

/// Walks dotted JSON paths with indices (`spec.replicatedJobs[0].template.spec`).
enum ServingPath {
    static func components(_ path: String) -> [(key: String, indices: [Int])] {
        path.split(separator: ".").map { part in
            var key = Substring(part)
            var indices: [Int] = []
            while let open = key.lastIndex(of: "["), key.hasSuffix("]"), let index = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) {
                indices.insert(index, at: 0)
                key = key[..<open]
            }
            return (String(key), indices)
        }
    }

    static func node(_ root: YAMLNode, path: String) -> YAMLNode? {
        var node: YAMLNode? = root
        for (key, indices) in components(path) {
            node = node?[key]
            for index in indices {
                let items = node?.items ?? []
                node = index < items.count ? items[index] : nil
            }
        }
        return node
    }

    /// The key node of the last component (nil when it ends in an index).
    static func keyNode(_ root: YAMLNode, path: String) -> YAMLNode? {
        var parts = components(path)
        guard let last = parts.popLast(), last.indices.isEmpty else { return nil }
        let parentPath = parts.map { part in part.key + part.indices.map { "[\($0)]" }.joined() }.joined(separator: ".")
        let parent = parentPath.isEmpty ? root : node(root, path: parentPath)
        return parent?.keyNode(last.key)
    }

    /// The path without its last `count` dotted components.
    static func dropLast(_ path: String, _ count: Int) -> String {
        path.split(separator: ".").dropLast(count).joined(separator: ".")
    }
}
