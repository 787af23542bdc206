import BulwarkCore
import Synchronization

/// `aggregationRule`s resolved over the selector graph, in time and memory that grow with the
/// roles, their labels and the rules they end up holding, not with the square of the roles.
///
/// An aggregated ClusterRole holds its own rules plus the rules of every other ClusterRole one of
/// its selectors matches, recursively (`admin` aggregates `edit`, which aggregates `view`): the
/// least fixpoint of `rules(r) = own(r) ∪ rules(s) for every s that r selects`, which is what the
/// aggregation controller converges to over successive reconciles when the written rules are kept.
///
/// - The selector graph is built once, through an index of ClusterRoles by label, so that a
///   selector is matched against the roles carrying one of its labels only.
/// - Roles on a cycle (`a` selects `b`, which selects `a`) form a strongly connected component and
///   hold the same rules; they share one array, computed once.
/// - A role's rules are computed when first asked for, by a preorder walk of the graph that lists
///   its own rules, then each selected role's in the order of the input, without repeats. On an
///   acyclic graph that is the order of the recursive definition.
final class RBACAggregation: Sendable {
    private let roles: [RBACRole]
    /// The ClusterRoles each aggregated ClusterRole selects (positions in `roles`, ascending, itself excluded).
    let selected: [[Int]]
    /// The strongly connected component of each role (its first member's position).
    let componentEntry: [Int]
    /// Rules per component entry, computed on first use.
    private let resolved = Mutex<[Int: [RBACPolicyRule]]>([:])
    private let counter = WorkCounter()

    init(_ roles: [RBACRole]) {
        self.roles = roles
        var byLabel: [LabelPair: [Int]] = [:]
        var byKey: [String: [Int]] = [:]
        var clusterRoles: [Int] = []
        for (position, role) in roles.enumerated() where role.kind == .clusterRole {
            clusterRoles.append(position)
            for (key, value) in role.labels {
                byLabel[LabelPair(key: key, value: value), default: []].append(position)
                byKey[key, default: []].append(position)
            }
        }
        var work = 0
        var selected = [[Int]](repeating: [], count: roles.count)
        for (position, role) in roles.enumerated() {
            guard let selectors = role.aggregationSelectors else { continue }
            var found: Set<Int> = []
            for selector in selectors {
                let candidates: [Int]
                switch selector.anchor {
                case .nothing: candidates = []
                case .label(let key, let values):
                    candidates = values.count == 1
                        ? byLabel[LabelPair(key: key, value: values[0])] ?? []
                        : values.flatMap { byLabel[LabelPair(key: key, value: $0)] ?? [] }
                case .key(let key): candidates = byKey[key] ?? []
                case .everything: candidates = clusterRoles
                }
                for other in candidates where other != position {
                    work += 1
                    if selector.matches(roles[other].labels) { found.insert(other) }
                }
            }
            selected[position] = found.sorted()
        }
        self.selected = selected
        componentEntry = Self.components(selected)
        counter.add(work + roles.count)
    }

    /// Steps taken so far: selector candidates matched, roles visited and rules added while
    /// resolving. Tests hold it to the growth of the input; it is no clock.
    var work: Int { counter.total }

    /// The rules of the role at `position`, aggregation resolved. Roles of one cycle share the array.
    func rules(of position: Int) -> [RBACPolicyRule] {
        let role = roles[position]
        guard role.isAggregated else { return role.rules }
        let entry = componentEntry[position]
        if let done = resolved.withLock({ $0[entry] }) { return done }
        let rules = walk(from: entry)
        return resolved.withLock { cache in
            if let done = cache[entry] { return done }
            cache[entry] = rules
            return rules
        }
    }

    /// The role whose rules the role at `position` shares: itself, or the first member of its cycle.
    func ruleSetOwner(of position: Int) -> Int { componentEntry[position] }

    /// Own rules of `start` as written, then those of every role reachable from it in preorder,
    /// each rule once.
    private func walk(from start: Int) -> [RBACPolicyRule] {
        var rules = roles[start].rules
        var seen = Set(rules)
        var visited: Set<Int> = [start]
        var stack: [(role: Int, next: Int)] = [(start, 0)]
        var steps = 1
        while let top = stack.last {
            let successors = selected[top.role]
            guard top.next < successors.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            let other = successors[top.next]
            steps += 1
            guard visited.insert(other).inserted else { continue }
            for rule in roles[other].rules where seen.insert(rule).inserted {
                rules.append(rule)
            }
            steps += roles[other].rules.count
            stack.append((other, 0))
        }
        counter.add(steps + rules.count)
        return rules
    }

    /// For each node, the smallest node of its strongly connected component (Tarjan's algorithm,
    /// iterative, so that a ring of ten thousand roles does not exhaust the stack).
    static func components(_ edges: [[Int]]) -> [Int] {
        let count = edges.count
        var index = [Int](repeating: -1, count: count)
        var low = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var entry = Array(0..<count)
        var next = 0
        for root in 0..<count where index[root] < 0 {
            var frames: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = next
            low[root] = next
            next += 1
            stack.append(root)
            onStack[root] = true
            while let frame = frames.last {
                let node = frame.node
                if frame.edge < edges[node].count {
                    frames[frames.count - 1].edge += 1
                    let other = edges[node][frame.edge]
                    if index[other] < 0 {
                        index[other] = next
                        low[other] = next
                        next += 1
                        stack.append(other)
                        onStack[other] = true
                        frames.append((other, 0))
                    } else if onStack[other] {
                        low[node] = min(low[node], index[other])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { low[parent.node] = min(low[parent.node], low[node]) }
                guard low[node] == index[node] else { continue }
                var members: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    members.append(member)
                    if member == node { break }
                }
                let smallest = members.min() ?? node
                for member in members { entry[member] = smallest }
            }
        }
        return entry
    }
}
