import BulwarkCore

/// Splits an inventory into independent "clusters" where the inputs contradict each other.
///
/// The inputs are one cluster unless two files define the same object (same API group, kind,
/// namespace and name). Then the sibling directories that disagree are analysed separately, each
/// with its own cross-object context (ServiceAccounts, NetworkPolicies, Namespace labels …).
/// Scanning `examples/inference-stack` thus judges `k8s/` and `hardened/k8s/` each on its own,
/// while `k8s/deployments/` and `k8s/services/` (no common objects) stay one cluster. Linear in the
/// number of objects and directories. An object a kustomization rendered is placed in the
/// kustomization's directory (`KubeObject.partitionPath`): two overlays of one base are two clusters.
public enum InventoryPartition {
    /// Groups of indices into `objects`; every index appears in exactly one group, groups keep input order.
    public static func groups(of objects: [KubeObject]) -> [[Int]] {
        guard !objects.isEmpty else { return [] }
        let root = Directory()
        for (index, object) in objects.enumerated() {
            var node = root
            let components = object.partitionPath.split(separator: "/", omittingEmptySubsequences: true).dropLast()
            for component in components {
                node = node.child(String(component))
            }
            node.objects.append(index)
        }
        let identities = objects.map { "\($0.group)/\($0.kind)/\($0.effectiveNamespace ?? "")/\($0.name)" }
        return partition(root, identities: identities).map { $0.sorted() }.sorted { ($0.first ?? 0) < ($1.first ?? 0) }
    }

    /// Why the inputs are not one cluster, or nil when they are: the directories of each part and
    /// an object two parts define, e.g. `examples/inference-stack/k8s and
    /// examples/inference-stack/hardened/k8s both define Deployment ml-inference/model-server`.
    /// Commands that answer questions about one cluster (`netpol`, `rbac`) refuse such inputs.
    public static func contradiction(in objects: [KubeObject]) -> String? {
        let parts = groups(of: objects)
        guard parts.count > 1 else { return nil }
        let directories = parts.map { part in commonDirectory(part.map { objects[$0].partitionPath }) }
        var owner: [String: Int] = [:]
        var example: String?
        for (number, part) in parts.enumerated() {
            for index in part {
                let object = objects[index]
                let identity = "\(object.group)/\(object.kind)/\(object.effectiveNamespace ?? "")/\(object.name)"
                if let first = owner[identity], first != number, example == nil {
                    example = "\(directories[first]) and \(directories[number]) both define \(object.displayName)"
                }
                owner[identity] = owner[identity] ?? number
            }
        }
        let list = parts.count > 2 || example == nil ? " (\(directories.joined(separator: ", ")))" : ""
        return "the inputs describe \(parts.count) different clusters\(list)" + (example.map { ": \($0)" } ?? "")
    }

    /// The longest directory path all the files share (`.` when none).
    static func commonDirectory(_ files: [String]) -> String {
        let split = files.map { $0.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init) }
        guard var common = split.first else { return "." }
        for path in split.dropFirst() {
            var length = 0
            while length < min(common.count, path.count), common[length] == path[length] { length += 1 }
            common = Array(common.prefix(length))
        }
        let joined = common.joined(separator: "/")
        return joined.isEmpty ? (files.first?.hasPrefix("/") == true ? "/" : ".") : joined
    }

    private final class Directory {
        var children: [String: Directory] = [:]
        var order: [String] = []
        var objects: [Int] = []

        func child(_ name: String) -> Directory {
            if let existing = children[name] { return existing }
            let created = Directory()
            children[name] = created
            order.append(name)
            return created
        }
    }

    private static func partition(_ directory: Directory, identities: [String]) -> [[Int]] {
        let childResults = directory.order.compactMap { directory.children[$0] }.map { partition($0, identities: identities) }
        let parts: [[Int]] = (directory.objects.isEmpty ? [] : [directory.objects]) + childResults.flatMap { $0 }
        guard childResults.allSatisfy({ $0.count <= 1 }) else { return parts }
        // Merge when no identity is defined by two different parts.
        var owner: [String: Int] = [:]
        for (partIndex, part) in parts.enumerated() {
            for index in part {
                if let previous = owner[identities[index]], previous != partIndex { return parts }
                owner[identities[index]] = partIndex
            }
        }
        return parts.isEmpty ? [] : [parts.flatMap { $0 }]
    }
}
