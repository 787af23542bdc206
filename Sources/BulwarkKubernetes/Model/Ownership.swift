import BulwarkCore

/// Which objects of an inventory a controller in the same inventory made, from
/// `metadata.ownerReferences` (the entry with `controller: true`).
///
/// A live dump (`kubectl get all -A -o yaml`) holds a Deployment, its ReplicaSet and its Pods, all
/// with the same pod template. An object with a pod spec whose controller is in the input and has a
/// pod spec too is judged through that controller: the pod and object rules run on the top of the chain only (Pod → ReplicaSet →
/// Deployment, Pod → Job → CronJob, Pod → StatefulSet/DaemonSet, …), and each of its findings says
/// how many running objects share it. An object whose controller is absent is judged itself.
///
/// The owner is found by `uid` when both the reference and an object of the input have one, else by
/// kind, name and the owned object's namespace (owner references never cross namespaces). Linear in
/// the number of objects; chains are followed with a bound, so a cycle in odd input ends.
public struct Ownership: Sendable {
    /// For each object (by position), the top of its chain of controllers in the input, or nil when
    /// its controller is not in the input (or it has none).
    public let judgedThrough: [Int?]
    /// For each top-of-chain object (by position), the objects judged through it, counted by kind,
    /// nearest the top first: `[("ReplicaSet", 1), ("Pod", 3)]`.
    public let sharers: [Int: [(kind: String, count: Int)]]
    /// Positions of the objects with sharers, by identity (`kind/namespace/name`), for findings that
    /// whole-inventory rules report on a copy of the object.
    private let ownerPositions: [String: Int]
    /// The top of the chain (by position) of each object judged through a controller, by identity
    /// (`kind/namespace/name/uid`).
    private let ownedIdentities: [String: Int]

    /// The controller reference of an object: the `ownerReferences` entry with `controller: true`.
    public struct ControllerReference: Sendable, Hashable {
        public let kind: String
        public let name: String
        public let uid: String?
    }

    /// `hasPodSpecs[i]` says whether object `i` has pod specs (`PodSpecExtractor`); computed when nil.
    /// Only an object with pod specs is judged through an owner with pod specs: that is where the
    /// findings repeat (a Service or ConfigMap an operator made has findings of its own, and pods
    /// owned by a custom resource without pod template, such as a Prometheus, are judged at their
    /// StatefulSet).
    public init(_ objects: [KubeObject], hasPodSpecs: [Bool]? = nil) {
        // Manifests written by hand have no owner references: nothing to index (no cost per object).
        guard objects.contains(where: { $0.metadata?["ownerReferences"] != nil }) else {
            judgedThrough = Array(repeating: nil, count: objects.count)
            sharers = [:]
            ownerPositions = [:]
            ownedIdentities = [:]
            return
        }
        var byUID: [String: Int] = [:]
        var byName: [String: Int] = [:]
        for (position, object) in objects.enumerated() {
            if let uid = object.uid, byUID[uid] == nil { byUID[uid] = position }
            let key = Self.identity(kind: object.kind, namespace: object.effectiveNamespace, name: object.name)
            if byName[key] == nil { byName[key] = position }
        }
        let podSpecs = hasPodSpecs ?? objects.map { !PodSpecExtractor.podSpecs(in: $0).isEmpty }
        // The direct owner of each object in the input.
        let owner: [Int?] = objects.enumerated().map { position, object in
            guard podSpecs[position], let reference = object.controllerReference else { return nil }
            var found: Int?
            if let uid = reference.uid, let candidate = byUID[uid] {
                found = candidate
            } else if let candidate = byName[Self.identity(kind: reference.kind, namespace: object.effectiveNamespace, name: reference.name)] {
                // By name only when the uids cannot tell: a candidate whose uid differs is another object.
                if let uid = reference.uid, let other = objects[candidate].uid, uid != other { found = nil } else { found = candidate }
            }
            guard let found, found != position, objects[found].kind == reference.kind, podSpecs[found] else { return nil }
            return found
        }
        var tops: [Int?] = Array(repeating: nil, count: objects.count)
        var counts: [Int: [(kind: String, count: Int, depth: Int)]] = [:]
        for position in objects.indices {
            guard var top = owner[position] else { continue }
            var steps = 0
            var cycle = false
            while let next = owner[top] {
                steps += 1
                if next == position || steps > 16 {
                    cycle = true
                    break
                }
                top = next
            }
            // A cycle of owners (not something the API server keeps) is judged object by object.
            guard !cycle else { continue }
            tops[position] = top
            let kind = objects[position].kind
            if let slot = counts[top]?.firstIndex(where: { $0.kind == kind }) {
                counts[top]?[slot].count += 1
            } else {
                counts[top, default: []].append((kind, 1, steps))
            }
        }
        judgedThrough = tops
        // Nearest the owner first: `1 ReplicaSet and 3 Pods`, whatever order the dump lists them in.
        sharers = counts.mapValues { list in
            list.enumerated().sorted { ($0.element.depth, $0.offset) < ($1.element.depth, $1.offset) }
                .map { (kind: $0.element.kind, count: $0.element.count) }
        }
        var positions: [String: Int] = [:]
        for top in counts.keys {
            let object = objects[top]
            positions[Self.identity(kind: object.kind, namespace: object.effectiveNamespace, name: object.name)] = top
        }
        ownerPositions = positions
        var owned: [String: Int] = [:]
        for (position, top) in tops.enumerated() {
            if let top { owned[Self.ownedIdentity(objects[position])] = top }
        }
        ownedIdentities = owned
    }

    /// Whether the object at `position` is judged through a controller of the input.
    public func isJudgedThroughOwner(_ position: Int) -> Bool {
        position < judgedThrough.count && judgedThrough[position] != nil
    }

    /// Whether `object` (a copy a whole-inventory rule reports on) is judged through a controller
    /// of the input: the object has a controller reference that resolves in the input.
    public func isJudgedThroughOwner(_ object: KubeObject) -> Bool {
        judgingOwner(of: object) != nil
    }

    /// The position of the object `object` (a copy) is judged through, or nil when it is judged itself.
    public func judgingOwner(of object: KubeObject) -> Int? {
        guard !ownedIdentities.isEmpty, object.metadata?["ownerReferences"] != nil else { return nil }
        return ownedIdentities[Self.ownedIdentity(object)]
    }

    /// The position of a copy of a top-of-chain object (one that others are judged through).
    public func position(of object: KubeObject) -> Int? {
        ownerPositions.isEmpty ? nil : ownerPositions[Self.identity(kind: object.kind, namespace: object.effectiveNamespace, name: object.name)]
    }

    /// ` (also in 1 ReplicaSet and 3 Pods of this Deployment)` for an object with sharers, else empty.
    public func sharedSuffix(position: Int, kind: String) -> String {
        guard let list = sharers[position], !list.isEmpty else { return "" }
        let parts = list.map { "\($0.count) \($0.kind)\($0.count == 1 ? "" : "s")" }
        let joined = parts.count <= 1 ? parts.joined()
            : parts.dropLast().joined(separator: ", ") + " and " + (parts.last ?? "")
        return " (also in \(joined) of this \(kind))"
    }

    /// The suffix for a copy of an object (see `sharedSuffix(position:kind:)`).
    public func sharedSuffix(for object: KubeObject) -> String {
        guard !ownerPositions.isEmpty,
              let position = ownerPositions[Self.identity(kind: object.kind, namespace: object.effectiveNamespace, name: object.name)]
        else { return "" }
        return sharedSuffix(position: position, kind: object.kind)
    }

    private static func ownedIdentity(_ object: KubeObject) -> String {
        identity(kind: object.kind, namespace: object.effectiveNamespace, name: object.name) + "/" + (object.uid ?? "")
    }

    static func identity(kind: String, namespace: String?, name: String) -> String {
        "\(kind)/\(namespace ?? "")/\(name)"
    }
}

extension KubeObject {
    /// `metadata.uid`, set on objects read back from a cluster.
    public var uid: String? { metadata?["uid"]?.string.flatMap { $0.isEmpty ? nil : $0 } }

    /// The `metadata.ownerReferences` entry with `controller: true`, if any.
    public var controllerReference: Ownership.ControllerReference? {
        for entry in metadata?["ownerReferences"]?.items ?? [] where entry["controller"]?.bool == true {
            guard let kind = entry["kind"]?.string, let name = entry["name"]?.string else { continue }
            return Ownership.ControllerReference(kind: kind, name: name, uid: entry["uid"]?.string.flatMap { $0.isEmpty ? nil : $0 })
        }
        return nil
    }
}
