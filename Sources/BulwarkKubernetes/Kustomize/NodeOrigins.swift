import BulwarkCore

/// The file each node of rendered objects came from, for the nodes that do not come from the
/// object's own file: the values a patch set and the labels, namespaces or images a kustomization
/// wrote. `KubeObject.location(of:)` asks it, so a finding names the file and line of the value that
/// decides.
///
/// Nodes are told apart by identity. The table keeps every node it names alive, so an identity is
/// never reused by another node while the table exists.
public final class NodeOrigins: Sendable {
    private let files: [ObjectIdentifier: String]
    private let retained: [YAMLNode]

    init(files: [ObjectIdentifier: String], retained: [YAMLNode]) {
        self.files = files
        self.retained = retained
    }

    /// The file `node` was read from, when it is not the object's own.
    public func file(of node: YAMLNode) -> String? { files[ObjectIdentifier(node)] }

    /// Number of nodes named.
    public var count: Int { files.count }
}

/// Collects node origins while kustomizations are rendered.
struct NodeOriginsBuilder {
    private var files: [ObjectIdentifier: String] = [:]
    private var retained: [YAMLNode] = []

    /// Names `file` as the origin of every node of `tree` (linear in the tree; shared subtrees
    /// are walked once).
    mutating func record(tree: YAMLNode, file: String) {
        var pending = [tree]
        while let node = pending.popLast() {
            let identity = ObjectIdentifier(node)
            if files[identity] != nil { continue }
            files[identity] = file
            retained.append(node)
            switch node.content {
            case .scalar: break
            case .sequence(let items): pending += items
            case .mapping(let pairs):
                for pair in pairs {
                    pending.append(pair.key)
                    pending.append(pair.value)
                }
            }
        }
    }

    /// Names the origin of one node.
    mutating func record(node: YAMLNode, file: String) {
        let identity = ObjectIdentifier(node)
        guard files[identity] == nil else { return }
        files[identity] = file
        retained.append(node)
    }

    /// The file recorded for `node`, if any.
    func file(of node: YAMLNode) -> String? { files[ObjectIdentifier(node)] }

    /// A new node with the content given and the position of `model`, from the same file as `model`.
    mutating func derive(_ content: YAMLNode.Content, from model: YAMLNode) -> YAMLNode {
        let node = YAMLNode(content, position: model.position, endPosition: model.endPosition)
        if let file = file(of: model) { record(node: node, file: file) }
        return node
    }

    func build() -> NodeOrigins { NodeOrigins(files: files, retained: retained) }
}
