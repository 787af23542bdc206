import BulwarkCore
import Dispatch
import Foundation
import Synchronization

/// Runs the Kubernetes rules over an inventory: per-object and per-pod rules and the whole-inventory
/// rules in one parallel pass, then inline `bulwark.dev/ignore` suppressions.
public struct KubernetesScanner: Sendable {
    public static let ignoreAnnotation = "bulwark.dev/ignore"

    public let rules: [KubernetesRule]
    /// Collects the time of each rule when set.
    public let timings: RuleTimings?

    public init(rules: [KubernetesRule] = KubernetesRules.all, timings: RuleTimings? = nil) {
        self.rules = rules
        self.timings = timings
    }

    /// A rule's check, timed when timings are collected.
    private func run<T>(_ rule: KubernetesRule, _ body: () -> [T]) -> [T] {
        guard let timings else { return body() }
        return timings.measure(rule.id, body)
    }

    /// Scans each independent part of the inventory (see `InventoryPartition`) with its own index.
    public func scan(_ inventory: Inventory) -> [Finding] {
        let groups = InventoryPartition.groups(of: inventory.objects)
        if groups.count <= 1 { return scan(InventoryIndex(inventory.objects)) }
        return groups.flatMap { group in scan(InventoryIndex(group.map { inventory.objects[$0] })) }
    }

    /// Scans one index; its memo (analyses the rules shared) is cleared when the scan ends.
    public func scan(_ index: InventoryIndex) -> [Finding] {
        defer { index.memo.removeAll() }
        var podRules: [(KubernetesRule, @Sendable (PodSpecView, InventoryIndex) -> [Violation])] = []
        var objectRules: [(KubernetesRule, @Sendable (KubeObject, InventoryIndex) -> [Violation])] = []
        var inventoryRules: [(KubernetesRule, @Sendable (InventoryIndex) -> [Violation])] = []
        for rule in rules {
            switch rule.check {
            case .pod(let check): podRules.append((rule, check))
            case .object(let check): objectRules.append((rule, check))
            case .inventory(let check): inventoryRules.append((rule, check))
            }
        }
        let objectChecks = objectRules
        let podChecks = podRules
        let inventoryChecks = inventoryRules
        let ownership = index.ownership
        @Sendable func scanObject(_ position: Int) -> [Finding] {
            // An object a controller of the input made (a Pod of a ReplicaSet of a Deployment) is
            // judged through the top of its chain, whose findings say how many objects share it.
            if ownership.isJudgedThroughOwner(position) { return [] }
            let suffix = ownership.sharedSuffix(position: position, kind: index.objects[position].kind)
            let object = index.objects[position]
            let ignores = Self.ignores(of: object, pods: index.podSpecsByObject[position])
            var findings: [Finding] = []
            for (rule, check) in objectChecks {
                for violation in run(rule, { check(object, index) }) {
                    findings.append(Self.finding(rule, Self.shared(violation, suffix, ownership), object: object, ignores: ignores))
                }
            }
            for pod in index.podSpecsByObject[position] {
                for (rule, check) in podChecks {
                    for violation in run(rule, { check(pod, index) }) {
                        findings.append(Self.finding(rule, Self.shared(violation, suffix, ownership), object: object, ignores: ignores))
                    }
                }
            }
            return findings
        }
        @Sendable func scanInventory(_ number: Int) -> [Finding] {
            let (rule, check) = inventoryChecks[number]
            var violations = run(rule, { check(index) })
            // A violation about an object judged through its controller is about the controller:
            // dropped when the rule reports the controller itself, else moved to it (once).
            if violations.contains(where: { $0.object.map(ownership.isJudgedThroughOwner) ?? false }) {
                var reported = Set(violations.compactMap { violation in
                    violation.object.flatMap { ownership.judgingOwner(of: $0) == nil ? ownership.position(of: $0) : nil }
                })
                violations = violations.compactMap { violation in
                    guard let target = violation.object, let top = ownership.judgingOwner(of: target) else { return violation }
                    guard reported.insert(top).inserted else { return nil }
                    var moved = violation
                    moved.object = index.objects[top]
                    moved.node = nil
                    moved.field = nil
                    return moved
                }
            }
            return violations.map { violation in
                let ignores = violation.object.map { Self.ignores(of: $0, pods: []) } ?? [:]
                var violation = violation
                if let target = violation.object { violation.message += ownership.sharedSuffix(for: target) }
                return Self.finding(rule, violation, object: violation.object, ignores: ignores)
            }
        }
        // One parallel pass over whole-inventory rules and chunks of objects, interleaved (rule, chunk,
        // rule, chunk …): while one thread builds an engine that the next rules need (NetworkPolicy
        // reachability, RBAC analysis; `Memo` makes them wait for it), the others scan objects.
        let objectCount = index.objects.count
        let chunk = max(16, objectCount / (ProcessCores.count * 16))
        let objectRanges = stride(from: 0, to: objectCount, by: chunk).map { $0..<min($0 + chunk, objectCount) }
        // Result slots: inventory rules first, then object chunks.
        let taskCount = inventoryChecks.count + objectRanges.count
        let order = (0..<max(inventoryChecks.count, objectRanges.count)).flatMap { step in
            [step < inventoryChecks.count ? step : nil, step < objectRanges.count ? inventoryChecks.count + step : nil].compactMap { $0 }
        }
        let results = Mutex<[[Finding]]>(Array(repeating: [], count: taskCount))
        DispatchQueue.concurrentPerform(iterations: taskCount) { number in
            let slot = order[number]
            var found: [Finding] = []
            if slot < inventoryChecks.count {
                found = scanInventory(slot)
            } else {
                for position in objectRanges[slot - inventoryChecks.count] { found += scanObject(position) }
            }
            results.withLock { $0[slot] = found }
        }
        var parts = results.withLock { parts in
            let taken = parts
            parts = []
            return taken
        }
        // Report order: objects first, then the whole-inventory rules, each in rule order.
        var findings: [Finding] = []
        findings.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        // Each part is released once copied, so the findings exist about once at a time.
        for position in Array(inventoryChecks.count..<taskCount) + Array(0..<inventoryChecks.count) {
            findings += parts[position]
            parts[position] = []
        }
        return findings
    }

    /// The violation with the owner's suffix, when it is about the scanned object itself.
    static func shared(_ violation: Violation, _ suffix: String, _ ownership: Ownership) -> Violation {
        var violation = violation
        if let other = violation.object {
            violation.message += ownership.sharedSuffix(for: other)
        } else {
            violation.message += suffix
        }
        return violation
    }

    static func finding(_ rule: KubernetesRule, _ violation: Violation, object: KubeObject?, ignores: [String: String]) -> Finding {
        let target = violation.object ?? object
        let location = target?.location(of: violation.node)
            ?? violation.node.map { $0.position.located(in: "") } ?? SourceLocation(file: "", line: 1, column: 1)
        return rule.descriptor.finding(
            violation, at: location, object: target?.reference(container: violation.container),
            suppression: rule.descriptor.suppression(in: ignores), templateSource: target?.helmSource, field: violation.field)
    }

    /// `metadata.annotations["bulwark.dev/ignore"]: "rule-id[,rule-id…]: reason"` on the object
    /// (or its pod template) suppresses those rules for that object; `*` suppresses all.
    /// Returns rule id → reason.
    static func ignores(of object: KubeObject, pods: [PodSpecView]) -> [String: String] {
        var values: [String] = []
        if let value = object.annotations[ignoreAnnotation] { values.append(value) }
        for pod in pods {
            if let value = pod.podAnnotations[ignoreAnnotation] { values.append(value) }
        }
        var ignores: [String: String] = [:]
        for value in values {
            let (rules, reason) = parseIgnore(value)
            for rule in rules where ignores[rule] == nil {
                ignores[rule] = reason
            }
        }
        return ignores
    }

    /// Parses an ignore annotation into rule ids and the reason.
    public static func parseIgnore(_ value: String) -> (rules: [String], reason: String) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let ids = parts[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        return (ids, reason.isEmpty ? "suppressed by \(ignoreAnnotation) annotation" : reason)
    }
}
